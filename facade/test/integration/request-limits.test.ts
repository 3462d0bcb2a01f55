// Client-side limits (issue 11, items 1 and 5): a stalled upload is answered 408 and released, a
// body over the route's cap is answered 413 before any upstream gets it, and an idempotent request
// that cannot connect is retried within the budget, so a service restarting in under 2 s loses no GET.
import http from 'node:http';
import { metricSum, metricsText, setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { freePort } from '../helpers/net';
import { deferred, rawRequest, within } from '../helpers/raw-http';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let catalog: TestUpstream;
let facade: TestFacade | undefined;
const cleanups: Array<() => Promise<void>> = [];

beforeEach(async () => {
  monolith = await startUpstream('monolith');
  catalog = await startUpstream('catalog');
});

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  for (const c of cleanups.splice(0).reverse()) await c();
  await Promise.all([monolith.close(), catalog.close()]);
});

async function start(stage: string, extra: { listen?: Record<string, unknown>; route?: Record<string, unknown>; catalogUrl?: string } = {}): Promise<TestFacade> {
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url: extra.catalogUrl ?? catalog.url } },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog', ...extra.route }],
    listen: { bodyIdleTimeoutMs: 300, ...extra.listen },
  });
  await setStage(facade.adminUrl!, 'catalog', stage);
  return facade;
}

interface Answer { status: number; body: Record<string, unknown>; connection: string | undefined }

/** Sends headers announcing `declared` bytes and only `sent` of them, then waits for the answer. */
function stalledUpload(f: TestFacade, method: string, declared: number, sent: number): Promise<Answer> {
  const base = new URL(f.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname: base.hostname, port: base.port, method, path: '/api/products/1', agent: false, headers: { 'content-length': declared, 'content-type': 'application/octet-stream' } });
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown>, connection: res.headers.connection }));
    });
    req.write(Buffer.alloc(sent, 0x61));
  });
}

it('an upload that stalls while it streams to the primary is answered 408 and the upstream request is dropped', async () => {
  const reached = deferred<http.IncomingMessage>();
  catalog.server.removeAllListeners('request');
  catalog.server.on('request', (req: http.IncomingMessage) => { reached.resolve(req); req.resume(); });
  const f = await start('complete');
  const answer = within(stalledUpload(f, 'PUT', 100_000, 1000), 5000, 'the stalled upload answered');
  const upstreamReq = await within(reached.promise, 3000, 'the upload reached the service');
  const upstreamAborted = new Promise<boolean>((r) => upstreamReq.once('close', () => r(!upstreamReq.complete)));
  const res = await answer;
  expect(res.status).toBe(408);
  expect(res.body).toMatchObject({ error: 'REQUEST_BODY_TIMEOUT' });
  expect(res.connection).toBe('close');
  await expect(within(upstreamAborted, 3000, 'the service saw the upload end')).resolves.toBe(true);
  expect(metricSum(await metricsText(f.adminUrl!), 'strangler_bad_requests_total', { code: 'REQUEST_BODY_TIMEOUT' })).toBe(1);
});

it('an upload that stalls while the facade buffers it (dualwrite) is answered 408 and reaches neither side', async () => {
  const f = await start('dualwrite');
  const res = await within(stalledUpload(f, 'POST', 100_000, 1000), 5000, 'the stalled upload answered');
  expect(res.status).toBe(408);
  expect(res.body).toMatchObject({ error: 'REQUEST_BODY_TIMEOUT' });
  const after = await rawRequest(f.url, '/api/orders/1');
  expect(after.status).toBe(200);
  expect(monolith.received.map((r) => r.url)).toEqual(['/api/orders/1']);
  expect(catalog.received).toHaveLength(0);
});

it('a body declared over the route cap is answered 413 naming the field, and no upstream gets the request', async () => {
  const f = await start('complete', { route: { maxRequestBodyBytes: 1000 } });
  const res = await rawRequest(f.url, '/api/products/1', { method: 'PUT', body: Buffer.alloc(5000, 0x61) });
  expect(res.status).toBe(413);
  expect(res.json()).toMatchObject({ error: 'BODY_TOO_LARGE' });
  expect(String(res.json().message)).toContain('routes.catalog.maxRequestBodyBytes');
  const small = await rawRequest(f.url, '/api/products/1', { method: 'PUT', body: Buffer.alloc(900, 0x61) });
  expect(small.status).toBe(200);
  expect(catalog.received.map((r) => r.body.length)).toEqual([900]);
});

it('a chunked body that grows over the cap is answered 413 and the upstream request is abandoned', async () => {
  const f = await start('complete', { route: { maxRequestBodyBytes: 10_000 } });
  const base = new URL(f.url);
  const res = await within(new Promise<number>((resolve, reject) => {
    const req = http.request({ hostname: base.hostname, port: base.port, method: 'POST', path: '/api/products', agent: false, headers: { 'transfer-encoding': 'chunked' } });
    req.on('error', reject);
    req.on('response', (r) => { r.resume(); resolve(r.statusCode ?? 0); });
    for (let i = 0; i < 20; i++) req.write(Buffer.alloc(1000, 0x62));
  }), 5000, 'the oversized upload answered');
  expect(res).toBe(413);
  expect(catalog.received).toHaveLength(0); // the service never saw a complete request
});

it('the listen-wide cap applies to unrouted requests', async () => {
  const f = await start('off', { listen: { maxRequestBodyBytes: 2000 } });
  const res = await rawRequest(f.url, '/api/orders', { method: 'POST', body: Buffer.alloc(3000, 0x61) });
  expect(res.status).toBe(413);
  expect(String(res.json().message)).toContain('listen.maxRequestBodyBytes');
  expect(monolith.received).toHaveLength(0);
});

/** A service on a fixed port that can be stopped (gracefully) and started again. */
async function restartable(port: number): Promise<{ stop(): Promise<void>; start(): Promise<void>; served: () => number }> {
  let served = 0;
  let server: http.Server | null = null;
  const start = async (): Promise<void> => {
    server = http.createServer((req, res) => {
      served++;
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ from: 'catalog', url: req.url }));
    });
    await new Promise<void>((r) => server!.listen(port, '127.0.0.1', () => r()));
  };
  const stop = async (): Promise<void> => {
    const s = server;
    server = null;
    if (s) await new Promise<void>((r) => { s.close(() => r()); s.closeIdleConnections(); });
  };
  cleanups.push(async () => { if (server) { server.closeAllConnections(); await stop(); } });
  await start();
  return { stop, start, served: () => served };
}

it('a service at complete restarted within 2 s under steady GETs loses none of them; a POST is not retried', async () => {
  const port = await freePort();
  const service = await restartable(port);
  const f = await start('complete', { catalogUrl: `http://127.0.0.1:${port}` });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  cleanups.push(async () => agent.destroy());
  const statuses: number[] = [];
  // 40 requests per second for 3 s (bounded: 120 requests), the service down from 0.8 s to 2.0 s.
  const load = Promise.all(Array.from({ length: 120 }, (_, i) => new Promise<void>((resolve) => {
    setTimeout(() => {
      rawRequest(f.url, `/api/products/${i}`, { agent, timeoutMs: 10_000 })
        .then((r) => statuses.push(r.status), () => statuses.push(0))
        .finally(resolve);
    }, i * 25);
  })));
  await new Promise((r) => setTimeout(r, 800));
  await service.stop();
  const post = rawRequest(f.url, '/api/products', { method: 'POST', body: '{"sku":"X"}', headers: { 'content-type': 'application/json' } });
  await new Promise((r) => setTimeout(r, 1200));
  await service.start();
  await load;
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
  expect(statuses).toHaveLength(120);
  expect((await post).status).toBe(502);
  expect(service.served()).toBe(120); // every GET answered by the service, the POST never sent again
  expect(metricSum(await metricsText(f.adminUrl!), 'strangler_upstream_retries_total', { side: 'service' })).toBeGreaterThan(0);
});

it('retries stop at the budget: a service that stays down gives 502 after about budgetMs', async () => {
  const port = await freePort();
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url: `http://127.0.0.1:${port}`, retry: { delayMs: 100, budgetMs: 500 } } },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' }],
  });
  await setStage(facade.adminUrl!, 'catalog', 'complete');
  const started = performance.now();
  const res = await rawRequest(facade.url, '/api/products/1');
  const ms = performance.now() - started;
  expect(res.status).toBe(502);
  expect(res.json()).toMatchObject({ error: 'UPSTREAM_UNREACHABLE', upstream: 'catalog' });
  expect(ms).toBeGreaterThanOrEqual(400);
  expect(ms).toBeLessThan(4000); // far below an unbounded retry; a loaded CI machine connects slowly
});
