// Deadlines that hold (issue 11, item 1): an upstream that trickles, freezes or never answers costs
// the client at most the route's limit (504 JSON naming the upstream, or a closed stream once bytes
// were sent), for the primary, the shadow, the second write and a WebSocket handshake.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startRawServer, type RawServer } from '../helpers/net';
import { rawRequest, within } from '../helpers/raw-http';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let facade: TestFacade | undefined;
const cleanups: Array<() => Promise<void>> = [];
const timers: NodeJS.Timeout[] = [];

beforeEach(async () => {
  monolith = await startUpstream('monolith');
  cleanups.push(() => monolith.close());
});

afterEach(async () => {
  for (const t of timers.splice(0)) clearInterval(t);
  await facade?.close();
  facade = undefined;
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An HTTP server that answers 200 and then sends one byte per `everyMs`, forever. */
async function trickling(everyMs: number): Promise<{ url: string; closed: Promise<void> }> {
  let closedResolve!: () => void;
  const closed = new Promise<void>((r) => { closedResolve = r; });
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('x');
    const t = setInterval(() => res.write('x'), everyMs);
    timers.push(t);
    res.on('close', () => { clearInterval(t); closedResolve(); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, closed };
}

/** A TCP server that accepts connections and never says anything. */
async function frozen(): Promise<RawServer> {
  const server = await startRawServer((socket: Socket) => { socket.on('data', () => undefined); });
  cleanups.push(() => server.close());
  return server;
}

async function withService(url: string, service: Record<string, unknown>, stage: string, route: Record<string, unknown> = {}): Promise<TestFacade> {
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url, ...service } },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog', ...route }],
  });
  await setStage(facade.adminUrl!, 'catalog', stage);
  return facade;
}

function timed<T>(p: Promise<T>): Promise<{ value?: T; error?: Error; ms: number }> {
  const started = performance.now();
  return p.then((value) => ({ value, ms: performance.now() - started }), (error: Error) => ({ error, ms: performance.now() - started }));
}

it('an upstream trickling one byte a second is cut at the total deadline: the client sees a closed stream', async () => {
  const up = await trickling(1000);
  const f = await withService(up.url, { timeoutMs: 1500, idleTimeoutMs: 5000 }, 'complete');
  const { error, ms } = await timed(rawRequest(f.url, '/api/products/1', { timeoutMs: 10_000 }));
  expect(error?.message).toMatch(/aborted|complete|socket hang up/);
  expect(ms).toBeGreaterThanOrEqual(1400);
  expect(ms).toBeLessThan(4000); // an idle timer alone would never have fired
  await within(up.closed, 3000, 'the upstream request closed');
  const [ctx] = await f.waitForDone(1);
  expect(ctx.primary).toMatchObject({ kind: 'answered', complete: false });
});

it('a route deadline overrides the upstream: the same trickle is cut at the route\'s timeoutMs', async () => {
  const up = await trickling(1000);
  const f = await withService(up.url, { timeoutMs: 60_000, idleTimeoutMs: 60_000 }, 'complete', { timeouts: { timeoutMs: 1200 } });
  const { error, ms } = await timed(rawRequest(f.url, '/api/products/1', { timeoutMs: 10_000 }));
  expect(error?.message).toMatch(/aborted|complete|socket hang up/);
  expect(ms).toBeLessThan(4000);
});

it('a large download to a client slower than the total deadline is not cut: the client, not the upstream, is the slow side', async () => {
  const size = 24 * 1024 * 1024;
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
    res.end(Buffer.alloc(size, 7)); // at once: the upstream is fast
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }));
  const f = await withService(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { timeoutMs: 600, idleTimeoutMs: 300 }, 'complete');
  const sock = net.connect(Number(new URL(f.url).port), '127.0.0.1');
  let got = 0;
  const ended = new Promise<void>((resolve) => { sock.on('close', () => resolve()); sock.on('error', () => resolve()); });
  sock.on('data', (c: Buffer) => { got += c.length; });
  sock.write('GET /api/products/big HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n');
  await new Promise((r) => setTimeout(r, 100));
  sock.pause(); // a slow client: nothing read for three times the total deadline
  await new Promise((r) => setTimeout(r, 1800));
  sock.resume();
  await within(ended, 10_000, 'the download ended');
  expect(got).toBeGreaterThan(size); // the whole body, and its head
  const [ctx] = await f.waitForDone(1);
  expect(ctx.primary).toMatchObject({ kind: 'answered', complete: true });
});

it.each(['complete', 'off'])('an upload slower than the total deadline reaches the upstream whole at %s: the client, not the upstream, is the slow side', async (stage) => {
  // A phone sending a photo: the upstream reads as fast as the client sends, then answers at once.
  const counted = http.createServer((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => { bytes += c.length; });
    req.on('end', () => res.end(JSON.stringify({ bytes })));
  });
  await new Promise<void>((r) => counted.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => { counted.close(() => r()); counted.closeAllConnections(); }));
  const url = `http://127.0.0.1:${(counted.address() as AddressInfo).port}`;
  const deadlines = { timeoutMs: 600, headersTimeoutMs: 600 };
  facade = await startTestFacade({
    monolith: { url: stage === 'off' ? url : monolith.url, ...(stage === 'off' ? deadlines : {}) },
    services: { catalog: { url, ...deadlines } },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' }],
  });
  await setStage(facade.adminUrl!, 'catalog', stage);
  const chunk = Buffer.alloc(16 * 1024, 1);
  const chunks = 8;
  const sock = net.connect(Number(new URL(facade.url).port), '127.0.0.1');
  let answer = '';
  const ended = new Promise<void>((resolve) => { sock.on('close', () => resolve()); sock.on('error', () => resolve()); });
  sock.on('data', (c: Buffer) => { answer += c.toString('latin1'); });
  sock.write(`POST /api/products/photo HTTP/1.1\r\nHost: shop.example\r\nContent-Type: image/jpeg\r\nContent-Length: ${chunk.length * chunks}\r\nConnection: close\r\n\r\n`);
  for (let i = 0; i < chunks; i++) { // 8 x 200 ms: more than twice the total deadline
    sock.write(chunk);
    await new Promise((r) => setTimeout(r, 200));
  }
  await within(ended, 5000, 'the answer');
  expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  expect(answer).toContain(`{"bytes":${chunk.length * chunks}}`);
});

it('an upstream silent between body chunks longer than idleTimeoutMs is cut', async () => {
  const up = await trickling(2000);
  const f = await withService(up.url, { timeoutMs: 60_000, idleTimeoutMs: 500 }, 'complete');
  const { error, ms } = await timed(rawRequest(f.url, '/api/products/1', { timeoutMs: 10_000 }));
  expect(error?.message).toMatch(/aborted|complete|socket hang up/);
  expect(ms).toBeLessThan(1900); // before the second byte
});

it('an upstream that never sends headers gets the client a 504 naming it once headersTimeoutMs passed', async () => {
  const up = await frozen();
  const f = await withService(up.url, { headersTimeoutMs: 400, timeoutMs: 60_000 }, 'complete');
  const { value: res, ms } = await timed(rawRequest(f.url, '/api/products/1', { timeoutMs: 10_000 }));
  expect(res?.status).toBe(504);
  expect(res?.json()).toMatchObject({ error: 'UPSTREAM_TIMEOUT', upstream: 'catalog' });
  expect(ms).toBeGreaterThanOrEqual(380);
  expect(ms).toBeLessThan(2000);
});

it('a trickling shadow is cut at shadowTimeoutMs and recorded as an error, while the client got the monolith at once', async () => {
  const up = await trickling(1000);
  const f = await withService(up.url, {}, 'shadow', { compare: { shadowTimeoutMs: 800 } });
  const res = await rawRequest(f.url, '/api/products/1');
  expect(res.status).toBe(200);
  expect(res.json().from).toBe('monolith');
  const [ctx] = await f.waitForDone(1, 5000);
  const shadow = await ctx.shadow!;
  expect(shadow).toMatchObject({ ok: false, code: 'UPSTREAM_TIMEOUT' });
  expect(shadow.ms).toBeLessThan(3000);
  await within(up.closed, 3000, 'the shadow request closed');
});

it('a second write to a service that trickles is cut at its deadline and counted as failed', async () => {
  const up = await trickling(1000);
  const f = await withService(up.url, { timeoutMs: 1000 }, 'dualwrite');
  const res = await rawRequest(f.url, '/api/products', { method: 'POST', body: '{"sku":"A"}', headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(200);
  const [ctx] = await f.waitForDone(1, 6000);
  expect(ctx.secondWrite).toMatchObject({ ok: false, code: 'UPSTREAM_TIMEOUT' });
  expect(ctx.secondWrite!.ms).toBeLessThan(3000);
});

/** A raw WebSocket upgrade request; resolves with the status line's code and the body. */
function upgrade(f: TestFacade, path: string): Promise<{ status: number; body: string }> {
  const base = new URL(f.url);
  return new Promise((resolve, reject) => {
    const req = http.request({
      hostname: base.hostname, port: base.port, path, agent: false,
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve({ status: res.statusCode ?? 0, body: '' }); });
    req.on('error', reject);
    req.end();
  });
}

it('a WebSocket upgrade to a frozen upstream is answered 504 JSON naming it within the handshake deadline', async () => {
  const up = await frozen();
  const f = await withService(up.url, { headersTimeoutMs: 500 }, 'complete');
  const { value, ms } = await timed(within(upgrade(f, '/api/products/feed'), 5000, 'upgrade answered'));
  expect(value?.status).toBe(504);
  expect(JSON.parse(value!.body)).toMatchObject({ error: 'UPSTREAM_TIMEOUT', upstream: 'catalog' });
  expect(ms).toBeGreaterThanOrEqual(480);
  expect(ms).toBeLessThan(2000);
});
