// Rollout bucketing: which contexts of a route run at the rollout stage instead of the base stage.
// Deterministic and sticky per context key, the way LaunchDarkly buckets; the hash is injected so core stays I/O-free.
import type { Stage } from './stages';

/** Number of buckets: a percentage of p holds buckets [0, p × 1000). */
export const BUCKETS = 100_000;

// LaunchDarkly's scale: the first 15 hex digits of the hash (60 bits) divided by their maximum.
const LONG_SCALE = 0xfffffffffffffff;

/** A route's base stage and optional rollout; the flag provider's `RouteState` has this shape. */
export interface RolloutState {
  readonly stage: Stage;
  readonly rollout: { readonly stage: Stage; readonly percent: number } | null;
}

/**
 * The bucket of a context for a route, an integer in [0, 100000): the first 15 hex digits of
 * `hashHex("<routeName>.<contextKey>")` scaled as LaunchDarkly does. Pass a SHA-1 hex digest
 * function (`(s) => createHash('sha1').update(s).digest('hex')`).
 */
export function bucket(routeName: string, contextKey: string, hashHex: (s: string) => string): number {
  const value = parseInt(hashHex(`${routeName}.${contextKey}`).slice(0, 15), 16);
  return Math.min(BUCKETS - 1, Math.floor((value / LONG_SCALE) * BUCKETS));
}

/**
 * The stage one request runs at. Without a rollout (or at 0 %) it is `state.stage`; otherwise
 * contexts whose bucket is below `percent × 1000` run at `rollout.stage`. A request without a
 * context key (null or empty) is bucketed on its own with `sample()` (a number in [0, 1)).
 */
export function effectiveStage(
  state: RolloutState,
  routeName: string,
  contextKey: string | null,
  hashHex: (s: string) => string,
  sample: () => number,
): Stage {
  const rollout = state.rollout;
  if (rollout === null || rollout.percent <= 0) return state.stage;
  if (rollout.percent >= 100) return rollout.stage;
  const b = contextKey ? bucket(routeName, contextKey, hashHex) : Math.floor(sample() * BUCKETS);
  return b < rollout.percent * 1000 ? rollout.stage : state.stage;
}

/**
 * The context key a Cookie request header carries in cookie `name`: the first cookie of that name,
 * its double quotes removed (RFC 6265 allows `uid="42"`, the same user as `uid=42`, so the same
 * bucket), then percent-decoded when it decodes. Null when the cookie is absent or empty.
 */
export function cookieContextKey(cookieHeader: string, name: string): string | null {
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0 || part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim();
    const value = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
    return decodeIfEncoded(value) || null;
  }
  return null;
}

function decodeIfEncoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s; // a lone `%` is part of the key, not an encoding
  }
}
