// Step: reads after writes. A dual write of a route is counted from its arrival until the request
// ends (its second write settled or was given up); a compared read notes where the route's writes
// stood, so the comparison can tell a write that overlapped it (skipped as `write_in_flight`).
// The shadow copy of a read waits for writes in flight to settle (send-shadow.ts).
import { routeLabel } from './forward-primary';
import type { FacadeDeps, RequestContext, Step } from './context';

export const trackWrites: Step = (ctx, deps) => {
  const d = ctx.decision;
  const writes = deps.comparisons?.writes;
  if (!d || !writes || !ctx.runtime) return undefined;
  if (d.kind === 'write' && d.then !== null) {
    writes.begin(routeLabel(ctx), ctx.path);
    ctx.writeTracked = true;
  } else if (d.kind === 'read' && d.shadow !== null) {
    ctx.readMark = writes.mark(routeLabel(ctx), ctx.path);
  }
  return undefined;
};

/** Called once when the request is done: a tracked write is no longer in flight. */
export function endTrackedWrite(ctx: RequestContext, deps: FacadeDeps): void {
  if (ctx.writeTracked) {
    ctx.writeTracked = false;
    deps.comparisons?.writes.end(routeLabel(ctx));
  }
}
