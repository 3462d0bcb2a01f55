// Step 2: the client's own deadline header (config `deadline.header`, when `acceptFromClient`)
// becomes this request's time budget, counted from now; it can only lower the facade's own
// deadlines (pipeline/guarded-forward.ts applies it). A value that is not whole milliseconds is
// answered 400 naming the header, rather than silently ignored.
import { parseClientBudget } from '../core/resilience/deadline';
import { sendJsonError } from '../io/respond';
import type { RequestContext, Step } from './context';

/** The client's budget: `clientMs` from `startedAt` (performance.now()). */
export interface ClientDeadline {
  readonly clientMs: number;
  readonly startedAt: number;
}

const DEADLINE = Symbol('strangler.clientDeadline');
type Carrier = RequestContext & { [DEADLINE]?: ClientDeadline };

/** The budget the client named, or undefined when it named none. */
export function clientDeadline(ctx: RequestContext): ClientDeadline | undefined {
  return (ctx as Carrier)[DEADLINE];
}

export const readDeadline: Step = (ctx, deps) => {
  const d = deps.config.deadline;
  if (d.header === false || !d.acceptFromClient) return undefined;
  const raw = ctx.req.headers[d.header];
  if (raw === undefined) return undefined;
  const parsed = parseClientBudget(raw);
  if (!parsed.ok) {
    deps.metrics.badRequests.inc({ code: 'DEADLINE_HEADER_INVALID' });
    sendJsonError(ctx.res, 400, { error: 'DEADLINE_HEADER_INVALID', message: `header ${d.header}: ${parsed.problem}`, requestId: ctx.requestId });
    return 'handled';
  }
  (ctx as Carrier)[DEADLINE] = { clientMs: parsed.ms!, startedAt: performance.now() };
  return undefined;
};
