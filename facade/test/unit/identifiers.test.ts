// Identifier detection (path segments become `:id`, generated JSON keys become `*`): the quick
// answer for strings without a digit must be the one the full rules give.
import { isGeneratedId, isIdSegment } from '../../src/core/identifiers';

// The rules as stated, without the shortcut.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^(?=.*\d)[0-9a-f]{8,}$/i;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/i;
const TOKEN = /^(?=(?:.*\d){2})[A-Za-z0-9_-]{16,}$/;
const KEYED = /^[A-Za-z0-9_.~-]*\d{3,}[A-Za-z0-9_.~-]*$/;
const generated = (s: string): boolean => UUID.test(s) || HEX.test(s) || ULID.test(s) || TOKEN.test(s);
const segment = (s: string): boolean => /^\d+$/.test(s) || KEYED.test(s) || generated(s);

function* strings(): Generator<string> {
  yield* ['', 'api', 'users', 'SKU-000011', '42', 'deadbeef', 'deadbeef1', 'abcdefab-abcd-abcd-abcd-abcdefabcdef', 'ABCDEFGHJKMNPQRSTVWXYZABCD',
    '01ARZ3NDEKTSV4RRFFQ69G5FAV', '123e4567-e89b-12d3-a456-426614174000', 'ord_1234', 'v2', 'my-long-slug-without-digits', 'x'.repeat(40)];
  const alphabet = 'abcdefABCDEFxyzXYZ0123456789-_.~';
  let seed = 7;
  const next = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed; };
  for (let i = 0; i < 20_000; i++) {
    const len = [4, 8, 16, 26, 36][next() % 5]! + (next() % 3) - 1;
    let s = '';
    for (let k = 0; k < len; k++) s += alphabet[next() % alphabet.length];
    // A uuid's or ULID's shape without digits now and then.
    if (i % 10 === 0) s = 'abcdefab-abcd-abcd-abcd-abcdefabcdef'.replace(/[a-f]/g, () => 'abcdef'[next() % 6]!);
    if (i % 10 === 1) s = Array.from({ length: 26 }, () => 'ABCDEFGHJKMNPQRSTVWXYZ'[next() % 22]).join('');
    yield s;
  }
}

it('answers as the full rules do, with and without digits', () => {
  let withoutDigits = 0;
  for (const s of strings()) {
    if (!/\d/.test(s)) withoutDigits++;
    expect([s, isGeneratedId(s)]).toEqual([s, generated(s)]);
    expect([s, isIdSegment(s)]).toEqual([s, segment(s)]);
  }
  expect(withoutDigits).toBeGreaterThan(1000);
});

it('a uuid or a ULID made only of letters is still an identifier; a word is not', () => {
  expect(isIdSegment('abcdefab-abcd-abcd-abcd-abcdefabcdef')).toBe(true);
  expect(isGeneratedId('ABCDEFGHJKMNPQRSTVWXYZABCD')).toBe(true);
  expect(isIdSegment('orders')).toBe(false);
  expect(isIdSegment('deadbeef')).toBe(false);
});
