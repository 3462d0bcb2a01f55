// Benchmark upstream (child process): the smallest useful HTTP server, keep-alive, answering every
// request with the same ~300-byte JSON document naming its side. The "monolith" and the "service"
// are two instances of it, so the only difference between scenarios is what sits in front.
// Usage (spawned by index.ts): node -r ts-node/register/transpile-only upstream-server.ts <side>
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveBench } from './child-ipc';

const side = process.argv[2] ?? 'monolith';

const document = {
  side,
  id: 42,
  sku: 'SKU-000042',
  name: 'Stainless steel water bottle, 750 ml',
  description: 'Double-walled, keeps drinks cold for 24 hours and hot for 12. Dishwasher safe lid.',
  price: { amount: 2499, currency: 'EUR' },
  stock: { available: 17, warehouse: 'FRA-1' },
  tags: ['outdoor', 'kitchen', 'gift'],
  updatedAt: '2026-01-15T09:30:00.000Z',
};
const body = Buffer.from(JSON.stringify(document));
const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };

const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, headers);
  res.end(body);
});
// Longer than any pause between phases: the proxies' pooled connections must stay open.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 121_000;

let connections = 0;
server.on('connection', () => { connections++; });

const ipc = serveBench(() => new Promise<void>((resolve) => {
  server.close(() => resolve());
  server.closeAllConnections();
}), { connections: () => connections });

server.on('error', (err) => ipc.fail(err));
server.listen({ host: '127.0.0.1', port: 0 }, () => {
  ipc.ready((server.address() as AddressInfo).port, { side, bodyBytes: body.length });
});
