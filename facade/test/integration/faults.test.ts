// Upstreams that fail: down, slow, resetting, answering garbage, dying mid-body, and clients that
// hang up. Each gives the client a clear answer (502/504 JSON, or a visibly broken response) and
// none of them takes the facade down: the next request is served.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { metricSum, metricsText, setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { freePort, startRawServer, type RawServer } from '../helpers/net';
import { deferred, rawRequest, within, type Deferred } from '../helpers/raw-http';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let facade: TestFacade | undefined;
let release: Deferred;
const cleanups: Array<() => Promise<void>> = [];

beforeEach(async () => {
  release = deferred();
  monolith = await startUpstream('monolith');
  cleanups.push(() => monolith.close());
});

afterEach(async () => {
  release.resolve();
  await facade?.close();
  facade = undefined;
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A facade whose `catalog` route (at complete, so the service answers) points at `catalogUrl`. */
async function withCatalogAt(catalogUrl: string, service: Record<string, unknown> = {}): Promise<TestFacade> {
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url: catalogUrl, ...service } },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' }],
  });
  await setStage(facade.adminUrl!, 'catalog', 'complete');
  return facade;
}

async function raw(onConnection: (socket: Socket) => void): Promise<RawServer> {
  const server = await startRawServer(onConnection);
  cleanups.push(() => server.close());
  return server;
}

async function httpServer(handler: http.RequestListener): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function expectServedAfterwards(f: TestFacade): Promise<void> {
  const res = await rawRequest(f.url, '/api/orders/after');
  expect(res.status).toBe(200);
  expect(res.json().from).toBe('monolith');
}

function expectJsonError(res: { status: number; headers: http.IncomingHttpHeaders; json(): Record<string, unknown> }, status: number, error: string, upstream: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json();
  expect(body).toMatchObject({ error, upstream });
  expect(typeof body.requestId).toBe('string');
  expect(body.requestId).toBe(res.headers['x-request-id']);
}

it('a service that is down gives 502 UPSTREAM_UNREACHABLE naming it', async () => {
  const f = await withCatalogAt(`http://127.0.0.1:${await freePort()}`);
  const res = await rawRequest(f.url, '/api/products/1', { headers: { 'x-request-id': 'down-1' } });
  expectJsonError(res, 502, 'UPSTREAM_UNREACHABLE', 'catalog');
  expect(res.json().requestId).toBe('down-1');
  await expectServedAfterwards(f);
  expect(metricSum(await metricsText(f.adminUrl!), 'strangler_upstream_errors_total', { side: 'service', code: 'UPSTREAM_UNREACHABLE' })).toBe(1);
});

it('a monolith that is down gives 502 naming the monolith', async () => {
  const f = await withCatalogAt(monolith.url);
  await monolith.close();
  const res = await rawRequest(f.url, '/api/orders/1');
  expectJsonError(res, 502, 'UPSTREAM_UNREACHABLE', 'monolith');
});

it('a service slower than its timeoutMs gives 504 UPSTREAM_TIMEOUT after about timeoutMs', async () => {
  const slow = await startUpstream('slow', (_req, res) => { void release.promise.then(() => res.end('late')); });
  cleanups.push(() => slow.close());
  const f = await withCatalogAt(slow.url, { timeoutMs: 200 });
  const started = performance.now();
  const res = await rawRequest(f.url, '/api/products/1');
  const ms = performance.now() - started;
  expectJsonError(res, 504, 'UPSTREAM_TIMEOUT', 'catalog');
  expect(ms).toBeGreaterThanOrEqual(190);
  expect(ms).toBeLessThan(2000);
  await expectServedAfterwards(f);
});

it('a service that destroys the socket before answering gives 502', async () => {
  const { url } = await httpServer((req) => req.socket.destroy());
  const f = await withCatalogAt(url);
  const res = await rawRequest(f.url, '/api/products/1');
  expectJsonError(res, 502, 'UPSTREAM_RESET', 'catalog');
  await expectServedAfterwards(f);
});

it('a service answering garbage bytes gives 502 UPSTREAM_BAD_RESPONSE', async () => {
  const garbage = await raw((socket) => socket.once('data', () => socket.end('SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02 not http at all\r\n\r\n')));
  const f = await withCatalogAt(garbage.url);
  const res = await rawRequest(f.url, '/api/products/1');
  expectJsonError(res, 502, 'UPSTREAM_BAD_RESPONSE', 'catalog');
  await expectServedAfterwards(f);
});

it.each([
  ['a status under 100', 'HTTP/1.1 099 Weird\r\nContent-Length: 2\r\n\r\nhi'],
  ['a 101 to a request that asked for no upgrade', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n'],
])('a service answering %s gives 502 UPSTREAM_BAD_RESPONSE, asked once (not a reset to retry)', async (_, answer) => {
  let asked = 0;
  const odd = await raw((socket) => socket.on('data', () => { asked++; socket.write(answer); }));
  const f = await withCatalogAt(odd.url);
  const res = await rawRequest(f.url, '/api/products/1');
  expectJsonError(res, 502, 'UPSTREAM_BAD_RESPONSE', 'catalog');
  expect(asked).toBe(1);
  await expectServedAfterwards(f);
});

it.each([
  ['a 304 announcing the Content-Length a 200 would have', 'HTTP/1.1 304 Not Modified\r\nETag: "v7"\r\nContent-Length: 123\r\n\r\n', 304],
  ['a 204 announcing a chunked body', 'HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n', 204],
])('%s reaches the client at once, with no body, and the next request is served', async (_, answer, status) => {
  // The socket stays open with nothing more to read: a parser waiting for the announced body would wait for ever.
  let connections = 0;
  const bodiless = await raw((socket) => { connections++; socket.on('data', () => socket.write(answer)); });
  const f = await withCatalogAt(bodiless.url);
  for (let i = 0; i < 2; i++) {
    const res = await rawRequest(f.url, `/api/products/${i}`, { timeoutMs: 2000 });
    expect(res.status).toBe(status);
    expect(res.body.length).toBe(0);
  }
  expect(connections).toBe(2); // each such socket closed: its framing is ambiguous
  expect(bodiless.url).toMatch(/^http:/);
});

it('at shadow, two 304s announcing a Content-Length are compared as a match, not timed out', async () => {
  const bodiless = await raw((socket) => socket.on('data', () => socket.write('HTTP/1.1 304 Not Modified\r\nETag: "v7"\r\nContent-Length: 512\r\n\r\n')));
  facade = await startTestFacade({
    monolith: { url: bodiless.url }, services: { catalog: { url: bodiless.url } },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog', compare: { shadowTimeoutMs: 3000 } }],
  });
  await setStage(facade.adminUrl!, 'catalog', 'shadow');
  const started = Date.now();
  expect((await rawRequest(facade.url, '/api/products/1', { headers: { 'if-none-match': '"v7"' }, timeoutMs: 2000 })).status).toBe(304);
  let matches = 0;
  while (matches === 0 && Date.now() - started < 2500) {
    matches = metricSum(await metricsText(facade.adminUrl!), 'strangler_comparisons_total', { outcome: 'match' });
    if (matches === 0) await new Promise((r) => setTimeout(r, 50));
  }
  expect(matches).toBe(1);
});

it('an upstream header Node will not send gives 502 UPSTREAM_BAD_RESPONSE with its own reason phrase, not the upstream\'s', async () => {
  const invalid = await raw((socket) => socket.once('data', () => socket.end('HTTP/1.1 200 Fine\r\nX-Bad : value\r\nContent-Length: 2\r\n\r\nok')));
  const f = await withCatalogAt(invalid.url);
  const out = await new Promise<string>((resolve) => {
    const s = net.connect(Number(new URL(f.url).port), '127.0.0.1');
    let o = '';
    s.on('data', (c: Buffer) => { o += c.toString('latin1'); });
    s.on('close', () => resolve(o));
    s.write('GET /api/products/1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
  });
  expect(out).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
  expect(out).toContain('UPSTREAM_BAD_RESPONSE');
});

it('a service answering a malformed status line after valid-looking bytes gives 502 UPSTREAM_BAD_RESPONSE', async () => {
  const garbage = await raw((socket) => socket.once('data', () => socket.end('HTTP/1.1 abc OK\r\ncontent-length: 2\r\n\r\nhi')));
  const f = await withCatalogAt(garbage.url);
  const res = await rawRequest(f.url, '/api/products/1');
  expectJsonError(res, 502, 'UPSTREAM_BAD_RESPONSE', 'catalog');
});

/** Answers the first request on each connection, then hangs up when a second one arrives on it. */
async function closingKeepAlive(): Promise<{ url: string; answered: number[] }> {
  const served = new WeakMap<Socket, number>();
  const answered: number[] = [];
  const { url } = await httpServer((req, res) => {
    const n = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, n);
    if (n > 1) { req.socket.destroy(); return; }
    req.resume();
    req.on('end', () => { answered.push(n); res.end(JSON.stringify({ from: 'catalog', url: req.url })); });
  });
  return { url, answered };
}

it('a GET on a keep-alive socket the service just closed is retried once on a fresh socket', async () => {
  const service = await closingKeepAlive();
  const f = await withCatalogAt(service.url);
  const first = await rawRequest(f.url, '/api/products/1');
  expect(first.status).toBe(200);
  const second = await rawRequest(f.url, '/api/products/2');
  expect(second.status).toBe(200);
  expect(second.json()).toEqual({ from: 'catalog', url: '/api/products/2' });
  expect(service.answered).toEqual([1, 1]);
  expect(metricSum(await metricsText(f.adminUrl!), 'strangler_upstream_retries_total', { side: 'service' })).toBe(1);
});

it('a GET caught by a service restart (its kept-alive socket closed, the next connection reset) is answered by the new process', async () => {
  // As a restarting process does: idle sockets closed, the connection queued on its closing listener
  // reset, and the new process answering a moment later.
  let connections = 0;
  const answered: number[] = [];
  const { url, server } = await httpServer((req, res) => {
    const n = (served.get(req.socket) ?? 0) + 1;
    served.set(req.socket, n);
    if (n > 1) { req.socket.destroy(); return; }
    answered.push(connections);
    res.end(JSON.stringify({ from: 'catalog', url: req.url }));
  });
  const served = new WeakMap<Socket, number>();
  server.on('connection', (socket: Socket) => { if (++connections === 2) socket.destroy(); });
  const f = await withCatalogAt(url);
  expect((await rawRequest(f.url, '/api/products/1')).status).toBe(200);
  const res = await rawRequest(f.url, '/api/products/2');
  expect(res.status).toBe(200);
  expect(res.json()).toEqual({ from: 'catalog', url: '/api/products/2' });
  expect(answered).toEqual([1, 3]);
  expect(metricSum(await metricsText(f.adminUrl!), 'strangler_upstream_retries_total', { side: 'service' })).toBe(2);
});

it('a service resetting every request it reads is asked a GET once (it ran it): 502, as nginx does', async () => {
  let requests = 0;
  const { url } = await httpServer((req) => { requests++; req.socket.destroy(); });
  const f = await withCatalogAt(url, { retry: { delayMs: 50 } });
  const res = await rawRequest(f.url, '/api/products/1');
  expectJsonError(res, 502, 'UPSTREAM_RESET', 'catalog');
  expect(requests).toBe(1);
  expect(metricSum(await metricsText(f.adminUrl!), 'strangler_upstream_retries_total')).toBe(0);
});

it.each([
  ['resets', (socket: Socket) => socket.resetAndDestroy()],
  ['closes', (socket: Socket) => socket.end()],
])('a GET the service read and worked on for a while before it %s the connection is not run again', async (_, hangUp) => {
  // A GET with side effects (a confirmation link, a logout) or one that crashes a worker: the
  // upstream has it, so sending it again would run it again.
  const received: number[] = [];
  const service = await raw((socket) => socket.on('data', () => {
    received.push(Date.now());
    setTimeout(() => hangUp(socket), 300);
  }));
  const f = await withCatalogAt(service.url);
  const res = await rawRequest(f.url, '/api/products/1');
  expectJsonError(res, 502, 'UPSTREAM_RESET', 'catalog');
  expect(received).toHaveLength(1);
});

it('a service with a tiny keep-alive timeout never costs the client an error', async () => {
  const service = await startUpstream('catalog');
  cleanups.push(() => service.close());
  service.server.keepAliveTimeout = 1;
  const f = await withCatalogAt(service.url);
  const statuses: number[] = [];
  for (let i = 0; i < 30; i++) statuses.push((await rawRequest(f.url, `/api/products/${i}`)).status);
  expect(statuses).toEqual(Array(30).fill(200));
});

it('a POST on a keep-alive socket the service just closed is not retried: 502', async () => {
  const service = await closingKeepAlive();
  const f = await withCatalogAt(service.url);
  expect((await rawRequest(f.url, '/api/products/1')).status).toBe(200);
  const res = await rawRequest(f.url, '/api/products/2', { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
  expectJsonError(res, 502, 'UPSTREAM_RESET', 'catalog');
  expect(metricSum(await metricsText(f.adminUrl!), 'strangler_upstream_retries_total')).toBe(0);
});

it('a client that hangs up while the upstream is slow leaves the facade serving, and the upstream request is dropped', async () => {
  const upstreamClosed = deferred();
  const slow = await startUpstream('slow', (req, res) => {
    res.on('close', () => upstreamClosed.resolve());
    void release.promise.then(() => { if (!res.destroyed) res.end('late'); });
  });
  cleanups.push(() => slow.close());
  const f = await withCatalogAt(slow.url);
  const base = new URL(f.url);
  const client = http.get({ hostname: base.hostname, port: base.port, path: '/api/products/1', agent: false });
  client.on('error', () => undefined);
  await slow.waitFor(1);
  client.destroy();
  const [ctx] = await f.waitForDone(1);
  expect(ctx.primary?.kind).toBe('client-gone');
  await within(upstreamClosed.promise, 3000, 'the upstream request closed after the client left');
  release.resolve();
  await expectServedAfterwards(f);
  expect(metricSum(await metricsText(f.adminUrl!), 'strangler_requests_total', { route: 'catalog', status: 'client_closed' })).toBe(1);
});

it('a client that gives up while waiting for a pooled socket never reaches the upstream', async () => {
  const slow = await startUpstream('slow', (req, res) => {
    if (req.url === '/api/products/slow') void release.promise.then(() => res.end('late'));
    else res.end(JSON.stringify({ from: 'catalog', url: req.url }));
  });
  cleanups.push(() => slow.close());
  const f = await withCatalogAt(slow.url, { maxSockets: 1 });
  const first = rawRequest(f.url, '/api/products/slow', { timeoutMs: 10_000 });
  await slow.waitFor(1);
  // The only socket is busy: this request waits in the pool, then its client leaves.
  const base = new URL(f.url);
  const queued = http.get({ hostname: base.hostname, port: base.port, path: '/api/products/queued', agent: false });
  queued.on('error', () => undefined);
  queued.on('socket', (s) => s.once('connect', () => setImmediate(() => queued.destroy())));
  const [gone] = await f.waitForDone(1);
  expect(gone.primary?.kind).toBe('client-gone');
  release.resolve();
  expect((await first).status).toBe(200);
  const after = await rawRequest(f.url, '/api/products/after');
  expect(after.json()).toEqual({ from: 'catalog', url: '/api/products/after' });
  expect(slow.received.map((r) => r.url)).toEqual(['/api/products/slow', '/api/products/after']);
});

it('a client that hangs up mid-upload leaves the facade serving', async () => {
  const started = deferred<http.IncomingMessage>();
  const { url } = await httpServer((req) => { started.resolve(req); req.resume(); });
  const f = await withCatalogAt(url);
  const base = new URL(f.url);
  const client = http.request({ hostname: base.hostname, port: base.port, method: 'PUT', path: '/api/products/1', agent: false, headers: { 'content-length': 100_000 } });
  client.on('error', () => undefined);
  client.write(Buffer.alloc(1000));
  const upstreamReq = await within(started.promise, 3000, 'upload reached the upstream');
  const upstreamAborted = new Promise<boolean>((r) => upstreamReq.on('close', () => r(!upstreamReq.complete)));
  client.destroy();
  await f.waitForDone(1);
  await expect(within(upstreamAborted, 3000, 'upstream saw the upload end')).resolves.toBe(true);
  await expectServedAfterwards(f);
});

it('a service dying mid-body (content-length) gives the client a broken response, never a short complete one', async () => {
  const { url } = await httpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 1000 });
    res.write('{"items":[1,2,3');
    setImmediate(() => res.socket?.destroy());
  });
  const f = await withCatalogAt(url);
  await expect(rawRequest(f.url, '/api/products/1')).rejects.toThrow(/aborted|socket hang up|complete/);
  await expectServedAfterwards(f);
});

it('a service dying mid-body (chunked) gives the client a broken response, never a short complete one', async () => {
  const { url } = await httpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"items":[1,2,3');
    setImmediate(() => res.socket?.destroy());
  });
  const f = await withCatalogAt(url);
  await expect(rawRequest(f.url, '/api/products/1')).rejects.toThrow(/aborted|socket hang up|complete/);
  const [ctx] = await f.waitForDone(1);
  expect(ctx.primary).toMatchObject({ kind: 'answered', complete: false });
  await expectServedAfterwards(f);
});
