// The facade's public HTTP server: client-side limits (header size, header and request timeouts),
// `Expect: 100-continue` left to the upstream, the requests in flight counted, and a graceful
// drain: stop accepting, let every request in flight finish its pipeline (second writes and
// comparisons included), retire keep-alive connections, and cut what is left at the deadline.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { FacadeConfig } from '../config';
import { clientErrorAnswer, clientErrorBytes } from './client-error';
import { markAwaitsContinue } from './expect-continue';
import { hasBody } from './upload-watch';
import { answerOnSocket, badHost, isWebSocketUpgrade, parseAgainWithoutUpgrade, refuseConnect, refuseRequest, serveWithoutUpgrade, toOriginForm, unsupportedCoding } from './request-target';

/** Time keep-alive clients get to send one more request (answered `Connection: close`) before idle sockets close. */
const IDLE_GRACE_MS = 1000;
/** After the deadline cut the upstream requests in flight, how long their pipelines get to record that. */
const SETTLE_AFTER_CUT_MS = 1000;

/**
 * Writes `bytes` (the facade's own answer to a request it could not read) and closes the connection,
 * once the answers to the requests before it on this connection are written: a pipelined request
 * that cannot be read, or the next one too slow to arrive, must not cut into an answer on its way
 * (its bytes would land inside that body) nor take its place (the client would think a payment
 * failed that went through). nginx answers them first too.
 */
function afterAnswersInFlight(socket: Duplex, bytes: string): void {
  const current = answerOnSocket(socket);
  // The bytes that cannot be read are the body of the request being answered (a bad chunk size, the
  // client leaving mid-upload): the 400 is its answer, in place of one that cannot come.
  if (current && !current.headersSent && current.req && !current.req.complete) {
    if (socket.writable) socket.end(bytes); else socket.destroy();
    return;
  }
  // An answer that closes the connection (a refusal's `Connection: close`) is the client's last: no
  // second one after it (a 501 for a transfer coding, then a 400 for the body it could not read).
  if (current && !current.shouldKeepAlive) {
    if (current.writableFinished) socket.end();
    else current.once('close', () => { if (current.writableFinished) socket.end(); else socket.destroy(); });
    return;
  }
  if (current && !current.writableFinished) {
    // node:http hands the socket to the next pipelined answer when this one finishes.
    current.once('close', () => setImmediate(() => {
      if (!current.writableFinished) socket.destroy();
      else if (!socket.destroyed) afterAnswersInFlight(socket, bytes);
    }));
    return;
  }
  if (socket.writable) socket.end(bytes); else socket.destroy();
}

export interface DrainOutcome {
  /** Requests still in flight when the drain deadline passed (their upstream requests were cut). */
  readonly cut: number;
  readonly ms: number;
}

export interface PublicServer {
  readonly server: http.Server;
  /** Requests whose pipeline has not finished yet. */
  inFlight(): number;
  /** Drains within `deadlineMs`; `onDeadline` cuts the upstream requests still running. */
  drain(deadlineMs: number, onDeadline: () => void): Promise<DrainOutcome>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Pipelined requests on one client connection are answered one after the other, as nginx does:
 * responses must leave in order anyway, and forwarding them all at once deadlocked (measured: 1,000
 * pipelined GETs, 384 answered, then nothing): later answers, held by Node until the earlier ones
 * are written, kept every pooled upstream connection paused while an earlier request waited for
 * one. Past WAITING_PAUSE requests waiting their turn the connection is not read further.
 */
const TURN = Symbol('strangler.turn');
/**
 * Set once an answer on this connection closes it (a refusal, a 413 or 408, a client's or a drain's
 * `Connection: close`): the requests the client pipelined after it are never sent upstream, as nginx
 * drops them. node:http still hands them over, and a POST behind a 413 reached the monolith, whose
 * answer could not reach the client (which would send it again on a new connection).
 */
const CLOSING = Symbol('strangler.closing');
interface Turn { busy: boolean; paused: boolean; readonly waiting: Array<() => void> }
type TurnSocket = Duplex & { [TURN]?: Turn; [CLOSING]?: true };
const WAITING_PAUSE = 32;

/**
 * `refused` hears of each request refused here, before any pipeline step (its metric label):
 * unreadable, too slow, oversized headers, a bad Host, a transfer coding other than chunked, HTTP/2
 * on an HTTP/1.1 connection, CONNECT.
 */
export function createPublicServer(limits: FacadeConfig['listen'], handle: Handler, upgrade: UpgradeHandler,
  refused: (code: string) => void = () => undefined): PublicServer {
  let inFlight = 0;
  let draining = false;
  let wake: (() => void) | null = null;
  const connections = new Set<Duplex>();
  const upgraded = new Set<Duplex>();

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const socket = req.socket as TurnSocket;
    if (socket[CLOSING]) { req.resume(); return; } // behind an answer that closes the connection: nobody will read its answer
    refuseOrServe(req, res);
    if (res.writableEnded && !res.shouldKeepAlive) socket[CLOSING] = true; // refused here, closing: what follows is dropped
  };
  const refuseOrServe = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.httpVersionMajor !== 1) {
      req.resume();
      refused('HTTP_VERSION_NOT_SUPPORTED');
      refuseRequest(req, res, 505, `HTTP/${req.httpVersion} is not spoken on this connection: use HTTP/1.1`);
      return;
    }
    toOriginForm(req); // an absolute-form target's authority replaces the Host header (RFC 9112 §3.2.2)
    const bad = badHost(req);
    if (bad !== null) { refused('HOST_INVALID'); req.resume(); refuseRequest(req, res, 400, bad); return; }
    // TRACE echoes the request back, cookies and credentials included (cross-site tracing): refused, as nginx does.
    if (req.method === 'TRACE') { refused('METHOD_NOT_ALLOWED'); req.resume(); refuseRequest(req, res, 405, 'TRACE is refused: it would echo the request\'s cookies and credentials back'); return; }
    const coding = unsupportedCoding(req);
    if (coding !== null) { refused('TRANSFER_CODING_NOT_SUPPORTED'); req.resume(); refuseRequest(req, res, 501, coding); return; }
    if (draining) res.shouldKeepAlive = false; // this client should reconnect elsewhere
    inFlight++;
    const socket = req.socket as TurnSocket;
    let turn = socket[TURN];
    if (!turn) {
      const t: Turn = (turn = socket[TURN] = { busy: false, paused: false, waiting: [] });
      // The client went away: its requests still waiting will never be answered.
      socket.once('close', () => dropWaiting(t));
    }
    const answer = (): void => {
      turn.busy = true;
      res.once('close', () => {
        if (!res.shouldKeepAlive) socket[CLOSING] = true; // a 413, a 408, Connection: close: nothing after it goes upstream
        nextTurn(socket, turn); // answered (or cut): the next pipelined request's turn
      });
      void handle(req, res).finally(() => {
        inFlight--;
        if (inFlight === 0) wake?.();
      });
    };
    if (!turn.busy) { answer(); return; }
    turn.waiting.push(answer);
    if (turn.waiting.length >= WAITING_PAUSE && !turn.paused) { turn.paused = true; socket.pause(); }
  };
  const dropWaiting = (turn: Turn): void => {
    inFlight -= turn.waiting.length;
    turn.waiting.length = 0;
    if (inFlight === 0) wake?.();
  };
  const nextTurn = (socket: TurnSocket, turn: Turn): void => {
    turn.busy = false;
    if (socket.destroyed || socket[CLOSING]) { dropWaiting(turn); return; } // the client left, or the connection closes: nobody waits for these
    const next = turn.waiting.shift();
    if (turn.paused && turn.waiting.length < WAITING_PAUSE / 2) { turn.paused = false; socket.resume(); }
    next?.();
  };
  const server = http.createServer({
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // How often Node checks the two timeouts above (its default, 30 s, would let them overrun by that much).
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    // A missing Host is refused by badHost with a message naming it (node:http's own 400 has none).
    requireHostHeader: false,
  }, onRequest);
  // Longer than common client/load-balancer idle timeouts, so the facade is not the side that
  // closes an idle keep-alive socket a client is about to reuse.
  server.keepAliveTimeout = 65_000;
  // No count limit: Node's default (1,000 header lines) dropped the rest of a request's headers
  // silently, and the upstream got a request the client never sent. listen.maxHeaderBytes bounds them.
  server.maxHeadersCount = 0;
  server.on('checkContinue', (req, res) => {
    // Nothing to wait for (`Content-Length: 0`, or no body at all): go on at once, as nginx does;
    // unanswered, node:http would close the connection after the answer.
    if (!hasBody(req)) res.writeContinue();
    else markAwaitsContinue(req);
    onRequest(req, res);
  });
  // An expectation other than 100-continue (`Expect: 200-ok`): passed on as nginx does, not node:http's bare 417.
  server.on('checkExpectation', onRequest);
  server.on('connection', (socket: Duplex) => {
    if (connections.has(socket)) return; // parsed again after an Upgrade that is not a WebSocket (request-target.ts)
    connections.add(socket);
    socket.once('close', () => { connections.delete(socket); upgraded.delete(socket); });
  });
  server.on('upgrade', (req, socket, head) => {
    // h2c and the like, and a WebSocket upgrade on anything but GET (RFC 6455 opens with a GET; a POST
    // with `Upgrade: websocket` is a POST): parsed again as the plain HTTP/1.1 request it also is.
    if ((!isWebSocketUpgrade(req) || req.method !== 'GET') && req.httpVersionMajor === 1) { parseAgainWithoutUpgrade(server, req, socket, head); return; }
    toOriginForm(req);
    // A WebSocket with a bad Host (refused there), or not over HTTP/1: answered as plain HTTP.
    if (!isWebSocketUpgrade(req) || badHost(req) !== null || req.httpVersionMajor !== 1) { serveWithoutUpgrade(req, socket, head, onRequest); return; }
    upgraded.add(socket);
    upgrade(req, socket, head);
  });
  server.on('connect', (_req, socket) => { refused('METHOD_NOT_SUPPORTED'); refuseConnect(socket); });
  server.on('clientError', (err: NodeJS.ErrnoException & { reason?: string }, socket) => {
    if (!socket.writable) { socket.destroy(); return; } // the client already left (mid-request EOF, reset)
    const answer = clientErrorAnswer(err, limits);
    refused(answer.error === 'BAD_REQUEST' ? 'UNREADABLE_REQUEST' : answer.error);
    afterAnswersInFlight(socket, clientErrorBytes(answer));
  });

  /** Resolves when no request is in flight or `ms` passed, whichever comes first. */
  const quiet = (ms: number): Promise<void> => {
    if (inFlight === 0) return sleep(Math.min(ms, 50));
    return Promise.race([new Promise<void>((r) => { wake = r; }), sleep(ms)]).finally(() => { wake = null; });
  };
  const httpConnections = (): number => connections.size - upgraded.size;

  return {
    server,
    inFlight: () => inFlight,
    async drain(deadlineMs, onDeadline) {
      const started = performance.now();
      const left = (): number => deadlineMs - (performance.now() - started);
      draining = true;
      // net.Server's close stops accepting; http.Server's would also drop idle keep-alive sockets at
      // once, racing clients that are sending on them right now.
      if (server.listening) net.Server.prototype.close.call(server);
      while (left() > 0) {
        // Idle keep-alive connections get a moment to send one more request (answered `Connection: close`).
        if (inFlight === 0 && (httpConnections() === 0 || performance.now() - started >= Math.min(IDLE_GRACE_MS, deadlineMs))) {
          server.closeIdleConnections();
          if (httpConnections() === 0) break;
        }
        await quiet(Math.min(left(), 100));
      }
      let cut = 0;
      if (inFlight > 0) {
        cut = inFlight;
        onDeadline();
        if (deadlineMs > 0) await quiet(SETTLE_AFTER_CUT_MS);
      }
      for (const socket of upgraded) socket.destroy(); // WebSocket tunnels have no natural end
      server.closeAllConnections();
      server.close(); // not listening any more: this only stops Node's timeout checks
      return { cut, ms: performance.now() - started };
    },
  };
}
