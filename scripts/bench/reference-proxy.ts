// Reference proxies (child process) for `npm run bench -- --references`: what the facade is built
// on, without the facade, in front of the same monolith with the same kind of keep-alive pool:
//   http-proxy  http-proxy's web() with a keep-alive agent (the "plain http-proxy")
//   node-http   http.request + pipe, the least a Node proxy can do
// Usage (spawned by index.ts): node -r ./ts-hook.js reference-proxy.ts <kind> <upstream url>
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import httpProxy from 'http-proxy';
import { serveBench } from './child-ipc';

const kind = process.argv[2];
const target = new URL(process.argv[3] ?? 'http://127.0.0.1:1');
const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256, scheduling: 'lifo' });

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

const listener = kind === 'http-proxy' ? viaHttpProxy() : kind === 'node-http' ? viaNodeHttp() : null;
if (!listener) throw new Error(`unknown reference proxy ${kind}: use http-proxy or node-http`);
const server = http.createServer(listener);
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

const ipc = serveBench(() => new Promise<void>((resolve) => {
  server.close(() => resolve());
  server.closeAllConnections();
  agent.destroy();
}));
server.on('error', (err) => ipc.fail(err));
server.listen({ host: '127.0.0.1', port: 0 }, () => ipc.ready((server.address() as AddressInfo).port, { kind }));
