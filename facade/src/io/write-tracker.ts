// Reads after writes: while a route's write is being sent to both sides, a read of the same route
// can find the second side not yet written. The tracker counts dual writes per route so that the
// shadow copy of a read waits until writes in flight have settled (plus `settleMs`), and a read
// that overlapped a write started after it is skipped as `write_in_flight` instead of compared.

interface RouteWrites {
  /** Dual writes started so far (a sequence number). */
  started: number;
  inFlight: number;
  /** performance.now() of the last settle. */
  settledAt: number;
  waiters: Array<() => void>;
}

/** Where a read stood when it arrived: compared with later state to see overlapping writes. */
export interface ReadMark { readonly route: string; readonly started: number }

export class WriteTracker {
  private readonly routes = new Map<string, RouteWrites>();

  private of(route: string): RouteWrites {
    let r = this.routes.get(route);
    if (!r) { r = { started: 0, inFlight: 0, settledAt: -Infinity, waiters: [] }; this.routes.set(route, r); }
    return r;
  }

  /** A dual write of `route` begins (call `end` exactly once when its second write settled or was given up). */
  begin(route: string): void {
    const r = this.of(route);
    r.started++;
    r.inFlight++;
  }

  end(route: string): void {
    const r = this.of(route);
    r.inFlight = Math.max(0, r.inFlight - 1);
    r.settledAt = performance.now();
    if (r.inFlight === 0) for (const w of r.waiters.splice(0)) w();
  }

  mark(route: string): ReadMark {
    return { route, started: this.of(route).started };
  }

  /** True when a write of the route started after the read was marked. */
  overlapped(mark: ReadMark): boolean {
    return this.of(mark.route).started !== mark.started;
  }

  /**
   * Resolves once no write of the route is in flight and `settleMs` passed since the last one
   * settled, or after `maxWaitMs` (resolves `false` then). Resolves at once in the common case.
   */
  settled(route: string, settleMs: number, maxWaitMs: number): Promise<boolean> | true {
    const r = this.of(route);
    const quiet = (): number => settleMs - (performance.now() - r.settledAt);
    if (r.inFlight === 0 && quiet() <= 0) return true;
    return new Promise((resolve) => {
      const deadline = setTimeout(() => resolve(false), maxWaitMs);
      deadline.unref();
      const check = (): void => {
        if (r.inFlight > 0) { r.waiters.push(check); return; }
        const left = quiet();
        if (left > 0) { setTimeout(check, left).unref(); return; }
        clearTimeout(deadline);
        resolve(true);
      };
      check();
    });
  }
}
