// The primary's answer on its way to the client (forward.ts): status and headers (hop-by-hop ones
// removed, side headers added), the body streamed with a capped tee for comparison and the idle
// clock refreshed per chunk, and the upstream's trailers passed on after the last chunk.
import { STATUS_CODES, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { ExchangeClock } from './deadlines';
import { awaitsContinue } from './expect-continue';
import { lingerAfterAnswer } from './linger';
import { closeAfterAnswer } from './close-after-answer';
import { endKnownAtHead } from '../core/upload-overlap';
import { hasBody } from './upload-watch';
import type { ForwardOptions, ForwardResult } from './forward';
import { locationForClient, responseHeadersForClient } from './headers';
import type { UpstreamAddress } from '../core/location';
import { flushHeadUnlessBody, type HeadState } from './flush-head';

type Settled = Extract<ForwardResult, { kind: 'answered' | 'held' }>;
export type AnswerOutcome = Settled extends infer R ? (R extends Settled ? Omit<R, 'ms'> : never) : never;

/**
 * True for an answer that has no body whatever its framing headers announce (RFC 9112 §6.3: a 204
 * or 304 ends at the blank line after its headers), when they announce one (a Content-Length
 * above 0, a Transfer-Encoding). undici reads such a body by its Content-Length and would wait
 * for bytes that never come (a 304 may carry the Content-Length of what a 200 would have sent).
 */
export function bodilessButFramed(status: number, answer: IncomingHttpHeaders): boolean {
  if (status !== 204 && status !== 304) return false;
  const length = answer['content-length'];
  return answer['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0');
}

/**
 * The reason phrase as the upstream's bytes. undici decodes a phrase as UTF-8 and Node writes one
 * as Latin-1 (refusing a character above U+00FF): a localized phrase ("Ça va", Cyrillic) goes back
 * to its UTF-8 bytes; one whose bytes were not UTF-8 (undici kept only U+FFFD of them) is replaced
 * by the status's standard phrase.
 */
export function reasonForClient(statusText: string | undefined, status: number): string | undefined {
  if (statusText === undefined || !/[^\x00-\x7f]/.test(statusText)) return statusText;
  return statusText.includes('\ufffd') ? STATUS_CODES[status] ?? '' : Buffer.from(statusText, 'utf8').toString('latin1');
}

/** Node can send trailers only in a chunked response: an HTTP/1.1 request, a body, no Content-Length. */
export function canCarryTrailers(answer: IncomingHttpHeaders, req: IncomingMessage, status: number): boolean {
  const te = answer['transfer-encoding'];
  return te !== undefined && /\bchunked\b/i.test(te) && req.httpVersion === '1.1'
    && req.method !== 'HEAD' && status !== 204 && status !== 304 && status >= 200;
}

/** A raw [name, value, …] list as pairs (for `addTrailers`). */
export function pairs(raw: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}

/** Answers the client with `proxyRes` (or holds a 5xx for fallback); `done` gets the outcome once. */
export function streamAnswer(
  proxyRes: IncomingMessage, req: IncomingMessage, res: ServerResponse, opts: ForwardOptions,
  clock: ExchangeClock, done: (r: AnswerOutcome) => void, address: UpstreamAddress,
): void {
  const status = proxyRes.statusCode ?? 502;
  if (opts.holdServerErrors && status >= 500) {
    proxyRes.resume(); // drain so the socket goes back to the pool
    done({ kind: 'held', status });
    return;
  }
  if (res.headersSent || res.destroyed) {
    proxyRes.resume();
    return;
  }
  const trailers = canCarryTrailers(proxyRes.headers, req, status);
  const raw = responseHeadersForClient(proxyRes.rawHeaders, proxyRes.headers, trailers);
  locationForClient(raw, proxyRes.headers, address, req.headers);
  raw.push(...opts.extraResponseHeaders);
  if (!proxyRes.headers['x-request-id']) raw.push('x-request-id', opts.requestId);
  // Answered without a 100 Continue and the body not (all) sent: the client may never send it, so the
  // connection is done after this. A client that sent its body without waiting (RFC 9110 §10.1.1
  // allows it; curl does after 1 s, .NET after 350 ms) finished its request: its connection stays
  // open, as going direct; node:http would close it (writeHead's `_expect_continue && !_sent100`).
  if (awaitsContinue(req)) {
    if (req.complete) (res as ServerResponse & { _expect_continue?: boolean })._expect_continue = false;
    else res.shouldKeepAlive = false;
  }
  // Answered before the whole upload arrived (an early 200, a 413): the connection closes after it,
  // as on the undici path (dispatch.ts), and once the answer is over what is left is read and dropped.
  // A chunked answer may be a full-duplex one that outlasts the upload: decided at its end (core/upload-overlap.ts).
  const uploading = opts.body === undefined && opts.stream === undefined && hasBody(req) && !req.complete;
  const overlapsUpload = uploading && !endKnownAtHead(status, proxyRes.headers, req.method);
  if (uploading && !overlapsUpload) {
    res.shouldKeepAlive = false;
    lingerAfterAnswer(req);
  }
  res.writeHead(status, proxyRes.statusMessage, raw);
  const head: HeadState = { bodyStarted: false };
  flushHeadUnlessBody(res, head);

  const chunks: Buffer[] = [];
  let captured = 0;
  let overCap = false;
  const capture = opts.captureLimit > 0;
  proxyRes.on('data', (chunk: Buffer) => {
    head.bodyStarted = true;
    clock.progress();
    if (!capture || overCap) return;
    captured += chunk.length;
    if (captured > opts.captureLimit) { overCap = true; chunks.length = 0; } else chunks.push(chunk);
  });
  const finish = (complete: boolean): void => {
    if (uploading && !req.complete && !req.destroyed) {
      // The upstream is done with it: its request, never ended, would hold the pooled socket.
      (proxyRes as IncomingMessage & { req?: { destroy(): void } }).req?.destroy();
      req.unpipe();
      req.resume();
    }
    done({
      kind: 'answered', status, headers: proxyRes.headers, complete, overCap,
      body: capture && !overCap && complete ? Buffer.concat(chunks) : null,
    });
  };
  proxyRes.on('close', () => {
    // The upstream died mid-body (or a deadline cut it): the client must see a broken response, not a short "complete" one.
    if (!proxyRes.complete) { res.destroy(); finish(false); }
  });
  res.once('finish', () => finish(true));
  res.once('close', () => { if (!res.writableFinished) proxyRes.destroy(); });
  proxyRes.once('end', () => {
    if (trailers && proxyRes.rawTrailers.length > 0) res.addTrailers(pairs(proxyRes.rawTrailers));
    if (overlapsUpload && !req.complete) closeAfterAnswer(req, res); // it ended first: the rest of the upload is unread
    res.end();
  });
  proxyRes.pipe(res, { end: false });
}
