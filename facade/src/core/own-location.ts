// A write that creates something answers with where it is (`201 Location: /orders/17`, a registry's
// `202 Location: /v2/<name>/blobs/uploads/<uuid>?_state=<hmac>`, a tus upload's `201 Location:
// /files/<id>`), and each side names its own: the monolith `/orders/17`, the service `/orders/9001`.
// The client goes on with the answering side's, so every copy of its follow-up requests reached the
// other side under an id that side never minted: a 404 there, a divergence per chunk, and a registry
// push at dualwrite never left one blob on the service (probes17). As a client of that side would, the
// facade sends the other side's copies to the location that side named: the pair is learned from the
// two answers to one write, and a copy's target under the answering side's location is rewritten to
// the other side's (its path, and the query values that side put in the Location). Pure.
import { originOf } from './location';

/** A location: its path (without the upstream's base path) and its query's `name=value` pairs, raw. */
export interface Target { readonly path: string; readonly params: readonly (readonly [string, string])[] }

/** What a copy under `path` is sent to on the other side. */
interface Pair { readonly other: string; readonly params: Map<string, string> }

/** Statuses whose Location names what the write created or where it goes on: 201, 202, and the redirects a form post answers. */
const NAMING = new Set([201, 202, 302, 303]);
/** A path segment that may be an id a side minted: it has a digit (a number, a uuid, a slug with a counter). */
export const ID_SEGMENT = /^(?=[^/]*\d)[A-Za-z0-9._~:%@+=-]{1,200}$/;
export const MAX_PAIRS = 20_000;
const MAX_PARAMS = 64;

const ABSOLUTE = /^(?:(https?:)?\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?/i;

/**
 * The path and query of a Location on the side's own address (`origins`: the upstream's, and the
 * client's origin it may have built it from) or relative to it; null for any other origin.
 */
export function locationTarget(value: string, origins: readonly string[], basePath = ''): Target | null {
  const m = ABSOLUTE.exec(value.trim());
  if (!m) return null;
  if (m[2] !== undefined) {
    const schemes = m[1] !== undefined ? [m[1]] : ['http:', 'https:'];
    if (!schemes.some((s) => origins.includes(originOf(s, m[2]!) ?? ''))) return null;
  }
  let path = m[3]!;
  if (!path.startsWith('/')) return null; // a path relative to the request's: rare, and ambiguous
  if (basePath && (path === basePath || path.startsWith(`${basePath}/`))) path = path.slice(basePath.length) || '/';
  const params = (m[4] ?? '').split('&').filter((p) => p !== '').map((p) => {
    const eq = p.indexOf('=');
    return eq < 0 ? [p, ''] as const : [p.slice(0, eq), p.slice(eq + 1)] as const;
  });
  return { path, params };
}

export const segments = (path: string): string[] => path.split('/');

/**
 * Keeps the pair when both sides answered one write with the same naming status and locations
 * that differ only in id-like path segments (each side's own id) or in query values (a registry's
 * `_state`): `pairs` maps the answering side's path to the other side's. Another difference (a
 * redirect to a sign-in page on one side) is no pair.
 */
export function learnOwnLocation(pairs: Map<string, Pair>, answered: { status: number; location: Target | null }, copy: { status: number; location: Target | null }): boolean {
  const a = answered.location;
  const c = copy.location;
  if (a === null || c === null || answered.status !== copy.status || !NAMING.has(answered.status)) return false;
  return pairTargets(pairs, a, c);
}

/** Keeps `a` (the answering side's name for one thing) → `c` (the other side's) when they differ only by ids; true when kept. */
export function pairTargets(pairs: Map<string, Pair>, a: Target, c: Target): boolean {
  const as = segments(a.path);
  const cs = segments(c.path);
  if (as.length !== cs.length) return false;
  for (let i = 0; i < as.length; i++) if (as[i] !== cs[i] && !(ID_SEGMENT.test(as[i]!) && ID_SEGMENT.test(cs[i]!))) return false;
  const other = new Map(c.params);
  const params = new Map<string, string>();
  for (const [name, value] of a.params) {
    const own = other.get(name);
    if (own !== undefined && own !== value && value !== '') params.set(`${name}=${value}`, own);
  }
  if (a.path === c.path && params.size === 0) return false; // the same location: nothing to translate
  const known = pairs.get(a.path);
  if (known !== undefined && known.other === c.path) {
    // The same resource answered again (a registry's next chunk): its new query values join the old.
    for (const [k, v] of params) known.params.set(k, v);
    while (known.params.size > MAX_PARAMS) known.params.delete(known.params.keys().next().value!);
    pairs.delete(a.path);
    pairs.set(a.path, known);
  } else {
    pairs.delete(a.path);
    pairs.set(a.path, { other: c.path, params });
  }
  if (pairs.size > MAX_PAIRS) pairs.delete(pairs.keys().next().value!);
  return true;
}

/**
 * The copy's request target on the other side: under a location the answering side named (that
 * path, or below it), that side's path instead, with each query value that side put in the
 * Location replaced by its own; other parameters (a registry's `&digest=`) byte for byte.
 */
export function withOwnLocation(url: string, pairs: ReadonlyMap<string, Pair>): string {
  if (pairs.size === 0) return url;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  let prefix = path;
  let pair = pairs.get(prefix);
  while (pair === undefined) {
    const cut = prefix.lastIndexOf('/');
    if (cut <= 0) return url;
    prefix = prefix.slice(0, cut);
    pair = pairs.get(prefix);
  }
  const newPath = pair.other + path.slice(prefix.length);
  if (q < 0 || pair.params.size === 0) return q < 0 ? newPath : newPath + url.slice(q);
  const query = url.slice(q + 1).split('&').map((p) => {
    const own = pair!.params.get(p);
    return own === undefined ? p : `${p.slice(0, p.indexOf('='))}=${own}`;
  }).join('&');
  return `${newPath}?${query}`;
}

export type { Pair as LocationPair };

/** Whether a path has a segment that may be an id a side minted (only such a path can be under a pair). */
export function hasIdSegment(path: string): boolean {
  const q = path.indexOf('?');
  return segments(q < 0 ? path : path.slice(0, q)).some((s) => ID_SEGMENT.test(s));
}

/** A target's path and each prefix of it ending before a `/`, longest first (`/a/17/b`: `/a/17/b`, `/a/17`, `/a`). */
export function pathPrefixes(url: string): string[] {
  const q = url.indexOf('?');
  let prefix = q < 0 ? url : url.slice(0, q);
  const out = [prefix];
  for (let cut = prefix.lastIndexOf('/'); cut > 0 && out.length < 32; cut = prefix.lastIndexOf('/')) out.push((prefix = prefix.slice(0, cut)));
  return out;
}

/** The pair kept for `answered`, as stored: the other side's path and the query values it replaces. */
export function pairAt(pairs: ReadonlyMap<string, Pair>, answered: string): { answered: string; other: string; params: [string, string][] } | undefined {
  const p = pairs.get(answered);
  return p === undefined ? undefined : { answered, other: p.other, params: [...p.params] };
}

/** Puts a pair read back from the state database into memory (the newest at the end, as learned). */
export function keepPair(pairs: Map<string, Pair>, stored: { answered: string; other: string; params: readonly (readonly [string, string])[] }): void {
  pairs.delete(stored.answered);
  pairs.set(stored.answered, { other: stored.other, params: new Map(stored.params.slice(-MAX_PARAMS)) });
  if (pairs.size > MAX_PAIRS) pairs.delete(pairs.keys().next().value!);
}

/**
 * A query value a side mints for a resource it made (a registry's `_state` HMAC, an upload token):
 * long and opaque, mixed-case base64 with digits, or hex; never a readable slug (`red-kettle-with-a-lid`).
 */
const TOKEN_VALUE = /^(?:(?=[^]*\d)(?=[^]*[a-z])(?=[^]*[A-Z])[A-Za-z0-9_~.%+/=-]{16,}|[0-9a-fA-F]{16,})$/;
const SPLIT = /^((?:https?:)?\/\/[^/?#]*)?([^?#]*)(?:\?([^#]*))?(#.*)?$/i;

/**
 * Two Locations naming each side's own copy of one thing: the same origin and path but for the
 * id-like segments (`/uploads/<uuid>` against `/uploads/<uuid>`), the same query names, and values
 * that differ only where both are opaque tokens (`_state=<hmac>`). A word, a number in the query
 * (`?page=2`), or a path that differs otherwise stays a difference.
 */
export function ownLocations(primary: string, shadow: string): boolean {
  if (primary === shadow) return false;
  const a = SPLIT.exec(primary);
  const b = SPLIT.exec(shadow);
  if (!a || !b || (a[1] ?? '').toLowerCase() !== (b[1] ?? '').toLowerCase() || a[4] !== b[4]) return false;
  const as = segments(a[2]!);
  const bs = segments(b[2]!);
  if (as.length !== bs.length) return false;
  for (let i = 0; i < as.length; i++) if (as[i] !== bs[i] && !(ID_SEGMENT.test(as[i]!) && ID_SEGMENT.test(bs[i]!))) return false;
  const aq = (a[3] ?? '').split('&');
  const bq = (b[3] ?? '').split('&');
  if (aq.length !== bq.length) return false;
  for (let i = 0; i < aq.length; i++) {
    if (aq[i] === bq[i]) continue;
    const [an, av = ''] = aq[i]!.split(/=(.*)/s);
    const [bn, bv = ''] = bq[i]!.split(/=(.*)/s);
    if (an !== bn || !TOKEN_VALUE.test(av) || !TOKEN_VALUE.test(bv)) return false;
  }
  return true;
}

/** A member named for an id (`id`, `_id`, `@id`, `order_id`, `orderId`, `uuid`, `customer-uuid`). */
