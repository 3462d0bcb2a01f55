// Timestamp parsing for the `timestamp` normalizer: two values in different formats are equal
// when they name the same instant. Strict formats only (no Date.parse guessing), all in UTC.

/** An instant in epoch milliseconds and the precision (ms) its format carries. */
export interface Instant {
  readonly ms: number;
  readonly precision: number;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const HTTP_DATE = /^[A-Z][a-z]{2}, (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
/** RFC 2822 (Python's email.utils, Ruby's Time#rfc2822): `Sun, 6 Dec 2026 13:47:48 +0000`, day name optional. */
const RFC_2822 = /^(?:[A-Z][a-z]{2},\s*)?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2})(?::(\d{2}))? ([+-]\d{4}|GMT|UTC?|Z)$/;
/** JavaScript's Date#toString: `Sun Dec 06 2026 13:47:48 GMT+0100 (Central European Standard Time)`. */
const JS_DATE = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT([+-]\d{4})(?: \([^)]*\))?$/;
/** C's asctime and Python's time.ctime (no zone: read as UTC): `Sun Dec  6 13:47:48 2026`. */
const ASCTIME = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;
/** RFC 850, obsolete and still sent (RFC 9110 §5.6.7 says to read it): `Sunday, 06-Nov-94 08:49:37 GMT`. */
const RFC_850 = /^[A-Z][a-z]{5,8}, (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
// As a page writes it for people, in the server's zone (none given: read as UTC, so two of them are
// apart by what they say): PHP's `M d, Y \\a\\t h:i A` (`Dec 07, 2026 at 01:08 PM`), WordPress'
// `December 7, 2026 at 1:08 pm`, `Dec 7, 2026, 13:08:45`. A 12-hour clock needs its AM or PM.
const HUMAN = /^([A-Z][a-z]{2})[a-z]{0,6}\.? (\d{1,2}), (\d{4})(?:,? at |, | )(\d{1,2}):(\d{2})(?::(\d{2}))?(?: ?([AaPp])\.?[Mm]\.?)?$/;
// MediaWiki's signature and history time, the clock first: `13:09, 7 December 2026`.
const CLOCK_FIRST = /^(\d{1,2}):(\d{2}), (\d{1,2}) ([A-Z][a-z]{2})[a-z]{0,6} (\d{4})$/;
// East Asian locales' dates (ja-JP, zh-CN, ko-KR): `2026年12月8日 2時49分08秒` (Java's and ICU's
// long form), `2026年12月8日 02:49:08`, `2026년 12월 8일 2시 49분 8초`; a 24-hour clock, no zone written
// (read as UTC, as HUMAN), and the date alone.
const CJK = /^(\d{4})[年년]\s?(\d{1,2})[月월]\s?(\d{1,2})[日일](?:\s*(\d{1,2})(?:[時时시]\s?(\d{1,2})[分분](?:\s?(\d{1,2})[秒초])?|:(\d{2})(?::(\d{2}))?))?$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const NUMERIC = /^[+-]?\d+(\.\d+)?$/;
/** Epoch values below this are seconds (up to the year 5138), at or above it milliseconds. */
const SECONDS_LIMIT = 1e11;

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null;
  // Not Date.UTC: it reads the years 0-99 as 1900-1999, and `0099-01-01` is the year 99 as written.
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  return date.getUTCDate() === d ? date.getTime() : null; // rejects 2024-02-30
}

function parseOffset(offset: string | undefined): number {
  if (offset === undefined || offset.toUpperCase() === 'Z') return 0;
  const sign = offset[0] === '-' ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return sign * minutes * 60_000;
}

function parseIso(m: RegExpExecArray): Instant | null {
  const [, y, mo, d, h, mi, s, frac, offset] = m;
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  const t = utc(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), ms);
  if (t === null) return null;
  const precision = h === undefined ? 86_400_000 : s === undefined ? 60_000 : frac === undefined ? 1000 : 1;
  return { ms: t - parseOffset(offset), precision };
}

function parseEpoch(n: number): Instant | null {
  if (!Number.isFinite(n)) return null;
  return Math.abs(n) < SECONDS_LIMIT
    ? { ms: Math.round(n * 1000), precision: Number.isInteger(n) ? 1000 : 1 }
    : { ms: Math.round(n), precision: 1 };
}

/**
 * Parses ISO 8601 (with or without ms, `Z` or offset; no offset means UTC), `YYYY-MM-DD HH:MM:SS`
 * (UTC), a date alone, an HTTP date, RFC 2822, JavaScript's Date#toString, asctime, a date as a page
 * writes it for people (`Dec 07, 2026 at 01:08 PM`, HUMAN), an East Asian locale's date (CJK), or epoch
 * seconds/milliseconds (number or numeric string). Returns null for anything else.
 */
export function parseInstant(value: unknown): Instant | null {
  if (typeof value === 'number') return parseEpoch(value);
  if (typeof value !== 'string') return null;
  const s = value.trim();
  if (NUMERIC.test(s)) return parseEpoch(Number(s));
  const iso = ISO.exec(s);
  if (iso) return parseIso(iso);
  const http = HTTP_DATE.exec(s);
  if (http) {
    const [, d, mon, y, h, mi, sec] = http;
    return named(y!, mon!, d!, h!, mi!, sec, undefined);
  }
  const mail = RFC_2822.exec(s);
  if (mail) {
    const [, d, mon, y, h, mi, sec, zone] = mail;
    return named(y!, mon!, d!, h!, mi!, sec, /^[+-]/.test(zone!) ? zone : undefined);
  }
  const js = JS_DATE.exec(s);
  if (js) {
    const [, mon, d, y, h, mi, sec, zone] = js;
    return named(y!, mon!, d!, h!, mi!, sec, zone);
  }
  const old = RFC_850.exec(s);
  if (old) {
    const [, d, mon, yy, h, mi, sec] = old;
    // A two-digit year more than 50 years ahead is in the past century (RFC 9110 §5.6.7).
    const y = 2000 + Number(yy) > new Date().getUTCFullYear() + 50 ? 1900 + Number(yy) : 2000 + Number(yy);
    return named(String(y), mon!, d!, h!, mi!, sec, undefined);
  }
  const c = ASCTIME.exec(s);
  if (c) {
    const [, mon, d, h, mi, sec, y] = c;
    return named(y!, mon!, d!, h!, mi!, sec, undefined);
  }
  const wiki = CLOCK_FIRST.exec(s);
  if (wiki) {
    const [, h, mi, d, mon, y] = wiki;
    return named(y!, mon!, d!, h!, mi!, undefined, undefined);
  }
  const cjk = CJK.exec(s);
  if (cjk) return eastAsian(cjk);
  const human = HUMAN.exec(s);
  if (!human) return null;
  const [, mon, d, y, h, mi, sec, half] = human;
  const hour = half === undefined ? Number(h) : Number(h) === 0 || Number(h) > 12 ? NaN : (Number(h) % 12) + (/p/i.test(half) ? 12 : 0);
  return Number.isNaN(hour) ? null : named(y!, mon!, d!, String(hour), mi!, sec, undefined);
}

function eastAsian(m: RegExpExecArray): Instant | null {
  const [, y, mo, d, h, mi, sec, colonMi, colonSec] = m;
  const minute = mi ?? colonMi;
  const second = sec ?? colonSec;
  const t = utc(Number(y), Number(mo), Number(d), Number(h ?? 0), Number(minute ?? 0), Number(second ?? 0), 0);
  if (t === null) return null;
  return { ms: t, precision: h === undefined ? 86_400_000 : second === undefined ? 60_000 : 1000 };
}

/** A time written with a month's English name and an optional `+hhmm` offset (none: UTC). */
function named(y: string, mon: string, d: string, h: string, mi: string, sec: string | undefined, offset: string | undefined): Instant | null {
  const mo = MONTHS.indexOf(mon) + 1;
  if (mo === 0) return null;
  const t = utc(Number(y), mo, Number(d), Number(h), Number(mi), Number(sec ?? 0), 0);
  return t === null ? null : { ms: t - parseOffset(offset), precision: sec === undefined ? 60_000 : 1000 };
}

/** True when both values are timestamps of the same instant, compared at the coarser precision of the two. */
export function sameInstant(a: unknown, b: unknown): boolean {
  const x = parseInstant(a);
  const y = parseInstant(b);
  if (x === null || y === null) return false;
  const p = Math.max(x.precision, y.precision);
  return Math.floor(x.ms / p) === Math.floor(y.ms / p);
}

/**
 * Two ISO 8601 date-times that differ only in how they are written, not in what they say: the same
 * instant to the millisecond, with the same date/time separator and a zone on both or neither
 * (`…:00Z`, `…:00.000Z`, `…:00+00:00`, `…:00.000000Z` from Python; `…T11:00:00+01:00` too). A
 * dropped millisecond, a date alone, `T` against a space, or a zone on one side only are not.
 */
export function sameIsoInstant(a: string, b: string): boolean {
  const x = ISO.exec(a);
  const y = ISO.exec(b);
  if (!x || !y || x[4] === undefined || y[4] === undefined) return false;
  if (a.charAt(10) !== b.charAt(10) || (x[8] === undefined) !== (y[8] === undefined)) return false;
  const p = parseIso(x);
  const q = parseIso(y);
  return p !== null && q !== null && p.ms === q.ms;
}
