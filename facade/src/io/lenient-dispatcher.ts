// The exchange for an upstream whose answers only a lenient parser reads (io/answer-parsing.ts):
// node:http with insecureHTTPParser over the upstream's keep-alive agent, driving the same undici
// handler callbacks as its Pool does, so the primary (dispatch.ts) and the copies (replay.ts) run
// unchanged on it. Slower than undici per request; only such an upstream pays for it.
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Upstream } from './upstreams';
import { answerClaim } from './socket-reuse';

/** What dispatch.ts and replay.ts need of a dispatcher (undici's Pool, or this). */
export interface Exchanger {
  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandlers): boolean;
  destroy(): Promise<void>;
}

type Handler = Dispatcher.DispatchHandlers & { onRequestSent?(): void };

const latin1Buffers = (raw: readonly string[]): Buffer[] => raw.map((s) => Buffer.from(s, 'latin1'));

/**
 * A reason phrase as undici hands it, its bytes read as UTF-8 (bytes that are not UTF-8 become
 * U+FFFD): node:http gives them as Latin-1, and forward-answer.ts's reasonForClient turns undici's
 * reading back into the bytes (a localized `200 Ça va` was sent to the client encoded twice).
 */
const asUndiciPhrase = (phrase: string | undefined): string => Buffer.from(phrase ?? '', 'latin1').toString('utf8');

/**
 * Methods undici sends `Content-Length: 0` with when their body is empty (client-h1.js); for the
 * others it leaves the header out (RFC 9110 §8.6), so a GET that reached the monolith without one
 * does not gain one here once it is read leniently.
 */
const EXPECTS_PAYLOAD = new Set(['PUT', 'POST', 'PATCH', 'QUERY', 'PROPFIND', 'PROPPATCH']);
/** Methods node:http frames no body for; given a header list, it frames any other's empty body chunked. */
const NODE_BODILESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

/**
 * The header list framed as undici frames the request, so an upstream gets the same head whichever
 * parser reads its answers: no `Content-Length: 0` on an empty body undici sends without one; an
 * empty body of a method node:http would send as an empty chunked body (`PURGE`, `COPY`, `MOVE`, a
 * POST without a length: `Transfer-Encoding: chunked` then `0`, which a server that reads no chunked
 * requests, the legacy kind read leniently, answers 411 or waits on) framed by `Content-Length: 0`;
 * and no `Trailer` on a body in hand, sent with its length (node:http throws on a Trailer there: a
 * 500 for a chunked upload with trailers at a stage that reads bodies first; none would follow).
 */
function asUndiciFrames(flat: readonly string[], method: string, body: unknown): string[] {
  const inHand = body === null || body === undefined || typeof body === 'string' || Buffer.isBuffer(body);
  const empty = body === null || body === undefined || (inHand && (body as string | Buffer).length === 0);
  const out: string[] = [];
  let framed = false;
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i]!.toLowerCase();
    if (name === 'content-length') {
      if (empty && !EXPECTS_PAYLOAD.has(method) && flat[i + 1]!.trim() === '0') continue;
      framed = true;
    }
    if (name === 'transfer-encoding') framed = true;
    if (name === 'trailer' && inHand) continue;
    out.push(flat[i]!, flat[i + 1]!);
  }
  if (empty && !framed && (EXPECTS_PAYLOAD.has(method) || !NODE_BODILESS.has(method))) out.push('content-length', '0');
  return out;
}

function coded(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

export class LenientDispatcher implements Exchanger {
  private readonly requests = new Set<ClientRequest>();

  constructor(private readonly upstream: Upstream, private readonly connectMs: number) {}

  dispatch(options: Dispatcher.DispatchOptions, handler: Handler): boolean {
    const { upstream } = this;
    const flat = (options.headers ?? []) as string[];
    const headers = asUndiciFrames(flat, options.method, options.body);
    if (!hasHeader(flat, 'host')) headers.push('host', upstream.target.host);
    // A streamed body without a declared length is framed chunked, as undici frames it: given a
    // header array, Node frames no body of a GET, DELETE or OPTIONS, and its bytes would go out raw
    // (a body `GET /other HTTP/1.1…` read by the upstream as a second request).
    const streamed = options.body !== null && options.body !== undefined && typeof options.body !== 'string' && !Buffer.isBuffer(options.body);
    if (streamed && !hasHeader(flat, 'content-length')) headers.push('transfer-encoding', 'chunked');
    const request = (upstream.target.protocol === 'https:' ? https : http).request({
      host: upstream.target.hostname, port: upstream.target.port || undefined, method: options.method, path: options.path,
      headers, agent: upstream.agent, insecureHTTPParser: true, maxHeaderSize: upstream.maxHeaderBytes,
    });
    this.requests.add(request);
    let over = false;
    let response: IncomingMessage | null = null;
    const fail = (err: Error): void => {
      if (over) return;
      // Bytes after a whole answer (more than its Content-Length): the parser fails on them once the
      // answer was read. The answer stands, as undici hands it on; node:http has closed the socket.
      if (response !== null && response.complete) return;
      over = true;
      // An answer without a body (to a HEAD, a 204, a 304) followed by bytes anyway (a CGI script
      // printing its body for a HEAD): the answer stands; the socket, out of step, is not reused.
      if (response !== null && (options.method === 'HEAD' || response.statusCode === 204 || response.statusCode === 304)) {
        handler.onComplete?.([] as unknown as string[]);
        request.destroy();
        return;
      }
      handler.onError?.(err);
    };
    // undici's abort ends the exchange with the handler's onError(err); so does this one.
    const abort = (err?: Error): void => {
      if (over) return;
      over = true;
      response?.destroy();
      request.destroy();
      handler.onError?.(err ?? new Error('aborted'));
    };
    request.on('error', fail);
    request.on('close', () => {
      this.requests.delete(request);
      if (!over && response === null) fail(coded('the upstream closed the connection before answering', 'ECONNRESET'));
    });
    request.on('finish', () => { if (!over) handler.onRequestSent?.(); });
    request.on('socket', (socket) => {
      if (over) return;
      let connectTimer: NodeJS.Timeout | null = null;
      if (socket.connecting) {
        connectTimer = setTimeout(() => request.destroy(coded(`connect to ${upstream.name} timed out`, 'UND_ERR_CONNECT_TIMEOUT')), this.connectMs);
        socket.once('connect', () => { if (connectTimer) clearTimeout(connectTimer); });
        request.once('close', () => { if (connectTimer) clearTimeout(connectTimer); });
      }
      handler.onConnect?.(abort);
      answerClaim(request.reusedSocket);
    });
    request.on('information', (info: { statusCode: number; statusMessage: string; rawHeaders: string[] }) => {
      if (!over && info.statusCode !== 100) handler.onHeaders?.(info.statusCode, latin1Buffers(info.rawHeaders), () => undefined, asUndiciPhrase(info.statusMessage));
    });
    request.on('response', (res: IncomingMessage) => {
      response = res;
      if (over) { res.destroy(); return; }
      const status = res.statusCode ?? 0;
      // Not a status (even lenient llhttp reads `099`): treated as undici treats it, a broken answer.
      if (status < 100) { abort(coded(`status ${status} is not an HTTP status`, 'HPE_BAD_ANSWER')); return; }
      res.on('error', (err) => fail(err));
      res.on('aborted', () => fail(coded('the upstream closed the connection mid-answer', 'ECONNRESET')));
      const go = handler.onHeaders?.(status, latin1Buffers(res.rawHeaders), () => { if (!over) res.resume(); }, asUndiciPhrase(res.statusMessage));
      if (over) return;
      if (go === false) res.pause();
      res.on('data', (chunk: Buffer) => {
        if (over) return;
        if (handler.onData?.(chunk) === false) res.pause();
      });
      res.on('end', () => {
        if (over) return;
        over = true;
        // Answered before the whole body was sent (an early 401): the upstream may still wait for the
        // rest, so its socket must not carry another request (undici closes it too).
        const unsent = !request.writableFinished;
        handler.onComplete?.(latin1Buffers(res.rawTrailers) as unknown as string[]); // undici hands raw Buffers (its typings say strings)
        if (unsent) request.destroy();
      });
    });
    void sendBody(request, options.body as Buffer | Readable | AsyncIterable<Buffer> | string | null | undefined);
    return true;
  }

  async destroy(): Promise<void> {
    for (const r of this.requests) r.destroy();
    this.requests.clear();
  }
}

function hasHeader(flat: readonly string[], name: string): boolean {
  for (let i = 0; i < flat.length; i += 2) if (flat[i]!.length === name.length && flat[i]!.toLowerCase() === name) return true;
  return false;
}

/** Writes the body (in hand, or streamed with backpressure) and ends the request. */
async function sendBody(request: ClientRequest, body: Buffer | Readable | AsyncIterable<Buffer> | string | null | undefined): Promise<void> {
  if (body === null || body === undefined) { request.end(); return; }
  if (typeof body === 'string' || Buffer.isBuffer(body)) { request.end(body); return; }
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (request.destroyed) return;
      if (!request.write(chunk)) {
        await new Promise<void>((resolve) => {
          const go = (): void => { request.off('drain', go); request.off('close', go); resolve(); };
          request.on('drain', go);
          request.on('close', go);
        });
      }
    }
    if (!request.destroyed) request.end();
  } catch (err) {
    request.destroy(err as Error);
  }
}
