// Last step: count the request by route, answering side and status, and time each side.
import { routeLabel } from './forward-primary';
import type { Step } from './context';

export const recordRequest: Step = (ctx, deps) => {
  const p = ctx.primary;
  const route = routeLabel(ctx);
  const side = ctx.answeredBy ?? 'monolith';
  if (!p) return undefined;
  if (p.kind === 'answered') {
    deps.metrics.requests.inc({ route, side, status: String(p.status) });
    deps.metrics.latency.observe({ route, side }, p.ms / 1000);
  } else if (p.kind === 'failed') {
    deps.metrics.requests.inc({ route, side, status: String(p.error.status) });
  } else if (p.kind === 'client-gone') {
    deps.metrics.requests.inc({ route, side, status: 'client_closed' });
  }
  return undefined;
};
