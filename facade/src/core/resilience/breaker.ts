// The circuit breaker of one upstream (pure: the caller passes the time in). closed → open when the
// failure rate over a sliding window reaches `failureRate` with at least `minRequests` requests;
// open → half-open after `coolDownMs` (on the next request: no timer); half-open lets
// `halfOpenProbes` trial requests through: all succeed → closed, one fails → open again.
// io/upstream-guard.ts admits requests through it and records their verdicts.
import { ErrorWindow } from '../error-window';

export const BREAKER_STATES = ['closed', 'open', 'half-open'] as const;
export type BreakerState = (typeof BREAKER_STATES)[number];

export interface BreakerSettings {
  readonly windowMs: number;
  /** Fewer requests than this in the window never open the breaker. */
  readonly minRequests: number;
  /** Failures / requests (0..1] at or above which the breaker opens. */
  readonly failureRate: number;
  readonly coolDownMs: number;
  /** Trial requests let through in half-open; all of them must succeed to close. */
  readonly halfOpenProbes: number;
}

/** A change of state, with the figures that caused it. `at` is the caller's clock (epoch ms). */
export interface BreakerTransition {
  readonly from: BreakerState;
  readonly to: BreakerState;
  readonly at: number;
  readonly requests: number;
  readonly failures: number;
  readonly reason: string;
}

/** What one admitted request said about the upstream; `none`: nothing (the client left, a 4xx the client caused). */
export type BreakerVerdict = 'success' | 'failure' | 'none';

/** `admit` refused the request. */
export const REJECTED = -1;

/** Buckets of the sliding window: its resolution is windowMs / 10. */
const WINDOW_SLOTS = 10;
const KEY = '';

export class CircuitBreaker {
  private state: BreakerState = 'closed';
  /** Moves at every transition: a verdict from a request admitted under an older state is ignored. */
  private generation = 0;
  private since: number;
  private probesOut = 0;
  private probesOk = 0;
  private readonly window: ErrorWindow;

  constructor(
    readonly settings: BreakerSettings,
    private readonly onTransition: (t: BreakerTransition) => void = () => undefined,
    now = 0,
  ) {
    this.window = new ErrorWindow(settings.windowMs, WINDOW_SLOTS);
    this.since = now;
  }

  /** The state as of the last call (open stays open here until a request arrives after the cool-down). */
  get current(): BreakerState {
    return this.state;
  }

  /** When the current state began (the caller's clock). */
  get stateSince(): number {
    return this.since;
  }

  /**
   * Lets a request through (a ticket >= 0 to hand back to `record`) or refuses it ({@link REJECTED}).
   * In half-open, only `halfOpenProbes` trial requests get a ticket; the rest are refused at once.
   */
  admit(now: number): number {
    if (this.state === 'closed') return this.generation;
    if (this.state === 'open') {
      if (now - this.since < this.settings.coolDownMs) return REJECTED;
      this.move('half-open', now, 0, 0, `cool-down of ${this.settings.coolDownMs} ms over: trying ${this.settings.halfOpenProbes} requests`);
    }
    if (this.probesOut + this.probesOk >= this.settings.halfOpenProbes) return REJECTED;
    this.probesOut++;
    return this.generation;
  }

  /** Counts what an admitted request said. Tickets from before the last transition are ignored. */
  record(ticket: number, verdict: BreakerVerdict, now: number): void {
    if (ticket !== this.generation || ticket === REJECTED) return;
    if (this.state === 'closed') {
      if (verdict === 'none') return;
      const f = this.window.record(KEY, verdict === 'failure', now);
      const s = this.settings;
      if (f.requests >= s.minRequests && f.failures >= s.failureRate * f.requests) {
        this.move('open', now, f.requests, f.failures, `${f.failures} of ${f.requests} requests failed within ${s.windowMs} ms`);
      }
      return;
    }
    if (this.state !== 'half-open') return;
    this.probesOut--;
    if (verdict === 'failure') {
      this.move('open', now, this.probesOk + 1, 1, 'a trial request failed in half-open');
    } else if (verdict === 'success' && ++this.probesOk >= this.settings.halfOpenProbes) {
      this.move('closed', now, this.probesOk, 0, `${this.probesOk} trial requests succeeded`);
    }
  }

  /** How long a refused client should wait before asking again (ms, at least 1 s when refused). */
  retryAfterMs(now: number): number {
    if (this.state === 'open') return Math.max(1000, this.settings.coolDownMs - (now - this.since));
    return 1000;
  }

  /** The window's figures (closed) or the trial requests' (half-open). */
  figures(now: number): { readonly requests: number; readonly failures: number; readonly probesInFlight: number; readonly probesSucceeded: number } {
    const f = this.state === 'closed' ? this.window.figures(KEY, now) : { requests: 0, failures: 0 };
    return { requests: f.requests, failures: f.failures, probesInFlight: this.probesOut, probesSucceeded: this.probesOk };
  }

  private move(to: BreakerState, now: number, requests: number, failures: number, reason: string): void {
    const from = this.state;
    this.state = to;
    this.since = now;
    this.generation++;
    this.probesOut = 0;
    this.probesOk = 0;
    // Closed starts from fresh evidence: failures from before the breaker opened are history.
    if (to === 'closed') this.window.reset(KEY);
    this.onTransition({ from, to, at: now, requests, failures, reason });
  }
}
