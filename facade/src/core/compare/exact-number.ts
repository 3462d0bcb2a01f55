// Exact numbers: JSON.parse reads every number as a double, so 9007199254740993 and
// 9007199254740992 compare equal, which hides the very bug (64-bit ids stored as doubles) a
// shadow comparison exists to catch. Bodies that differ and hold long digit runs are parsed
// losslessly (lossless-json): a number a double cannot hold exactly stays its literal text,
// marked, and is compared by that text. The equal-bytes fast path never gets here.
import { isSafeNumber, parse } from 'lossless-json';

/** Prefix of a number literal kept as text (a NUL cannot appear unescaped in JSON text). */
export const EXACT_PREFIX = '\u0000num:';

/**
 * Prefix of a string the answer itself began with a NUL and one of these prefixes (`"\u0000num:5"`:
 * escaped, a NUL can start a JSON string). Kept as it is, it read as the number 5, and a string
 * against a number was no difference. Both sides' such strings carry it alike.
 */
export const STRING_PREFIX = '\u0000str:';

/** An escaped `\u0000` (the only way a parsed string can start with a NUL). */
const ESCAPED_NUL = /\\u0000/;

/** A parsed string that would read as a marked value, marked as a string instead. */
const keptString = (value: unknown): unknown => typeof value === 'string' && (value.startsWith(EXACT_PREFIX) || value.startsWith(STRING_PREFIX)) ? `${STRING_PREFIX}${value}` : value;

/** The string an answer sent, for display (a string marked by {@link STRING_PREFIX} without it). */
export function sentString(value: string): string {
  return value.startsWith(STRING_PREFIX) ? value.slice(STRING_PREFIX.length) : value;
}

/** A literal kept exact while the reviver runs (lossless-json passes every value to it). */
class Literal {
  constructor(readonly text: string) {}
}

/**
 * A run of 16 or more digits (a literal past a double's precision), or an exponent of three digits
 * or more (past its range: `1e400` and `2e400` both read as Infinity, `1e99999999999` too, and were equal).
 */
const LONG_DIGITS = /\d{16,}|\d[eE][+-]?\d{3,}/;

/** True when the value is a number literal kept as text. */
export function isExactNumber(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(EXACT_PREFIX);
}

/** The literal text of an exact number (for display). */
export function exactText(value: string): string {
  return value.slice(EXACT_PREFIX.length);
}

/** JSON.parse, except that numbers a double cannot hold exactly stay their literal (see above). Throws like JSON.parse. */
export function parseJson(text: string): unknown {
  const nul = ESCAPED_NUL.test(text);
  if (!LONG_DIGITS.test(text)) return nul ? JSON.parse(text, (_key, value: unknown) => keptString(value)) as unknown : JSON.parse(text) as unknown;
  if (!nul) return parse(text, null, (literal: string) => (isSafeNumber(literal) ? parseFloat(literal) : `${EXACT_PREFIX}${literal}`));
  return parse(text, (_key, value) => (value instanceof Literal ? `${EXACT_PREFIX}${value.text}` : keptString(value)),
    (literal: string) => (isSafeNumber(literal) ? parseFloat(literal) : new Literal(literal)));
}

/** A decimal literal's exact value as `[-]digits e exponent`, digits without leading or trailing zeros. */
function decimalValue(text: string): string | null {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return null;
  const all = `${m[2]}${m[3] ?? ''}`.replace(/^0+/, '');
  const digits = all.replace(/0+$/, '');
  if (digits === '') return '0';
  return `${m[1]}${digits}e${Number(m[4] ?? 0) - (m[3]?.length ?? 0) + (all.length - digits.length)}`;
}

/**
 * Two spellings of one number, where at least one is kept exact. A fraction one side printed with
 * more digits than its double holds (`0.10000000000000001`, an old serializer's 17 significant
 * digits, or a BigDecimal's full expansion) against the same double printed shortest (`0.1`): the
 * same number as both sides computed it, as `19.989999999999998` against `19.99` never was (too few
 * digits to be kept exact). Two exact literals of one value in other notations (`1e21`,
 * `1.0E21`, `1000000000000000000000`), and an integer literal a double holds exactly, are one
 * number too. An integer literal a double cannot hold is never forgiven: `9007199254740993` against
 * `9007199254740992` is the lost id this module exists to catch, and two exact literals of different
 * values differ however close their doubles (`…567.89` against `…567.88`).
 */
export function sameDouble(a: unknown, b: unknown): boolean {
  if (isExactNumber(a) && isExactNumber(b)) {
    const va = decimalValue(exactText(a));
    return va !== null && va === decimalValue(exactText(b));
  }
  const [exact, plain] = isExactNumber(a) && typeof b === 'number' ? [a, b] : isExactNumber(b) && typeof a === 'number' ? [b, a] : [null, null];
  if (exact === null) return false;
  const text = exactText(exact);
  if (/[.eE]/.test(text)) return Number(text) === plain;
  return Number.isInteger(plain) && /^-?\d+$/.test(text) && BigInt(text) === BigInt(plain);
}

/**
 * A double's value and how many significant digits it is written with. A literal kept exact (more
 * digits than a double holds: a decimal type's) is compared as written, so it is none.
 */
function written(v: unknown): { readonly x: number; readonly digits: number } | null {
  const text = typeof v === 'number' ? String(v) : null;
  if (text === null || !/[.eE]/.test(text)) return null; // whole numbers are counts and ids: every digit is data
  const x = Number(text);
  if (!Number.isFinite(x) || x === 0) return null;
  const mantissa = text.replace(/^-/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '');
  return { x, digits: mantissa.length };
}

/** Significant digits from which a number is a computed double (a centroid, a ratio), not a figure someone entered. */
const COMPUTED_DIGITS = 12;

/**
 * Two doubles written at full precision and apart only in their last bits (4 units in the last
 * place): one figure computed in another order (a centroid a geometry library sums backwards, a
 * ratio), no data. A short figure against a long one (`0.3` against `0.30000000000000004`, an
 * amount a side forgot to round) is what a client shows, and stays a difference.
 */
export function sameComputedFloat(a: unknown, b: unknown): boolean {
  const x = written(a);
  const y = written(b);
  if (x === null || y === null || x.digits < COMPUTED_DIGITS || y.digits < COMPUTED_DIGITS) return false;
  return Math.abs(x.x - y.x) <= 4 * Number.EPSILON * Math.max(Math.abs(x.x), Math.abs(y.x));
}
