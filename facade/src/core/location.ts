// A Location an upstream wrote with its own address (`http://127.0.0.1:3000/login`, built from the
// address it listens on or from the Host it was sent) would send the client around the facade, to
// an address it may not reach. As nginx's `proxy_redirect default` does, such a Location is given
// the client's origin (and loses the upstream URL's base path); any other Location is left alone.
// Pure: the origins come from the upstream's config and the request's headers.

/** Where a Location may point to be the upstream's own: its origins and the path its URL adds. */
export interface UpstreamAddress {
  /** `scheme://host[:port]` as URL.origin spells it (lower case, default port dropped). */
  readonly origins: readonly string[];
  /** The upstream URL's path without its trailing slash ('' when it has none). */
  readonly basePath: string;
}

const ABSOLUTE = /^(https?:)\/\/([^/?#]*)/i;

/** `scheme://authority` as URL.origin spells it, or null when it is not one. */
export function originOf(scheme: string, authority: string): string | null {
  try {
    const u = new URL(`${scheme}//${authority}`);
    return u.username || u.password ? null : u.origin;
  } catch {
    return null;
  }
}

/**
 * The Location the client gets: `value` with `to` (the client's origin) in place of the upstream's
 * own origin and base path, or null when `value` is not on the upstream's address (left as is). The
 * rest (path, query, fragment) is kept byte for byte.
 */
export function clientLocation(value: string, from: UpstreamAddress, to: string): string | null {
  const m = ABSOLUTE.exec(value);
  if (!m) return null;
  const origin = originOf(m[1]!, m[2]!);
  if (origin === null || !from.origins.includes(origin)) return null;
  let rest = value.slice(m[0].length);
  const base = from.basePath;
  if (base) {
    if (!rest.startsWith(base)) return null;
    const next = rest.charAt(base.length);
    if (next !== '' && next !== '/' && next !== '?' && next !== '#') return null; // /legacy-2 is not under /legacy
    rest = rest.slice(base.length);
  }
  return `${to}${rest.startsWith('/') ? rest : `/${rest}`}`;
}

/** The first value of a header that may be a list (`X-Forwarded-Host: a, b` → `a`). */
export function firstOfList(v: string | string[] | undefined): string | undefined {
  return (Array.isArray(v) ? v[0] : v)?.split(',')[0]?.trim();
}

/**
 * The client's origin from the request headers as the facade forwards them, or null: the Host it
 * addressed (X-Forwarded-Host only without one: a client can send any X-Forwarded-Host, and a cache
 * in front that keys on Host would keep a redirect built from it for everyone), under the first
 * X-Forwarded-Proto (the facade's own scheme unless a proxy in front set it).
 */
export function clientOrigin(headers: Readonly<Record<string, string | string[] | undefined>>): string | null {
  const host = firstOfList(headers.host) ?? firstOfList(headers['x-forwarded-host']);
  const proto = (firstOfList(headers['x-forwarded-proto']) ?? 'http').toLowerCase();
  if (!host || (proto !== 'http' && proto !== 'https')) return null;
  return originOf(`${proto}:`, host);
}
