// WebSocket (and any other Upgrade) requests: routed like any request, then tunnelled to the
// primary side with http-proxy. No shadow or comparison: a socket cannot be answered twice.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { decide } from '../core/decide';
import { contextKeyOf } from '../pipeline/choose-stage';
import type { FacadeDeps } from '../pipeline/context';
import { routeRequest } from '../pipeline/match-route';
import { requestIdOf } from '../pipeline/request-id';
import { proxyTarget } from './forward';
import { prepareRequestHeaders } from './headers';

function refuse(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({ error: reason });
  socket.end(`HTTP/1.1 ${status} ${status === 400 ? 'Bad Request' : 'Bad Gateway'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

export async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, deps: FacadeDeps): Promise<void> {
  socket.on('error', () => undefined); // a client reset must not crash the facade
  const routed = routeRequest(req, deps);
  if (!routed.ok) return refuse(socket, 400, 'PATH_MALFORMED');
  const { route, runtime } = routed;
  let upstream = deps.monolith;
  if (runtime) {
    const stage = await deps.flags.stageFor(runtime.flag, contextKeyOf(req, deps.config.contextKey), deps.sample);
    if (decide(stage, 'GET').primary === 'service') upstream = runtime.service;
  }
  prepareRequestHeaders(req, requestIdOf(req), true);
  deps.metrics.requests.inc({ route: route?.route.name ?? '(unrouted)', side: upstream.side, status: 'upgrade' });
  deps.forwarder.server.ws(req, socket, head, { target: proxyTarget(upstream), toProxy: true }, (err) => {
    deps.logger.warn({ err: (err as Error).message, upstream: upstream.name }, 'websocket upgrade failed');
    if (socket.writable) refuse(socket, 502, 'UPSTREAM_UNREACHABLE');
    else socket.destroy();
  });
}
