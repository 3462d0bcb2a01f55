// The primary exchange (and its fallback) through the upstream's guard: the circuit breaker, then
// the bulkhead (waiting at most what the deadline leaves), then the forwarder under deadlines
// shrunk to the client's budget; the outcome is recorded as the breaker's verdict. A refusal is a
// `failed` result with the facade's own code (503 circuit open / bulkhead full, 504 deadline),
// so fallback, metrics and auto-rollback treat it like any other failure of that upstream.
import { UpstreamError } from '../errors';
import { canStartAttempt, remainingMs } from '../core/resilience/deadline';
import type { BreakerVerdict } from '../core/resilience/breaker';
import { cappedAt } from '../io/deadlines';
import type { ForwardOptions, ForwardResult } from '../io/forward';
import { isRefusal, type Refusal, type UpstreamGuard } from '../io/upstream-guard';
import type { Upstream } from '../io/upstreams';
import type { FacadeDeps, RequestContext } from './context';
import { clientDeadline } from './read-deadline';
import { endpointOf } from '../core/comparison/endpoint';

/** The endpoint a request's status failures are counted under (upstream-guard.ts statusVerdict). */
export const endpointKeyOf = (ctx: RequestContext): string => ctx.endpoint ?? endpointOf(ctx.req.method ?? 'GET', ctx.path);

/** What an exchange's result tells the breaker. */
export function verdictOf(r: ForwardResult, guard: UpstreamGuard, ctx?: RequestContext): BreakerVerdict {
  // A client that asks for 100 ms of an upstream that takes 150 learns nothing of the upstream's health.
  // Nor does an upload the upstream declined by closing on it (any client can send one).
  if (r.kind === 'failed') return r.error.refusal || r.clientDeadline || r.declinedUpload ? 'none' : 'failure';
  if (r.kind === 'answered' || r.kind === 'held') return ctx ? guard.statusVerdict(r.status, endpointKeyOf, ctx) : guard.statusVerdict(r.status);
  return 'none'; // the client left, or its upload broke a limit: nothing learned about the upstream
}

function refusedResult(upstream: Upstream, entry: Refusal, started: number, deps: FacadeDeps): ForwardResult {
  const ms = performance.now() - started;
  if (entry.refused === 'client-gone') return { kind: 'client-gone', ms };
  if (entry.refused === 'circuit') {
    deps.metrics.breakerRejections.inc({ upstream: upstream.name, traffic: 'primary' });
    return { kind: 'failed', ms, error: new UpstreamError('UPSTREAM_CIRCUIT_OPEN', upstream.name, undefined, { breaker: entry.state, retryAfterMs: entry.retryAfterMs }) };
  }
  deps.metrics.bulkheadRejections.inc({ upstream: upstream.name, reason: entry.why });
  return { kind: 'failed', ms, error: new UpstreamError('UPSTREAM_BULKHEAD_FULL', upstream.name, undefined, { retryAfterMs: 1000 }) };
}

function outOfTime(upstream: Upstream, started: number, deps: FacadeDeps): ForwardResult {
  deps.metrics.deadlineRefusals.inc({ upstream: upstream.name });
  return { kind: 'failed', ms: performance.now() - started, error: new UpstreamError('DEADLINE_EXCEEDED', upstream.name, undefined, {}) };
}

/** Forwards through `upstream.guard`; see the module header. Never throws. */
export async function forwardGuarded(ctx: RequestContext, deps: FacadeDeps, upstream: Upstream, opts: ForwardOptions): Promise<ForwardResult> {
  const started = performance.now();
  const budget = clientDeadline(ctx);
  const min = deps.config.deadline.minAttemptMs;
  let left = budget ? remainingMs(budget.clientMs, budget.startedAt, started) : Infinity;
  if (!canStartAttempt(left, 0, min)) return outOfTime(upstream, started, deps);
  const guard = upstream.guard;
  // A body still to arrive holds its slot as long as the client takes to send it (upstream-guard.ts).
  let entry = guard.enter(left - min, (leave) => ctx.res.once('close', leave), opts.upload != null);
  if (entry instanceof Promise) entry = await entry;
  if (isRefusal(entry)) return refusedResult(upstream, entry, started, deps);
  let o = opts;
  if (budget) {
    left = remainingMs(budget.clientMs, budget.startedAt, performance.now());
    if (!canStartAttempt(left, 0, min)) { guard.settle(entry, 'none'); return outOfTime(upstream, started, deps); }
    // The client's budget only ever lowers the exchange's deadlines.
    if (left < o.deadlines.totalMs) o = { ...o, deadlines: cappedAt(o.deadlines, left) };
  }
  const capped = o !== opts;
  let result: ForwardResult;
  try {
    result = await deps.forwarder.forward(ctx.req, ctx.res, upstream, o);
  } catch (err) {
    guard.settle(entry, 'none');
    throw err;
  }
  // A timeout under deadlines the client lowered is the client's budget spent, not the upstream failing.
  if (capped && result.kind === 'failed' && result.error.code === 'UPSTREAM_TIMEOUT') result = { ...result, clientDeadline: true };
  guard.settle(entry, verdictOf(result, guard, ctx));
  return result;
}
