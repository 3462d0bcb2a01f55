// Sends a copy of a client request to one side (a second write, a shadow read, a re-ask) and
// captures its answer. Never touches the client's response; runs under its own deadlines
// (connect, headers, idle between chunks, total) and size cap.
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { UpstreamError, upstreamErrorFrom } from '../errors';
import { cappedAt, ExchangeClock, type Deadlines } from './deadlines';
import type { Upstream } from './upstreams';

export interface ReplayRequest {
  readonly method: string;
  /** Normalized path plus query, exactly what the primary received. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Marks the copy for the upstream's logs, e.g. `x-strangler-second-write`. */
  readonly tag: string;
}

export interface ReplayOptions {
  /** The total deadline; the upstream's connect, headers and idle deadlines apply within it. */
  readonly timeoutMs: number;
  readonly captureLimit: number;
  /** The route's deadlines for this side, when it overrides the upstream's (`timeoutMs` still caps them). */
  readonly deadlines?: Deadlines;
}

export type ReplayOutcome =
  | { readonly ok: true; readonly status: number; readonly headers: IncomingHttpHeaders; readonly body: Buffer | null; readonly overCap: boolean; readonly ms: number }
  | { readonly ok: false; readonly code: string; readonly error: string; readonly ms: number };

export function replay(upstream: Upstream, request: ReplayRequest, opts: ReplayOptions): Promise<ReplayOutcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const ms = (): number => performance.now() - started;
    const headers: OutgoingHttpHeaders = { ...request.headers, [request.tag]: '1', 'content-length': String(request.body.length) };
    delete headers['transfer-encoding'];
    const client = upstream.target.protocol === 'https:' ? https : http;
    const req = client.request({
      protocol: upstream.target.protocol, hostname: upstream.target.hostname, port: upstream.target.port,
      method: request.method, path: joinPath(upstream.target, request.url), headers, agent: upstream.agent,
      maxHeaderSize: upstream.maxHeaderBytes,
    });
    let done = false;
    let timedOut = false;
    const finish = (outcome: ReplayOutcome): void => {
      if (done) return;
      done = true;
      clock.stop();
      resolve(outcome);
    };
    const fail = (err: Error): void => {
      // A deadline cut shows up as a reset of the socket: name it for what it was.
      const e = timedOut ? new UpstreamError('UPSTREAM_TIMEOUT', upstream.name) : upstreamErrorFrom(err, upstream.name);
      finish({ ok: false, code: e.code, error: e.message, ms: ms() });
    };
    const own = opts.deadlines ?? upstream.deadlines;
    const clock = new ExchangeClock(cappedAt(own, Math.min(opts.timeoutMs, own.totalMs)), () => {
      timedOut = true;
      req.destroy(new UpstreamError('UPSTREAM_TIMEOUT', upstream.name));
    });
    let responded = false;
    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      clock.connecting();
      socket.once('connect', () => { if (!responded) clock.connected(); });
    });
    req.once('finish', () => { if (!responded) clock.sent(); });
    req.on('error', fail);
    req.on('response', (res) => {
      responded = true;
      clock.responded();
      const chunks: Buffer[] = [];
      let size = 0;
      let overCap = false;
      res.on('data', (c: Buffer) => {
        clock.progress();
        size += c.length;
        if (size > opts.captureLimit) { overCap = true; chunks.length = 0; } else if (!overCap) chunks.push(c);
      });
      res.on('error', fail);
      res.on('close', () => { if (!res.complete) fail(Object.assign(new Error('response cut short'), { code: 'ECONNRESET' })); });
      res.on('end', () => {
        finish({ ok: true, status: res.statusCode ?? 0, headers: res.headers, body: overCap ? null : Buffer.concat(chunks), overCap, ms: ms() });
      });
    });
    req.end(request.body);
  });
}

/** Prefixes the upstream's base path, if its URL has one. */
export function joinPath(target: URL, url: string): string {
  const base = target.pathname.replace(/\/+$/, '');
  return base ? base + url : url;
}
