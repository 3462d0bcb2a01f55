// Sends a copy of a client request to the other side (a second write, later a shadow read) and
// captures its answer. Never touches the client's response; has its own timeout and size cap.
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import { upstreamErrorFrom } from '../errors';
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

export type ReplayOutcome =
  | { readonly ok: true; readonly status: number; readonly headers: IncomingHttpHeaders; readonly body: Buffer | null; readonly overCap: boolean; readonly ms: number }
  | { readonly ok: false; readonly code: string; readonly error: string; readonly ms: number };

export function replay(upstream: Upstream, request: ReplayRequest, opts: { timeoutMs: number; captureLimit: number }): Promise<ReplayOutcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const ms = (): number => performance.now() - started;
    const headers: OutgoingHttpHeaders = { ...request.headers, [request.tag]: '1', 'content-length': String(request.body.length) };
    delete headers['transfer-encoding'];
    const client = upstream.target.protocol === 'https:' ? https : http;
    const req = client.request({
      protocol: upstream.target.protocol, hostname: upstream.target.hostname, port: upstream.target.port,
      method: request.method, path: joinPath(upstream.target, request.url), headers, agent: upstream.agent,
    });
    let done = false;
    const fail = (err: Error): void => {
      if (done) return;
      done = true;
      const e = upstreamErrorFrom(err, upstream.name);
      resolve({ ok: false, code: e.code, error: e.message, ms: ms() });
    };
    req.setTimeout(opts.timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let overCap = false;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > opts.captureLimit) { overCap = true; chunks.length = 0; } else if (!overCap) chunks.push(c);
      });
      res.on('error', fail);
      res.on('end', () => {
        if (done) return;
        done = true;
        resolve({ ok: true, status: res.statusCode ?? 0, headers: res.headers, body: overCap ? null : Buffer.concat(chunks), overCap, ms: ms() });
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
