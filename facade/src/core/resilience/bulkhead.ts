// The bulkhead of one upstream (pure bookkeeping, no timers): at most `maxConcurrent` requests in
// flight and at most `maxQueue` waiting for a slot, first come first served. Past both the request is
// refused at once, so a slow upstream can hold no more of the facade than this. io/upstream-guard.ts
// owns the waiting (a promise and a timer per queued request).

export interface BulkheadSettings {
  readonly maxConcurrent: number;
  readonly maxQueue: number;
}

export class Bulkhead<W> {
  private active = 0;
  // A Set keeps insertion order (FIFO) and removes a waiter that gave up in O(1).
  private readonly waiting = new Set<W>();

  constructor(readonly settings: BulkheadSettings) {}

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.size;
  }

  /** Takes a slot if one is free and nobody waits for it (waiters go first). */
  tryEnter(): boolean {
    if (this.active >= this.settings.maxConcurrent || this.waiting.size > 0) return false;
    this.active++;
    return true;
  }

  /** Queues `w` for the next free slot; false when the queue is full (refuse the request). */
  enqueue(w: W): boolean {
    if (this.waiting.size >= this.settings.maxQueue) return false;
    this.waiting.add(w);
    return true;
  }

  /** `w` gave up waiting (its deadline passed, its client left); true if it was still queued. */
  withdraw(w: W): boolean {
    return this.waiting.delete(w);
  }

  /**
   * Gives a slot back. Returns the waiter that takes it over (it is in flight from now on and must
   * call `leave` itself when done), or undefined when nobody waited.
   */
  leave(): W | undefined {
    const next = this.waiting.values().next();
    if (!next.done) {
      this.waiting.delete(next.value);
      return next.value;
    }
    this.active = Math.max(0, this.active - 1);
    return undefined;
  }
}
