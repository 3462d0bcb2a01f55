// Benchmark upstream (child process): the smallest useful HTTP server, keep-alive, answering every
// request with a prebuilt JSON document. The "monolith" and the "service" are two instances of it,
// so the only difference between scenarios is what sits in front. Which document:
//   path contains `/big/`  → ~100 KB, else ~1 KB;
//   query contains `differ` → one field names the side (the two sides' answers differ), else the two
//   sides answer byte for byte the same (a shadow comparison that matches).
// The header `x-bench-side` always names the side, so the bench can check who answered.
// Usage (spawned by index.ts): node -r ./ts-hook.js upstream-server.ts <side>
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveBench } from './child-ipc';

const side = process.argv[2] ?? 'monolith';

function item(i: number): Record<string, unknown> {
  return { sku: `SKU-${String(i).padStart(6, '0')}`, name: `Stainless steel water bottle ${i}, 750 ml`, price: { amount: 2499 + i, currency: 'EUR' }, stock: 17 + (i % 5) };
}

/** A product listing of about `bytes` bytes of JSON; `differ`: one field holds the side's name. */
function document(bytes: number, differ: boolean): Buffer {
  const doc = { id: 42, ...(differ ? { servedBy: side } : {}), updatedAt: '2026-01-15T09:30:00.000Z', items: [] as unknown[] };
  while (JSON.stringify(doc).length < bytes) doc.items.push(item(doc.items.length));
  return Buffer.from(JSON.stringify(doc));
}

const bodies = {
  small: document(1024, false), smallDiffer: document(1024, true),
  big: document(100 * 1024, false), bigDiffer: document(100 * 1024, true),
};

function bodyFor(url: string): Buffer {
  const big = url.includes('/big/');
  const differ = url.includes('differ');
  return big ? (differ ? bodies.bigDiffer : bodies.big) : (differ ? bodies.smallDiffer : bodies.small);
}

const server = http.createServer((req, res) => {
  req.resume();
  const body = bodyFor(req.url ?? '/');
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length), 'x-bench-side': side });
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
  ipc.ready((server.address() as AddressInfo).port, { side, bodyBytes: { small: bodies.small.length, big: bodies.big.length } });
});
