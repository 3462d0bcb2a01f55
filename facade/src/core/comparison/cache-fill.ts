// An answer served from each side's own cache says when its copy was made and until when it holds
// (`generated_at` and `cache.expires_at`, a lifetime of 300 s on both), and often how old it is
// (`age_seconds`). Two sides fill their caches at their own moments, so those times differ by up to
// the lifetime, fixed on each side until the next fill: asked again, each repeats itself, and they
// were real differences on every comparison, ranked above the regression beside them (noise17).
// When both answers declare the same lifetime, a fill time or an expiry within one lifetime of the
// other side's, and an age within it, are each side's own; a lifetime that differs (the service
// caching 60 s where the monolith caches 300) leaves every one of them a difference. Pure.
import type { GeneratedFact } from './generated';

/** Members that say when a cached copy was made. */
const FILLED = /^(?:generated|cached|fetched|refreshed|computed|filled|built|rendered)(?:_?at|_?on|_?time)?$|^(?:last_?refresh(?:ed)?(?:_?at)?)$/i;
/** Members that say until when it holds. */
const EXPIRES = /^(?:expires(?:_?at)?|valid_?until|stale_?at|fresh_?until|next_?refresh(?:_?at)?|refresh_?at)$/i;
/** Members that say how old it is, in seconds. */
const AGE = /^(?:age|age_?s(?:ec(?:onds)?)?|cache_?age(?:_?s(?:ec(?:onds)?)?)?)$/i;
/** Containers a cache's own metadata sits in (searched besides the answer's top level). */
const CONTAINERS = /^(?:_?cache|_?meta|cache_?info|caching)$/i;
const MAX_LIFETIME_MS = 86_400_000;

interface Lifetime { readonly filledPath: string; readonly expiresPath: string; readonly ms: number }

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An ISO time or epoch seconds/milliseconds, in ms; NaN for anything else. */
function timeOf(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v) && v > 1e9) return v < 1e12 ? v * 1000 : v;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v)) return Date.parse(v.replace(' ', 'T'));
  return NaN;
}

/** The members at the top level and in one cache container: `$.name` or `$.cache.name`, with values. */
function members(doc: Record<string, unknown>): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [k, v] of Object.entries(doc)) {
    out.push([`$.${k}`, v]);
    if (CONTAINERS.test(k) && isRecord(v)) for (const [k2, v2] of Object.entries(v)) out.push([`$.${k}.${k2}`, v2]);
  }
  return out;
}

const nameOf = (path: string): string => path.slice(path.lastIndexOf('.') + 1);

/** The lifetime a document declares: one fill time and one expiry, the expiry after it by at most a day. */
function lifetimeOf(doc: unknown): Lifetime | null {
  if (!isRecord(doc)) return null;
  const all = members(doc);
  const filled = all.filter(([p, v]) => FILLED.test(nameOf(p)) && Number.isFinite(timeOf(v)));
  const expires = all.filter(([p, v]) => EXPIRES.test(nameOf(p)) && Number.isFinite(timeOf(v)));
  if (filled.length !== 1 || expires.length !== 1) return null;
  const ms = timeOf(expires[0]![1]) - timeOf(filled[0]![1]);
  return ms > 0 && ms <= MAX_LIFETIME_MS ? { filledPath: filled[0]![0], expiresPath: expires[0]![0], ms } : null;
}

/**
 * A difference at `path` that is each side's own cache fill: both answers declare the same lifetime
 * (within a second) at the same members, and the values are the fill times or expiries within one
 * lifetime of each other, or two ages within it. Null otherwise.
 */
export function cacheFillFact(path: string, primary: unknown, shadow: unknown, docs: () => { readonly primary: unknown; readonly shadow: unknown }): GeneratedFact | null {
  const name = nameOf(path);
  const isTime = FILLED.test(name) || EXPIRES.test(name);
  if (!isTime && !AGE.test(name)) return null;
  if (path.split('.').length > 3 || path.includes('[')) return null;
  const { primary: pd, shadow: sd } = docs(); // parsed only for such a member
  const a = lifetimeOf(pd);
  const b = lifetimeOf(sd);
  if (a === null || b === null || a.filledPath !== b.filledPath || a.expiresPath !== b.expiresPath || Math.abs(a.ms - b.ms) > 1000) return null;
  if (isTime) {
    if (path !== a.filledPath && path !== a.expiresPath) return null;
    const delta = Math.abs(timeOf(primary) - timeOf(shadow));
    return delta <= a.ms ? { kind: 'instance', deltaMs: null } : null;
  }
  const lifetimeS = a.ms / 1000;
  return typeof primary === 'number' && typeof shadow === 'number' && primary >= 0 && shadow >= 0 && primary <= lifetimeS + 1 && shadow <= lifetimeS + 1
    ? { kind: 'instance', deltaMs: null } : null;
}
