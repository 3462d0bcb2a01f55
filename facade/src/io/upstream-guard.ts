// The circuit breaker and the bulkhead of one upstream (core/resilience), with the waiting the
// bulkhead's queue needs: a timer per queued request, bounded by the request's deadline. Built once
// per upstream (io/upstreams.ts). Primary traffic passes both (`enter`); shadows and second writes
// pass the breaker only (`admit`), so they never take the slots of the requests clients wait for.
import type { BreakerConfig, BulkheadConfig } from '../config';
import { CircuitBreaker, REJECTED, type BreakerState, type BreakerTransition, type BreakerVerdict } from '../core/resilience/breaker';
import { Bulkhead } from '../core/resilience/bulkhead';

/** What a request holds while it is let through: hand it back to `settle` exactly once. */
export interface Pass {
  readonly ticket: number;
  /** It holds a bulkhead slot. */
  readonly slot: boolean;
  /** It counts among the uploads (a body still arriving) holding or waiting for a slot. */
  readonly upload?: true;
}

export type Refusal =
  | { readonly refused: 'circuit'; readonly state: BreakerState; readonly retryAfterMs: number }
  | { readonly refused: 'bulkhead'; readonly why: 'queue_full' | 'wait_timeout' | 'uploads_full' }
  /** The client left while its request waited in the queue. */
  | { readonly refused: 'client-gone' };

export type Entry = Pass | Refusal;

/** What a copy's outcome (io/replay.ts: shadow, second write) tells the breaker; `keyOf`, `of`: see statusVerdict. */
export function replayVerdict<T>(o: { readonly ok: boolean; readonly status?: number }, guard: UpstreamGuard, keyOf: (of: T) => string, of: T): BreakerVerdict {
  return o.ok ? guard.statusVerdict(o.status ?? 0, keyOf, of) : 'failure';
}

export function isRefusal(e: Entry): e is Refusal {
  return (e as Refusal).refused !== undefined;
}

/** An upstream whose breaker and bulkhead are off always lets requests through (no bookkeeping at all). */
const FREE: Pass = Object.freeze({ ticket: 0, slot: false });

interface Waiter {
  resolve(e: Entry): void;
  timer: NodeJS.Timeout | null;
  /** The breaker ticket it was admitted with. */
  readonly ticket: number;
  readonly upload?: true;
}

export interface GuardSettings {
  readonly breaker?: BreakerConfig;
  readonly bulkhead?: BulkheadConfig;
}

export class UpstreamGuard {
  readonly breaker: CircuitBreaker | null;
  readonly bulkhead: Bulkhead<Waiter> | null;
  private readonly failureStatuses: ReadonlySet<number>;
  private readonly minEndpoints: number;
  private readonly windowMs: number;
  /** Endpoints that answered a failure status since `windowStart` (a fixed window as long as the breaker's). */
  private readonly failingEndpoints = new Set<string>();
  private windowStart = 0;
  private readonly maxWaitMs: number;
  /** Uploads holding or waiting for a slot, and how many may (bulkhead.maxUploadShare of its slots). */
  private uploads = 0;
  private readonly maxUploads: number;
  private readonly listeners: Array<(t: BreakerTransition) => void> = [];

  constructor(readonly upstream: string, settings: GuardSettings, private readonly now: () => number = Date.now) {
    const b = settings.breaker;
    this.breaker = b?.enabled ? new CircuitBreaker(b, (t) => { for (const l of this.listeners) l(t); }, now()) : null;
    this.failureStatuses = new Set(b?.failureStatuses ?? []);
    this.minEndpoints = b?.statusFailureEndpoints ?? 1;
    this.windowMs = b?.windowMs ?? 0;
    const h = settings.bulkhead;
    this.bulkhead = h?.enabled && h.maxConcurrent !== undefined ? new Bulkhead({ maxConcurrent: h.maxConcurrent, maxQueue: h.maxQueue }) : null;
    this.maxWaitMs = h?.maxWaitMs ?? 0;
    this.maxUploads = this.bulkhead ? Math.max(1, Math.floor(this.bulkhead.settings.maxConcurrent * (h?.maxUploadShare ?? 1))) : Infinity;
  }

  /** Called at every breaker transition (the log line, metrics, the transitions table). */
  onTransition(listener: (t: BreakerTransition) => void): void {
    this.listeners.push(listener);
  }

  /** The breaker alone (shadows, second writes): a pass, or a refusal while it is open. */
  admit(): Pass | Refusal {
    if (!this.breaker) return FREE;
    const now = this.now();
    const ticket = this.breaker.admit(now);
    if (ticket === REJECTED) return { refused: 'circuit', state: this.breaker.current, retryAfterMs: this.breaker.retryAfterMs(now) };
    return { ticket, slot: false };
  }

  /**
   * Breaker, then bulkhead: a pass at once, a refusal at once, or (queued) a promise of either,
   * settled within `min(bulkhead.maxWaitMs, waitMs)`. `gone` registers a callback for a client that
   * leaves while queued.
   */
  enter(waitMs: number, gone?: (leave: () => void) => void, upload = false): Entry | Promise<Entry> {
    const entered = this.admit();
    if (isRefusal(entered) || !this.bulkhead) return entered;
    if (upload && this.uploads >= this.maxUploads) return this.refuseQueued(entered, 'uploads_full');
    if (upload) this.uploads++;
    const admitted: Pass = upload ? { ticket: entered.ticket, slot: false, upload: true } : entered;
    if (this.bulkhead.tryEnter()) return upload ? { ticket: entered.ticket, slot: true, upload: true } : { ticket: entered.ticket, slot: true };
    const wait = Math.min(this.maxWaitMs, waitMs);
    if (wait <= 0 || this.bulkhead.settings.maxQueue === 0) return this.refuseQueued(admitted, 'queue_full');
    return new Promise<Entry>((resolve) => {
      const waiter: Waiter = { resolve, timer: null, ticket: admitted.ticket, upload: admitted.upload };
      if (!this.bulkhead!.enqueue(waiter)) { resolve(this.refuseQueued(admitted, 'queue_full')); return; }
      // The waiter is handed a slot by `leave` (resolve is then called with the pass).
      waiter.resolve = (e) => { if (waiter.timer) clearTimeout(waiter.timer); resolve(e); };
      const giveUp = (why: Refusal): void => {
        if (!this.bulkhead!.withdraw(waiter)) return; // it got a slot meanwhile
        if (waiter.timer) clearTimeout(waiter.timer);
        this.breaker?.record(admitted.ticket, 'none', this.now());
        if (admitted.upload) this.uploads--;
        resolve(why);
      };
      waiter.timer = setTimeout(() => giveUp({ refused: 'bulkhead', why: 'wait_timeout' }), wait);
      gone?.(() => giveUp({ refused: 'client-gone' }));
    });
  }

  /** Records what the upstream did with an admitted request and gives its slot back. */
  settle(pass: Pass, verdict: BreakerVerdict): void {
    if (pass === FREE) return;
    this.breaker?.record(pass.ticket, verdict, this.now());
    if (pass.upload) this.uploads--;
    if (!pass.slot || !this.bulkhead) return;
    const next = this.bulkhead.leave();
    if (next) next.resolve({ ticket: next.ticket, slot: true, ...(next.upload ? { upload: true as const } : {}) });
  }

  /**
   * The verdict of an HTTP status for this upstream's breaker. A failure status counts only once
   * `statusFailureEndpoints` endpoints (`keyOf(of)`, asked only then: no closure per request) gave
   * one in the window; until then it says nothing: an upstream that is down answers so on every
   * endpoint, while one endpoint may answer 503 on purpose.
   */
  statusVerdict<T>(status: number, keyOf?: (of: T) => string, of?: T): BreakerVerdict {
    if (!this.failureStatuses.has(status)) return 'success';
    if (this.minEndpoints <= 1 || keyOf === undefined) return 'failure';
    const now = this.now();
    if (now - this.windowStart >= this.windowMs) {
      this.failingEndpoints.clear();
      this.windowStart = now;
    }
    if (this.failingEndpoints.size < this.minEndpoints) this.failingEndpoints.add(keyOf(of as T));
    return this.failingEndpoints.size >= this.minEndpoints ? 'failure' : 'none';
  }

  /** The breaker's state now (without moving it: an open breaker past its cool-down shows open until asked). */
  get state(): BreakerState {
    return this.breaker?.current ?? 'closed';
  }

  private refuseQueued(admitted: Pass, why: 'queue_full' | 'uploads_full'): Refusal {
    this.breaker?.record(admitted.ticket, 'none', this.now()); // a half-open probe slot goes back
    if (admitted.upload) this.uploads--;
    return { refused: 'bulkhead', why };
  }
}
