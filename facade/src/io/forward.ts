// Sends one client request to one upstream and streams the answer back: over undici's dispatcher
// (dispatch.ts) when it can carry the request, else with http-proxy, below.
// selfHandleResponse lets the facade decide before anything reaches the client: hold a 5xx
// for fallback, tee (capped) body chunks for comparison, strip hop-by-hop headers, keep trailers.
// Every exchange runs under its deadlines (io/deadlines.ts); an idempotent request that failed
// before anything was sent is tried again within the upstream's retry budget.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse, ClientRequest } from 'node:http';
import { Readable } from 'node:stream';
import type { Url } from 'node:url';
import httpProxy from 'http-proxy';
import { UpstreamError } from '../errors';
import { ExchangeClock, type DeadlinePhase, type Deadlines } from './deadlines';
import { awaitsContinue, sendContinue } from './expect-continue';
import { streamAnswer } from './forward-answer';
import { guardUpload, hasBody, type UploadLimits } from './upload-watch';
import { canDispatch, dispatchForward, failedExchange, privateAgentFor, resetOnReuse, respell } from './dispatch';
import type { Upstream } from './upstreams';
import { joinPath } from './replay';
import { retryChoice, setDeadlineHeader, type AttemptBudget } from './attempt-budget';

export type { UploadLimits } from './upload-watch';

export interface ForwardOptions extends AttemptBudget {
  /**
   * Header → value this upstream issued itself, sent in place of the client's (a credential the client
   * got from the other side at a login both sides answered: core/own-token.ts issuedCredentials).
   */
  readonly ownCredentials?: Readonly<Record<string, string>>;
  /** Replay this body instead of streaming the request (it was buffered for a second send). */
  readonly body?: Buffer;
  /** Or stream this instead of the request (a body partly read already). */
  readonly stream?: Readable;
  /**
   * The length of `stream` when it is known (a body kept on disk): sent as Content-Length instead of
   * the client's chunked framing, as nginx does, since WSGI servers read no chunked body.
   */
  readonly streamLength?: number;
  /** Capture at most this many response bytes for comparison (0: capture nothing). */
  readonly captureLimit: number;
  /**
   * The capture is joined in a reusable slab (io/capture-slabs.ts), given back by whoever compares
   * it once nothing holds it any more (a shadowed read's comparison); otherwise a fresh Buffer.
   */
  readonly slabCapture?: boolean;
  /** Hand a 5xx back to the caller instead of answering with it (fallback to the monolith). */
  readonly holdServerErrors: boolean;
  /** Idempotent for this upstream and its body can be sent again: may be retried (see module header). */
  readonly retryable: boolean;
  /** Headers added to the client's response (e.g. which side answered). */
  readonly extraResponseHeaders: readonly string[];
  /** Echoed as `x-request-id` when the upstream's answer has none. */
  readonly requestId: string;
  readonly deadlines: Deadlines;
  /** Limits on the client's body while it streams through (null: the body is in hand already). */
  readonly upload: UploadLimits | null;
  readonly onRetry?: (why: 'reset' | 'connect') => void;
}

export type ForwardResult =
  | { readonly kind: 'answered'; readonly status: number; readonly headers: IncomingHttpHeaders; readonly ms: number;
      readonly body: Buffer | null; readonly overCap: boolean; readonly complete: boolean }
  | { readonly kind: 'held'; readonly status: number; readonly ms: number }
  /** `clientDeadline`: it timed out under the client's own budget, lower than the upstream's deadlines (pipeline/guarded-forward.ts). */
  | { readonly kind: 'failed'; readonly error: UpstreamError; readonly ms: number; readonly clientDeadline?: true
      /** The upstream reset the connection while the client's body was still arriving: it declined the upload (an early 403 lost to the reset), not a sign of ill health. */
      readonly declinedUpload?: true }
  /** The client went away; `answered`: the status and headers it was being sent by then (an event stream's usual end). */
  | { readonly kind: 'client-gone'; readonly ms: number; readonly answered?: { readonly status: number; readonly headers: IncomingHttpHeaders }
      /** The whole request had reached the upstream before the client left (without an answer yet): it may have acted on it. */
      readonly sent?: true }
  /** The client's body broke a limit before the upstream answered: the facade answers 408 or 413. */
  | { readonly kind: 'refused'; readonly status: 408 | 413; readonly code: 'REQUEST_BODY_TIMEOUT' | 'BODY_TOO_LARGE'; readonly ms: number };

interface Attempt {
  proxyReq: ClientRequest | null;
  response: IncomingMessage | null;
  expired: DeadlinePhase | null;
  onRequest(proxyReq: ClientRequest): void;
  onResponse(proxyRes: IncomingMessage): void;
}

// The current attempt rides on the request itself. A WeakMap keyed by requests kept every
// request's objects alive until a full GC (measured by the benchmark: ~8 KB per request, p99 x5).
const ATTEMPT = Symbol('strangler.attempt');
type AttemptCarrier = IncomingMessage & { [ATTEMPT]?: Attempt };
const attemptOf = (req: IncomingMessage): Attempt | undefined => (req as AttemptCarrier)[ATTEMPT];

/** Failures after which nothing reached the upstream's application (or, on a fresh socket, nothing was answered). */
// A reset is not among them: the upstream may have read the request (dispatch.ts resetOnReuse).
const NOT_SENT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

function errnoOf(err: Error): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/** http-proxy adds an 'aborted' and an 'error' listener to the request per attempt: a retry removes the old ones. */
function listenersOf(req: IncomingMessage): () => void {
  const aborted = req.listenerCount('aborted');
  const error = req.listenerCount('error');
  return () => {
    // Listeners are appended in order: the ones past the counts taken before the attempt are its own.
    for (const l of req.listeners('aborted').slice(aborted)) req.off('aborted', l as () => void);
    for (const l of req.listeners('error').slice(error)) req.off('error', l as () => void);
  };
}

export class Forwarder {
  private readonly proxy = httpProxy.createProxyServer({ selfHandleResponse: true, xfwd: false, ws: true });

  constructor() {
    this.proxy.on('proxyReq', (proxyReq, req) => attemptOf(req)?.onRequest(proxyReq));
    this.proxy.on('proxyRes', (proxyRes, req) => attemptOf(req)?.onResponse(proxyRes));
    // Errors are handled by each call's callback; this listener only keeps a stray one from crashing.
    this.proxy.on('error', () => undefined);
  }

  /** The http-proxy server, for WebSocket upgrades. */
  get server(): httpProxy {
    return this.proxy;
  }

  forward(req: IncomingMessage, res: ServerResponse, upstream: Upstream, opts: ForwardOptions): Promise<ForwardResult> {
    if (canDispatch(req)) return dispatchForward(req, res, upstream, opts);
    return new Promise((resolve) => {
      const started = performance.now();
      const ms = (): number => performance.now() - started;
      let settled = false;
      let current: Attempt | null = null;
      let resetsRetried = 0;
      let attempts = 0;
      let retryTimer: NodeJS.Timeout | null = null;
      let stopUpload = (): void => undefined;
      const settle = (r: ForwardResult): void => {
        if (settled) return;
        settled = true;
        clock.stop();
        stopUpload();
        if (retryTimer) clearTimeout(retryTimer);
        resolve(r);
      };
      // A body the client is still sending: the total starts once it has all gone (deadlines.ts).
      const uploading = opts.body === undefined && hasBody(req) && !req.complete;
      const fail = (err: Error): void => settle(failedExchange(err, upstream.name, ms(), uploading && !req.complete));
      const clock = new ExchangeClock(opts.deadlines, (phase) => {
        const a = current;
        if (a?.response) {
          // Mid-body, and the client is the slow side: not the upstream's fault (see dispatch.ts).
          if (phase === 'idle' && res.writableNeedDrain) { clock.progress(); return; }
          if (phase === 'total' && res.writableNeedDrain) { clock.postponeTotal(opts.deadlines.idleMs); return; }
          a.response.destroy(); // the answer's close handler breaks the client's stream and settles
          return;
        }
        const timeout = new UpstreamError('UPSTREAM_TIMEOUT', upstream.name);
        if (a?.proxyReq && !a.proxyReq.destroyed) { a.expired = phase; a.proxyReq.destroy(timeout); }
        else fail(timeout); // waiting for a pooled socket, or between retries
      }, uploading);
      // http-proxy drops errors silently when the client socket is already gone.
      res.once('close', () => {
        if (res.writableFinished) return;
        settle({ kind: 'client-gone', ms: ms() });
        // Nobody will read the answer: free the upstream socket now rather than when a slow upstream answers.
        current?.proxyReq?.destroy();
      });
      const refuse = (status: 408 | 413, code: 'REQUEST_BODY_TIMEOUT' | 'BODY_TOO_LARGE'): void => {
        if (settled || current?.response) return; // the upstream has answered already: its answer stands
        settle({ kind: 'refused', status, code, ms: ms() });
        current?.proxyReq?.destroy();
      };

      const retry = (a: Attempt, err: Error): boolean => {
        const code = errnoOf(err);
        const choice = retryChoice(opts, {
          retryable: opts.retryable, tooLate: a.expired === 'total' || Boolean(a.response),
          resetOnReuse: resetOnReuse(code, a.proxyReq?.reusedSocket === true, resetsRetried), resetsRetried,
          notSent: a.expired === 'connect' || (code !== undefined && NOT_SENT.has(code)), elapsedMs: ms(), remainingMs: clock.remaining(),
          delayMs: upstream.retry.delayMs, budgetMs: upstream.retry.budgetMs,
        });
        if (choice === null) return false;
        if (choice !== 'connect') resetsRetried++;
        opts.onRetry?.(choice === 'connect' ? 'connect' : 'reset');
        if (choice === 'reset') {
          // The upstream closed an idle keep-alive socket as we reused it: at once, on a fresh socket.
          run(true);
        } else {
          current = null;
          retryTimer = setTimeout(() => { retryTimer = null; if (!settled) run(false); }, upstream.retry.delayMs);
        }
        return true;
      };

      const run = (fresh: boolean): void => {
        const attempt: Attempt = {
          proxyReq: null, response: null, expired: null,
          onRequest: (proxyReq) => {
            attempt.proxyReq = proxyReq;
            if (opts.ownCredentials) for (const [name, value] of Object.entries(opts.ownCredentials)) proxyReq.setHeader(name, value);
            // http-proxy's urlJoin collapses `//` (and turns `http:/` into `http://`): send the target as received.
            proxyReq.path = exactTarget(upstream, req.url ?? '/');
            // An answer's header lines are not cut at Node's default (about 1,000, the rest dropped
            // silently); maxHeaderBytes bounds them. http-proxy hands the request over once its socket
            // and response parser exist, so the parser's own limit is the one that still applies.
            proxyReq.maxHeadersCount = 0;
            const parser = (proxyReq as ClientRequest & { parser?: { maxHeaderPairs: number } | null }).parser;
            if (parser) parser.maxHeaderPairs = 0;
            respell(proxyReq, req.rawHeaders); // header names as the client spelled them, as on the undici path
            setDeadlineHeader(opts, proxyReq, clock.remaining()); // what is left for this attempt
            if (settled) { proxyReq.destroy(); return; } // the client left (or time ran out) before a socket was free
            this.started(proxyReq, req, res, clock, opts.body === undefined && opts.stream === undefined, () => attempt.response === null);
          },
          onResponse: (proxyRes) => {
            attempt.response = proxyRes;
            clock.responded();
            streamAnswer(proxyRes, req, res, opts, clock, (r) => settle({ ...r, ms: ms() }), upstream.address);
          },
        };
        current = attempt;
        (req as AttemptCarrier)[ATTEMPT] = attempt;
        // A retry sends the body in hand again (a retryable request has one, or none at all).
        const again = attempts++ > 0;
        const buffer = opts.stream ?? (opts.body !== undefined || again ? Readable.from(opts.body ? [opts.body] : []) : undefined);
        const dropListeners = opts.retryable ? listenersOf(req) : undefined;
        this.proxy.web(req, res, {
          // A client connection pinned by a connection-bound credential (NTLM, Negotiate) uses its own
          // connection (dispatch.ts pinnedFor says why): the shared agent never keeps an authenticated one.
          target: proxyTarget(upstream), toProxy: true, agent: fresh ? false : privateAgentFor(req.socket, upstream, req.headers.authorization) ?? upstream.agent, buffer,
          ...(upstream.hostHeader === null ? {} : { headers: { host: upstream.hostHeader } }),
          // http-proxy builds the outgoing request on this object: the only way to pass maxHeaderSize.
          ssl: { maxHeaderSize: upstream.maxHeaderBytes, insecureHTTPParser: upstream.parsing.lenient },
        } as httpProxy.ServerOptions, (err) => {
          if (settled || attempt !== current) return;
          upstream.parsing.turnedLenient(err); // an answer only a lenient parser reads: read so from the next one (answer-parsing.ts)
          if (attempt.response) { res.destroy(); return; } // broke mid-body: the answer's close handler settles
          if (!retry(attempt, err)) { fail(err); return; }
          dropListeners?.();
        });
      };
      run(false);
      if (opts.upload && opts.body === undefined) stopUpload = guardUpload(req, opts.stream ?? req, opts.upload, refuse);
    });
  }

  /** A socket was assigned to the outgoing request: time its connect, then its answer; ask for a 100 if the client waits for one. */
  private started(proxyReq: ClientRequest, req: IncomingMessage, res: ServerResponse, clock: ExchangeClock, streamed: boolean, waiting: () => boolean): void {
    const socket = proxyReq.socket;
    if (socket?.connecting) {
      clock.connecting();
      socket.once('connect', () => { if (waiting()) clock.connected(); });
    }
    // An upstream may answer before the whole request was sent (a 417, a 413): then the body clock runs.
    if (proxyReq.writableFinished) clock.sent();
    else proxyReq.once('finish', () => { if (waiting()) clock.sent(); });
    if (streamed && awaitsContinue(req)) {
      proxyReq.setHeader('Expect', '100-continue');
      proxyReq.flushHeaders();
      proxyReq.once('continue', () => sendContinue(req, res));
    }
  }

  close(): void {
    this.proxy.close();
  }
}

/**
 * The request-target sent upstream: the client's own, byte for byte (escapes, `%2F`, case, `//`),
 * after the upstream's base path. `*` (OPTIONS *) stays `*`. Applied before the request line is
 * written; with an `Expect` header Node writes it at once, and http-proxy's joined path is sent.
 */
export function exactTarget(upstream: Upstream, url: string): string {
  return url === '*' ? '*' : joinPath(upstream.address.basePath, url);
}

const proxyTargets = new WeakMap<Upstream, Partial<Url>>();

/**
 * The upstream as http-proxy wants it. http-proxy prefixes `target.path`, which a WHATWG URL does
 * not have, so a base path (`http://host/v2`) was dropped here while second writes kept it.
 * Pass `toProxy: true` with it: http-proxy then sends `req.url` (the normalized path and the
 * verbatim query) instead of re-parsing it with `url.parse`, which cut the query at a raw `#`.
 */
export function proxyTarget(upstream: Upstream): Partial<Url> {
  let target = proxyTargets.get(upstream);
  if (!target) {
    const u = upstream.target;
    target = { protocol: u.protocol, host: u.host, hostname: u.hostname, port: u.port, path: u.pathname.replace(/\/+$/, '') };
    proxyTargets.set(upstream, target);
  }
  return target;
}
