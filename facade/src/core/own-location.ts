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
const ID_SEGMENT = /^(?=[^/]*\d)[A-Za-z0-9._~:%@+=-]{1,200}$/;
const MAX_PAIRS = 20_000;
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

const segments = (path: string): string[] => path.split('/');

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
function pairTargets(pairs: Map<string, Pair>, a: Target, c: Target): boolean {
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
 * Where a create's JSON answer names what it made when it sends no Location (most Express and
 * Django REST Framework apps): a self link (HAL `_links.self.href`, JSON:API `links.self`, JSON-LD
 * `@id`, DRF's `url`, Jira's `self`), else the record's `id` (`_id`, `uuid`); on the answer itself,
 * on JSON:API's `data`, or on the one record a wrapper holds (`{"order": {...}}`). `where` names the
 * member, so both answers are read at the same one.
 */
export interface CreatedName { readonly where: string; readonly link?: string; readonly id?: string }

const LINKS: readonly (readonly string[])[] = [['_links', 'self', 'href'], ['links', 'self', 'href'], ['links', 'self'], ['@id'], ['url'], ['self']];
const IDS = ['id', '_id', 'uuid'];
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function createdName(doc: unknown): CreatedName | null {
  if (!isRecord(doc)) return null;
  const keys = Object.keys(doc);
  const holders: [string, Record<string, unknown>][] = [['', doc]];
  if (isRecord(doc.data)) holders.push(['data.', doc.data]);
  else if (keys.length === 1 && isRecord(doc[keys[0]!])) holders.push([`${keys[0]}.`, doc[keys[0]!] as Record<string, unknown>]);
  for (const [at, holder] of holders) {
    for (const link of LINKS) {
      let v: unknown = holder;
      for (const step of link) v = isRecord(v) ? v[step] : undefined;
      if (typeof v === 'string' && /^(?:https?:\/\/|\/)/i.test(v)) return { where: at + link.join('.'), link: v };
    }
    for (const name of IDS) {
      const v = holder[name];
      if ((typeof v === 'string' && v !== '') || (typeof v === 'number' && Number.isSafeInteger(v))) return { where: at + name, id: String(v) };
    }
  }
  return null;
}

/**
 * The two locations a create's answers name by id (`POST /orders` answered `{"id": 17}` by one side
 * and `{"id": 9001}` by the other: `/orders/17` and `/orders/9001`, under the collection each copy was
 * posted to), when both ids look minted and differ; null otherwise (a link is read by the caller).
 */
export function createdTargets(answered: { collection: string; name: CreatedName }, copy: { collection: string; name: CreatedName }): [Target, Target] | null {
  const a = answered.name.id;
  const c = copy.name.id;
  if (a === undefined || c === undefined || a === c || answered.name.where !== copy.name.where || !ID_SEGMENT.test(a) || !ID_SEGMENT.test(c)) return null;
  const under = (collection: string, id: string): Target => ({ path: `${collection.replace(/\/+$/, '')}/${id}`, params: [] });
  return [under(answered.collection, a), under(copy.collection, c)];
}

/** Both sides answered one create naming what it made (by link or id, not Location): keeps the pair as learnOwnLocation does; true when kept. */
export function learnCreated(pairs: Map<string, Pair>, answered: Target | null, copy: Target | null): boolean {
  return answered !== null && copy !== null && pairTargets(pairs, answered, copy);
}

/**
 * Each side's own ids in a pair of locations (`/orders/17` against `/orders/9001`: 17 → 9001), kept
 * in `ids` (the answering side's id → the other side's) so that, in what either side answers later,
 * each one's own id at the same place is no difference (a list of orders, a record's `order_id`).
 */
export function learnOwnIds(ids: Map<string, string>, answered: string, copy: string): void {
  const as = segments(answered);
  const cs = segments(copy);
  if (as.length !== cs.length) return;
  for (let i = 0; i < as.length; i++) {
    if (as[i] === cs[i] || !ID_SEGMENT.test(as[i]!) || !ID_SEGMENT.test(cs[i]!)) continue;
    ids.delete(as[i]!);
    ids.set(as[i]!, cs[i]!);
    if (ids.size > MAX_PAIRS) ids.delete(ids.keys().next().value!);
  }
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
const ID_NAME = /^(?:@?id|_id|uuid|guid)$|[_-](?:id|uuid|guid)$|[a-z0-9](?:Id|ID|Uuid|UUID|Guid|GUID)$/;

/**
 * Whether `primary` and `shadow` at member `name` are each side's own id of one thing the sides
 * paired (`ids`: learnOwnIds): the id itself under an id-named member, or a link that differs only
 * at paired ids (`/orders/17` against `/orders/9001`). A count, a price or a word that happens to
 * equal an id (`quantity: 1` against `2`, with orders 1 and 2 paired) stays a difference.
 */
export function ownIdsAt(name: string, primary: unknown, shadow: unknown, ids: ReadonlyMap<string, string>): boolean {
  if (ids.size === 0) return false;
  const p = typeof primary === 'number' ? String(primary) : primary;
  const s = typeof shadow === 'number' ? String(shadow) : shadow;
  if (typeof p !== 'string' || typeof s !== 'string' || p === s) return false;
  if (ids.get(p) === s) return ID_NAME.test(name);
  if (!p.includes('/')) return false;
  const ps = p.split('/');
  const ss = s.split('/');
  if (ps.length !== ss.length) return false;
  let paired = false;
  for (let i = 0; i < ps.length; i++) {
    if (ps[i] === ss[i]) continue;
    if (ids.get(ps[i]!) !== ss[i]) return false;
    paired = true;
  }
  return paired;
}
