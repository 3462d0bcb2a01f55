// Per-route budgets: a token bucket (so many per second, with a one-second burst) and, optionally,
// a cap on those in flight. Re-asking the primary uses both, so it never adds more than a known load
// to the monolith; sampled unified diffs and case captures use the rate alone. What a budget refuses
// is counted by its caller.

interface Bucket { tokens: number; at: number; inFlight: number }

export class RouteBudget {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /**
   * Takes one from `route`'s budget, or says why not ('rate' or 'in_flight'). With `maxInFlight`,
   * a granted take must be given back with `release` when its work is done.
   */
  take(route: string, perSecond: number, maxInFlight?: number): true | 'rate' | 'in_flight' {
    const t = this.now();
    let b = this.buckets.get(route);
    if (!b) { b = { tokens: perSecond, at: t, inFlight: 0 }; this.buckets.set(route, b); }
    b.tokens = Math.min(perSecond, b.tokens + ((t - b.at) / 1000) * perSecond);
    b.at = t;
    if (maxInFlight !== undefined && b.inFlight >= maxInFlight) return 'in_flight';
    if (b.tokens < 1) return 'rate';
    b.tokens -= 1;
    if (maxInFlight !== undefined) b.inFlight++;
    return true;
  }

  release(route: string): void {
    const b = this.buckets.get(route);
    if (b) b.inFlight = Math.max(0, b.inFlight - 1);
  }
}
