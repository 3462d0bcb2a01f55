// Deadlines of one exchange with an upstream (primary, fallback, shadow, second write, WebSocket
// handshake): time to connect, time to the response headers once the request was sent, idle time
// between response body chunks, and a total deadline over all of it, retries included. An answer
// that is a stream (core/streams.ts) has no total deadline once its headers are in, and its own,
// longer idle deadline. docs/reference/limits.md lists the defaults.

export interface Deadlines {
  readonly connectMs: number;
  readonly headersMs: number;
  readonly idleMs: number;
  readonly totalMs: number;
  /** Longest gap between two chunks of a stream (an event stream's heartbeats are often 15-60 s apart). */
  readonly streamIdleMs: number;
}

/** streamIdleTimeoutMs when neither the upstream nor the route sets one. */
export const STREAM_IDLE_DEFAULT_MS = 300_000;

export type DeadlinePhase = 'connect' | 'headers' | 'idle' | 'total';

/** The config's deadline fields (an upstream's, or a route's overrides of them). */
export interface DeadlineFields {
  readonly connectTimeoutMs?: number;
  readonly headersTimeoutMs?: number;
  readonly idleTimeoutMs?: number;
  readonly timeoutMs?: number;
  readonly streamIdleTimeoutMs?: number;
}

/** An upstream's deadlines with a route's overrides applied (a total alone also bounds the headers). */
export function deadlinesFrom(base: Required<Omit<DeadlineFields, 'streamIdleTimeoutMs'>> & DeadlineFields, route?: DeadlineFields): Deadlines {
  const totalMs = route?.timeoutMs ?? base.timeoutMs;
  return Object.freeze({
    connectMs: route?.connectTimeoutMs ?? base.connectTimeoutMs,
    headersMs: route?.headersTimeoutMs ?? (route?.timeoutMs !== undefined ? totalMs : base.headersTimeoutMs),
    idleMs: route?.idleTimeoutMs ?? base.idleTimeoutMs,
    totalMs,
    streamIdleMs: route?.streamIdleTimeoutMs ?? base.streamIdleTimeoutMs ?? STREAM_IDLE_DEFAULT_MS,
  });
}

/** The same deadlines, none longer than `totalMs` (a shadow's own, shorter timeout). */
export function cappedAt(d: Deadlines, totalMs: number): Deadlines {
  return {
    connectMs: Math.min(d.connectMs, totalMs), headersMs: Math.min(d.headersMs, totalMs),
    idleMs: Math.min(d.idleMs, totalMs), totalMs, streamIdleMs: Math.min(d.streamIdleMs, totalMs),
  };
}

/**
 * The timers of one exchange: the total one runs from construction, or, for a request whose body
 * the client is still sending (`totalFromSent`), from when the whole request was sent (a slow upload
 * is the client's pace, not the upstream's: nginx has no total over a request body either); one
 * phase timer at a time (connect, then headers, then idle, refreshed by each body chunk).
 * `onExpire` gets the phase.
 */
export class ExchangeClock {
  private phaseTimer: NodeJS.Timeout | null = null;
  private totalTimer: NodeJS.Timeout | null = null;
  private started: number | null = null;
  private expired = false;
  private stopped = false;

  constructor(
    private readonly d: Deadlines,
    private readonly onExpire: (phase: DeadlinePhase) => void,
    totalFromSent = false,
  ) {
    if (!totalFromSent) this.startTotal();
  }

  /** Milliseconds left of the total deadline. */
  remaining(): number {
    return this.started === null ? this.d.totalMs : this.d.totalMs - (performance.now() - this.started);
  }

  /** A new socket is connecting. */
  connecting(): void { this.arm('connect', this.d.connectMs); }
  /** Connected: nothing is timed but the total until the request has been sent. */
  connected(): void { this.clearPhase(); }
  /** The whole request has been sent: the upstream has `headersMs` to answer. */
  sent(): void { this.startTotal(); this.arm('headers', this.d.headersMs); }
  /** Headers arrived (maybe before the whole upload: a 413, a 401): from now on each gap between body chunks is timed. */
  responded(): void { this.startTotal(); this.arm('idle', this.d.idleMs); }
  /** A body chunk arrived (or the idle timer is forgiven: the client, not the upstream, is slow). */
  progress(): void { this.phaseTimer?.refresh(); }
  /**
   * The answer is a stream (its headers said so): it lasts as long as the client listens, so the
   * total deadline no longer applies, and the gaps between chunks get the stream's idle deadline.
   */
  streaming(): void {
    if (this.expired) return;
    if (this.totalTimer) { clearTimeout(this.totalTimer); this.totalTimer = null; }
    this.clearPhase();
    this.phaseTimer = setTimeout(() => this.fire('idle'), this.d.streamIdleMs);
  }

  /**
   * The total deadline passed while the client, not the upstream, was the slow side (a large
   * download to a slow client): it is not the upstream's fault, so the answer goes on, and the
   * deadline is looked at again in `ms`.
   */
  postponeTotal(ms: number): void {
    if (this.totalTimer !== null) return;
    this.expired = false;
    this.totalTimer = setTimeout(() => this.fire('total'), ms);
  }

  stop(): void {
    this.stopped = true;
    this.clearPhase();
    if (this.totalTimer) { clearTimeout(this.totalTimer); this.totalTimer = null; }
  }

  private startTotal(): void {
    if (this.started !== null || this.stopped) return;
    this.started = performance.now();
    this.totalTimer = setTimeout(() => this.fire('total'), this.d.totalMs);
  }

  private arm(phase: DeadlinePhase, ms: number): void {
    this.clearPhase();
    // Not after the total fired, the exchange stopped, or a stream dropped the total (its own idle timer runs).
    if (this.expired || this.stopped || (this.started !== null && this.totalTimer === null)) return;
    // A phase that cannot end before the total deadline needs no timer of its own (the default
    // headers deadline equals the total): one timer fewer per request.
    if (ms >= this.remaining()) return;
    this.phaseTimer = setTimeout(() => this.fire(phase), ms);
  }

  private clearPhase(): void {
    if (this.phaseTimer) { clearTimeout(this.phaseTimer); this.phaseTimer = null; }
  }

  private fire(phase: DeadlinePhase): void {
    // A fired phase timer is kept: progress() can re-arm it (an idle timer forgiven).
    if (phase === 'total') { this.totalTimer = null; this.expired = true; this.clearPhase(); }
    this.onExpire(phase);
  }
}
