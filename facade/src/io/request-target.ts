// Request shapes a reverse proxy meets from real clients that Node's server hands over as they came:
// a request-target in absolute form (`GET http://shop.example/api/x`: clients configured to use the
// facade as a proxy, some HTTP libraries), which a server must accept (RFC 9112 §3.2.2); an Upgrade
// that is not a WebSocket (`h2c`), which a server may ignore and answer as plain HTTP/1.1 (RFC 9110
// §7.8); CONNECT, a tunnel the facade does not open; and a request with two Host header lines or
// one that is not a host, which a server must refuse (RFC 9112 §3.2: Node keeps the first of two, an
// upstream or a cache might use the other; `user@evil` or `a/b` is read differently by each parser
// behind: the start of a cache-poisoning or routing confusion).
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { requestIdOf } from '../pipeline/request-id';
import { sendJsonError } from './respond';

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Rewrites an absolute-form request-target to origin form (path and query) and takes the Host from
 * it, as RFC 9112 says a server must (the received Host header is ignored). Other targets are left
 * alone: the router refuses what is malformed with a 400 naming it.
 */
export function toOriginForm(req: IncomingMessage): void {
  const target = req.url;
  // Nearly every request is in origin form: one character tells, before any pattern runs.
  if (target === undefined || target.charCodeAt(0) === 47 /* '/' */ || !ABSOLUTE.test(target)) return;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return;
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol) || url.host === '') return;
  req.url = `${url.pathname}${url.search}`;
  req.headers.host = url.host;
}

/** True when the request has more than one Host header line (whatever their case or values). */
function hasDuplicateHost(req: IncomingMessage): boolean {
  const raw = req.rawHeaders;
  let seen = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') {
      if (seen) return true;
      seen = true;
    }
  }
  return false;
}

/**
 * Host = uri-host [ ":" port ] (RFC 9110 §7.2, RFC 3986 §3.2.2): an IP literal in brackets, or
 * letters, digits, `-._~`, sub-delims and %-escapes (an IPv4 address or a name); empty is allowed
 * (a target without an authority).
 */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|\[v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?$/;

/** Why the request's Host header cannot be what it is (two lines, or not a host), or null. */
export function badHost(req: IncomingMessage): string | null {
  if (hasDuplicateHost(req)) return 'more than one Host header: the request is ambiguous, refused (RFC 9112 §3.2)';
  const host = req.headers.host;
  if (host !== undefined && !HOST.test(host)) return `Host ${JSON.stringify(host.slice(0, 100))} is not a host[:port]: refused (RFC 9112 §3.2)`;
  if (host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor >= 1) return 'an HTTP/1.1 request must carry a Host header: refused (RFC 9112 §3.2)';
  return null;
}

/**
 * A transfer coding other than `chunked` on the request (`Transfer-Encoding: gzip, chunked`), or
 * null. node:http removes only the chunking: passed on, the body would reach the upstream still
 * compressed and labelled as plain, so it is refused as nginx refuses it (501, RFC 9112 §6.1).
 */
export function unsupportedCoding(req: IncomingMessage): string | null {
  const te = req.headers['transfer-encoding'];
  if (te === undefined) return null;
  const codings = te.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '');
  const other = codings.filter((c) => c !== 'chunked');
  return other.length === 0 ? null : `Transfer-Encoding ${JSON.stringify(te.slice(0, 100))}: only chunked is passed on (send ${other.join(', ')} as Content-Encoding)`;
}

const ERRORS = { 400: 'BAD_REQUEST', 405: 'METHOD_NOT_ALLOWED', 501: 'TRANSFER_CODING_NOT_SUPPORTED', 505: 'HTTP_VERSION_NOT_SUPPORTED' } as const;

/**
 * The facade's answer to a request it will not pass on (a bad Host: 400; a transfer coding it
 * cannot pass on: 501; HTTP/2.0 or later named on an HTTP/1 connection, which node:http parses as
 * if it were 1.1: 505, RFC 9110 §15.6.6); the connection is closed after it.
 */
export function refuseRequest(req: IncomingMessage, res: ServerResponse, status: 400 | 405 | 501 | 505, message: string): void {
  res.shouldKeepAlive = false;
  sendJsonError(res, status, { error: ERRORS[status], message, requestId: requestIdOf(req) });
}

/** True for an Upgrade the facade tunnels (WebSocket); any other is answered as plain HTTP. */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').split(',').some((p) => p.trim().toLowerCase() === 'websocket');
}

/**
 * The head of `req` again as bytes, without its Upgrade header and the `upgrade` token of its
 * Connection header (node:http's header strings are latin1, byte for byte what arrived).
 */
function headWithoutUpgrade(req: IncomingMessage): Buffer {
  const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    if (lower === 'upgrade') continue;
    let value = raw[i + 1]!;
    if (lower === 'connection') {
      value = value.split(',').map((t) => t.trim()).filter((t) => t !== '' && t.toLowerCase() !== 'upgrade').join(', ');
      if (value === '') continue;
    }
    lines.push(`${name}: ${value}`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/**
 * An HTTP/1.x upgrade request that is not a WebSocket (`Upgrade: h2c` from `curl --http2`, TLS/1.0)
 * is the ordinary request it also is, and a server without that protocol answers it as such (RFC
 * 9110 §7.8). node:http stopped parsing at its head and gave the socket to the 'upgrade' event, so
 * the head goes back in front of the bytes after it, without the Upgrade, and the server parses the
 * connection again: the body (by Content-Length or chunked) reaches the pipeline, and the connection
 * stays kept alive as it would going direct.
 */
/** The answer node:http is writing on this connection now (it holds the socket until it finishes), or null. */
export function answerOnSocket(socket: Duplex): ServerResponse | null {
  return (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage ?? null;
}

export function parseAgainWithoutUpgrade(server: http.Server, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  const again = (): void => {
    if (socket.destroyed) return;
    socket.unshift(head.length > 0 ? Buffer.concat([headWithoutUpgrade(req), head]) : headWithoutUpgrade(req));
    server.emit('connection', socket);
  };
  // A pipelined request's answer still holds the socket (node:http lets it go once that answer has
  // finished, and hands it to the gone parser's queue): the connection is parsed again after that
  // answer's 'close', which follows its release. Parsed at once, the next answer would wait forever.
  const holder = answerOnSocket(socket);
  if (holder) holder.once('close', () => setImmediate(again));
  else again();
}

/**
 * Serves an upgrade request that is not a WebSocket as the ordinary request it also is: Node gave
 * up the socket to the 'upgrade' event, so a response is bound to it here, and the connection closes
 * after the answer (the bytes after the headers, if any, are left unread: such a request has no body
 * Node parsed).
 */
export function serveWithoutUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, onRequest: (req: IncomingMessage, res: ServerResponse) => void): void {
  if (head.length > 0) socket.unshift(head);
  const res = new http.ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as never);
  res.once('finish', () => { res.detachSocket(socket as never); socket.end(); });
  res.once('close', () => { if (!socket.destroyed && !res.writableFinished) socket.destroy(); });
  if (!req.readableEnded) req.push(null); // no body was parsed for it: the pipeline must not wait for one
  onRequest(req, res);
}

/** CONNECT asks for a tunnel: refused with 501 naming why, and the connection closed. */
export function refuseConnect(socket: Duplex): void {
  const body = JSON.stringify({ error: 'METHOD_NOT_SUPPORTED', message: 'CONNECT is not proxied: the facade is a reverse proxy, not a tunnel' });
  socket.on('error', () => undefined);
  socket.end(`HTTP/1.1 501 Not Implemented\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
