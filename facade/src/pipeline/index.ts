// The facade's request pipeline: an explicit, ordered list of small steps (node-http-proxy's
// "passes", listed as httpxy does). A step returns 'handled' when it answered the client itself.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJsonError } from '../io/respond';
import { prepareRequestHeaders } from '../io/headers';
import { bufferBody } from './buffer-body';
import { chooseStage } from './choose-stage';
import type { FacadeDeps, RequestContext, Step } from './context';
import { forwardToPrimary } from './forward-primary';
import { matchRoute } from './match-route';
import { postReads } from './post-reads';
import { primaryAloneStep } from './primary-alone';
import { readDeadline } from './read-deadline';
import { recordRequest } from './record';
import { requestIdOf } from './request-id';
import { recordComparison } from './record-comparison';
import { sendShadow } from './send-shadow';
import { sendSecondWrite } from './second-write';
import { endTrackedWrite, trackWrites } from './track-writes';

const prepareHeaders: Step = (ctx, deps) => {
  prepareRequestHeaders(ctx.req, ctx.requestId, false, deps.forwardedTrust.trusts(ctx.req.socket));
  return undefined;
};

export const facadeSteps: readonly Step[] = Object.freeze([
  matchRoute,       // normalize the path once; 400 if malformed; find the route
  readDeadline,     // the client's deadline header lowers this request's time budget (400 if malformed)
  chooseStage,      // flag provider → stage (sticky rollout) → decision (primary, shadow, then)
  primaryAloneStep, // a real-time transport's session request, a route's primaryOnly path: no copy anywhere
  postReads,        // a POST that only reads (a GraphQL query, a listed path) runs as a read of its stage
  trackWrites,      // count dual writes in flight per route; mark compared reads (reads after writes)
  prepareHeaders,   // drop hop-by-hop headers, add X-Forwarded-*, x-request-id
  bufferBody,       // only when the body must be sent twice, and only up to the cap
  sendShadow,       // sampled reads in shadow/live: a copy to the shadow side, concurrently, bounded
  forwardToPrimary, // stream the primary's answer to the client (capped tee); fallback to the monolith
  sendSecondWrite,  // after the client has its answer: the same write to the other side
  recordComparison, // off the response path: diff -> classify (noise) -> redact -> batched store
  recordRequest,    // metrics
]);

export function newContext(req: IncomingMessage, res: ServerResponse): RequestContext {
  const requestId = requestIdOf(req);
  return {
    req, res, requestId, path: '/', query: '', route: null, runtime: null, decision: null,
    body: null, bodyFile: null, bodyOverCap: false, bodyStream: null, primary: null, secondWrite: null, answeredBy: null,
    shadow: null, shadowSkipped: null,
  };
}

/** Runs the steps in order for one request. Never throws: a bug answers 500, never crashes the facade. */
export async function handleRequest(req: IncomingMessage, res: ServerResponse, deps: FacadeDeps, steps: readonly Step[] = facadeSteps): Promise<void> {
  const ctx = newContext(req, res);
  try {
    for (const step of steps) {
      const r = step(ctx, deps);
      const outcome = r instanceof Promise ? await r : r;
      if (outcome === 'handled') break;
    }
  } catch (err) {
    deps.logger.error({ err, requestId: ctx.requestId }, 'facade error while handling a request');
    sendJsonError(res, 500, { error: 'FACADE_ERROR', message: 'the facade failed to handle this request', requestId: ctx.requestId });
  } finally {
    ctx.bodyFile?.remove(); // both sides (and a divergence) have had it
    endTrackedWrite(ctx, deps);
    deps.onRequestDone?.(ctx);
  }
}
