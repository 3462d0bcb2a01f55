// The other side's own cookies for the client's copies (core/own-token.ts): paired from two answers to one request.
import { issuedCredentials, learnIssuedCredentials, learnOwnCookies, learnPairedCookies, withOwnCookies, withOwnCredentials } from '../../src/core/own-token';

const cookieOf = (tokens: Map<string, string>, sent: string): string => withOwnCookies(['cookie', sent], tokens)[1]!;

describe('sessions both sides set in answer to one request', () => {
  it('the answering side\'s value is sent to the other side as its own; a session it ends is no longer swapped', () => {
    const tokens = new Map<string, string>();
    learnPairedCookies({ 'set-cookie': ['JSESSIONID=AAA111; Path=/; HttpOnly', 'theme=dark'] }, { 'set-cookie': ['JSESSIONID=BBB222; Path=/; HttpOnly'] }, tokens);
    expect(cookieOf(tokens, 'JSESSIONID=AAA111; theme=dark')).toBe('JSESSIONID=BBB222; theme=dark');
    // Logout: the other side ends its session in answer to a copy (which carried its own value for the client's).
    learnOwnCookies({ 'set-cookie': ['JSESSIONID=; Max-Age=0; Path=/'] }, tokens, () => new Map([['JSESSIONID', 'AAA111']]));
    expect(cookieOf(tokens, 'JSESSIONID=AAA111')).toBe('JSESSIONID=AAA111');
  });

  it('the same value on both sides, a cookie one side alone sets, or an anti-forgery cookie are not paired here', () => {
    const tokens = new Map<string, string>();
    learnPairedCookies({ 'set-cookie': ['lang=en', 'sid=X1', 'XSRF-TOKEN=aaaaaaaaaaaa'] }, { 'set-cookie': ['lang=en', 'other=Y1', 'XSRF-TOKEN=bbbbbbbbbbbb'] }, tokens);
    expect(tokens.size).toBe(0);
  });
});

describe('a quoted session cookie (Tornado signs its cookies into a quoted value: Jupyter\'s login, probes14)', () => {
  it('the client sends the value back with its quotes: it is paired all the same, and the other side gets its own quoted', () => {
    const tokens = new Map<string, string>();
    learnPairedCookies({ 'set-cookie': ['username-h="2|1:0|10:1796666995|AAA="; expires=Wed, 06 Jan 2027 18:09:55 GMT; Path=/'] },
      { 'set-cookie': ['username-h="2|1:0|10:1796666995|BBB="; expires=Wed, 06 Jan 2027 18:09:55 GMT; Path=/'] }, tokens);
    expect(cookieOf(tokens, 'username-h="2|1:0|10:1796666995|AAA="; theme=dark')).toBe('username-h="2|1:0|10:1796666995|BBB="; theme=dark');
    // another client's session (or a value that only looks alike) is left as it is
    expect(cookieOf(tokens, 'username-h="2|1:0|10:1796666995|CCC="')).toBe('username-h="2|1:0|10:1796666995|CCC="');
  });
});

describe('a cookie both sides set to one value (a preference the request chose: Caddy\'s listing keeps `?sort=` in a cookie, probes15)', () => {
  it('the value the client sent before is not paired with it: the client sends the old value again later and the other side gets it as sent', () => {
    const tokens = new Map<string, string>();
    // the copy's answer, as replay learns it: the client sent sort=name, the other side set sort=size
    learnOwnCookies({ 'set-cookie': ['sort=size'] }, tokens, () => new Map([['sort', 'name']]));
    learnPairedCookies({ 'set-cookie': ['sort=size'] }, { 'set-cookie': ['sort=size'] }, tokens, 'sort=name; theme=dark');
    expect(cookieOf(tokens, 'sort=name; theme=dark')).toBe('sort=name; theme=dark');
  });

  it('a session each side opened with its own value stays paired', () => {
    const tokens = new Map<string, string>();
    learnOwnCookies({ 'set-cookie': ['sid=BBB222'] }, tokens, () => new Map([['sid', 'OLD000']]));
    learnPairedCookies({ 'set-cookie': ['sid=AAA111', 'sort=size'] }, { 'set-cookie': ['sid=BBB222', 'sort=size'] }, tokens, 'sid=OLD000; sort=name');
    expect(cookieOf(tokens, 'sid=AAA111')).toBe('sid=BBB222');
    expect(cookieOf(tokens, 'sid=OLD000')).toBe('sid=BBB222');
  });
});

describe('credentials each side issued in a login answer body', () => {
  const A = 'N2MzZDhhYzUxOTJjYmVjMzhlZTc1MDk1NTUxN2FlOTM6Mzk0ZmE2YWE4NWVmZWNiNGE1YWMwODhlOGVlYQ==';
  const B = 'NGQyMzE4ODNjNGQ2MDYyZmY2MDllODhkYzY2YjMzNzQ6YzkxMGQ1NzljMWY2NmZjZDYyYWI2MGEwZjU5NA==';
  it('pairs a token field (top level or in an object below), not a shared one, not a CSRF token, not an id', () => {
    expect(issuedCredentials({ ok: "user 'alice' created", token: A }, { ok: "user 'alice' created", token: B })).toEqual([[A, B]]);
    expect(issuedCredentials({ data: { access_token: A, expires_in: 3600 } }, { data: { access_token: B, expires_in: 3600 } })).toEqual([[A, B]]);
    expect(issuedCredentials({ token: A }, { token: A })).toEqual([]);
    expect(issuedCredentials({ csrf_token: A, id: 'user-00000000000000001' }, { csrf_token: B, id: 'user-00000000000000002' })).toEqual([]);
    expect(issuedCredentials({ token: 'short' }, { token: 'other' })).toEqual([]);
    expect(issuedCredentials([{ token: A }], [{ token: B }])).toEqual([]);
  });
  it('swaps the bearer credential and a header that carries it alone; other values untouched', () => {
    const tokens = new Map<string, string>();
    learnIssuedCredentials([[A, B]], tokens);
    expect(withOwnCredentials(['Authorization', `Bearer ${A}`, 'X-Auth-Token', A, 'X-Other', `${A}x`, 'Cookie', `t=${A}`], tokens))
      .toEqual(['Authorization', `Bearer ${B}`, 'X-Auth-Token', B, 'X-Other', `${A}x`, 'Cookie', `t=${A}`]);
    expect(withOwnCredentials(['authorization', 'Bearer someone-elses-token-0000'], tokens)).toEqual(['authorization', 'Bearer someone-elses-token-0000']);
  });
});
