// The forms of a compared header that mean the same to a client, written one way, so that two
// frameworks' spellings of one answer are not a difference: media types and their parameters are
// case-insensitive and unordered (RFC 9110 §8.3.1), JSON has no charset but UTF-8 (RFC 8259 §8.1),
// Cache-Control directives are unordered, case-insensitive tokens (RFC 9111 §5.2), Vary and the
// CORS header lists name fields (case-insensitive), Allow and Access-Control-Allow-Methods name
// methods (case-sensitive), each in any order, and a Location on the request's own origin is the same target written relative
// (RFC 9110 §10.2.2: clients resolve it against the request). Accept-CH and Critical-CH name fields too,
// Content-Language's tags are case-insensitive and unordered, Permissions-Policy is a dictionary,
// Server-Timing's metrics and their parameters come in any order, and an HTTP date (Expires,
// Last-Modified, Date) is one instant in any of its three formats. A difference that survives shows the
// values as each side sent them. Pure.

import { parseInstant } from './timestamp';
import { mediaTypeOf } from '../media-type';
import { firstOfList, originOf } from '../location';

const unquote = (v: string): string => (v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v);

/** `Application/JSON; Charset="UTF-8"` → `application/json`; other parameters sorted, their names lower-cased. */
export function mediaTypeForm(value: string): string {
  const media = mediaTypeOf(value);
  const params = value.split(';').slice(1);
  const json = media === 'application/json' || media.endsWith('+json');
  const kept: string[] = [];
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) { if (p.trim() !== '') kept.push(p.trim().toLowerCase()); continue; }
    const name = p.slice(0, eq).trim().toLowerCase();
    let v = unquote(p.slice(eq + 1).trim());
    // A multipart body's boundary is drawn afresh for each answer (RFC 2046 §5.1.1): that there is one is the form.
    if (name === 'boundary') { kept.push('boundary'); continue; }
    if (name === 'charset') {
      v = v.toLowerCase();
      if (json && (v === 'utf-8' || v === 'utf8')) continue; // JSON is UTF-8 whatever is said
    }
    kept.push(`${name}=${v}`);
  }
  return [media, ...kept.sort()].join('; ');
}

/** A comma-separated list of case-sensitive tokens (`Allow`, `Access-Control-Allow-Methods`: `GET, POST`), sorted. */
export function tokenListForm(value: string): string {
  return value.split(',').map((t) => t.trim()).filter((t) => t !== '').sort().join(', ');
}

/** A comma-separated list of case-insensitive tokens (`Cache-Control`, `Vary`): lower-cased names, unquoted values, sorted. */
export function directiveListForm(value: string): string {
  return value.split(',').map((d) => {
    const t = d.trim();
    const eq = t.indexOf('=');
    return eq < 0 ? t.toLowerCase() : `${t.slice(0, eq).trim().toLowerCase()}=${unquote(t.slice(eq + 1).trim())}`;
  }).filter((d, i, all) => d !== '' && all.indexOf(d) === i).sort().join(', '); // a member said twice is said once (`Vary: Accept-Encoding, Origin, Accept-Encoding`)
}

/**
 * A Location as the client follows it: an absolute URL on one of the request's own origins
 * (`http://shop.example`, as the upstream was told by Host / X-Forwarded-Host and -Proto) written
 * as its path, query and fragment; any other URL (another host, another scheme: a downgrade) as
 * it was sent.
 */
export function locationForm(value: string, origins: readonly string[]): string {
  if (origins.length === 0 || !/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return value;
  try {
    const u = new URL(value);
    return origins.includes(u.origin) ? `${u.pathname}${u.search}${u.hash}` : value;
  } catch {
    return value;
  }
}

/** The request's own origins as an upstream behind the facade sees them (Host and X-Forwarded-Host, under X-Forwarded-Proto). */
export function requestOrigins(headers: Readonly<Record<string, string | string[] | undefined>>): string[] {
  const proto = (firstOfList(headers['x-forwarded-proto']) ?? 'http').toLowerCase();
  const out: string[] = [];
  for (const host of [firstOfList(headers.host), firstOfList(headers['x-forwarded-host'])]) {
    const origin = host ? originOf(`${proto}:`, host) : null; // null: not a host a URL can hold
    if (origin !== null && !out.includes(origin)) out.push(origin);
  }
  return out;
}

/** An HTTP date in any of its three formats (RFC 9110 §5.6.7: IMF-fixdate, RFC 850, asctime) as IMF-fixdate; null for anything else (`Expires: 0` is no epoch). */
function httpDate(value: string): string | null {
  if (/^\s*-?\d+\s*$/.test(value)) return null;
  const t = parseInstant(value);
  return t === null ? null : new Date(t.ms).toUTCString();
}

/** A date header (Last-Modified, Date) as httpDate writes it; anything else as it is. */
const httpDateForm = (value: string): string => httpDate(value) ?? value;

/** Expires: a date as httpDate writes it; one that is no date (`0`, `-1`) means already expired (RFC 9111 §5.3), whichever it is. */
const expiresForm = (value: string): string => httpDate(value) ?? 'already expired';

/** Server-Timing: its metrics in any order, each metric's parameters in any order (`db;dur=53;desc="x"`). */
function serverTimingForm(value: string): string {
  return value.split(',').map((m) => {
    const [name, ...params] = m.split(';').map((p) => p.trim());
    return [name, ...params.sort()].join(';');
  }).filter((m) => m !== '').sort().join(', ');
}

/** The form two values of header `name` are compared in (the value itself for headers without one). */
export function headerForm(name: string, value: string, origins: readonly string[]): string {
  switch (name) {
    case 'content-type': return mediaTypeForm(value);
    case 'cache-control':
    case 'vary':
    case 'access-control-allow-headers':
    case 'access-control-expose-headers':
    case 'accept-ch':
    case 'critical-ch': return directiveListForm(value);
    case 'content-language': return directiveListForm(value); // language tags: case-insensitive, unordered
    case 'permissions-policy': return tokenListForm(value); // a dictionary: its members in any order
    case 'server-timing': return serverTimingForm(value);
    case 'expires': return expiresForm(value);
    case 'last-modified':
    case 'date': return httpDateForm(value);
    case 'allow':
    case 'access-control-allow-methods': return tokenListForm(value);
    case 'location':
    case 'content-location': return locationForm(value, origins);
    case 'link': return linkForm(value, origins);
    default: return value;
  }
}

/** A Link header's link-values (`<…>; rel="next", <…>; rel="last"`), split at commas outside `<…>` and quotes. */
function linkValues(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let inTarget = false;
  let inQuote = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (inQuote) { if (c === '\\') i++; else if (c === '"') inQuote = false; continue; }
    if (c === '<') inTarget = true;
    else if (c === '>') inTarget = false;
    else if (c === '"' && !inTarget) inQuote = true;
    else if (c === ',' && !inTarget) { out.push(value.slice(start, i)); start = i + 1; }
  }
  out.push(value.slice(start));
  return out.map((v) => v.trim()).filter((v) => v !== '');
}

/**
 * A Link header as clients read it (RFC 8288): link-values in any order, each its target (on the
 * request's own origin written as a path, as a Location) and its parameters, names lower-cased,
 * values unquoted, `rel` and `type` case-insensitive, sorted. A parameter dropped or changed (a
 * preload that lost `crossorigin`) stays a difference.
 */
export function linkForm(value: string, origins: readonly string[]): string {
  return linkValues(value).map((link) => {
    const m = /^<([^>]*)>(.*)$/s.exec(link);
    if (!m) return link;
    const params = m[2]!.split(';').map((p) => p.trim()).filter((p) => p !== '').map((p) => {
      const eq = p.indexOf('=');
      if (eq < 0) return p.toLowerCase();
      const name = p.slice(0, eq).trim().toLowerCase();
      const v = unquote(p.slice(eq + 1).trim());
      return `${name}=${name === 'rel' || name === 'type' ? v.toLowerCase().split(/\s+/).sort().join(' ') : v}`;
    }).sort();
    return [`<${locationForm(m[1]!.trim(), origins)}>`, ...params].join('; ');
  }).sort().join(', ');
}
