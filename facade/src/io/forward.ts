// Sends one client request to one upstream with http-proxy and streams the answer back.
// selfHandleResponse lets the facade decide before anything reaches the client: hold a 5xx
// for fallback, tee (capped) body chunks for comparison, strip hop-by-hop headers.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse, ClientRequest } from 'node:http';
import { Readable } from 'node:stream';
import type { Url } from 'node:url';
import httpProxy from 'http-proxy';
import { UpstreamError, upstreamErrorFrom } from '../errors';
import { responseHeadersForClient } from './headers';
import type { Upstream } from './upstreams';

export interface ForwardOptions {
  /** Replay this body instead of streaming the request (it was buffered for a second send). */
  readonly body?: Buffer;
  /** Or stream this instead of the request (a body partly read already). */
  readonly stream?: Readable;
  /** Capture at most this many response bytes for comparison (0: capture nothing). */
  readonly captureLimit: number;
  /** Hand a 5xx back to the caller instead of answering with it (fallback to the monolith). */
  readonly holdServerErrors: boolean;
  /** Safe request without a body: may be retried once on a fresh socket after a keep-alive reset. */
  readonly retryable: boolean;
  /** Headers added to the client's response (e.g. which side answered). */
  readonly extraResponseHeaders: readonly string[];
  /** Echoed as `x-request-id` when the upstream's answer has none. */
  readonly requestId: string;
  readonly onRetry?: () => void;
}

export type ForwardResult =
  | { readonly kind: 'answered'; readonly status: number; readonly headers: IncomingHttpHeaders; readonly ms: number;
      readonly body: Buffer | null; readonly overCap: boolean; readonly complete: boolean }
  | { readonly kind: 'held'; readonly status: number; readonly ms: number }
  | { readonly kind: 'failed'; readonly error: UpstreamError; readonly ms: number }
  | { readonly kind: 'client-gone'; readonly ms: number };

interface Attempt {
  proxyReq: ClientRequest | null;
  onRequest(proxyReq: ClientRequest): void;
  onResponse(proxyRes: IncomingMessage): void;
}

// The current attempt rides on the request itself. A WeakMap keyed by requests kept every
// request's objects alive until a full GC (measured by the benchmark: ~8 KB per request, p99 x5).
const ATTEMPT = Symbol('strangler.attempt');
type AttemptCarrier = IncomingMessage & { [ATTEMPT]?: Attempt };
const attemptOf = (req: IncomingMessage): Attempt | undefined => (req as AttemptCarrier)[ATTEMPT];

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
    return new Promise((resolve) => {
      const started = performance.now();
      const ms = (): number => performance.now() - started;
      let settled = false;
      let retried = false;
      const settle = (r: ForwardResult): void => {
        if (settled) return;
        settled = true;
        resolve(r);
      };
      // http-proxy drops errors silently when the client socket is already gone.
      res.once('close', () => {
        if (res.writableFinished) return;
        settle({ kind: 'client-gone', ms: ms() });
        // Nobody will read the answer: free the upstream socket now rather than when a slow upstream answers.
        attemptOf(req)?.proxyReq?.destroy();
      });

      const run = (fresh: boolean): void => {
        let responded = false;
        const attempt: Attempt = {
          proxyReq: null,
          onRequest: (proxyReq) => {
            attempt.proxyReq = proxyReq;
            if (settled) { proxyReq.destroy(); return; } // the client left before a socket was free
            armTimeouts(proxyReq, upstream);
          },
          onResponse: (proxyRes) => {
            responded = true;
            this.answer(proxyRes, res, opts, ms, settle);
          },
        };
        (req as AttemptCarrier)[ATTEMPT] = attempt;
        const buffer = opts.stream ?? (opts.body !== undefined || fresh ? Readable.from(opts.body ? [opts.body] : []) : undefined);
        this.proxy.web(req, res, { target: proxyTarget(upstream), toProxy: true, agent: fresh ? false : upstream.agent, buffer }, (err) => {
          if (settled) return;
          if (responded) {
            res.destroy();
            return;
          }
          const reused = attempt.proxyReq?.reusedSocket === true;
          const code = (err as NodeJS.ErrnoException).code;
          if (!retried && opts.retryable && reused && (code === 'ECONNRESET' || code === 'EPIPE')) {
            retried = true;
            opts.onRetry?.();
            run(true);
            return;
          }
          settle({ kind: 'failed', error: upstreamErrorFrom(err, upstream.name), ms: ms() });
        });
      };
      run(false);
    });
  }

  private answer(
    proxyRes: IncomingMessage, res: ServerResponse, opts: ForwardOptions,
    ms: () => number, settle: (r: ForwardResult) => void,
  ): void {
    const status = proxyRes.statusCode ?? 502;
    if (opts.holdServerErrors && status >= 500) {
      proxyRes.resume(); // drain so the socket goes back to the pool
      settle({ kind: 'held', status, ms: ms() });
      return;
    }
    if (res.headersSent || res.destroyed) {
      proxyRes.resume();
      return;
    }
    const raw = responseHeadersForClient(proxyRes.rawHeaders, proxyRes.headers);
    raw.push(...opts.extraResponseHeaders);
    if (!proxyRes.headers['x-request-id']) raw.push('x-request-id', opts.requestId);
    res.writeHead(status, proxyRes.statusMessage, raw);
    const chunks: Buffer[] = [];
    let captured = 0;
    let overCap = false;
    if (opts.captureLimit > 0) {
      proxyRes.on('data', (chunk: Buffer) => {
        if (overCap) return;
        captured += chunk.length;
        if (captured > opts.captureLimit) { overCap = true; chunks.length = 0; } else chunks.push(chunk);
      });
    }
    const done = (complete: boolean): void => settle({
      kind: 'answered', status, headers: proxyRes.headers, ms: ms(), complete, overCap,
      body: opts.captureLimit > 0 && !overCap && complete ? Buffer.concat(chunks) : null,
    });
    proxyRes.on('close', () => {
      // The upstream died mid-body: the client must see a broken response, not a short "complete" one.
      if (!proxyRes.complete) { res.destroy(); done(false); }
    });
    res.once('finish', () => done(true));
    res.once('close', () => { if (!res.writableFinished) proxyRes.destroy(); });
    proxyRes.pipe(res);
  }

  close(): void {
    this.proxy.close();
  }
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

/** Connect timeout while the socket connects; response timeout as socket inactivity after that. */
function armTimeouts(proxyReq: ClientRequest, upstream: Upstream): void {
  proxyReq.setTimeout(upstream.timeoutMs, () => {
    proxyReq.destroy(new UpstreamError('UPSTREAM_TIMEOUT', upstream.name));
  });
  const socket = proxyReq.socket;
  if (socket && socket.connecting) {
    const timer = setTimeout(() => {
      proxyReq.destroy(new UpstreamError('UPSTREAM_TIMEOUT', upstream.name));
    }, upstream.connectTimeoutMs);
    socket.once('connect', () => clearTimeout(timer));
    proxyReq.once('close', () => clearTimeout(timer));
  }
}
