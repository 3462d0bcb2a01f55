// Step 4: the primary answers the client, streamed. In live/rampdown a safe request whose service
// fails (refused, timeout, 5xx) is answered by the monolith instead when the route allows fallback.
// Each exchange runs under the route's deadlines for that side; a client upload that stalls or
// outgrows the route's body cap is answered 408/413 by the facade.
import type { Side } from '../core/stages';
import { deadlinesFrom, type Deadlines } from '../io/deadlines';
import type { UpstreamError } from '../errors';
import type { ForwardOptions, ForwardResult } from '../io/forward';
import { sendJsonError } from '../io/respond';
import { isIdempotentFor, type Upstream } from '../io/upstreams';
import { ownCredentialsFor } from '../io/replay';
import { refuseBody, requestBodyCap } from './buffer-body';
import { hasBody } from '../io/upload-watch';
import { upstreamFor, type FacadeDeps, type RequestContext, type RouteRuntime, type Step } from './context';
import { shadowDropped } from './send-shadow';
import { forwardGuarded } from './guarded-forward';

function routeLabel(ctx: RequestContext): string {
  return ctx.route ? ctx.route.route.name : '(unrouted)';
}

// Built once: which side answered, added to every response.
const SIDE_HEADER: Readonly<Record<Side, readonly string[]>> = {
  monolith: Object.freeze(['x-strangler-side', 'monolith']),
  service: Object.freeze(['x-strangler-side', 'service']),
};

// A route's deadlines per side, resolved once (its `timeouts` over each upstream's own).
const routeDeadlines = new WeakMap<RouteRuntime, Map<Upstream, Deadlines>>();

/** The deadlines of an exchange with `upstream` for this route (the upstream's own when unrouted). */
export function deadlinesFor(upstream: Upstream, runtime: RouteRuntime | null): Deadlines {
  const overrides = runtime?.config.timeouts;
  if (!runtime || !overrides) return upstream.deadlines;
  let byUpstream = routeDeadlines.get(runtime);
  if (!byUpstream) { byUpstream = new Map(); routeDeadlines.set(runtime, byUpstream); }
  let d = byUpstream.get(upstream);
  if (!d) {
    const u = upstream.deadlines;
    d = deadlinesFrom({ connectTimeoutMs: u.connectMs, headersTimeoutMs: u.headersMs, idleTimeoutMs: u.idleMs, timeoutMs: u.totalMs, streamIdleTimeoutMs: u.streamIdleMs }, overrides);
    byUpstream.set(upstream, d);
  }
  return d;
}

function options(ctx: RequestContext, deps: FacadeDeps, upstream: Upstream, holdServerErrors: boolean): ForwardOptions {
  const side = upstream.side;
  const d = ctx.decision!;
  // Capture the answer only when something will compare it (a shadow that was sent, or a second write).
  const compared = d.then !== null || (d.shadow !== null && !shadowDropped(ctx));
  const inHand = ctx.body !== null || !hasBody(ctx.req);
  // The side answering now issued its own credential when it was the other side of the client's login.
  const own = ownCredentialsFor(upstream, ctx.req.headers);
  return {
    ...(own === null ? {} : { ownCredentials: own }),
    body: ctx.body ?? undefined,
    stream: ctx.bodyStream ?? ctx.bodyFile?.open() ?? undefined,
    streamLength: ctx.bodyStream === null ? ctx.bodyFile?.length : undefined,
    captureLimit: compared && ctx.runtime ? ctx.runtime.config.compare.maxBodyBytes : 0,
    // A shadowed read's answer is given back once compared (pipeline/record-comparison.ts).
    slabCapture: d.kind === 'read',
    holdServerErrors,
    retryable: inHand && isIdempotentFor(upstream, ctx.req.method ?? 'GET'),
    extraResponseHeaders: SIDE_HEADER[side],
    requestId: ctx.requestId,
    deadlines: deadlinesFor(upstream, ctx.runtime),
    upload: inHand || ctx.bodyFile !== null ? null : { idleMs: deps.config.listen.bodyIdleTimeoutMs, maxBytes: requestBodyCap(ctx, deps) },
    onRetry: () => deps.metrics.retries.inc({ side }),
    deadlineHeader: deps.config.deadline.header || null,
    minAttemptMs: deps.config.deadline.minAttemptMs,
  };
}

/** A refusal's `Retry-After` (whole seconds, at least 1). */
function refusalHeaders(e: UpstreamError): Record<string, string> | undefined {
  const ms = e.refusal?.retryAfterMs;
  return ms === undefined ? undefined : { 'retry-after': String(Math.max(1, Math.ceil(ms / 1000))) };
}


export const forwardToPrimary: Step = async (ctx, deps) => {
  const d = ctx.decision!;
  const route = routeLabel(ctx);
  const rc = ctx.runtime?.config;
  // At `complete` the service alone answers: the monolith stands in only if the route says so.
  const canFallBack = d.kind === 'read' && d.primary === 'service' && rc?.fallback === true && (d.stage !== 'complete' || rc.fallbackAtComplete) && ctx.body !== null;
  let answeredBy = d.primary;
  const upstream = upstreamFor(d.primary, ctx, deps);
  // Through the upstream's circuit breaker and bulkhead, under the client's deadline (pipeline/guarded-forward.ts).
  let result: ForwardResult = await forwardGuarded(ctx, deps, upstream, options(ctx, deps, upstream, canFallBack));
  if (result.kind === 'failed') {
    deps.metrics.upstreamErrors.inc({ route, side: d.primary, code: result.error.code });
  }
  // A spent client deadline is no reason to ask the monolith instead (it would be out of time too).
  const outOfTime = result.kind === 'failed' && (result.error.code === 'DEADLINE_EXCEEDED' || result.clientDeadline === true);
  if (canFallBack && !outOfTime && (result.kind === 'failed' || result.kind === 'held')) {
    const reason = result.kind === 'held' ? `status_${result.status}` : result.error.code;
    deps.metrics.fallbacks.inc({ route, reason });
    // The facade's own refusals (breaker open, bulkhead full) were logged once, at the transition: debug here.
    deps.logger[result.kind === 'failed' && result.error.refusal ? 'debug' : 'warn']({ requestId: ctx.requestId, route, reason }, 'service failed; answered by the monolith (fallback)');
    answeredBy = 'monolith';
    result = await forwardGuarded(ctx, deps, deps.monolith, options(ctx, deps, deps.monolith, false));
    if (result.kind === 'failed') deps.metrics.upstreamErrors.inc({ route, side: 'monolith', code: result.error.code });
  }
  ctx.primary = result;
  ctx.answeredBy = answeredBy;
  if (ctx.writeTicket) deps.writeOrder?.answered(ctx.writeTicket); // a write arriving from now on comes after this one
  if (result.kind === 'failed') {
    const e = result.error;
    deps.logger[e.refusal ? 'debug' : 'warn']({ requestId: ctx.requestId, route, upstream: e.upstream, code: e.code }, e.message);
    const breaker = e.refusal?.breaker;
    sendJsonError(ctx.res, e.status, { error: e.code, message: e.message, upstream: e.upstream, requestId: ctx.requestId, ...(breaker ? { breaker } : {}) }, refusalHeaders(e));
  } else if (result.kind === 'refused') {
    refuseBody(ctx, deps, result.code);
  }
  return undefined;
};

export { routeLabel };
