// Step 4: the primary answers the client, streamed. In live/rampdown a safe request whose service
// fails (refused, timeout, 5xx) is answered by the monolith instead when the route allows fallback.
import { isSafeMethod, type Side } from '../core/stages';
import type { ForwardOptions, ForwardResult } from '../io/forward';
import { sendJsonError } from '../io/respond';
import { hasBody } from './buffer-body';
import { upstreamFor, type FacadeDeps, type RequestContext, type Step } from './context';

function routeLabel(ctx: RequestContext): string {
  return ctx.route ? ctx.route.route.name : '(unrouted)';
}

// Built once: which side answered, added to every response.
const SIDE_HEADER: Readonly<Record<Side, readonly string[]>> = {
  monolith: Object.freeze(['x-strangler-side', 'monolith']),
  service: Object.freeze(['x-strangler-side', 'service']),
};

function options(ctx: RequestContext, deps: FacadeDeps, side: Side, holdServerErrors: boolean): ForwardOptions {
  const safe = isSafeMethod(ctx.req.method ?? 'GET');
  const d = ctx.decision!;
  // Capture the answer only when something will compare it (a shadow or a second write).
  const compared = d.shadow !== null || d.then !== null;
  return {
    body: ctx.body ?? undefined,
    stream: ctx.bodyStream ?? undefined,
    captureLimit: compared && ctx.runtime ? ctx.runtime.config.compare.maxBodyBytes : 0,
    holdServerErrors,
    retryable: safe && (ctx.body ? ctx.body.length === 0 : !hasBody(ctx.req)),
    extraResponseHeaders: SIDE_HEADER[side],
    requestId: ctx.requestId,
    onRetry: () => deps.metrics.retries.inc({ side }),
  };
}

export const forwardToPrimary: Step = async (ctx, deps) => {
  const d = ctx.decision!;
  const route = routeLabel(ctx);
  const canFallBack = d.kind === 'read' && d.primary === 'service' && ctx.runtime?.config.fallback === true && ctx.body !== null;
  let answeredBy = d.primary;
  let result: ForwardResult = await deps.forwarder.forward(ctx.req, ctx.res, upstreamFor(d.primary, ctx, deps), options(ctx, deps, d.primary, canFallBack));
  if (result.kind === 'failed') {
    deps.metrics.upstreamErrors.inc({ route, side: d.primary, code: result.error.code });
  }
  if (canFallBack && (result.kind === 'failed' || result.kind === 'held')) {
    const reason = result.kind === 'held' ? `status_${result.status}` : result.error.code;
    deps.metrics.fallbacks.inc({ route, reason });
    deps.logger.warn({ requestId: ctx.requestId, route, reason }, 'service failed; answered by the monolith (fallback)');
    answeredBy = 'monolith';
    result = await deps.forwarder.forward(ctx.req, ctx.res, deps.monolith, options(ctx, deps, 'monolith', false));
    if (result.kind === 'failed') deps.metrics.upstreamErrors.inc({ route, side: 'monolith', code: result.error.code });
  }
  ctx.primary = result;
  ctx.answeredBy = answeredBy;
  if (result.kind === 'failed') {
    const e = result.error;
    deps.logger.warn({ requestId: ctx.requestId, route, upstream: e.upstream, code: e.code }, e.message);
    sendJsonError(ctx.res, e.status, { error: e.code, message: e.message, upstream: e.upstream, requestId: ctx.requestId });
  }
  return undefined;
};

export { routeLabel };
