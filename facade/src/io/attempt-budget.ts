// The rules every forwarder applies per attempt (forward.ts over http-proxy, dispatch.ts over
// undici): when a failed attempt is tried again, an attempt is started only if it can still finish
// inside the exchange's deadline, and it tells the upstream how much of it is left in the deadline
// header (core/resilience/deadline.ts).
import { canStartAttempt, deadlineHeaderValue } from '../core/resilience/deadline';

/** What ForwardOptions carry for these rules (config `deadline`). */
export interface AttemptBudget {
  /** The deadline header to set on each attempt; null or absent: none is set. */
  readonly deadlineHeader?: string | null;
  /** An attempt (or retry) with less than this left is not started. */
  readonly minAttemptMs?: number;
}

/** True when an attempt starting in `delayMs` still has `minAttemptMs` of the `remaining` ms. */
export function attemptAllowed(opts: AttemptBudget, remaining: number, delayMs: number): boolean {
  return canStartAttempt(remaining, delayMs, opts.minAttemptMs ?? 1);
}

/** Sets the deadline header on an outgoing node:http request (before its headers are sent). */
export function setDeadlineHeader(opts: AttemptBudget, req: { setHeader(name: string, value: string): unknown; headersSent?: boolean }, remaining: number): void {
  if (opts.deadlineHeader && !req.headersSent) req.setHeader(opts.deadlineHeader, deadlineHeaderValue(remaining));
}

/**
 * A flat [name, value, ...] header list (undici) plus the deadline header telling `remaining`. The
 * list must not hold that header already: requestHeaders (dispatch.ts) leaves the client's out.
 */
export function withDeadlineHeader(opts: AttemptBudget, flat: string[], remaining: number): string[] {
  const name = opts.deadlineHeader;
  return name ? [...flat, name, deadlineHeaderValue(remaining)] : flat;
}

/** What a forwarder knows of a failed attempt, in its own terms (socket flags, error codes). */
export interface FailedAttempt {
  /** The request may be sent again (safe, with its body in hand). */
  readonly retryable: boolean;
  /** The upstream's answer had begun, or the exchange's total deadline is spent. */
  readonly tooLate: boolean;
  /** A kept-alive socket the upstream closed as it was reused. */
  readonly resetOnReuse: boolean;
  /** How many such resets this exchange has tried again already. */
  readonly resetsRetried: number;
  /** Nothing reached the upstream (refused, unreachable, connect timed out). */
  readonly notSent: boolean;
  readonly elapsedMs: number;
  readonly remainingMs: number;
  /** The upstream's retry policy: the pause before a connect retry, and the time all retries may take. */
  readonly delayMs: number;
  readonly budgetMs: number;
}

/**
 * Whether a failed attempt is tried again: `reset` at once on a fresh socket (the upstream closed an
 * idle kept-alive socket as it was reused); a second reset in the same exchange once more after the
 * upstream's delay (`later`: an upstream restarting drops the connections queued on its closing
 * listener, so the fresh socket is reset too, and the new process answers a moment later); a
 * `connect` failure after the delay while the retry budget and the deadline allow; or null.
 */
export function retryChoice(opts: AttemptBudget, a: FailedAttempt): 'reset' | 'later' | 'connect' | null {
  if (!a.retryable || a.tooLate) return null;
  const inBudget = a.elapsedMs + a.delayMs <= a.budgetMs && attemptAllowed(opts, a.remainingMs, a.delayMs);
  if (a.resetOnReuse) {
    if (a.resetsRetried === 0 && attemptAllowed(opts, a.remainingMs, 0)) return 'reset';
    if (a.resetsRetried === 1 && inBudget) return 'later';
  }
  if (!a.notSent || !inBudget) return null;
  return 'connect';
}
