// Step: reads after writes. A dual write of a route is counted from its arrival until the request
// ends (its second write settled or was given up); a compared read notes where the route's writes
// stood, so the comparison can tell a write that overlapped it (skipped as `write_in_flight`).
// The shadow copy of a read waits for writes in flight to settle (send-shadow.ts). A dual write
// takes its place in the order second writes go out in (io/write-order.ts) when it arrives.
import { routeLabel } from './forward-primary';
import { createsInCollection, resourceOf } from '../io/write-order';
import type { Target } from '../core/own-location';
import { upstreamFor, type FacadeDeps, type RequestContext, type Step } from './context';

export const trackWrites: Step = (ctx, deps) => {
  const d = ctx.decision;
  const writes = deps.comparisons?.writes;
  if (!d || !ctx.runtime) return undefined;
  if (d.kind === 'write' && d.then !== null) {
    // Ordered whether or not comparisons are on: the second side's data depends on it.
    ctx.writeTicket = deps.writeOrder?.admit(upstreamFor(d.then, ctx, deps).name, `${routeLabel(ctx)}\u0000${resourceOf(ctx.path)}`, ctx.runtime.config.dualWrite.order,
      `${routeLabel(ctx)}\u0000${ctx.path.toLowerCase()}`, createsInCollection(ctx.req.method, ctx.path));
    if (writes) {
      ctx.writeSeq = writes.begin(routeLabel(ctx), ctx.path);
      ctx.writeTracked = true;
    }
  } else if (writes && d.kind === 'read' && d.shadow !== null) {
    ctx.readMark = writes.mark(routeLabel(ctx), ctx.path);
  }
  return undefined;
};

/**
 * The authoritative side answered the write naming what it made (a 2xx's Location on its own
 * address, or relative; `target` reads it only when writes are tracked): reads of that path marked
 * before the write count as overlapped by it.
 */
export function noteCreated(ctx: RequestContext, deps: FacadeDeps, target: () => Target | null): void {
  const writes = deps.comparisons?.writes;
  if (!writes || ctx.writeSeq === undefined) return;
  const created = target();
  if (created !== null && created.path !== ctx.path) writes.created(routeLabel(ctx), ctx.writeSeq, created.path);
}

/** Called once when the request is done: a tracked write is no longer in flight, nor waited for. */
export function endTrackedWrite(ctx: RequestContext, deps: FacadeDeps): void {
  if (ctx.writeTicket) deps.writeOrder?.release(ctx.writeTicket);
  if (ctx.writeTracked) {
    ctx.writeTracked = false;
    deps.comparisons?.writes.end(routeLabel(ctx));
  }
}
