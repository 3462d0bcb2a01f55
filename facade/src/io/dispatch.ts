// The primary exchange over undici's dispatcher: one keep-alive Pool per upstream and connect
// deadline, the answer streamed to the client from undici's handler callbacks (no
// IncomingMessage, no http-proxy passes). Measured side by side on this machine, undici's
// dispatch cost about half the client CPU of node:http's agent path per request
// (scripts/bench, "What the profile shows"). Requests it cannot carry (a client waiting for
// `100 Continue`, `OPTIONS *`, CONNECT) stay on http-proxy (forward.ts), as do WebSocket upgrades.
import http, { type ClientRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { buildConnector, Pool, type Dispatcher } from 'undici';
import type { Socket } from 'node:net';
import { SAFE_METHODS } from '../core/stages';
import { isStreamAnswer } from '../core/streams';
import { lingerAfterAnswer } from './linger';
import { closeAfterAnswer } from './close-after-answer';
import { endKnownAtHead } from '../core/upload-overlap';
import { UpstreamError, upstreamErrno, upstreamErrorFrom } from '../errors';
import { ExchangeClock } from './deadlines';
import { readBeforeWriteErrors } from './early-answer';
import { dropUnsolicitedContinue } from './interim-continue';
import { awaitsContinue } from './expect-continue';
import type { ForwardOptions, ForwardResult } from './forward';
import { bodilessButFramed, canCarryTrailers, pairs, reasonForClient } from './forward-answer';
import { locationForClient, responseHeadersForClient } from './headers';
import { joinPath } from './replay';
import type { Upstream } from './upstreams';
import { hasBody, watchUpload } from './upload-watch';
import { retryChoice, withDeadlineHeader } from './attempt-budget';
import { claimNextWrite, watchReuse } from './socket-reuse';
import { captureSlabs } from './capture-slabs';
import { LenientDispatcher, type Exchanger } from './lenient-dispatcher';
import { flushHeadUnlessBody, type HeadState } from './flush-head';
import { strictReadError } from './strict-diagnosis';

/** Request headers undici refuses (it frames the body and manages the connection itself). */
const NOT_SENT_BY_US = new Set(['transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect']);

/** Errors after which nothing reached the upstream's application: safe to try again. */
export const CONNECT_FAILED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_CONNECT_TIMEOUT']);
/** A socket the upstream closed or reset: safe to send again only on a kept-alive socket as it was reused (socket-reuse.ts). */
export const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/**
 * An attempt ended by a reset that may go again: on a socket reused from the pool (the upstream
 * closed it idle), or after such a reset already went again (an upstream restarting resets the
 * connection queued on its closing listener too). A reset on a fresh socket is not: the upstream
 * read the request.
 */
export function resetOnReuse(code: string | undefined, reused: boolean, resetsRetried: number): boolean {
  return code !== undefined && RESET.has(code) && (reused || resetsRetried > 0);
}

/** True when undici can carry this request as it came (otherwise forward.ts uses http-proxy). */
export function canDispatch(req: IncomingMessage): boolean {
  const url = req.url ?? '/';
  return url.charCodeAt(0) === 47 /* '/' */ && req.method !== 'CONNECT' && !awaitsContinue(req);
}

/**
 * undici's own connector, with each socket's answer read before a failed upload write ends it
 * (early-answer.ts), and an interim 100 nobody asked for read past (interim-continue.ts).
 */
function earlyAnswerConnector(timeout: number): buildConnector.connector {
  const connect = buildConnector({ timeout });
  return (opts, callback) => connect(opts, (err, socket) => {
    if (socket) {
      readBeforeWriteErrors(socket as Socket);
      dropUnsolicitedContinue(socket as Socket);
      watchReuse(socket as Socket);
    }
    (callback as (e: Error | null, s: typeof socket) => void)(err, socket);
  });
}

// Keep-alive pools, one per upstream and connect deadline (undici times connects per pool), shared
// by the primary exchange and the copies (shadow, second write, re-ask). Idle pooled sockets are
// unref'd by undici, so a stopped facade's pools never hold its process open.
const pools = new WeakMap<Upstream, Map<number, Exchanger>>();
const lenientPools = new WeakMap<Upstream, Map<number, Exchanger>>();

/** What every undici pool towards `upstream` shares: its header cap, the connector, no undici timeouts. */
function poolBasics(upstream: Upstream, connectMs: number): Pool.Options {
  // The exchange clock (deadlines.ts) times headers and body per request, with route overrides.
  return { maxHeaderSize: upstream.maxHeaderBytes, connect: earlyAnswerConnector(connectMs), headersTimeout: 0, bodyTimeout: 0 };
}

/** The upstream's dispatcher: its undici Pool, or node:http's lenient parser once it needs one (answer-parsing.ts). */
export function poolFor(upstream: Upstream, connectMs: number): Exchanger {
  if (upstream.parsing.lenient) return lenientFor(upstream, connectMs);
  let byConnect = pools.get(upstream);
  if (!byConnect) { byConnect = new Map(); pools.set(upstream, byConnect); }
  let pool = byConnect.get(connectMs);
  if (!pool) {
    pool = new Pool(upstream.target.origin, {
      ...poolBasics(upstream, connectMs),
      connections: upstream.agent.maxSockets === Infinity ? null : upstream.agent.maxSockets,
      // Under typical upstream idle timeouts (5 s for Node, 60–75 s for nginx/Apache): reuse
      // rarely meets a socket the upstream is closing; a reset on reuse is retried once anyway.
      keepAliveTimeout: 4000,
      keepAliveMaxTimeout: 60_000,
    });
    byConnect.set(connectMs, pool);
  }
  return pool;
}

// Connection-oriented authentication (NTLM, Negotiate/Kerberos as IIS and Windows-auth servers do
// it): the handshake authenticates the TCP connection, and later requests on it carry no
// credentials. A connection that carried such a handshake must never serve another client (probes10:
// client B, no credentials, was answered as the user client A authenticated), and the handshake's
// steps must reach one connection. As HAProxy and nginx's `ntlm` do, a client connection that sent
// `Authorization: NTLM|Negotiate` gets its own upstream connection for the rest of its life.
const CONNECTION_AUTH = /^\s*(?:ntlm|negotiate)\s/i;
/** True for a request whose Authorization starts a connection-bound handshake (a copy of it must not leave its connection in the shared pool). */
export const isConnectionAuth = (authorization: unknown): boolean => typeof authorization === 'string' && CONNECTION_AUTH.test(authorization);

/** A client connection's own connections towards each upstream: undici's and, for uploads that wait for `100 Continue`, http-proxy's. */
interface Pinned { pool?: Pool; agent?: http.Agent }
const pinned = new WeakMap<Socket, Map<Upstream, Pinned>>();

/** The client connection's pinned connections towards `upstream`, made on a connection-bound handshake's first step; null when it has none. */
function pinnedFor(client: Socket | null | undefined, upstream: Upstream, authorization: unknown): Pinned | null {
  if (!client) return null;
  let mine = pinned.get(client);
  const existing = mine?.get(upstream);
  if (existing) return existing;
  if (!isConnectionAuth(authorization) || upstream.parsing.lenient) return null;
  if (!mine) {
    mine = new Map();
    pinned.set(client, mine);
    const all = mine;
    client.once('close', () => {
      for (const p of all.values()) { void p.pool?.destroy().catch(() => undefined); p.agent?.destroy(); }
      all.clear();
    });
  }
  const made: Pinned = {};
  mine.set(upstream, made);
  return made;
}

/** The client connection's own undici pool towards `upstream` when it is pinned (pinnedFor); else null. */
export function privatePoolFor(client: Socket | null | undefined, upstream: Upstream, connectMs: number, authorization: string | string[] | undefined): Exchanger | null {
  const p = pinnedFor(client, upstream, authorization);
  if (p === null) return null;
  p.pool ??= new Pool(upstream.target.origin, { ...poolBasics(upstream, connectMs), connections: 1, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 });
  return p.pool;
}

/** The client connection's own http.Agent towards `upstream` when it is pinned (an upload that waits for `100 Continue`, forward.ts); else null. */
export function privateAgentFor(client: Socket | null | undefined, upstream: Upstream, authorization: string | string[] | undefined): http.Agent | null {
  const p = pinnedFor(client, upstream, authorization);
  if (p === null) return null;
  p.agent ??= new (upstream.target.protocol === 'https:' ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: 1 });
  return p.agent;
}

function lenientFor(upstream: Upstream, connectMs: number): Exchanger {
  let byConnect = lenientPools.get(upstream);
  if (!byConnect) { byConnect = new Map(); lenientPools.set(upstream, byConnect); }
  let lenient = byConnect.get(connectMs);
  if (!lenient) { lenient = new LenientDispatcher(upstream, connectMs); byConnect.set(connectMs, lenient); }
  return lenient;
}

/** Closes an upstream's pools (the facade stops). */
export async function releasePools(upstream: Upstream): Promise<void> {
  const all = [...(pools.get(upstream)?.values() ?? []), ...(lenientPools.get(upstream)?.values() ?? [])];
  pools.delete(upstream);
  lenientPools.delete(upstream);
  await Promise.all(all.map((p) => p.destroy().catch(() => undefined)));
}

/**
 * The client's headers for undici: a flat list, without the ones undici frames itself and without
 * `drop` / `alsoDrop` (headers the caller sets itself, e.g. the deadline header; names as node gives
 * them, lower-cased). With the client's `raw` headers, each name goes out spelled as the client sent it.
 */
export function requestHeaders(headers: IncomingHttpHeaders, body: { readonly length: number } | undefined, drop: string | null = null, alsoDrop: string | null = null,
  raw?: readonly string[]): string[] {
  const spelled = raw ? spellings(raw) : null;
  let repeated: Map<string, string[]> | null | undefined; // looked for once, at the first value node may have joined
  const out: string[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || NOT_SENT_BY_US.has(name) || name === drop || name === alsoDrop) continue;
    if (name === 'content-length' && body !== undefined) continue;
    const as = spelled?.get(name) ?? name;
    if (Array.isArray(value)) { for (const v of value) out.push(as, v); continue; }
    if (raw && value.includes(joinerOf(name))) {
      if (repeated === undefined) repeated = repeatedLines(raw); // null (no repeats) is an answer too
      const lines = clientLines(repeated, name, value);
      if (lines) { for (const v of lines) out.push(as, v); continue; }
    }
    out.push(as, value);
  }
  if (body !== undefined) out.push('content-length', String(body.length));
  return out;
}

/** The flat header list with its Host set to `host` (an upstream's own, see Upstream.hostHeader); unchanged for null. */
export function withHost(headers: string[], host: string | null): string[] {
  if (host === null) return headers;
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]!.length === 4 && headers[i]!.toLowerCase() === 'host') { headers[i + 1] = host; return headers; }
  }
  headers.push('host', host);
  return headers;
}

/**
 * The client's spelling of each header name, and its repeated lines, on a request built from node's
 * lower-cased, joined headers (http-proxy's, which carries uploads that wait for `100 Continue`),
 * order kept; before its head is written (with nothing to respell or split, nothing is touched).
 */
export function respell(out: ClientRequest, raw: readonly string[]): void {
  if (out.headersSent) return;
  const spelled = spellings(raw);
  const repeated = repeatedLines(raw);
  if (spelled === null && repeated === null) return;
  const names = out.getHeaderNames();
  const values = names.map((n): number | string | string[] => {
    const value = out.getHeader(n)!;
    return (typeof value === 'string' && clientLines(repeated, n, value)) || value;
  });
  if (!names.some((n, i) => spelled?.has(n) || values[i] !== out.getHeader(n))) return;
  for (const n of names) out.removeHeader(n);
  names.forEach((n, i) => out.setHeader(spelled?.get(n) ?? n, values[i]!));
}

/** How node:http joins a repeated request header into one value. */
const joinerOf = (name: string): string => (name === 'cookie' ? '; ' : ', ');

/**
 * The client's lines behind a value node:http joined from them: a header the client repeated (two
 * X-Custom lines) goes out as its lines, as nginx sends it; one the facade changed since
 * (X-Forwarded-For, appended to) or sent once is null, and goes out as it is.
 */
function clientLines(repeated: Map<string, string[]> | null, name: string, value: string): string[] | null {
  const lines = repeated?.get(name);
  return lines && lines.length > 1 && lines.join(joinerOf(name)) === value ? lines : null;
}

/** The values of each header name the client sent on more than one line (names lower-cased), or null when none was. */
function repeatedLines(raw: readonly string[]): Map<string, string[]> | null {
  const byName = new Map<string, string[]>();
  let repeats = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const values = byName.get(name);
    if (values) { values.push(raw[i + 1]!); repeats = true; } else byName.set(name, [raw[i + 1]!]);
  }
  return repeats ? byName : null;
}

/**
 * How the client spelled the header names node lower-cased (`X-API-Key`), first spelling first: the
 * upstream gets them as sent, as nginx does (a legacy server may look a header up case-sensitively).
 */
function spellings(raw: readonly string[]): Map<string, string> | null {
  let out: Map<string, string> | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (name !== lower && !(out ??= new Map()).has(lower)) out.set(lower, name);
  }
  return out;
}

// Repeats of these are dropped by node:http (the first wins); shadows read through node:http, so
// the primary's headers are folded the same way and a comparison sees like for like.
const FIRST_WINS = new Set([
  'age', 'authorization', 'content-length', 'content-type', 'etag', 'expires', 'from', 'host', 'if-modified-since',
  'if-unmodified-since', 'last-modified', 'location', 'max-forwards', 'proxy-authorization', 'referer', 'retry-after',
  'server', 'user-agent',
]);

/** Raw header lines as node:http folds them into `IncomingMessage.headers`. */
export function foldHeaders(raw: readonly string[]): IncomingHttpHeaders {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const value = raw[i + 1];
    const had = out[name];
    if (name === 'set-cookie') { if (had) (had as string[]).push(value); else out[name] = [value]; }
    else if (had === undefined) out[name] = value;
    else if (FIRST_WINS.has(name)) continue;
    else out[name] = `${had as string}${name === 'cookie' ? '; ' : ', '}${value}`;
  }
  return out;
}

export const latin1 = (raw: readonly Buffer[] | null | undefined): string[] => (raw ?? []).map((b) => b.toString('latin1'));

/**
 * Passes an upstream's `103 Early Hints` on to the client (preloads start while the upstream still
 * works on the answer), as long as nothing of the final answer went yet and the client speaks
 * HTTP/1.1 (1xx must not go to an HTTP/1.0 client). Only its `Link` headers are hints; one Node
 * will not write (malformed) drops the 103: they are only hints.
 */
function relayEarlyHints(req: IncomingMessage, res: ServerResponse, raw: readonly string[]): void {
  if (res.headersSent || res.destroyed || req.httpVersionMajor !== 1 || req.httpVersionMinor < 1) return;
  const link: string[] = [];
  // One Link line may carry several links (`<a>; rel=preload, <b>; …`): Node writes them one per value.
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'link') link.push(...raw[i + 1]!.split(/,\s*(?=<)/));
  if (link.length === 0) return;
  try {
    res.writeEarlyHints({ link });
  } catch {
    // not a Link Node accepts
  }
}

/**
 * `handler` with a 204 or 304 whose headers announce a body (bodilessButFramed) completed at its
 * headers: undici would read that body by its Content-Length and wait for bytes that never come.
 * The handler sees an ordinary empty answer; the socket, whose framing is ambiguous, is closed.
 * Every exchange over the pools goes through it (the primary here, the copies in replay.ts).
 */
export function completingBodiless<H extends Dispatcher.DispatchHandlers>(handler: H): H {
  let abort: ((err: Error) => void) | null = null;
  let completed = false;
  return {
    ...handler,
    onConnect: (abortFn) => { abort = abortFn; handler.onConnect?.(abortFn); },
    onHeaders: (statusCode, rawHeaders, resume, statusText) => {
      const go = handler.onHeaders?.(statusCode, rawHeaders, resume, statusText) ?? true;
      if ((statusCode !== 204 && statusCode !== 304) || !bodilessButFramed(statusCode, foldHeaders(latin1(rawHeaders as unknown as Buffer[])))) return go;
      completed = true;
      handler.onComplete?.([]);
      abort?.(new Error('an answer without a body announced one'));
      return false;
    },
    onData: (chunk) => (completed ? true : handler.onData?.(chunk) ?? true),
    onComplete: (trailers) => { if (!completed) handler.onComplete?.(trailers); },
    onError: (err) => { if (!completed) handler.onError?.(err); },
  };
}

/**
 * The body's chunks, stopping (after `onOver`) once more than `maxBytes` went by. Ending it early
 * (`return()`) leaves the source as it is: the client's request, which may still be arriving.
 */
async function* counted(source: Readable, maxBytes: number, onOver: () => void): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of source.iterator({ destroyOnReturn: false })) {
    bytes += (chunk as Buffer).length;
    if (bytes > maxBytes) { onOver(); return; }
    yield chunk as Buffer;
  }
}

/**
 * The exchange is over and the client's upload is not: stop feeding it to the upstream, and read
 * and drop the rest, so the client (which may write its whole body before it reads) gets the answer
 * and the connection's end, not a stall or a reset (io/linger.ts). A failure answered by the facade
 * goes with `Connection: close` as well.
 */
function leaveUpload(req: IncomingMessage, res: ServerResponse, body: AsyncGenerator<Buffer>): void {
  if (req.complete || req.destroyed) return;
  if (!res.headersSent) res.shouldKeepAlive = false;
  lingerAfterAnswer(req);
  void body.return(undefined).finally(() => req.resume());
}

/**
 * A failed exchange, on either forwarder. An upstream that refuses an upload (a 401, a CSRF 403)
 * may close with the body unread: its kernel resets, and the answer it wrote is often lost with it
 * (nginx loses it too). A reset while the client's body is still arriving is such a declined upload.
 */
export function failedExchange(err: Error, upstream: string, ms: number, bodyStillArriving: boolean): ForwardResult {
  const error = upstreamErrorFrom(err, upstream);
  return error.code === 'UPSTREAM_RESET' && bodyStillArriving ? { kind: 'failed', error, ms, declinedUpload: true } : { kind: 'failed', error, ms };
}

/** Forwards one request over undici and streams the answer to `res`; the same contract as Forwarder.forward. */
export function dispatchForward(req: IncomingMessage, res: ServerResponse, upstream: Upstream, opts: ForwardOptions): Promise<ForwardResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const ms = (): number => performance.now() - started;
    const path = joinPath(upstream.address.basePath, req.url ?? '/');
    // The client's own deadline header is left out: each attempt sets what is left of the deadline (io/attempt-budget.ts).
    const sized = opts.body ?? (opts.streamLength === undefined ? undefined : { length: opts.streamLength });
    const headers = withHost(requestHeaders(req.headers, sized, opts.deadlineHeader ?? null, null, req.rawHeaders), upstream.hostHeader);
    if (opts.ownCredentials) for (let i = 0; i < headers.length; i += 2) headers[i + 1] = opts.ownCredentials[headers[i]!.toLowerCase()] ?? headers[i + 1]!;
    const streamed = opts.body === undefined;
    const withBody = opts.body !== undefined || opts.stream !== undefined || hasBody(req);
    let settled = false;
    let abort: ((err: Error) => void) | null = null;
    let answering = false; // headers reached the client: a failure from here breaks its response
    let clientHeldUs = false; // the client's socket was full (a write returned false) since the total was last looked at
    let resetsRetried = 0;
    let retryTimer: NodeJS.Timeout | null = null;
    let stopUpload = (): void => undefined;
    let attempt = 0;

    const settle = (r: ForwardResult): void => {
      if (settled) return;
      settled = true;
      clock.stop();
      stopUpload();
      if (retryTimer) clearTimeout(retryTimer);
      if (streamedBody !== null && r.kind !== 'refused') leaveUpload(req, res, streamedBody);
      resolve(r);
    };
    const fail = (err: Error): void => settle(failedExchange(err, upstream.name, ms(), streamedBody !== null && withBody && !req.complete));
    const clock = new ExchangeClock(opts.deadlines, (phase) => {
      if (answering) {
        // Mid-body, and the client is the slow side (the facade waits, or waited since the last look,
        // to hand it what it has): not the upstream's fault, so neither deadline cuts it now; the
        // total is looked at again later. (Only waiting right now would miss a fast upstream between
        // two 'drain's.)
        if (phase === 'idle' && res.writableNeedDrain) { clock.progress(); return; }
        if (phase === 'total' && (res.writableNeedDrain || clientHeldUs)) { clientHeldUs = false; clock.postponeTotal(opts.deadlines.idleMs); return; }
      }
      const timeout = new UpstreamError('UPSTREAM_TIMEOUT', upstream.name);
      if (abort) abort(timeout); else fail(timeout);
    }, streamed && withBody && !req.complete); // a body the client is still sending: the total starts once it has all gone
    // What the client was being sent (no object per request: built only when it leaves mid-answer).
    let answeredStatus = 0;
    let answeredHeaders: IncomingHttpHeaders | null = null;
    let requestSent = false; // the current attempt's whole request reached the upstream
    res.once('close', () => {
      if (res.writableFinished) return;
      settle({ kind: 'client-gone', ms: ms(), answered: answeredHeaders ? { status: answeredStatus, headers: answeredHeaders } : undefined, ...(requestSent ? { sent: true as const } : {}) });
      abort?.(new Error('client gone')); // nobody will read the answer: free the upstream socket now
    });
    const refuse = (status: 408 | 413, code: 'REQUEST_BODY_TIMEOUT' | 'BODY_TOO_LARGE'): void => {
      if (settled || answering) return; // the upstream has answered already: its answer stands
      settle({ kind: 'refused', status, code, ms: ms() });
      abort?.(new Error('request body refused'));
    };

    const retry = (err: Error, reused: boolean): boolean => {
      const code = upstreamErrno(err);
      const choice = retryChoice(opts, {
        retryable: opts.retryable, tooLate: answering || clock.remaining() <= 0, resetOnReuse: resetOnReuse(code, reused, resetsRetried),
        resetsRetried, notSent: code !== undefined && CONNECT_FAILED.has(code), elapsedMs: ms(), remainingMs: clock.remaining(),
        delayMs: upstream.retry.delayMs, budgetMs: upstream.retry.budgetMs,
      });
      if (choice === null) return false;
      if (choice !== 'connect') resetsRetried++;
      opts.onRetry?.(choice === 'connect' ? 'connect' : 'reset');
      if (choice === 'reset') {
        send();
      } else {
        abort = null;
        retryTimer = setTimeout(() => { retryTimer = null; if (!settled) send(); }, upstream.retry.delayMs);
      }
      return true;
    };

    const send = (): void => {
      const mine = ++attempt;
      const current = (): boolean => mine === attempt && !settled;
      // undici takes async iterables as bodies (its typings list only Readable).
      const body = (opts.body ?? (withBody ? streamedBody : null)) as Buffer | Readable | null;
      let status = 0;
      let held = false;
      let trailers = false;
      let chunks: Buffer[] = [];
      let captured = 0;
      let overCap = false;
      let answerHeaders: IncomingHttpHeaders = {};
      let stream = false;
      let overlapsUpload = false; // a chunked answer began while the upload was still arriving
      let reused = false; // written on a socket that carried an answer before (socket-reuse.ts)
      const capture = opts.captureLimit > 0;
      const head: HeadState = { bodyStarted: false };
      // onRequestSent: called by undici once the whole request is written (not in its typings).
      const handler: Dispatcher.DispatchHandlers & { onRequestSent(): void } = {
        onConnect: (abortFn) => {
          if (!current()) { abortFn(new Error('superseded')); return; }
          abort = abortFn;
          if (opts.retryable) claimNextWrite((r) => { reused = r; });
        },
        onRequestSent: () => { if (current()) { requestSent = true; if (!answering) clock.sent(); } },
        onHeaders: (statusCode, rawHeaders, resume, statusText) => {
          if (!current()) return false;
          if (statusCode < 200) { // informational: the final answer follows
            if (statusCode === 103) relayEarlyHints(req, res, latin1(rawHeaders as unknown as Buffer[]));
            return true;
          }
          status = statusCode;
          const raw = latin1(rawHeaders as unknown as Buffer[]);
          answerHeaders = foldHeaders(raw);
          clock.responded();
          if (opts.holdServerErrors && status >= 500) {
            // Held for fallback: the body is not wanted (closing this one socket is cheaper than draining an unbounded body).
            held = true;
            settle({ kind: 'held', status, ms: ms() });
            abort?.(new Error('held for fallback'));
            return false;
          }
          if (res.headersSent || res.destroyed) { abort?.(new Error('client gone')); return false; }
          trailers = canCarryTrailers(answerHeaders, req, status);
          const out = responseHeadersForClient(raw, answerHeaders, trailers);
          locationForClient(out, answerHeaders, upstream.address, req.headers);
          out.push(...opts.extraResponseHeaders);
          if (!answerHeaders['x-request-id']) out.push('x-request-id', opts.requestId);
          // An answer before the whole upload arrived (a 413, a 401): the connection closes after it,
          // as nginx does, since what is left of the body must be read and thrown away first. The
          // lingering close is set up before the answer can end (it may end within res.end()).
          // A chunked answer may be a full-duplex one that outlasts the upload: decided at its end.
          if (streamedBody !== null && withBody && !req.complete) {
            if (endKnownAtHead(status, answerHeaders, req.method)) {
              res.shouldKeepAlive = false;
              lingerAfterAnswer(req);
            } else overlapsUpload = true;
          }
          try {
            res.writeHead(status, reasonForClient(statusText, status), out);
          } catch (err) {
            // A header Node will not send (invalid characters): the upstream's answer is unusable.
            settle({ kind: 'failed', error: new UpstreamError('UPSTREAM_BAD_RESPONSE', upstream.name, { cause: err as Error }), ms: ms() });
            return false;
          }
          answering = true;
          answeredStatus = status;
          answeredHeaders = answerHeaders;
          flushHeadUnlessBody(res, head);
          if (isStreamAnswer(answerHeaders)) {
            // A stream lasts as long as the client listens: no total deadline, nothing captured (core/streams.ts).
            stream = true;
            clock.streaming();
          }
          res.on('drain', resume);
          return true;
        },
        onData: (chunk) => {
          if (held || !answering) return true;
          head.bodyStarted = true;
          clock.progress();
          if (capture && !overCap && !stream) {
            captured += chunk.length;
            if (captured > opts.captureLimit) { overCap = true; chunks = []; } else chunks.push(chunk);
          }
          const more = res.write(chunk);
          if (!more) clientHeldUs = true;
          return more;
        },
        onComplete: (rawTrailers) => {
          if (held || !answering) return;
          const done = (complete: boolean): void => settle({
            kind: 'answered', status, headers: answerHeaders, complete, overCap,
            body: capture && !overCap && !stream && complete ? (opts.slabCapture ? captureSlabs.join(chunks, captured) : Buffer.concat(chunks)) : null, ms: ms(),
          });
          res.once('finish', () => done(true));
          if (trailers && rawTrailers && rawTrailers.length > 0) res.addTrailers(pairs(latin1(rawTrailers as unknown as Buffer[])));
          if (overlapsUpload && !req.complete) closeAfterAnswer(req, res); // it ended first: the rest of the upload is unread
          res.end();
        },
        onError: (err) => {
          if (!current() && !answering) return;
          if (held) return;
          if (answering) {
            // The upstream died mid-body (or a deadline cut it): the client must see a broken response.
            upstream.parsing.turnedLenient(err); // a chunk framing only a lenient parser reads: the next answer is read so
            res.destroy();
            settle({ kind: 'answered', status, headers: answerHeaders, complete: false, overCap, body: null, ms: ms() });
            return;
          }
          if (settled) return;
          // An answer only a lenient parser reads: the upstream is read leniently from now on, and
          // a request that may go again does, at once (answer-parsing.ts).
          if (upstream.parsing.turnedLenient(err) && opts.retryable && clock.remaining() > 0) { send(); return; }
          if (opts.retryable && !withBody && SAFE_METHODS.has(req.method ?? 'GET') && upstream.parsing.undiagnosed(err, false)) {
            void upstream.parsing.diagnose(() => strictReadError(upstream, { method: req.method ?? 'GET', path, headers }, clock.remaining())).then((lenient) => {
              if (settled) return;
              if (lenient && clock.remaining() > 0) send();
              else if (!retry(err, reused)) fail(err);
            });
            return;
          }
          if (!retry(err, reused)) fail(err);
        },
        onUpgrade: () => undefined,
      };
      // Each attempt tells the upstream what is left of the deadline (io/attempt-budget.ts).
      (privatePoolFor(req.socket, upstream, opts.deadlines.connectMs, req.headers.authorization) ?? poolFor(upstream, opts.deadlines.connectMs)).dispatch({ path, method: (req.method ?? 'GET') as Dispatcher.HttpMethod, headers: withDeadlineHeader(opts, headers, clock.remaining()), body, reset: false },
        completingBodiless(handler));
    };

    // A body streaming through goes as an iterable: undici then frames it as the client did
    // (Content-Length when declared, chunked when not) and the size limit is counted on the way.
    const streamedBody = streamed ? counted(opts.stream ?? req, opts.upload?.maxBytes ?? Infinity, () => refuse(413, 'BODY_TOO_LARGE')) : null;
    if (opts.upload && streamed) stopUpload = watchUpload(req, opts.upload.idleMs, () => refuse(408, 'REQUEST_BODY_TIMEOUT'));
    send();
  });
}
