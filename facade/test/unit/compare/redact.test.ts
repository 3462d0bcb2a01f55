// Redaction: secrets never survive into anything stored. Each case asserts that the secret
// string appears nowhere in JSON.stringify of the output.
import { compare } from '../../../src/core/compare/compare';
import {
  fingerprint, redactBody, redactDifferences, redactHeaders, redactLogRecord, redactText, redactUrl, REDACTED,
  SECRET_FIELD_PATTERNS, SECRET_HEADERS, SECRET_QUERY_PARAMS,
} from '../../../src/core/compare/redact';
import type { Difference } from '../../../src/core/compare/types';
import { aJsonObservation, compiled } from './builders';

const SECRET = 's3cr3t-Value';

describe('redactHeaders', () => {
  it.each([
    ['Authorization', `Bearer ${SECRET}`, `Bearer ${REDACTED}`],
    ['proxy-authorization', `Basic ${SECRET}`, `Basic ${REDACTED}`],
    ['x-api-key', SECRET, REDACTED],
    ['cookie', `sid=${SECRET}; theme=dark`, `sid=${REDACTED}; theme=${REDACTED}`],
    ['set-cookie', [`sid=${SECRET}; Path=/; HttpOnly`], [`sid=${REDACTED}; Path=/; HttpOnly`]],
  ])('%s is redacted (cookie names, attributes and the auth scheme kept)', (name, value, expected) => {
    const out = redactHeaders({ [name]: value, 'content-type': 'application/json' });
    expect(out[name]).toEqual(expected);
    expect(out['content-type']).toBe('application/json');
    expect(JSON.stringify(out)).not.toContain(SECRET);
  });

  it('extra header names can be redacted too', () => {
    expect(JSON.stringify(redactHeaders({ 'X-Csrf-Token': SECRET }, ['x-csrf-token']))).not.toContain(SECRET);
  });
});

describe('redactBody', () => {
  it.each([
    ['$.password', { user: 'ada', password: SECRET }, { user: 'ada', password: REDACTED }],
    ['$..card_number', { order: { payment: { card_number: SECRET, last4: '4242' } } }, { order: { payment: { card_number: REDACTED, last4: '4242' } } }],
    ['$.items[*].token', { items: [{ token: SECRET }, { token: SECRET, id: 2 }] }, { items: [{ token: REDACTED }, { token: REDACTED, id: 2 }] }],
    ['$.credentials', { credentials: { user: 'a', key: SECRET } }, { credentials: REDACTED }],
  ])('%s replaces the value wherever it matches', (pattern, body, expected) => {
    const out = redactBody(body, [pattern]);
    expect(out).toEqual(expected);
    expect(JSON.stringify(out)).not.toContain(SECRET);
  });

  it('leaves its input untouched', () => {
    const body = { password: SECRET };
    redactBody(body, ['$.password']);
    expect(body.password).toBe(SECRET);
  });
});

describe('redactDifferences', () => {
  it.each<[string, Difference]>([
    ['a difference at a redacted path', { path: '$.password', kind: 'changed', primary: SECRET, shadow: `${SECRET}2` }],
    ['a difference below a redacted path', { path: '$.credentials.key', kind: 'added', primary: undefined, shadow: SECRET }],
    ['an object value holding a redacted field', { path: '$.user', kind: 'added', primary: undefined, shadow: { name: 'a', card_number: SECRET } }],
    ['an array value holding a redacted field', { path: '$.items', kind: 'removed', primary: [{ token: SECRET }], shadow: undefined }],
    ['an authorization header difference', { path: 'headers.authorization', kind: 'changed', primary: `Bearer ${SECRET}`, shadow: 'Bearer x' }],
    ['a set-cookie difference', { path: 'cookies.sid', kind: 'changed', primary: `sid=${SECRET}; path=/`, shadow: 'sid=x; path=/' }],
  ])('%s is redacted', (_name, diff) => {
    const out = redactDifferences([diff], ['$.password', '$.credentials', '$..card_number', '$.items[*].token']);
    expect(JSON.stringify(out)).not.toContain(SECRET);
    expect(out[0]?.path).toBe(diff.path);
  });

  it('keeps cookie names and attributes so the report still says what differed', () => {
    const [out] = redactDifferences([{ path: 'cookies.sid', kind: 'changed', primary: `sid=${SECRET}; path=/`, shadow: 'sid=x; path=/; secure' }], []);
    expect(out).toEqual({ path: 'cookies.sid', kind: 'changed', primary: `sid=${REDACTED}; path=/`, shadow: `sid=${REDACTED}; path=/; secure` });
  });

  it('keeps the reason of an ignored difference', () => {
    const [out] = redactDifferences([{ path: '$.password', kind: 'changed', primary: SECRET, shadow: 'x', reason: 'rotated' }], ['$.password']);
    expect(out).toEqual({ path: '$.password', kind: 'changed', primary: REDACTED, shadow: REDACTED, reason: 'rotated' });
  });

  it('compare returns mismatched and ignored differences already redacted', () => {
    const rules = compiled({
      headers: ['authorization'],
      cookies: ['sid'],
      redact: ['$.password', '$..card_number'],
      ignore: [{ path: '$.card', reason: 'tokenized differently' }],
    });
    const primary = aJsonObservation({ password: SECRET, card: { card_number: SECRET } }, { authorization: `Bearer ${SECRET}`, 'set-cookie': `sid=${SECRET}` });
    const shadow = aJsonObservation({ password: 'other', card: { card_number: 'other' } }, { authorization: 'Bearer other', 'set-cookie': 'sid=other' });
    const result = compare(primary, shadow, rules);
    expect(result.mismatched.map((d) => d.path)).toEqual(['headers.authorization', 'cookies.sid', '$.password']);
    expect(result.ignored.map((d) => d.path)).toEqual(['$.card.card_number']);
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });
});

const KEY = 'test-key-0123456789abcdef';
const keyed = { key: KEY };
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI0MiIsIm5hbWUiOiJhZGEifQ.c2lnbmF0dXJlLWJ5dGVz';
const FP = /^\[REDACTED:[0-9a-f]{6}\]$/;

describe('the built-in lists', () => {
  it.each(SECRET_HEADERS)('the header %s is redacted by default, whatever its case', (name) => {
    const out = redactHeaders({ [name.toUpperCase()]: SECRET, 'content-type': 'text/plain' }, [], keyed);
    expect(JSON.stringify(out)).not.toContain(SECRET);
    expect(out['content-type']).toBe('text/plain');
  });

  it.each(SECRET_QUERY_PARAMS)('the query parameter %s is redacted by default (and the others kept)', (name) => {
    const out = redactUrl(`/api/orders?page=2&${name}=${SECRET}&${name.toUpperCase()}=${SECRET}2&sort=asc`, keyed);
    expect(out).not.toContain(SECRET);
    expect(out).toMatch(/^\/api\/orders\?page=2&.*&sort=asc$/);
  });

  it.each(SECRET_FIELD_PATTERNS)('a JSON field named like %s is redacted at any depth, in arrays too, snake_case or camelCase', (pattern) => {
    const camel = pattern.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    const body = { [pattern]: SECRET, user: { [camel]: SECRET, list: [{ [`my_${pattern}`]: [SECRET] }] }, name: 'ada' };
    const out = redactBody(body, [], keyed) as typeof body;
    expect(JSON.stringify(out)).not.toContain(SECRET);
    expect(out.name).toBe('ada');
  });

  it.each([
    'x-auth-token', 'x-api-key', 'proxy-authorization', 'authorization', 'cookie', 'set-cookie',
  ])('%s is on the documented header list', (name) => {
    expect(SECRET_HEADERS).toContain(name);
  });

  it.each([
    'access_token', 'token', 'api_key', 'apikey', 'key', 'password', 'secret', 'signature', 'sig',
  ])('%s is on the documented query parameter list', (name) => {
    expect(SECRET_QUERY_PARAMS).toContain(name);
  });

  it.each([
    ['accessToken'], ['refresh-token'], ['X-Api-Key'], ['clientSecret'], ['userPassword'], ['cardNumber'], ['CVV'], ['ssn'], ['passwd'],
  ])('the field %s counts as a secret', (name) => {
    expect(JSON.stringify(redactBody({ [name]: SECRET }, [], keyed))).not.toContain(SECRET);
  });

  it.each([['className'], ['author'], ['business_name'], ['keyboard'], ['total'], ['description']])('the field %s does not', (name) => {
    expect(redactBody({ [name]: 'plain' }, [], keyed)).toEqual({ [name]: 'plain' });
  });
});

describe('JWT-shaped values anywhere', () => {
  it('in a body string, a header of any name, a URL path and query, and free text', () => {
    expect(JSON.stringify(redactBody({ note: `sent ${JWT} to you` }, [], keyed))).not.toContain(JWT);
    expect(JSON.stringify(redactHeaders({ 'x-debug': JWT }, [], keyed))).not.toContain(JWT);
    expect(redactUrl(`/reset/${JWT}?next=${JWT}`, keyed)).not.toContain('eyJ');
    expect(redactText(`line with ${JWT}.`, keyed)).toMatch(/^line with \[REDACTED:[0-9a-f]{6}\]\.$/);
  });

  it('can be switched off (jwt: false) where a route must compare them as generated values', () => {
    expect(redactText(`x ${JWT}`, { key: KEY, jwt: false })).toBe(`x ${JWT}`);
  });
});

describe('keyed fingerprints', () => {
  it('two different secrets stay different, the same secret looks the same, and nothing of it shows', () => {
    const [d] = redactDifferences([{ path: '$.token', kind: 'changed', primary: 'tok-A', shadow: 'tok-B' }], [], keyed);
    expect(d.primary).toMatch(FP);
    expect(d.shadow).toMatch(FP);
    expect(d.primary).not.toBe(d.shadow);
    const [again] = redactDifferences([{ path: '$.token', kind: 'changed', primary: 'tok-A', shadow: 'tok-C' }], [], keyed);
    expect(again.primary).toBe(d.primary);
  });

  it('depends on the key: another installation cannot match them', () => {
    expect(fingerprint(SECRET, KEY)).not.toBe(fingerprint(SECRET, `${KEY}x`));
    expect(fingerprint(SECRET, KEY)).toMatch(FP);
  });

  it('a header difference between two bearer tokens is still a difference once redacted', () => {
    const out = redactHeaders({ authorization: 'Bearer one' }, [], keyed).authorization;
    expect(out).toMatch(/^Bearer \[REDACTED:[0-9a-f]{6}\]$/);
    expect(out).not.toBe(redactHeaders({ authorization: 'Bearer two' }, [], keyed).authorization);
  });

  it('redacting twice changes nothing', () => {
    const once = redactBody({ token: SECRET, note: JWT }, [], keyed);
    expect(redactBody(once, [], keyed)).toEqual(once);
  });

  it('without a key a secret becomes plain [REDACTED]', () => {
    expect(redactBody({ token: SECRET }, [])).toEqual({ token: REDACTED });
  });
});

describe('redactLogRecord', () => {
  it('masks URLs, headers, error messages and stacks the way stored data is masked', () => {
    const err = new Error(`GET /x?access_token=${SECRET} failed`);
    const out = redactLogRecord({ url: `/x?token=${SECRET}`, headers: { authorization: `Bearer ${SECRET}`, 'x-api-key': SECRET }, err, requestId: 'r-1' }, keyed) as Record<string, unknown>;
    expect(JSON.stringify(out)).not.toContain(SECRET);
    expect((out.err as Error).message).not.toContain(SECRET);
    expect((out.err as Error).stack).not.toContain(SECRET);
    expect(out.err).toBeInstanceOf(Error);
    expect(out.requestId).toBe('r-1');
  });
});
