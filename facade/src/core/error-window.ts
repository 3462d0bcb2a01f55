// A sliding error-rate window (pure: the caller passes the time in): per key (a route), how many
// requests the service handled over the last `windowMs` and how many of them failed. Counts live in
// a ring of `slots` buckets, so memory stays bounded whatever the traffic; the window slides one
// bucket (windowMs / slots) at a time. io/auto-rollback.ts feeds it and judges it with `breaches`.

/** What a window holds right now. */
export interface WindowFigures {
  readonly requests: number;
  readonly failures: number;
  /** failures / requests, 0 without requests. */
  readonly rate: number;
  /** Time of the oldest request still counted, null when the window is empty. */
  readonly oldestAt: number | null;
}

export interface ErrorThresholds {
  /** Fewer requests than this in the window never breach. */
  readonly minRequests: number;
  /** The failure rate must be above this (0..1) to breach. */
  readonly maxErrorRate: number;
}

interface Slot { epoch: number; requests: number; failures: number; firstAt: number }
interface Ring { slots: Slot[]; latest: number }

const EMPTY: WindowFigures = Object.freeze({ requests: 0, failures: 0, rate: 0, oldestAt: null });

export class ErrorWindow {
  private readonly slotMs: number;
  private readonly rings = new Map<string, Ring>();

  /** Counts over the last `windowMs`, in `slots` buckets (the window's resolution is windowMs / slots). */
  constructor(readonly windowMs: number, readonly slots = 60) {
    if (!(windowMs > 0) || !Number.isInteger(slots) || slots < 1) throw new RangeError('windowMs must be > 0 and slots a positive integer');
    this.slotMs = windowMs / slots;
  }

  /** Counts one request for `key` at time `now` (ms) and returns the window's figures after it. */
  record(key: string, failed: boolean, now: number): WindowFigures {
    let ring = this.rings.get(key);
    if (!ring) {
      ring = { slots: Array.from({ length: this.slots }, () => ({ epoch: -Infinity, requests: 0, failures: 0, firstAt: 0 })), latest: -Infinity };
      this.rings.set(key, ring);
    }
    // A clock stepping back must not wipe newer buckets: time only moves forward here.
    const at = Math.max(now, ring.latest);
    ring.latest = at;
    const epoch = Math.floor(at / this.slotMs);
    const slot = ring.slots[((epoch % this.slots) + this.slots) % this.slots];
    if (slot.epoch !== epoch) Object.assign(slot, { epoch, requests: 0, failures: 0, firstAt: at });
    slot.requests++;
    if (failed) slot.failures++;
    return this.figures(key, at);
  }

  /** The figures of `key`'s window as of `now`: buckets older than the window are left out. */
  figures(key: string, now: number): WindowFigures {
    const ring = this.rings.get(key);
    if (!ring) return EMPTY;
    const current = Math.floor(Math.max(now, ring.latest) / this.slotMs);
    let requests = 0;
    let failures = 0;
    let oldestAt: number | null = null;
    for (const s of ring.slots) {
      if (s.epoch <= current - this.slots || s.epoch > current || s.requests === 0) continue;
      requests += s.requests;
      failures += s.failures;
      oldestAt = oldestAt === null ? s.firstAt : Math.min(oldestAt, s.firstAt);
    }
    return requests === 0 ? EMPTY : { requests, failures, rate: failures / requests, oldestAt };
  }

  /** Forgets everything counted for `key` (after a rollback: the next decision needs fresh evidence). */
  reset(key: string): void {
    this.rings.delete(key);
  }
}

/** True when the window holds at least `minRequests` and its failure rate is above `maxErrorRate`. */
export function breaches(f: WindowFigures, t: ErrorThresholds): boolean {
  return f.requests >= t.minRequests && f.rate > t.maxErrorRate;
}
