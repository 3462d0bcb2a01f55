// The two rules every forwarder applies per attempt (forward.ts over http-proxy, dispatch.ts over
// undici): an attempt is started only if it can still finish inside the exchange's deadline, and it
// tells the upstream how much of it is left in the deadline header (core/resilience/deadline.ts).
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
