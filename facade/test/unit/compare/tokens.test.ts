import { differingWords, templateOf } from '../../../src/core/compare/tokens';

const sig = (seed: string): string => encodeURIComponent(Buffer.from(`signature-${seed}-0123456789`).toString('base64'));
const sas = (file: string, at: string, s: string): string =>
  `https://files.example/invoices/${file}?st=${encodeURIComponent(at)}&se=${encodeURIComponent(at.replace('T10', 'T11'))}&sp=r&sig=${s}`;

describe('the words two strings differ at', () => {
  it('names the word of a link that differs, ids, times and signatures aside', () => {
    const a = sas('inv-7.pdf', '2026-12-05T10:00:00Z', sig('A+/'));
    const b = sas('inv-8.pdf', '2026-12-05T10:00:01Z', sig('B9x'));
    const again = sas('inv-7.pdf', '2026-12-05T10:00:02Z', sig('C7/'));
    const shadow = differingWords(a, b)!;
    const self = differingWords(a, again)!;
    expect(shadow.length).toBe(2); // the file and the signature; the times are set aside
    expect(self.length).toBe(1); // the signature only
    expect(shadow).toContain(self[0]);
  });

  it('reads words after percent-decoding and takes a lone % as written', () => {
    expect(differingWords('/a%2Fb?x=1', '/a/b?x=1')).toEqual([]);
    expect(differingWords('50% off', '50% off!')).toEqual([-1]); // the punctuation differs, no word
    expect(differingWords('50% off', '40% off')).toEqual([0]);
  });

  it('a page size next to a cursor, a path next to a token', () => {
    expect(differingWords('/articles?page[cursor]=eyJhZnRlciI6MjB9&page[size]=10', '/articles?page[cursor]=eyJhZnRlciI6MzB9&page[size]=20')).toEqual([3, 6]); // the cursor (a random-looking run, kept as one word) and the size
    expect(differingWords('/logout?_csrf=Zm9vYmFy', '/signout?_csrf=YmFyYmF6')).toEqual([0, 2]);
  });

  it('a word one string lacks is its position; a word only the second has sits half a word before the next', () => {
    expect(differingWords('sid=Zm9vYmFyYmF6cXV4MTIzNDU2; HttpOnly; Path=/', 'sid=YmF6cXV4Zm9vYmFyOTg3NjU0; Path=/')).toEqual([-1, 1, 2]); // one `; ` fewer too
    expect(differingWords('one two', 'one two three')).toEqual([-1, 1.5]);
    expect(differingWords('scope=openid email profile', 'scope=openid profile')).toEqual([-1, 2]);
  });

  it('is null when the words do not line up, and for document-sized text', () => {
    const many = (n: number, w: string): string => Array.from({ length: n }, (_, i) => `${w}${i}`).join(' ');
    expect(differingWords(many(20, 'a'), many(21, 'b'))).toBeNull();
    expect(differingWords('x'.repeat(5000), 'y'.repeat(5000))).toBeNull();
  });
});

describe('a line\'s template', () => {
  it('sets aside nonces, tokens, times and coded words, and keeps short words and numbers', () => {
    expect(templateOf('<script nonce="q8Zr3kLm9PzX1vBn2cDf4A==">')).toBe(templateOf('<script nonce="Wm5vbmNlLTQyLTk5ODc2NTQz">'));
    expect(templateOf('Generated at 2026-12-05T10:00:00Z by a1b2c3d')).toBe(templateOf('Generated at 2026-12-05T10:00:07Z by 9f8e7d6'));
    expect(templateOf('<a href="/logout">')).not.toBe(templateOf('<a href="/signout">'));
    expect(templateOf('page 2 of 7')).not.toBe(templateOf('page 3 of 7'));
  });
});

describe('punctuation that differs, the words aside', () => {
  it('is position -1: an ETag that lost its quotes beside a fresh hash, a value that gained a bracket', () => {
    expect(differingWords('"2775b5e0c1d2"', 'c2f29c0a9b8e')).toEqual([-1, 0]);
    expect(differingWords('"2775b5e0c1d2"', '"9a8b7c6d5e4f"')).toEqual([0]); // the primary's own next hash: the word only
    expect(differingWords('EUR', 'USD')).toBeNull(); // one word on both sides
  });

  it('a CSP nonce is one word wherever it stands, also one without digits that has a `/` (its halves once misaligned the line\'s words)', () => {
    expect(differingWords('<script nonce="e1p94/2LW0WX2eMa">', '<script nonce="NglemvkzuiSAW/tq">')).toEqual([]);
    expect(differingWords('<script nonce="e1p94/2LW0WX2eMa" src="/a.js">', '<script nonce="NglemvkzuiSAW/tq" src="/b.js">')).toEqual([4]); // script, nonce, (the nonce), src, a → b: the file only
    expect(differingWords("script-src 'nonce-e1p94/2LW0WX2eMa' 'strict-dynamic'", "script-src 'nonce-NglemvkzuiSAW/tq' 'strict-dynamic'")).toEqual([]);
  });

  it('an id inside a string is a word with its value (the record a link names); a digit run is set aside only as an epoch near the comparison', () => {
    const now = Date.parse('2026-12-07T08:00:00Z');
    const link = (order: string, sig: string, exp: number): string => `https://cdn.example/invoices/${order}.pdf?Expires=${exp}&Signature=${sig}`;
    const exp = Math.floor(now / 1000) + 300;
    // the order id differs and the signature: two words; the expiry (an epoch near now) is set aside
    expect(differingWords(link('5123456789012', 'Ab3dEf9GhIjKlMnOpQrS', exp), link('5123456789013', 'Zq9xWv8UtSrQpOnMlKjI', exp + 7), now)).toEqual([4, 9]);
    expect(differingWords('/users/3f2504e0-4f89-41d3-9a0c-0305e82c3301/avatar.png', '/users/7c9e6679-7425-40de-944b-e07fc1f90ae7/avatar.png', now)).toEqual([1]);
    // a time stays set aside: 1,765,000,000 s is December 2025
    expect(differingWords('/exports/1765000000/report.csv', '/exports/1765000042/report.csv', now)).toEqual([]);
  });

  it('a decimal number is one word: a figure whose fraction moves has moved', () => {
    expect(differingWords('Total: 1582.57 EUR', 'Total: 1582.61 EUR')).toEqual([1]);
    expect(differingWords('ReqPerSec: .193142', 'ReqPerSec: 17.441860')).toEqual([1]);
    expect(differingWords('/js/jquery-3.7.1.min.js', '/js/jquery-3.6.0.min.js')).toEqual([1]); // a version is one word too
    expect(differingWords('/api/v1/items.json', '/api/v2/items.json')).toEqual([1]); // a file's extension is not a fraction
  });
});

