// Step 3: read the request body into memory, but only when it must be sent twice (a second
// write, a fallback, a shadow copy) and only up to the route's cap; otherwise it streams.
// Past the cap the body still streams to the primary; only the copy is given up (and counted).
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { sendJsonError } from '../io/respond';
import type { FacadeDeps, RequestContext, Step } from './context';

const EMPTY = Buffer.alloc(0);

export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

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
  if (!needsReplay(ctx) || !ctx.runtime) return undefined;
  if (!hasBody(ctx.req)) { ctx.body = EMPTY; return undefined; }
  const cap = ctx.runtime.config.compare.maxBodyBytes;
  const declared = Number(ctx.req.headers['content-length'] ?? NaN);
  if (declared > cap) { ctx.bodyOverCap = true; return undefined; }
  return readBody(ctx, deps, cap);
};

async function readBody(ctx: RequestContext, deps: FacadeDeps, cap: number): Promise<'handled' | undefined> {
  const read = await readUpTo(ctx.req, cap);
  if (read.kind === 'gone') {
    sendJsonError(ctx.res, 400, { error: 'REQUEST_ABORTED', message: 'client closed the request before its body ended', requestId: ctx.requestId });
    return 'handled';
  }
  if (read.kind === 'body') ctx.body = read.body;
  else { ctx.bodyOverCap = true; ctx.bodyStream = resume(read.head, ctx.req); }
  deps.logger.debug({ requestId: ctx.requestId, bytes: ctx.body?.length, overCap: ctx.bodyOverCap }, 'request body buffered');
  return undefined;
}
