// Bench upstream for the hardening scenarios (child process): keep-alive HTTP server answering every
// request with a JSON document of about <kb> KB naming its side (one field differs between sides, so
// shadow comparisons find a difference). IPC `restart` { downMs } closes it gracefully and listens
// again on the same port after downMs: a service restart as a deploy would do it.
// Usage (spawned by hardening.ts): node -r ts-hook.js flood-upstream.ts <side> <kb> [port]
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveBench } from './child-ipc';

const side = process.argv[2] ?? 'monolith';
const kb = Number(process.argv[3] ?? '100');
const fixedPort = Number(process.argv[4] ?? '0');

// About 48 bytes per item: as many items as make <kb> KB.
const items = Array.from({ length: Math.max(4, Math.round((kb * 1024) / 48)) }, (_, i) => ({ sku: `SKU-${String(i).padStart(6, '0')}`, price: '19.99', stock: i % 17 }));
items[3] = { ...items[3], price: side === 'monolith' ? '19.99' : '20.00' };
const body = Buffer.from(JSON.stringify({ side, items }));
const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };

let server: http.Server | null = null;
let port = fixedPort;
let connections = 0;

function listen(): Promise<void> {
  const s = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, headers);
    res.end(body);
  });
  s.keepAliveTimeout = 120_000;
  s.headersTimeout = 121_000;
  s.on('connection', () => { connections++; });
  server = s;
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.listen({ host: '127.0.0.1', port }, () => { port = (s.address() as AddressInfo).port; resolve(); });
  });
}

function close(): Promise<void> {
  const s = server;
  server = null;
  if (!s) return Promise.resolve();
  return new Promise((resolve) => { s.close(() => resolve()); s.closeIdleConnections(); });
}

const ipc = serveBench(async () => { server?.closeAllConnections(); await close(); }, { connections: () => connections });

process.on('message', (msg: { type?: string; downMs?: number }) => {
  if (msg.type !== 'restart') return;
  void close()
    .then(() => new Promise((r) => setTimeout(r, msg.downMs ?? 1000)))
    .then(() => listen())
    .then(() => process.send?.({ type: 'restarted' }), (err: unknown) => ipc.fail(err));
});

listen().then(() => ipc.ready(port, { side, bodyBytes: body.length }), (err: unknown) => ipc.fail(err));
