// A create that names what it made only in its JSON body (`201 {"id": 17}`, no Location: most
// Express and Django REST Framework apps), read as where each side put it, so the pair of each side's
// own location is learned as from two Locations (core/own-location.ts). Pure.
import { ID_SEGMENT, pairTargets, type LocationPair as Pair, type Target } from './own-location';

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
  // An id the posted path already names is the parent's, not a new record's: `POST /carts/5/items`
  // answered with the whole cart (`{"id": 5}`, `{"id": 77}`) made no item 5 → 77, and paired so, an
  // `item_id: 5` the client sent later reached the service as 77, another record.
  if (collectionNames(answered.collection, a) || collectionNames(copy.collection, c)) return null;
  const under = (collection: string, id: string): Target => ({ path: `${collection.replace(/\/+$/, '')}/${id}`, params: [] });
  return [under(answered.collection, a), under(copy.collection, c)];
}

const collectionNames = (collection: string, id: string): boolean => collection.split('/').includes(id);

/** Both sides answered one create naming what it made (by link or id, not Location): keeps the pair as learnOwnLocation does; true when kept. */
export function learnCreated(pairs: Map<string, Pair>, answered: Target | null, copy: Target | null): boolean {
  return answered !== null && copy !== null && pairTargets(pairs, answered, copy);
}
