// undici's own llhttp build misreads some answers that Node's names: lines ended by a bare LF with
// Content-Length as the last header, Content-Length twice, Content-Length beside chunked. All of
// them end as UND_ERR_RES_CONTENT_LENGTH_MISMATCH before a header is read, and which one it was
// decides whether `auto` may turn the upstream lenient (answer-parsing.ts: spelling yes, framing
// no). So such a request, when it may go again, is asked once more through node:http's strict
// parser, whose error names the rule the answer broke.
import http from 'node:http';
import https from 'node:https';
import type { Upstream } from './upstreams';

export interface DiagnosedRequest {
  readonly method: string;
  readonly path: string;
  /** Flat name/value pairs, as the exchange sent them. */
  readonly headers: readonly string[];
}

/**
 * The strict parser's error for the upstream's answer to `request`, or null when it read the
 * answer (or the upstream failed otherwise: nothing learned). On a connection of its own, bounded
 * by `timeoutMs`; a body is never sent (only requests that may go again without one are diagnosed).
 */
export function strictReadError(upstream: Upstream, request: DiagnosedRequest, timeoutMs: number): Promise<Error | null> {
  return new Promise((resolve) => {
    const headers = [...request.headers];
    if (!headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'host')) headers.push('host', upstream.target.host);
    const asked = (upstream.target.protocol === 'https:' ? https : http).request({
      host: upstream.target.hostname, port: upstream.target.port || undefined, method: request.method, path: request.path,
      headers, agent: false, insecureHTTPParser: false, maxHeaderSize: upstream.maxHeaderBytes, timeout: Math.max(1, timeoutMs),
    });
    let over = false;
    const done = (err: Error | null): void => {
      if (over) return;
      over = true;
      asked.destroy();
      resolve(err);
    };
    asked.on('response', (res) => { res.resume(); res.on('end', () => done(null)); res.on('error', () => done(null)); });
    asked.on('timeout', () => done(null));
    asked.on('error', (err) => done((err as NodeJS.ErrnoException).code?.startsWith('HPE_') ? err : null));
    asked.end();
  });
}
