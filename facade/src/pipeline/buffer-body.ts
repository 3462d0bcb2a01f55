// Step 3: read the request body into memory, but only when it must be sent twice (a second
// write, a fallback, a shadow copy) and only up to the route's cap; otherwise it streams.
// Past the cap a write for both sides goes to a temporary file (or is refused, 413, as the route
// says); anything else streams to the primary alone.
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { spoolRequest } from '../io/body-spool';
import { lingerAfterAnswer } from '../io/linger';
import { sendContinue } from '../io/expect-continue';
import { sendJsonError } from '../io/respond';
import { declaredLength, hasBody, watchUpload } from '../io/upload-watch';
import type { FacadeDeps, RequestContext, Step } from './context';

const EMPTY = Buffer.alloc(0);

/** True when some later step needs to send this request's body a second time. */
export function needsReplay(ctx: RequestContext): boolean {
  const d = ctx.decision;
  if (!d || !ctx.runtime) return false;
  if (d.then !== null || d.shadow !== null) return true;
  return d.kind === 'read' && d.primary === 'service' && ctx.runtime.config.fallback;
}

type ReadResult = { kind: 'body'; body: Buffer } | { kind: 'over-cap'; head: Buffer[] } | { kind: 'gone' };

function readUpTo(req: IncomingMessage, cap: number): Promise<ReadResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData); req.off('end', onEnd); req.off('close', onClose);
    };
    const onData = (c: Buffer): void => {
      chunks.push(c);
      size += c.length;
      if (size > cap) { req.pause(); cleanup(); resolve({ kind: 'over-cap', head: chunks }); }
    };
    const onEnd = (): void => { cleanup(); resolve({ kind: 'body', body: Buffer.concat(chunks, size) }); };
    const onClose = (): void => { cleanup(); resolve({ kind: 'gone' }); };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', onClose);
  });
}

/** The bytes already read followed by the rest of the request, as one stream for the primary. */
function resume(head: Buffer[], req: IncomingMessage): Readable {
  return Readable.from((async function* () {
    yield* head;
    for await (const chunk of req) yield chunk as Buffer;
  })());
}

// Not `async`: the common cases (nothing to replay, no body) return without a promise.
export const bufferBody: Step = (ctx, deps) => {
  if (ctx.body !== null || ctx.bodyFile !== null || ctx.bodyStream !== null || ctx.bodyOverCap) return undefined; // read already (post-reads.ts)
  if (refuseDeclaredOverCap(ctx, deps)) return 'handled';
  if (!needsReplay(ctx) || !ctx.runtime) return undefined;
  if (!hasBody(ctx.req)) { ctx.body = EMPTY; return undefined; }
  const cap = sentTwice(ctx) ? ctx.runtime.config.dualWrite.maxBodyBytes : ctx.runtime.config.compare.maxBodyBytes;
  const declared = Number(ctx.req.headers['content-length'] ?? NaN);
  if (declared > cap) return spools(ctx) ? spoolBody(ctx, deps, []) : overCap(ctx, deps, null);
  return readBody(ctx, deps, cap);
};

/** A write the stage sends to both sides: its body has its own cap (`dualWrite`), not the comparison's. */
function sentTwice(ctx: RequestContext): boolean {
  return ctx.decision?.kind === 'write' && ctx.decision.then !== null;
}

/**
 * Past the cap. A write both sides must get is refused with 413 before either side got a byte (no
 * write reaches one side only), unless the route says `dualWrite.overCap: "primary-only"`; anything
 * else streams on to the primary (`head`: the bytes already read), and only its copy is given up.
 */
function overCap(ctx: RequestContext, deps: FacadeDeps, head: Buffer[] | null): 'handled' | undefined {
  const rt = ctx.runtime!;
  if (sentTwice(ctx) && rt.config.dualWrite.overCap === 'refuse') {
    const cap = rt.config.dualWrite.maxBodyBytes;
    deps.metrics.badRequests.inc({ code: 'BODY_TOO_LARGE' });
    deps.logger.warn({ requestId: ctx.requestId, route: rt.config.name, cap }, 'write refused: its body is over the dual-write cap');
    sendJsonError(ctx.res, 413, {
      error: 'BODY_TOO_LARGE', requestId: ctx.requestId,
      message: `the ${ctx.decision!.stage} stage sends this write to both sides, and its body is over route ${rt.config.name}'s dualWrite.maxBodyBytes (${cap} bytes); neither side got it`,
    });
    ctx.req.resume(); // discard the rest, so the client reads the 413 rather than a stalled upload
    return 'handled';
  }
  ctx.bodyOverCap = true;
  if (head) ctx.bodyStream = resume(head, ctx.req);
  return undefined;
}

async function readBody(ctx: RequestContext, deps: FacadeDeps, cap: number): Promise<'handled' | undefined> {
  const read = await readWithinLimits(ctx, deps, cap);
  if (read.kind === 'refused') return 'handled';
  if (read.kind === 'gone') {
    sendJsonError(ctx.res, 400, { error: 'REQUEST_ABORTED', message: 'client closed the request before its body ended', requestId: ctx.requestId });
    return 'handled';
  }
  if (read.kind === 'body') ctx.body = read.body;
  else if (spools(ctx)) return spoolBody(ctx, deps, read.head);
  else if (overCap(ctx, deps, read.head) === 'handled') return 'handled';
  deps.logger.debug({ requestId: ctx.requestId, bytes: ctx.body?.length, overCap: ctx.bodyOverCap }, 'request body buffered');
  return undefined;
}

/** Past its in-memory cap, this write for both sides is kept on disk (`dualWrite.overCap: "spool"`). */
function spools(ctx: RequestContext): boolean {
  return sentTwice(ctx) && ctx.runtime!.config.dualWrite.overCap === 'spool';
}

/**
 * A write for both sides past its in-memory cap: the bytes read so far and the rest go to a temporary
 * file (io/body-spool.ts), under the same body cap and idle limit, before either side gets a byte.
 */
async function spoolBody(ctx: RequestContext, deps: FacadeDeps, head: Buffer[]): Promise<'handled' | undefined> {
  sendContinue(ctx.req, ctx.res); // the facade reads this body itself, so it says 100 itself
  const r = await spoolRequest(ctx.req, head, requestBodyCap(ctx, deps), deps.config.listen.bodyIdleTimeoutMs);
  if (r.kind === 'spooled') {
    ctx.bodyFile = r.body;
    deps.logger.debug({ requestId: ctx.requestId, bytes: r.body.length }, 'request body kept on disk for both sides');
    return undefined;
  }
  if (r.kind === 'over-cap' || r.kind === 'stalled') {
    refuseBody(ctx, deps, r.kind === 'stalled' ? 'REQUEST_BODY_TIMEOUT' : 'BODY_TOO_LARGE');
    return 'handled';
  }
  if (r.kind === 'gone') {
    sendJsonError(ctx.res, 400, { error: 'REQUEST_ABORTED', message: 'client closed the request before its body ended', requestId: ctx.requestId });
    return 'handled';
  }
  const rt = ctx.runtime!;
  deps.logger.error({ requestId: ctx.requestId, route: rt.config.name, err: r.error.message }, 'write refused: its body could not be kept on disk');
  ctx.res.shouldKeepAlive = false;
  sendJsonError(ctx.res, 503, {
    error: 'SPOOL_FAILED', requestId: ctx.requestId,
    message: `the ${ctx.decision!.stage} stage sends this write to both sides; its body is over route ${rt.config.name}'s dualWrite.maxBodyBytes (${rt.config.dualWrite.maxBodyBytes} bytes) and could not be kept on disk (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); neither side got it`,
  });
  ctx.req.resume();
  return 'handled';
}

// The request body limits every request has (docs/reference/limits.md): the route's body cap and
// the server's idle limit while the facade reads a body itself. A streamed body is held to the
// same limits by io/forward.ts.

/** This request's body cap: the route's `maxRequestBodyBytes`, else `listen.maxRequestBodyBytes`. */
export function requestBodyCap(ctx: RequestContext, deps: FacadeDeps): number {
  return ctx.runtime?.config.maxRequestBodyBytes ?? deps.config.listen.maxRequestBodyBytes;
}

/** The facade's own 408 or 413 for a body; the connection closes after it (the rest is never read). */
export function refuseBody(ctx: RequestContext, deps: FacadeDeps, code: 'REQUEST_BODY_TIMEOUT' | 'BODY_TOO_LARGE'): void {
  deps.metrics.badRequests.inc({ code });
  const field = ctx.runtime?.config.maxRequestBodyBytes !== undefined ? `routes.${ctx.runtime.config.name}.maxRequestBodyBytes` : 'listen.maxRequestBodyBytes';
  const message = code === 'REQUEST_BODY_TIMEOUT'
    ? `the request body stopped arriving for ${deps.config.listen.bodyIdleTimeoutMs} ms (listen.bodyIdleTimeoutMs)`
    : `the request body is larger than ${requestBodyCap(ctx, deps)} bytes (${field}); no upstream got it`;
  ctx.res.shouldKeepAlive = false;
  if (code === 'BODY_TOO_LARGE') lingerAfterAnswer(ctx.req); // before the answer, which may end at once
  sendJsonError(ctx.res, code === 'REQUEST_BODY_TIMEOUT' ? 408 : 413, { error: code, message, requestId: ctx.requestId });
  if (code === 'BODY_TOO_LARGE') ctx.req.resume(); // discard what still arrives, so the client reads the 413
}

/** A body declared (Content-Length) over the cap is refused before a byte is read or sent anywhere. */
function refuseDeclaredOverCap(ctx: RequestContext, deps: FacadeDeps): boolean {
  if (!(declaredLength(ctx.req) > requestBodyCap(ctx, deps))) return false;
  refuseBody(ctx, deps, 'BODY_TOO_LARGE');
  return true;
}

/** readUpTo, after letting a client that waits for `100 Continue` send, and within the body limits. */
async function readWithinLimits(ctx: RequestContext, deps: FacadeDeps, cap: number): Promise<ReadResult | { kind: 'refused' }> {
  sendContinue(ctx.req, ctx.res); // the facade reads this body itself, so it says 100 itself
  let stalled = (): void => undefined;
  const stall = new Promise<'stalled'>((resolve) => { stalled = () => resolve('stalled'); });
  const stopWatching = watchUpload(ctx.req, deps.config.listen.bodyIdleTimeoutMs, stalled);
  const read = await Promise.race([readUpTo(ctx.req, cap), stall]);
  stopWatching();
  if (read === 'stalled') {
    refuseBody(ctx, deps, 'REQUEST_BODY_TIMEOUT');
    return { kind: 'refused' };
  }
  if (read.kind === 'body' && read.body.length > requestBodyCap(ctx, deps)) {
    refuseBody(ctx, deps, 'BODY_TOO_LARGE');
    return { kind: 'refused' };
  }
  return read;
}
