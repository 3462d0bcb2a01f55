// Request-target normalization for routing. The facade decides on the normalized path and forwards
// the request-target byte for byte, so normalization only has to make every spelling of a path
// (escapes, `//`, `/./`, `..`, encoded slashes) land on the same route. Runs first in the pipeline;
// a path it refuses is answered 400 (PATH_MALFORMED).

/** A normalized path, or the reason the raw path was refused. */
export type NormalizedPath = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

/** A request-target split at the first `?`; `query` is '' or starts with '?' and is kept byte for byte. */
export interface SplitTarget {
  readonly path: string;
  readonly query: string;
}

const HEX = '0123456789ABCDEF';
// RFC 3986 unreserved characters: decoding them never changes the meaning of a path.
const UNRESERVED = charTable("-._~");
// Characters allowed raw in a path (pchar minus '%', plus '/'); anything else printable is percent-encoded.
const RAW_ALLOWED = charTable("-._~!$&'()*+,;=:@/");
// Already canonical (the common case): non-empty segments not starting with '.', no escapes.
const CANONICAL = /^(?:\/[A-Za-z0-9\-_~!$&'()*+,;=:@][A-Za-z0-9\-._~!$&'()*+,;=:@]*)*\/?$/;

/** Splits a request-target (`req.url`) into its path and its verbatim query (`'?a=1'` or `''`). */
export function splitTarget(url: string): SplitTarget {
  const q = url.indexOf('?');
  return q === -1 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q) };
}

/**
 * Normalizes the path of an origin-form request-target (no query). The result is canonical:
 * unreserved characters decoded, other escapes in uppercase hex (`%2F` and `%5C` stay escaped, a raw
 * `\\` becomes `%5C`), characters not allowed in a path percent-encoded, duplicate slashes
 * collapsed, dot segments removed (RFC 3986 §5.2.4, including ones spelled `%2E`), trailing slash
 * kept. Refused: no leading '/', malformed escapes, control characters, `%00`, and `..` climbing
 * above the root (also once `%2F` or `%5C` is read as a slash).
 */
export function normalizePath(rawPath: string): NormalizedPath {
  if (!rawPath.startsWith('/')) return fail('path must start with "/"');
  if (CANONICAL.test(rawPath)) return { ok: true, path: rawPath };
  const decoded = canonicalEscapes(rawPath);
  if (typeof decoded !== 'string') return decoded;
  const result = removeDotSegments(decoded, false);
  // `/a/..%2F..%2Fetc/passwd` is a path traversal to an upstream that reads %2F (or %5C) as a
  // separator, as some do: refused as `/../etc/passwd` is (nginx refuses it too).
  if (result.ok && (result.path.includes('%2F') || result.path.includes('%5C')) && !removeDotSegments(result.path.replace(/%2F|%5C/g, '/'), false).ok) {
    return fail('".." climbs above the root once %2F or %5C is read as a slash, as some upstreams read it');
  }
  // `/a/..;/..;/etc/passwd`: the same climb to a servlet container, which drops `;` parameters first.
  if (result.ok && result.path.includes(';') && !removeDotSegments(dropParameters(result.path), false).ok) {
    return fail('".." climbs above the root once path parameters (";...") are removed, as servlet containers read it');
  }
  return result;
}

/** Each segment's path parameters (`;jsessionid=...`, RFC 3986 §3.3) dropped: `/a;x=1/b;y` → `/a/b`. */
function dropParameters(path: string): string {
  return path.replace(/;[^/]*/g, '');
}

/**
 * The path a servlet container (Tomcat, Jetty, Undertow: a Java monolith) routes: each segment's
 * path parameters dropped (`/api/orders;jsessionid=ABC` is `/api/orders`, `/admin/..;/api/orders`
 * is `/api/orders`), dot segments removed again (clamped at the root). Routing tries this path
 * first, so a `;` can never make a request miss the route its servlet reading matches.
 */
export function withoutParameters(normalized: string): string {
  if (!normalized.includes(';')) return normalized;
  const result = removeDotSegments(dropParameters(normalized), true);
  return result.ok ? result.path : '/';
}

/**
 * The path an upstream that decodes encoded slashes would see: `%2F` and `%5C` in a normalized
 * path read as `/` (a backslash is a separator to some servers), dot segments removed again
 * (`..` above the root stops at the root, as RFC 3986 says). Routing tries this path first, so
 * an encoded slash can never make a request miss the route its decoded path matches.
 */
export function decodedSlashes(normalized: string): string {
  if (!normalized.includes('%2F') && !normalized.includes('%5C')) return normalized;
  const result = removeDotSegments(normalized.replace(/%2F|%5C/g, '/'), true);
  return result.ok ? result.path : '/';
}

function canonicalEscapes(raw: string): string | NormalizedPath {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    const code = raw.charCodeAt(i);
    if (c === '%') {
      const byte = hexByte(raw, i + 1);
      if (byte === null) return fail(`malformed percent-escape at offset ${i}`);
      if (byte === 0x00) return fail('encoded NUL (%00) is refused: it truncates paths in some upstreams');
      out += UNRESERVED[byte] ? String.fromCharCode(byte) : '%' + HEX[byte >> 4] + HEX[byte & 15];
      i += 2;
    } else if (code < 0x20 || code === 0x7f) {
      return fail('control character in path');
    } else if (c === '\\') {
      out += '%5C'; // routed like %5C: both spellings of a backslash land on the same route
    } else if (code > 0xff) {
      // Node hands over request-target bytes as latin1, so anything wider did not come off the wire.
      return fail('character outside the byte range in path');
    } else {
      out += RAW_ALLOWED[code] ? c : '%' + HEX[code >> 4] + HEX[code & 15];
    }
  }
  return out;
}

function hexByte(s: string, at: number): number | null {
  if (at + 2 > s.length) return null;
  const hi = HEX.indexOf(s[at].toUpperCase());
  const lo = HEX.indexOf(s[at + 1].toUpperCase());
  return hi === -1 || lo === -1 ? null : hi * 16 + lo;
}

// Works on segments: empty segments (duplicate slashes) are dropped, '.' is dropped, '..' pops
// (above the root: refused, or with `clamp` ignored as RFC 3986 does).
// A final '', '.' or '..' leaves a trailing slash, as RFC 3986 §5.2.4 does.
function removeDotSegments(path: string, clamp: boolean): NormalizedPath {
  const parts = path.split('/').slice(1);
  const kept: string[] = [];
  for (const seg of parts) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (kept.length === 0 && !clamp) return fail('".." climbs above the root');
      kept.pop();
      continue;
    }
    kept.push(seg);
  }
  const last = parts[parts.length - 1];
  const trailing = kept.length > 0 && (last === '' || last === '.' || last === '..');
  return { ok: true, path: '/' + kept.join('/') + (trailing ? '/' : '') };
}

/** A 256-entry lookup: 1 for ASCII letters, digits and the given extra characters. */
function charTable(extra: string): Uint8Array {
  const table = new Uint8Array(256);
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789' + extra;
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return table;
}

function fail(reason: string): NormalizedPath {
  return { ok: false, reason };
}
