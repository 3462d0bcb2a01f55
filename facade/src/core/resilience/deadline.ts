// Deadline budgets (pure: times are passed in). A request's budget is the facade's own deadline for
// the exchange, lowered (never raised) by the time a client says it has left in the deadline header;
// each attempt sends the upstream what is left, and an attempt that cannot finish is never started.
// The header carries whole milliseconds relative to its arrival (like gRPC's `grpc-timeout`): no
// clock has to agree with another. docs/reference/resilience.md documents it.

/** The default name of the deadline header (config `deadline.header`). */
export const DEFAULT_DEADLINE_HEADER = 'x-request-timeout-ms';

/** A client's deadline header: the budget it names (ms), null when absent, or why it is unusable. */
export type ClientBudget = { readonly ok: true; readonly ms: number | null } | { readonly ok: false; readonly problem: string };

const DIGITS = /^\d{1,10}$/;

/**
 * Parses the header as received (Node joins repeated headers with ", "): each value must be whole
 * milliseconds in plain digits; the smallest one wins (a hop that lowered the budget is right).
 */
export function parseClientBudget(value: string | string[] | undefined): ClientBudget {
  if (value === undefined) return { ok: true, ms: null };
  const parts = (Array.isArray(value) ? value.join(',') : value).split(',').map((p) => p.trim());
  let min = Infinity;
  for (const p of parts) {
    if (!DIGITS.test(p)) return { ok: false, problem: `must be whole milliseconds left (e.g. "1500"), got "${p.slice(0, 40)}"` };
    min = Math.min(min, Number(p));
  }
  return { ok: true, ms: min };
}

/** The budget of an exchange: its own deadline, lowered by the client's budget when one was given. */
export function budgetMs(ownMs: number, clientMs: number | null): number {
  return clientMs === null ? ownMs : Math.min(ownMs, clientMs);
}

/** Milliseconds left of a budget of `budget` ms that started at `startedAt` (same clock as `now`). */
export function remainingMs(budget: number, startedAt: number, now: number): number {
  return budget - (now - startedAt);
}

/**
 * True when an attempt that would start after `delayMs` still has at least `minAttemptMs` of the
 * `remaining` budget: anything shorter cannot finish, and would only add load that gets abandoned.
 */
export function canStartAttempt(remaining: number, delayMs: number, minAttemptMs: number): boolean {
  return remaining - delayMs >= Math.max(1, minAttemptMs);
}

/** The header value an attempt sends: the whole milliseconds left (never negative). */
export function deadlineHeaderValue(remaining: number): string {
  return String(Math.max(0, Math.floor(remaining)));
}
