// Step 5: after the authoritative write succeeded and the client has its answer, the same write
// goes to the other side (dualwrite, shadow, live, rampdown). Its outcome never reaches the
// client; a failure means the two databases now disagree, so it is counted and logged loudly.
import type { Decision } from '../core/decide';
import type { Side } from '../core/stages';
import { replay, type ReplayOutcome } from '../io/replay';
import { routeLabel } from './forward-primary';
import { upstreamFor, type FacadeDeps, type RequestContext, type Step } from './context';

export const sendSecondWrite: Step = (ctx, deps) => {
  const d = ctx.decision;
  if (!d || d.then === null || !ctx.runtime) return undefined;
  return send(ctx, deps);
};

async function send(ctx: RequestContext, deps: FacadeDeps): Promise<undefined> {
  const d = ctx.decision as Decision & { then: Side };
  if (!ctx.runtime) return undefined;
  const route = routeLabel(ctx);
  const p = ctx.primary;
  if (!p || p.kind !== 'answered' || !p.complete || p.status >= 400) {
    // The authoritative write did not succeed: by design the other side never sees it.
    deps.metrics.secondWrites.inc({ route, side: d.then, outcome: 'not_sent' });
    return undefined;
  }
  if (ctx.body === null) {
    deps.metrics.secondWrites.inc({ route, side: d.then, outcome: 'too_large' });
    deps.logger.error({ requestId: ctx.requestId, route, side: d.then }, 'second write not sent: body over the cap; the two sides now disagree');
    return undefined;
  }
  const upstream = upstreamFor(d.then, ctx, deps);
  const outcome: ReplayOutcome = await replay(upstream, {
    method: ctx.req.method ?? 'POST', url: ctx.req.url ?? ctx.path, headers: ctx.req.headers, body: ctx.body,
    tag: 'x-strangler-second-write',
  }, { timeoutMs: upstream.timeoutMs, captureLimit: ctx.runtime.config.compare.maxBodyBytes });
  ctx.secondWrite = outcome;
  const failed = !outcome.ok || outcome.status >= 400;
  deps.metrics.secondWrites.inc({ route, side: d.then, outcome: failed ? 'failed' : 'ok' });
  if (failed) {
    deps.logger.error({
      requestId: ctx.requestId, route, side: d.then, method: ctx.req.method, url: ctx.req.url,
      status: outcome.ok ? outcome.status : undefined, error: outcome.ok ? undefined : outcome.error,
    }, 'second write failed; the two sides now disagree');
  }
  return undefined;
}
