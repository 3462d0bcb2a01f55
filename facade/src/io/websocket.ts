// WebSocket (and any other Upgrade) requests: routed like any request, then tunnelled to the
// primary side with http-proxy. No shadow or comparison: a socket cannot be answered twice.
// The handshake runs under the route's connect and headers deadlines: an upstream that never
// answers the upgrade gets the client a 504 JSON naming it, not a hang.
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type httpProxy from 'http-proxy';
import { decide } from '../core/decide';
import { UpstreamError, upstreamErrorFrom } from '../errors';
import { contextKeyOf } from '../pipeline/choose-stage';
import type { FacadeDeps } from '../pipeline/context';
import { deadlinesFor } from '../pipeline/forward-primary';
import { routeRequest } from '../pipeline/match-route';
import { requestIdOf } from '../pipeline/request-id';
import { ExchangeClock, type Deadlines } from './deadlines';
import { proxyTarget } from './forward';
import { respell } from './dispatch';
import { prepareRequestHeaders, responseHeadersForClient } from './headers';

const REASON: Readonly<Record<number, string>> = { 400: 'Bad Request', 502: 'Bad Gateway', 504: 'Gateway Timeout' };

function refuse(socket: Duplex, status: number, body: Record<string, string>): void {
  const payload = JSON.stringify(body);
  socket.end(`HTTP/1.1 ${status} ${REASON[status] ?? 'Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\nconnection: close\r\n\r\n${payload}`);
}

// http-proxy announces the outgoing upgrade request with 'proxyReqWs'; the hook rides on the request.
const HANDSHAKE = Symbol('strangler.handshake');
type HookCarrier = IncomingMessage & { [HANDSHAKE]?: (proxyReq: ClientRequest) => void };
const hooked = new WeakSet<httpProxy>();

function hookProxy(proxy: httpProxy): void {
  if (hooked.has(proxy)) return;
  hooked.add(proxy);
  proxy.on('proxyReqWs', (proxyReq, req) => (req as HookCarrier)[HANDSHAKE]?.(proxyReq));
}

/** Times the handshake: connect, then the 101 (or any answer) within the headers deadline. Returns its stop. */
function timeHandshake(proxyReq: ClientRequest, d: Deadlines, upstream: string): () => void {
  const handshakeMs = Math.min(d.headersMs, d.totalMs);
  const clock = new ExchangeClock({ connectMs: d.connectMs, headersMs: handshakeMs, idleMs: handshakeMs, totalMs: Math.min(d.totalMs, d.connectMs + handshakeMs), streamIdleMs: handshakeMs },
    () => proxyReq.destroy(new UpstreamError('UPSTREAM_TIMEOUT', upstream)));
  proxyReq.once('socket', (socket) => {
    if (!socket.connecting) return;
    clock.connecting();
    socket.once('connect', () => clock.connected());
  });
  proxyReq.once('finish', () => clock.sent());
  const stop = (): void => clock.stop();
  proxyReq.once('upgrade', stop);
  proxyReq.once('response', stop);
  proxyReq.once('close', stop);
  return stop;
}

/**
 * An upstream that refuses the upgrade (a 401, a 400) answers with an ordinary response, which the
 * client gets here. http-proxy would write its headers as parsed (`Transfer-Encoding: chunked`
 * still among them) before the body Node already de-chunked, so the client could not read it.
 * Written here: the upstream's header lines minus hop-by-hop ones, the body as it comes, framed by
 * its Content-Length or by the connection's end.
 */
function answerRefusalsItself(proxyReq: ClientRequest, socket: Duplex, requestId: string, side: string, answered: () => void): void {
  const emit = proxyReq.emit.bind(proxyReq);
  proxyReq.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
    if (event !== 'response') return emit(event, ...args);
    const res = args[0] as IncomingMessage;
    if ((res as IncomingMessage & { upgrade?: boolean }).upgrade === true || res.statusCode === 101) return emit(event, ...args);
    answered(); // the handshake's clock (its own 'response' listener is not called)
    const lines = responseHeadersForClient(res.rawHeaders, res.headers);
    lines.push('x-strangler-side', side);
    if (res.headers['x-request-id'] === undefined) lines.push('x-request-id', requestId);
    lines.push('connection', 'close');
    let head = `HTTP/1.1 ${res.statusCode} ${res.statusMessage ?? ''}\r\n`;
    for (let i = 0; i < lines.length; i += 2) head += `${lines[i]}: ${lines[i + 1]}\r\n`;
    socket.write(`${head}\r\n`, 'latin1');
    res.pipe(socket);
    res.once('error', () => socket.destroy());
    return true; // not emitted: http-proxy's own writer must not run
  }) as typeof proxyReq.emit;
}

export async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, deps: FacadeDeps): Promise<void> {
  socket.on('error', () => undefined); // a client reset must not crash the facade
  const requestId = requestIdOf(req);
  const routed = routeRequest(req, deps);
  if (!routed.ok) return refuse(socket, 400, { error: 'PATH_MALFORMED', message: `malformed path: ${routed.reason}`, requestId });
  const { route, runtime } = routed;
  let upstream = deps.monolith;
  if (runtime) {
    const stage = await deps.flags.stageFor(runtime.flag, contextKeyOf(req, deps.config.contextKey), deps.sample);
    if (decide(stage, 'GET').primary === 'service') upstream = runtime.service;
  }
  prepareRequestHeaders(req, requestId, true, deps.forwardedTrust.trusts(req.socket as Socket));
  deps.metrics.requests.inc({ route: route?.route.name ?? '(unrouted)', side: upstream.side, status: 'upgrade' });
  const proxy = deps.forwarder.server;
  hookProxy(proxy);
  const deadlines = deadlinesFor(upstream, runtime);
  let upgraded = false;
  (req as HookCarrier)[HANDSHAKE] = (proxyReq) => {
    respell(proxyReq, req.rawHeaders); // header names and repeated lines as the client sent them, as on every other path
    // Before http-proxy's own 'upgrade' listener writes the 101 (it is added after 'proxyReqWs'):
    // the 101 names the side that answered, as every other answer does.
    proxyReq.once('upgrade', (res: IncomingMessage) => {
      upgraded = true;
      res.headers['x-strangler-side'] = upstream.side;
      if (res.headers['x-request-id'] === undefined) res.headers['x-request-id'] = requestId;
    });
    const stop = timeHandshake(proxyReq, deadlines, upstream.name);
    answerRefusalsItself(proxyReq, socket, requestId, upstream.side, stop);
  };
  proxy.ws(req, socket, head, { target: proxyTarget(upstream), toProxy: true, ssl: { maxHeaderSize: upstream.maxHeaderBytes },
    ...(upstream.hostHeader === null ? {} : { headers: { host: upstream.hostHeader } }) } as httpProxy.ServerOptions, (err) => {
    const e = upstreamErrorFrom(err as Error, upstream.name);
    deps.logger.warn({ err: (err as Error).message, upstream: upstream.name, code: e.code, requestId }, 'websocket upgrade failed');
    // Once tunnelled, the client's socket speaks WebSocket: no HTTP answer can go there any more.
    if (socket.writable && !upgraded) refuse(socket, e.status, { error: e.code, message: e.message, upstream: e.upstream, requestId });
    else socket.destroy();
  });
}
