// Reads after writes: while a route's write is being sent to both sides, a read of the same route
// can find the second side not yet written. The tracker counts dual writes per route so that the
// shadow copy of a read waits until writes in flight have settled (plus `settleMs`), and a read
// that a later write to a related path overlapped is skipped as `write_in_flight`, not compared.

interface RouteWrites {
  /** Dual writes started so far (a sequence number). */
  started: number;
  /** The newest writes' paths by sequence number (a ring of RECENT). */
  recent: Array<{ seq: number; path: string }>;
  inFlight: number;
  /** performance.now() of the last settle. */
  settledAt: number;
  waiters: Array<() => void>;
}

/** Where a read stood when it arrived: compared with later state to see overlapping writes. */
export interface ReadMark { readonly route: string; readonly started: number; readonly path: string }

const RECENT = 256;

/**
 * A write to `write` can change what a read of `read` returns when one path is a prefix of the
 * other, segment-wise (`POST /api/users` and `GET /api/users/5`; `POST /api/items/7/reserve`
 * and `GET /api/items/7` or `GET /api/items`).
 */
export function related(read: string, write: string): boolean {
  const a = read.toLowerCase().replace(/\/+$/, '');
  const b = write.toLowerCase().replace(/\/+$/, '');
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

export class WriteTracker {
  private readonly routes = new Map<string, RouteWrites>();

  private of(route: string): RouteWrites {
    let r = this.routes.get(route);
    if (!r) { r = { started: 0, recent: [], inFlight: 0, settledAt: -Infinity, waiters: [] }; this.routes.set(route, r); }
    return r;
  }

  /** A dual write of `route` begins (call `end` exactly once when its second write settled or was given up); its sequence number. */
  begin(route: string, path: string): number {
    const r = this.of(route);
    r.started++;
    r.inFlight++;
    r.recent.push({ seq: r.started, path });
    if (r.recent.length > RECENT) r.recent.shift();
    return r.started;
  }

  /**
   * The write numbered `seq` made what its answer's Location names (a registry's `PUT …/uploads/<id>
   * ?digest=X` made `…/blobs/X`): a read of that path marked before the write is overlapped too. A
   * client that asks whether a thing exists before it uploads it (`HEAD …/blobs/X`: 404) had its
   * shadow copy sent after the upload landed (200) and the primary, asked again, agreed with the
   * shadow: `status` learned as noise, and later a blob the service really lost (200 → 404) was
   * noise too (probes17).
   */
  created(route: string, seq: number, path: string): void {
    const r = this.of(route);
    r.recent.push({ seq, path });
    if (r.recent.length > RECENT) r.recent.shift();
  }

  end(route: string): void {
    const r = this.of(route);
    r.inFlight = Math.max(0, r.inFlight - 1);
    r.settledAt = performance.now();
    if (r.inFlight === 0) for (const w of r.waiters.splice(0)) w();
  }

  mark(route: string, path: string): ReadMark {
    return { route, started: this.of(route).started, path };
  }

  /**
   * True when a write of the route to a related path (see {@link related}) started after the read
   * was marked; past the ring of recent writes, any later write counts (never compare on a guess).
   */
  overlapped(mark: ReadMark): boolean {
    const r = this.of(mark.route);
    if (r.started === mark.started) return false;
    const oldest = r.recent[0]?.seq ?? Infinity;
    if (oldest > mark.started + 1) return true;
    return r.recent.some((w) => w.seq > mark.started && related(mark.path, w.path));
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
