// Requests of a real-time transport's session: engine.io / socket.io long polling, SockJS, classic
// SignalR, CometD (Bayeux), Phoenix's long poll, Atmosphere. Each belongs to a session the answering
// server holds: the other side does not know it (a shadow copy or a second write gets `400 Session
// ID unknown`, stored as a divergence per message), and asking it twice breaks it (a second poll on
// one engine.io session is "overlap from client": the server closes the session, and the queued
// messages the re-ask took are lost to the client). So the stage's primary answers them alone.
// ASP.NET Core SignalR's requests (`?id=<token>` only) are known by the header its clients send.
// WebSocket upgrades go their own way (io/websocket.ts). Pure.

/** SockJS: `/<prefix>/<server>/<session>/<transport>` (server: three digits). */
const SOCKJS = /\/\d{3}\/[^/]+\/(?:xhr|xhr_send|xhr_streaming|eventsource|htmlfile|jsonp|jsonp_send)$/;
/** CometD's Bayeux endpoint (`/cometd`, `/cometd/connect`, …); Phoenix's long poll. */
const PATHS = /\/cometd(?:\/|$)|\/longpoll$/;
/** engine.io's `EIO=4&transport=polling&sid=…`, classic SignalR's `connectionToken=`/`transport=longPolling`, Atmosphere's tracking. */
const PARAMS = /(?:^|&)(?:connectionToken=|transport=(?:longPolling|serverSentEvents|foreverFrame)(?:&|$)|X-Atmosphere-(?:Transport|tracking-id)=)/;
const ENGINE_IO = /(?:^|&)EIO=\d/;
const ENGINE_IO_TRANSPORT = /(?:^|&)transport=(?:polling|websocket|webtransport)(?:&|$)/;

/** ASP.NET Core SignalR's clients: `X-SignalR-User-Agent` from a browser, `User-Agent: Microsoft SignalR/…` elsewhere. */
const SIGNALR_AGENT = /^Microsoft SignalR\//;

/** The request headers isSessionTransport reads (node's lower-cased IncomingHttpHeaders fit). */
export interface TransportHeaders { readonly 'x-signalr-user-agent'?: string | string[]; readonly 'user-agent'?: string }

/** Whether a request (normalized path, raw query without `?`, headers) is one of a real-time transport's session. */
export function isSessionTransport(path: string, query: string, headers: TransportHeaders = {}): boolean {
  if (headers['x-signalr-user-agent'] !== undefined || SIGNALR_AGENT.test(headers['user-agent'] ?? '')) return true;
  if (query !== '' && (PARAMS.test(query) || (ENGINE_IO.test(query) && ENGINE_IO_TRANSPORT.test(query)))) return true;
  return PATHS.test(path) || SOCKJS.test(path);
}
