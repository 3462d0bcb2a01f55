// Per-route budgets: a token bucket (so many per second, with a burst of a second's worth unless
// told otherwise) and, optionally, a cap on those in flight. Re-asking the primary uses both, so it
// never adds more than a known load to the monolith; sampled unified diffs and case captures use
// the rate alone. What a budget refuses is counted by its caller.

interface Bucket { tokens: number; at: number; inFlight: number }

export interface BudgetLimits {
  /** Takes granted and not yet released at once; a granted take must then be given back with `release`. */
  readonly maxInFlight?: number;
  /** Tokens the bucket holds when full (default: `perSecond`). */
  readonly burst?: number;
  /**
   * Leaves half the tokens and half the in-flight slots to the others, so work that matters more
   * (a field's deciding re-ask) is not starved by work that only adds to what is known.
   */
  readonly lowPriority?: boolean;
}

export class RouteBudget {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Takes one from `route`'s budget, or says why not ('rate' or 'in_flight'). */
  take(route: string, perSecond: number, limits: BudgetLimits = {}): true | 'rate' | 'in_flight' {
    const t = this.now();
    const burst = Math.max(1, limits.burst ?? perSecond);
    let b = this.buckets.get(route);
    if (!b) { b = { tokens: burst, at: t, inFlight: 0 }; this.buckets.set(route, b); }
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * perSecond);
    b.at = t;
    const { maxInFlight } = limits;
    const keepSlots = limits.lowPriority && maxInFlight !== undefined ? Math.floor(maxInFlight / 2) : 0;
    if (maxInFlight !== undefined && b.inFlight >= maxInFlight - keepSlots) return 'in_flight';
    if (b.tokens < 1 + (limits.lowPriority ? Math.floor(burst / 2) : 0)) return 'rate';
    b.tokens -= 1;
    if (maxInFlight !== undefined) b.inFlight++;
    return true;
  }

  release(route: string): void {
    const b = this.buckets.get(route);
    if (b) b.inFlight = Math.max(0, b.inFlight - 1);
  }
}
