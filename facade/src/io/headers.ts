// Header hygiene at the facade's two edges: hop-by-hop headers are per connection (RFC 9110
// §7.6.1) and must not cross the proxy; forwarding headers tell the upstream who asked.
// `Trailer` is end-to-end (it announces the trailer fields, which are forwarded too); `Expect` is
// handled by io/expect-continue.ts, which asks the answering upstream itself.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { FACADE_TAGS } from '../core/tags';
import { clientLocation, clientOrigin, clientRefresh, type UpstreamAddress } from '../core/location';

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate',
  'te', 'transfer-encoding', 'upgrade', 'expect',
]);

/**
 * Never taken as hop-by-hop because a Connection header lists them: the message's framing and its
 * Host. `Connection: content-length` would otherwise drop a write's body on its way (the upstream
 * reads Content-Length 0), and `Connection: host` would send the upstream's own Host instead of the
 * client's; nginx ignores such lists too.
 */
const NEVER_LISTED = new Set(['content-length', 'transfer-encoding', 'host']);

/** Names listed in a Connection header are hop-by-hop too (but for NEVER_LISTED). */
function connectionListed(value: string | string[] | undefined): string[] {
  if (!value) return [];
  return (Array.isArray(value) ? value.join(',') : value).split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '' && !NEVER_LISTED.has(s));
}

/**
 * Prepares the client's headers for the upstream, in place, once per request: drops hop-by-hop
 * headers and the client's copies of the facade's own tags (core/tags.ts), keeps
 * `transfer-encoding` out (Node re-frames the body), adds X-Forwarded-*: to what a trusted peer
 * (a load balancer, io/forwarded-trust.ts) sent, else in place of what the client sent.
 */
export function prepareRequestHeaders(req: IncomingMessage, requestId: string, keepUpgrade: boolean, trusted = true): void {
  const h = req.headers;
  for (const name of connectionListed(h.connection)) if (!(keepUpgrade && name === 'upgrade')) delete h[name];
  for (const name of HOP_BY_HOP) {
    // `delete` only when present: deleting turns the headers object into a slow dictionary.
    if (h[name] === undefined) continue;
    if (keepUpgrade && (name === 'upgrade' || name === 'connection')) continue;
    if (name === 'transfer-encoding') continue; // http-proxy/Node need it to stream a chunked body
    delete h[name];
  }
  for (const name of FACADE_TAGS) if (h[name] !== undefined) delete h[name];
  const remote = req.socket.remoteAddress ?? '';
  h['x-forwarded-for'] = trusted && h['x-forwarded-for'] ? `${h['x-forwarded-for']}, ${remote}` : remote;
  h['x-forwarded-proto'] = (trusted ? h['x-forwarded-proto'] : undefined) ?? ('encrypted' in req.socket ? 'https' : 'http');
  const host = (trusted ? h['x-forwarded-host'] : undefined) ?? h.host;
  if (host) h['x-forwarded-host'] = host; // an HTTP/1.0 client may send no Host: no empty header is made up
  else if (!trusted) delete h['x-forwarded-host'];
  h['x-request-id'] = requestId;
}

/**
 * The upstream response's headers for the client as a flat raw list (keeps casing and repeated
 * headers such as Set-Cookie), without hop-by-hop headers. `withTrailer: false` also drops
 * `Trailer` (a response sent to the client without chunked encoding cannot carry trailers).
 */
export function responseHeadersForClient(rawHeaders: string[], headers: IncomingHttpHeaders, withTrailer = true): string[] {
  const listed = new Set(connectionListed(headers.connection));
  // An answer framed by Transfer-Encoding and carrying a Content-Length too (read so only by a
  // lenient parser) was read chunked: its Content-Length is not the body's and must go (RFC 9112
  // §6.3). Passed on, the client read that many bytes and took the rest for the next answer.
  const chunked = headers['transfer-encoding'] !== undefined;
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const lower = rawHeaders[i].toLowerCase();
    if (HOP_BY_HOP.has(lower) || listed.has(lower)) continue;
    if (chunked && lower === 'content-length') continue;
    if (!withTrailer && lower === 'trailer') continue;
    out.push(rawHeaders[i], rawHeaders[i + 1]);
  }
  return out;
}

/**
 * A Location or Refresh in the client's header list `out` that names the upstream's own address is
 * given the client's origin (core/location.ts), in place, as nginx's `proxy_redirect default` does.
 * `answer` is the answer's folded headers, `requestHeaders` the request's as forwarded.
 */
export function locationForClient(out: string[], answer: IncomingHttpHeaders, upstream: UpstreamAddress, requestHeaders: IncomingHttpHeaders): void {
  if (answer.location === undefined && answer.refresh === undefined) return; // most answers: no scan of the raw list
  for (let i = 0; i < out.length; i += 2) {
    const name = out[i]!;
    const rewrite = name.length === 8 && name.toLowerCase() === 'location' ? clientLocation
      : name.length === 7 && name.toLowerCase() === 'refresh' ? clientRefresh : null;
    if (rewrite === null) continue;
    const to = clientOrigin(requestHeaders);
    const value = to === null ? null : rewrite(out[i + 1]!, upstream, to);
    if (value !== null) out[i + 1] = value;
  }
}
