// Status, the route's listed headers and Set-Cookie by cookie name. Header names are
// case-insensitive; `date` is never compared (it differs on every answer and says nothing about
// behaviour); `set-cookie` is compared per cookie (`cookies.<name>`), value and attributes.
import { headerForm } from './header-forms';
import { equivalent, type CompiledNormalizers } from './normalize';
import { formatPath } from './path-pattern';
import type { Difference, DifferenceKind, SuccessfulObservation } from './types';

/** Headers never compared, whatever the route lists. */
export const NEVER_COMPARED = Object.freeze(['date']);

type HeaderBag = SuccessfulObservation['headers'];

/** The value of one header (case-insensitive name), multiple values joined with `, `; undefined if absent. */
export function headerValue(headers: HeaderBag, name: string): string | undefined {
  // Called for every compared header of every comparison: no entry arrays, and a name of another
  // length is skipped before it is lower-cased.
  let found: string | undefined;
  for (const key in headers) {
    if (key.length !== name.length || (key !== name && key.toLowerCase() !== name)) continue;
    const value = headers[key];
    if (value === undefined) continue;
    const text = typeof value === 'string' ? value : value.join(', ');
    if (typeof value !== 'string' && value.length === 0) continue;
    found = found === undefined ? text : `${found}, ${text}`;
  }
  return found;
}

function setCookies(headers: HeaderBag): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== 'set-cookie' || value === undefined) continue;
    out.push(...(typeof value === 'string' ? [value] : value));
  }
  return out;
}

/**
 * An attribute's value as a browser reads it (RFC 6265): SameSite and Domain are case-insensitive
 * (a Domain's leading dot is ignored), Expires is a date whatever its spelling (PHP writes
 * `08-Dec-2026 10:00:00 GMT`, most `Tue, 08 Dec 2026 10:00:00 GMT`); others as written.
 */
function attributeValue(name: string, value: string): string {
  if (name === 'samesite') return value.toLowerCase();
  if (name === 'domain') return value.toLowerCase().replace(/^\./, '');
  if (name === 'expires') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? value : new Date(ms).toUTCString();
  }
  return value;
}

/**
 * Set-Cookie headers by cookie name, each in a canonical form: `name=value` then attributes
 * sorted by lower-cased name, so attribute order and case, and how a value is spelled where a
 * browser reads it alike (attributeValue), do not count as differences.
 * A name set twice keeps the last value, as a browser would.
 */
export function cookiesByName(headers: HeaderBag): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of setCookies(headers)) {
    const [pair = '', ...attrs] = raw.split(';');
    const eq = pair.indexOf('=');
    const name = (eq < 0 ? pair : pair.slice(0, eq)).trim();
    if (name === '') continue;
    const normalized = attrs
      .map((a) => a.trim())
      .filter((a) => a !== '')
      .map((a) => {
        const i = a.indexOf('=');
        if (i < 0) return a.toLowerCase();
        const attr = a.slice(0, i).trim().toLowerCase();
        return `${attr}=${attributeValue(attr, a.slice(i + 1).trim())}`;
      })
      .sort();
    out.set(name, [pair.trim(), ...normalized].join('; '));
  }
  return out;
}

function presence(path: string, a: string | undefined, b: string | undefined): Difference | null {
  if (a === b) return null;
  const kind: DifferenceKind = a === undefined ? 'added' : b === undefined ? 'removed' : 'changed';
  return Object.freeze({ path, kind, primary: a, shadow: b });
}

/** `status` difference, if any. */
export function diffStatus(primary: number, shadow: number): Difference[] {
  return primary === shadow ? [] : [Object.freeze({ path: 'status', kind: 'changed', primary, shadow })];
}

/**
 * Differences of the listed headers (lower-cased names; `date` and `set-cookie` skipped), each
 * compared in its canonical form (header-forms.ts: media types, directive lists, a Location on the
 * request's own `origins`). Timestamp normalizers on `headers.<name>` apply (e.g. `last-modified`
 * in two formats).
 */
export function diffHeaders(primary: HeaderBag, shadow: HeaderBag, names: readonly string[], normalizers: CompiledNormalizers, origins: readonly string[] = []): Difference[] {
  const out: Difference[] = [];
  for (const name of names) {
    if (NEVER_COMPARED.includes(name) || name === 'set-cookie') continue;
    const a = headerValue(primary, name);
    const b = headerValue(shadow, name);
    if (a !== undefined && b !== undefined && (a === b || headerForm(name, a, origins) === headerForm(name, b, origins))) continue;
    if (a !== undefined && b !== undefined && equivalent(['headers', name], a, b, normalizers)) continue;
    const d = presence(formatPath(['headers', name]), a, b);
    if (d) out.push(d);
  }
  return out;
}

/** Differences of Set-Cookie for the listed cookie names (`*`: every cookie either side sets), path `cookies.<name>`. */
export function diffCookies(primary: HeaderBag, shadow: HeaderBag, names: readonly string[]): Difference[] {
  if (names.length === 0) return [];
  const a = cookiesByName(primary);
  const b = cookiesByName(shadow);
  const wanted = names.includes('*') ? [...new Set([...a.keys(), ...b.keys()])].sort() : names;
  const out: Difference[] = [];
  for (const name of wanted) {
    const d = presence(formatPath(['cookies', name]), a.get(name), b.get(name));
    if (d) out.push(d);
  }
  return out;
}
