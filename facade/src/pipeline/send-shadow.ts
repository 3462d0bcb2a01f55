// Step: in the stages that compare reads (shadow, live), send the shadow side a copy of a sampled
// request, concurrently with the primary and tagged `x-strangler-shadow: 1`. Bounded per route:
// past `maxInFlight` a shadow is dropped and counted, never queued. Its answer is only compared.
import { createHash } from 'node:crypto';
import { replay } from '../io/replay';
import { routeLabel } from './forward-primary';
import { upstreamFor, type RequestContext, type Step } from './context';

/** Deterministic on the request (method and URL), so the same requests are compared each time. */
export function sampledRequest(ctx: RequestContext, percent: number): boolean {
  if (percent >= 100) return true;
  if (percent <= 0) return false;
  const h = createHash('sha1').update(`${ctx.req.method} ${ctx.req.url}`).digest();
  return (h.readUInt32BE(0) / 0x100000000) * 100 < percent;
}

export const sendShadow: Step = (ctx, deps) => {
  const d = ctx.decision;
  const rt = ctx.runtime;
  if (!d || d.shadow === null || !rt || !deps.shadows) return undefined;
  const cmp = rt.config.compare;
  if (!sampledRequest(ctx, cmp.sample)) return undefined;
  const route = routeLabel(ctx);
  if (ctx.body === null) {
    ctx.shadowSkipped = 'request_too_large';
    return undefined;
  }
  if (!deps.shadows.acquire(route, cmp.maxInFlight)) {
    deps.metrics.shadowDrops.inc({ route, reason: 'in_flight_limit' });
    return undefined;
  }
  const upstream = upstreamFor(d.shadow, ctx, deps);
  ctx.shadow = replay(upstream, {
    method: ctx.req.method ?? 'GET', url: ctx.req.url ?? ctx.path, headers: ctx.req.headers, body: ctx.body, tag: 'x-strangler-shadow',
  }, { timeoutMs: cmp.shadowTimeoutMs, captureLimit: cmp.maxBodyBytes }).finally(() => deps.shadows!.release(route));
  return undefined;
};

/** Shadow requests in flight per route. */
export class ShadowLimiter {
  private readonly inFlight = new Map<string, number>();
  acquire(route: string, max: number): boolean {
    const n = this.inFlight.get(route) ?? 0;
    if (n >= max) return false;
    this.inFlight.set(route, n + 1);
    return true;
  }
  release(route: string): void {
    this.inFlight.set(route, Math.max(0, (this.inFlight.get(route) ?? 1) - 1));
  }
}
