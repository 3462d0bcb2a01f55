// Reference proxies (child process) for `npm run bench -- --references`: what the facade is built
// on, without the facade, in front of the same monolith with the same kind of keep-alive pool:
//   http-proxy  http-proxy's web() with a keep-alive agent (the "plain http-proxy")
//   node-http   http.request + pipe, the least a Node proxy can do
//   undici      node:http server + undici Pool.dispatch, the answer written from its handler
//               callbacks: the facade's own primary path with none of its features (the floor of
//               its architecture; issue 12 measured this at 2.0x nginx in an earlier run)
//   undici-shadow  the undici proxy above, every GET also sent to the service over a second Pool;
//               both answers kept (the client's streamed as it arrives) and compared as bytes: the
//               least the facade's shadow architecture can cost (no route, flags, limits, metrics,
//               logs, noise, parsing, store)
//   llhttp, llhttp-client  proxies on Node's own llhttp binding (llhttp-reference.ts): what node:http's
//               server objects and undici's client cost above the syscalls
//   naive-shadow  http-proxy's web() to the monolith, and every GET sent to the service too; both
//               bodies buffered, JSON.parse'd and deep-compared (the "naive shadow")
// Usage (spawned by index.ts): node -r ./ts-hook.js reference-proxy.ts <kind> <upstream url> [<shadow url>]
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import httpProxy from 'http-proxy';
import { Pool, type Dispatcher } from 'undici';
import { serveBench } from './child-ipc';
import { llhttpClientProxy, llhttpProxy } from './llhttp-reference';

const kind = process.argv[2];
const target = new URL(process.argv[3] ?? 'http://127.0.0.1:1');
const shadowTarget = process.argv[4] ? new URL(process.argv[4]) : null;
const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256, scheduling: 'lifo' });
const shadowAgent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256, scheduling: 'lifo' });

function viaHttpProxy(): http.RequestListener {
  const proxy = httpProxy.createProxyServer({ target: target.origin, agent });
  proxy.on('error', (_err, _req, res) => {
    if (res instanceof http.ServerResponse && !res.headersSent) res.writeHead(502).end();
    else res.destroy();
  });
  return (req, res) => proxy.web(req, res);
}

function viaNodeHttp(): http.RequestListener {
  return (req, res) => {
    const upstream = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers, agent }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(upstream);
  };
}

/** The client's headers for an upstream, without Connection. */
function forwardHeaders(req: http.IncomingMessage): string[] {
  const headers: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (name.length !== 10 || name.toLowerCase() !== 'connection') headers.push(name, req.rawHeaders[i + 1]!);
  }
  return headers;
}

/** An upstream answer's raw headers for the client, without Connection and Keep-Alive. */
function answerHeaders(raw: Buffer[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    if (name.toLowerCase() !== 'connection' && name.toLowerCase() !== 'keep-alive') out.push(name, raw[i + 1]!.toString('latin1'));
  }
  return out;
}

/** Resolves with the whole body of one request over `pool` (null if it failed). */
function fetchBody(pool: Pool, req: http.IncomingMessage, headers: string[]): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    pool.dispatch({ path: req.url ?? '/', method: 'GET', headers }, {
      onConnect: () => undefined,
      onHeaders: () => true,
      onData: (chunk) => { chunks.push(chunk); return true; },
      onComplete: () => resolve(Buffer.concat(chunks)),
      onError: () => resolve(null),
    });
  });
}

function viaUndiciShadow(): http.RequestListener {
  if (!shadowTarget) throw new Error('undici-shadow needs a shadow url');
  const pool = new Pool(target.origin, { connections: 256, pipelining: 1 });
  const shadowPool = new Pool(shadowTarget.origin, { connections: 256, pipelining: 1 });
  return (req, res) => {
    const headers = forwardHeaders(req);
    const shadow = req.method === 'GET' ? fetchBody(shadowPool, req, headers) : null;
    const chunks: Buffer[] = [];
    let answering = false;
    const primary = new Promise<Buffer | null>((resolve) => {
      pool.dispatch({ path: req.url ?? '/', method: (req.method ?? 'GET') as Dispatcher.HttpMethod, headers, body: req.method === 'GET' || req.method === 'HEAD' ? null : req }, {
        onConnect: () => undefined,
        onHeaders: (status, raw, resume) => {
          res.writeHead(status, answerHeaders(raw));
          answering = true;
          res.on('drain', resume);
          return true;
        },
        onData: (chunk) => { if (shadow) chunks.push(chunk); return res.write(chunk); },
        onComplete: () => { res.end(); resolve(Buffer.concat(chunks)); },
        onError: () => { if (answering) res.destroy(); else res.writeHead(502).end(); resolve(null); },
      });
    });
    if (shadow) {
      void Promise.all([primary, shadow]).then(([a, b]) => {
        if (a === null || b === null) compared.failed++;
        else if (a.equals(b)) compared.matches++;
        else compared.differences++;
      });
    }
  };
}

function viaUndici(): http.RequestListener {
  const pool = new Pool(target.origin, { connections: 256, pipelining: 1 });
  return (req, res) => {
    const headers = forwardHeaders(req);
    let answering = false;
    const handler: Dispatcher.DispatchHandlers = {
      onConnect: () => undefined,
      onHeaders: (status, raw, resume) => {
        res.writeHead(status, answerHeaders(raw));
        answering = true;
        res.on('drain', resume);
        return true;
      },
      onData: (chunk) => res.write(chunk),
      onComplete: () => { res.end(); },
      onError: () => { if (answering) res.destroy(); else res.writeHead(502).end(); },
    };
    pool.dispatch({ path: req.url ?? '/', method: (req.method ?? 'GET') as Dispatcher.HttpMethod, headers, body: req.method === 'GET' || req.method === 'HEAD' ? null : req }, handler);
  };
}

/** Resolves with the whole body of `res` (null if it failed). */
function buffered(res: http.IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.once('end', () => resolve(Buffer.concat(chunks)));
    res.once('error', () => resolve(null));
    res.once('aborted', () => resolve(null));
  });
}

function parsed(body: Buffer | null): unknown {
  try { return body === null ? undefined : JSON.parse(body.toString('utf8')); } catch { return undefined; }
}

const compared = { matches: 0, differences: 0, failed: 0 };

function viaNaiveShadow(): http.RequestListener {
  if (!shadowTarget) throw new Error('naive-shadow needs a shadow url');
  const proxy = httpProxy.createProxyServer({ target: target.origin, agent });
  const primaryBodies = new WeakMap<http.IncomingMessage, (b: Promise<Buffer | null>) => void>();
  // The primary's answer streams to the client (http-proxy pipes it); a 'data' listener keeps a copy.
  proxy.on('proxyRes', (proxyRes, req) => primaryBodies.get(req)?.(buffered(proxyRes)));
  proxy.on('error', (_err, req, res) => {
    primaryBodies.get(req)?.(Promise.resolve(null));
    if (res instanceof http.ServerResponse && !res.headersSent) res.writeHead(502).end();
    else res.destroy();
  });
  return (req, res) => {
    if (req.method === 'GET') {
      const primary = new Promise<Buffer | null>((resolve) => primaryBodies.set(req, (b) => void b.then(resolve)));
      const shadow = new Promise<Buffer | null>((resolve) => {
        const s = http.get({ host: shadowTarget.hostname, port: shadowTarget.port, path: req.url, headers: req.headers, agent: shadowAgent }, (up) => void buffered(up).then(resolve));
        s.once('error', () => resolve(null));
      });
      void Promise.all([primary, shadow]).then(([a, b]) => {
        if (a === null || b === null) { compared.failed++; return; }
        if (isDeepStrictEqual(parsed(a), parsed(b))) compared.matches++; else compared.differences++;
      });
    }
    proxy.web(req, res);
  };
}

function serverFor(): net.Server | null {
  if (kind === 'llhttp') return llhttpProxy(target);
  if (kind === 'llhttp-client') return llhttpClientProxy(target);
  const listener = kind === 'http-proxy' ? viaHttpProxy() : kind === 'node-http' ? viaNodeHttp() : kind === 'undici' ? viaUndici()
    : kind === 'undici-shadow' ? viaUndiciShadow() : kind === 'naive-shadow' ? viaNaiveShadow() : null;
  if (!listener) return null;
  const s = http.createServer(listener);
  s.keepAliveTimeout = 65_000;
  s.headersTimeout = 66_000;
  return s;
}
const server = serverFor();
if (!server) throw new Error(`unknown reference proxy ${kind}: use http-proxy, node-http, undici, undici-shadow, naive-shadow, llhttp or llhttp-client`);
const sockets = new Set<net.Socket>();
server.on('connection', (socket: net.Socket) => { sockets.add(socket); socket.once('close', () => sockets.delete(socket)); });

const ipc = serveBench(() => new Promise<void>((resolve) => {
  server.close(() => resolve());
  for (const socket of sockets) socket.destroy();
  agent.destroy();
  shadowAgent.destroy();
  if (kind === 'naive-shadow' || kind === 'undici-shadow') process.stdout.write(`${kind}: ${JSON.stringify(compared)}\n`);
}));
server.on('error', (err) => ipc.fail(err));
server.listen({ host: '127.0.0.1', port: 0 }, () => ipc.ready((server.address() as AddressInfo).port, { kind }));
