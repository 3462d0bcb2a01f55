// Last step: count the request by route, answering side and status, and time each side.
// Label children are bound once per metrics registry and label combination (io/metrics.ts).
import { boundLabels, type FacadeMetrics } from '../io/metrics';
import { routeLabel } from './forward-primary';
import type { Step } from './context';

type Bound = { requests: ReturnType<typeof boundLabels<{ inc(): void }>>; latency: ReturnType<typeof boundLabels<{ observe(v: number): void }>> };
const bound = new WeakMap<FacadeMetrics, Bound>();

function boundFor(metrics: FacadeMetrics): Bound {
  let b = bound.get(metrics);
  if (!b) { b = { requests: boundLabels(metrics.requests), latency: boundLabels(metrics.latency) }; bound.set(metrics, b); }
  return b;
}

export const recordRequest: Step = (ctx, deps) => {
  const p = ctx.primary;
  const route = routeLabel(ctx);
  const side = ctx.answeredBy ?? 'monolith';
  if (!p) return undefined;
  const b = boundFor(deps.metrics);
  // Positional values follow each metric's labelNames: requests [route, side, status], latency [route, side].
  if (p.kind === 'answered') {
    b.requests(route, side, String(p.status)).inc();
    b.latency(route, side).observe(p.ms / 1000);
  } else if (p.kind === 'failed') {
    b.requests(route, side, String(p.error.status)).inc();
  } else if (p.kind === 'client-gone') {
    b.requests(route, side, 'client_closed').inc();
  }
  return undefined;
};
