// Redaction: secrets never survive into anything stored. Each case asserts that the secret
// string appears nowhere in JSON.stringify of the output.
import { compare } from '../../../src/core/compare/compare';
import { redactBody, redactDifferences, redactHeaders, REDACTED } from '../../../src/core/compare/redact';
import type { Difference } from '../../../src/core/compare/types';
import { aJsonObservation, compiled } from './builders';

const SECRET = 's3cr3t-Value';

describe('redactHeaders', () => {
  it.each([
    ['Authorization', `Bearer ${SECRET}`, REDACTED],
    ['proxy-authorization', `Basic ${SECRET}`, REDACTED],
    ['x-api-key', SECRET, REDACTED],
    ['cookie', `sid=${SECRET}; theme=dark`, `sid=${REDACTED}; theme=${REDACTED}`],
    ['set-cookie', [`sid=${SECRET}; Path=/; HttpOnly`], [`sid=${REDACTED}; Path=/; HttpOnly`]],
  ])('%s is redacted (cookie names and attributes kept)', (name, value, expected) => {
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
