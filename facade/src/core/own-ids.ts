// Each side's own ids of the things the sides paired (core/own-location.ts): told apart from a real
// difference in what the sides answer later, and put in place of the answering side's in the bodies
// of the client's later requests copied to the other side. Pure.
import { ID_SEGMENT, MAX_PAIRS, segments, withOwnLocation, type LocationPair as Pair } from './own-location';

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

const LINK = /^(?:\/|[A-Za-z][A-Za-z0-9+.-]*:\/\/)/;
const ID_NAME = /^(?:@?id|_id|uuid|guid)$|[_-](?:id|uuid|guid)$|[a-z0-9](?:Id|ID|Uuid|UUID|Guid|GUID)$/;

/**
 * Whether `primary` and `shadow` at member `name` are each side's own id of one thing the sides
 * paired (`ids`: learnOwnIds): the id itself under an id-named member, or a link that differs only
 * at paired ids (`/orders/17` against `/orders/9001`). A count, a price or a word that happens to
 * equal an id (`quantity: 1` against `2`, with orders 1 and 2 paired) stays a difference.
 */
export function ownIdsAt(name: string, primary: unknown, shadow: unknown, ids: ReadonlyMap<string, string>, byKind?: ReadonlyMap<string, ReadonlyMap<string, string>>): boolean {
  if (ids.size === 0) return false;
  const p = typeof primary === 'number' ? String(primary) : primary;
  const s = typeof shadow === 'number' ? String(shadow) : shadow;
  if (typeof p !== 'string' || typeof s !== 'string' || p === s) return false;
  if (ids.get(p) === s) return ID_NAME.test(name) && ofItsKind(name, p, s, byKind);
  // Only a link (a path, or a URL): a date (`12/3/2026` against `12/4/2026`) or a ratio that differs
  // at a number equal to a paired id is the sides' data.
  if (!LINK.test(p) || !LINK.test(s)) return false;
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

/**
 * A member naming the kind of thing its id is of (`customer_id`) holds a pair of that kind only: with
 * order 3 paired to 4, `customer_id: 3` against `4` is the service naming another customer (a real
 * difference), and `last_order_id` is an order's. A bare `id` or a pair of no known kind is not checked.
 */
function ofItsKind(name: string, p: string, s: string, byKind: ReadonlyMap<string, ReadonlyMap<string, string>> | undefined): boolean {
  const kind = byKind === undefined || byKind.size === 0 ? null : idMemberKind(name);
  if (kind === null) return true;
  for (const [k, ids] of byKind!) if ((kind === k || kind.endsWith(k)) && ids.get(p) === s) return true;
  return false;
}

/**
 * Each side's own ids by the kind of thing they name, from the collection they were made in
 * (`/api/orders/17` against `/api/orders/9001`: `order` → 17 → 9001), for the ids a client sends in
 * a body (`{"order_id": 17}`). Kept by kind because a number alone says nothing: customer 17, the
 * same on both sides, must not become 9001 because order 17 did.
 */
export type OwnIdsByKind = Map<string, Map<string, string>>;

/** `orders` → `order`, `addresses` → `address`, `categories` → `category`, `order` → `order` (lower case). */
export function kindOf(word: string): string {
  const w = word.toLowerCase();
  if (/ies$/.test(w)) return `${w.slice(0, -3)}y`;
  if (/(?:ss|x|ch|sh)es$/.test(w)) return w.slice(0, -2);
  return w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w;
}

/** Learns, beside learnOwnIds, the kind of each paired id (the word segment before it). */
export function learnOwnIdsByKind(byKind: OwnIdsByKind, answered: string, copy: string): void {
  const as = segments(answered);
  const cs = segments(copy);
  if (as.length !== cs.length) return;
  for (let i = 1; i < as.length; i++) {
    if (as[i] === cs[i] || !ID_SEGMENT.test(as[i]!) || !ID_SEGMENT.test(cs[i]!) || as[i - 1] !== cs[i - 1] || ID_SEGMENT.test(as[i - 1]!) || as[i - 1] === '') continue;
    const kind = kindOf(as[i - 1]!);
    let ids = byKind.get(kind);
    if (ids === undefined) {
      if (byKind.size >= 1000) continue;
      byKind.set(kind, (ids = new Map()));
    }
    ids.delete(as[i]!);
    ids.set(as[i]!, cs[i]!);
    if (ids.size > MAX_PAIRS) ids.delete(ids.keys().next().value!);
  }
}

/** The kind a member names an id of (`order_id`, `orderId`, `order-uuid`, `orderID` → `order`); null for other members. */
export function idMemberKind(name: string): string | null {
  const m = /^(.+?)(?:[_-](?:id|uuid|guid)|(?<=[a-z0-9])(?:Id|ID|Uuid|UUID|Guid|GUID))$/.exec(name);
  return m ? kindOf(m[1]!.replace(/[_-]/g, '')) : null;
}

const JSON_MEMBER = /"((?:[^"\\]|\\.)*)"(\s*:\s*)(?:"((?:[^"\\]|\\.)*)"|(-?\d+)(?=\s*[,}\]]))/g;

/**
 * A JSON request body with each id the client sent of a kind the sides paired replaced by the other
 * side's own (`{"order_id": 17}` → `{"order_id": 9001}`, a string for a string, a number for a number
 * when the other id is one), and each path under a paired location (`"order": "/api/orders/17"`)
 * with the other side's; null when there is none. Only those values change, byte for byte elsewhere;
 * the result is parsed again and must equal the document with exactly those changes, else null.
 */
export function withOwnIdsInJson(text: string, byKind: OwnIdsByKind, pairs: ReadonlyMap<string, Pair>): string | null {
  if (byKind.size === 0 && pairs.size === 0) return null;
  let doc: unknown;
  try { doc = JSON.parse(text); } catch { return null; }
  const own = (name: string, value: string): string | undefined => {
    const kind = idMemberKind(name);
    return kind === null ? undefined : byKind.get(kind)?.get(value);
  };
  let changed = 0;
  // A body nested deeper than any record (a hostile one) is sent as it is rather than walked.
  const walk = (v: unknown, depth: number): unknown => {
    if (depth > 64) throw new RangeError('nested too deep');
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    if (typeof v !== 'object' || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      let y: unknown = walk(x, depth + 1);
      if (typeof x === 'string' && x.startsWith('/') && pairs.size > 0) y = withOwnLocation(x, pairs);
      else if (typeof x === 'string' || (typeof x === 'number' && Number.isSafeInteger(x))) {
        const other = own(k, String(x));
        if (other !== undefined) y = typeof x === 'number' && /^-?\d{1,15}$/.test(other) ? Number(other) : other;
      }
      if (y !== x && typeof x !== 'object') changed++;
      out[k] = y;
    }
    return out;
  };
  let expected: unknown;
  try { expected = walk(doc, 0); } catch { return null; }
  if (changed === 0) return null;
  const rewritten = text.replace(JSON_MEMBER, (whole, rawName: string, colon: string, rawString: string | undefined, rawNumber: string | undefined) => {
    let name: string;
    let value: string;
    try { name = JSON.parse(`"${rawName}"`) as string; value = rawString !== undefined ? (JSON.parse(`"${rawString}"`) as string) : rawNumber!; } catch { return whole; }
    if (rawString !== undefined && value.startsWith('/') && pairs.size > 0) {
      const to = withOwnLocation(value, pairs);
      return to === value ? whole : `"${rawName}"${colon}${JSON.stringify(to)}`;
    }
    const other = own(name, value);
    if (other === undefined) return whole;
    return `"${rawName}"${colon}${rawNumber !== undefined && /^-?\d{1,15}$/.test(other) ? other : JSON.stringify(other)}`;
  });
  try {
    return JSON.stringify(JSON.parse(rewritten)) === JSON.stringify(expected) ? rewritten : null;
  } catch {
    return null;
  }
}

/** The same for an `application/x-www-form-urlencoded` body (`order_id=17`, `order[id]` is not an id member); null when none. */
export function withOwnIdsInForm(text: string, byKind: OwnIdsByKind): string | null {
  if (byKind.size === 0) return null;
  let changed = false;
  const out = text.split('&').map((part) => {
    const eq = part.indexOf('=');
    if (eq < 0) return part;
    let name: string;
    let value: string;
    try { name = decodeURIComponent(part.slice(0, eq).replace(/\+/g, ' ')); value = decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' ')); } catch { return part; }
    const kind = idMemberKind(name.replace(/\[\]$/, ''));
    const other = kind === null ? undefined : byKind.get(kind)?.get(value);
    if (other === undefined) return part;
    changed = true;
    return `${part.slice(0, eq)}=${encodeURIComponent(other)}`;
  }).join('&');
  return changed ? out : null;
}
