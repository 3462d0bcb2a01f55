// The budget for asking the primary again: a token bucket per route (re-asks per second, with a
// one-second burst) and a cap on re-asks in flight, so re-asking never adds more than a known
// load to the monolith. What the budget refuses is counted, and the comparison falls back to the
// learnt evidence (see core/comparison/noise-model.ts).

interface Bucket { tokens: number; at: number; inFlight: number }

export class ReaskBudget {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Takes one re-ask for `route`, or says why not ('rate' or 'in_flight'). Call `release` after a granted one. */
  take(route: string, perSecond: number, maxInFlight: number): true | 'rate' | 'in_flight' {
    const t = this.now();
    let b = this.buckets.get(route);
    if (!b) { b = { tokens: perSecond, at: t, inFlight: 0 }; this.buckets.set(route, b); }
    b.tokens = Math.min(perSecond, b.tokens + ((t - b.at) / 1000) * perSecond);
    b.at = t;
    if (b.inFlight >= maxInFlight) return 'in_flight';
    if (b.tokens < 1) return 'rate';
    b.tokens -= 1;
    b.inFlight++;
    return true;
  }

  release(route: string): void {
    const b = this.buckets.get(route);
    if (b) b.inFlight = Math.max(0, b.inFlight - 1);
  }
}
