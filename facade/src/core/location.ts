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

const ABSOLUTE = /^(https?:)?\/\/([^/?#]*)/i;

/** `scheme://authority` as URL.origin spells it, or null when it is not one. */
export function originOf(scheme: string, authority: string): string | null {
  try {
    const u = new URL(`${scheme}//${authority}`);
    return u.username || u.password ? null : u.origin;
  } catch {
    return null;
  }
}

/** True when a scheme-relative `//authority` names one of `origins` under either scheme. */
function ownAuthority(authority: string, origins: readonly string[]): boolean {
  return ['http:', 'https:'].some((scheme) => {
    const origin = originOf(scheme, authority);
    return origin !== null && origins.includes(origin);
  });
}

/**
 * The Location the client gets: `value` with `to` (the client's origin) in place of the upstream's
 * own origin and base path, or null when `value` is not on the upstream's address (left as is). The
 * rest (path, query, fragment) is kept byte for byte. A scheme-relative `//host:port/x` on the
 * upstream's address stays scheme-relative, on the client's host.
 */
export function clientLocation(value: string, from: UpstreamAddress, to: string): string | null {
  const m = ABSOLUTE.exec(value);
  if (!m) return null;
  if (m[1] === undefined ? !ownAuthority(m[2]!, from.origins) : !from.origins.includes(originOf(m[1], m[2]!) ?? '')) return null;
  let rest = value.slice(m[0].length);
  const base = from.basePath;
  if (base) {
    if (!rest.startsWith(base)) return null;
    const next = rest.charAt(base.length);
    if (next !== '' && next !== '/' && next !== '?' && next !== '#') return null; // /legacy-2 is not under /legacy
    rest = rest.slice(base.length);
  }
  const path = rest.startsWith('/') ? rest : `/${rest}`;
  return m[1] === undefined ? `${to.slice(to.indexOf('//'))}${path}` : `${to}${path}`;
}

/** `5; url=http://…` (the Refresh header; `URL=` in any case, quoted or not): the delay part, the URL and what closes it. */
const REFRESH = /^(\s*\d+(?:\.\d*)?\s*[;,]\s*(?:url\s*=\s*)?)(['"]?)(.*?)(\2\s*)$/i;

/** The Refresh header the client gets: its URL given the client's origin as a Location would be, or null to leave it. */
export function clientRefresh(value: string, from: UpstreamAddress, to: string): string | null {
  const m = REFRESH.exec(value);
  if (!m) return null;
  const url = clientLocation(m[3]!, from, to);
  return url === null ? null : `${m[1]}${m[2]}${url}${m[4]}`;
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
