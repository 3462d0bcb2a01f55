// Fallback: in live (and rampdown) a safe request whose service fails — refused, timed out or 5xx —
// is answered by the monolith when the route allows it, and counted. At complete only with
// `fallbackAtComplete`. Writes never fall back.
import { metricSum, metricsText, setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { freePort } from '../helpers/net';
import { deferred, rawRequest, type Deferred } from '../helpers/raw-http';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let facade: TestFacade | undefined;
let release: Deferred;
const servers: TestUpstream[] = [];

beforeEach(async () => {
  release = deferred();
  monolith = await startUpstream('monolith');
});

afterEach(async () => {
  release.resolve();
  await facade?.close();
  facade = undefined;
  await monolith.close();
  for (const s of servers.splice(0)) await s.close();
});

/** What the monolith got as a primary or fallback, leaving out the shadow copies live sends it. */
const served = (up: TestUpstream) => up.received.filter((r) => r.headers['x-strangler-shadow'] === undefined);

type Failure = 'refused' | 'timeout' | 'status500' | 'status503';

/** A catalog service URL that fails the given way. */
async function failingService(how: Failure): Promise<string> {
  if (how === 'refused') return `http://127.0.0.1:${await freePort()}`;
  const up = await startUpstream('catalog', (_req, res) => {
    if (how === 'timeout') { void release.promise.then(() => res.end()); return; }
    res.writeHead(how === 'status500' ? 500 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ from: 'catalog', error: 'boom' }));
  });
  servers.push(up);
  return up.url;
}

async function start(catalogUrl: string, fallback: boolean, stage = 'live', fallbackAtComplete?: boolean): Promise<TestFacade> {
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url: catalogUrl, timeoutMs: 200 } },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog', fallback, ...(fallbackAtComplete === undefined ? {} : { fallbackAtComplete }) }],
  });
  await setStage(facade.adminUrl!, 'catalog', stage);
  return facade;
}

const fallbacks = async (f: TestFacade, labels: Record<string, string> = {}): Promise<number> =>
  metricSum(await metricsText(f.adminUrl!), 'strangler_fallbacks_total', { route: 'catalog', ...labels });

it.each([
  ['refused', 'UPSTREAM_UNREACHABLE'],
  ['timeout', 'UPSTREAM_TIMEOUT'],
  ['status500', 'status_500'],
  ['status503', 'status_503'],
] as const)('in live with fallback a GET whose service fails (%s) is answered by the monolith', async (how, reason) => {
  const f = await start(await failingService(how), true);
  const res = await rawRequest(f.url, '/api/products/1?x=1', { headers: { 'x-request-id': 'fb-1' } });
  expect(res.status).toBe(200);
  expect(res.json()).toMatchObject({ from: 'monolith', url: '/api/products/1?x=1' });
  expect(res.headers['x-strangler-side']).toBe('monolith');
  expect(served(monolith)).toHaveLength(1);
  expect(served(monolith)[0].headers['x-request-id']).toBe('fb-1');
  const [ctx] = await f.waitForDone(1);
  expect(ctx.answeredBy).toBe('monolith');
  expect(await fallbacks(f, { reason })).toBe(1);
  const text = await metricsText(f.adminUrl!);
  expect(metricSum(text, 'strangler_requests_total', { route: 'catalog', side: 'monolith', status: '200' })).toBe(1);
});

it('in rampdown with fallback a GET whose service is down is answered by the monolith', async () => {
  const f = await start(await failingService('refused'), true, 'rampdown');
  const res = await rawRequest(f.url, '/api/products/1');
  expect(res.json().from).toBe('monolith');
  expect(await fallbacks(f)).toBe(1);
});

it('at complete the service alone answers: its failure reaches the client, even with fallback', async () => {
  const f = await start(await failingService('status500'), true, 'complete');
  const res = await rawRequest(f.url, '/api/products/1');
  expect(res.status).toBe(500);
  expect(res.json().from).toBe('catalog');
  expect(served(monolith)).toHaveLength(0);
  expect(await fallbacks(f)).toBe(0);
});

it('at complete a route with fallbackAtComplete falls back to the monolith', async () => {
  const f = await start(await failingService('refused'), true, 'complete', true);
  const res = await rawRequest(f.url, '/api/products/1');
  expect(res.json().from).toBe('monolith');
  expect(await fallbacks(f)).toBe(1);
});

it('a HEAD whose service fails falls back too', async () => {
  const f = await start(await failingService('status500'), true);
  const res = await rawRequest(f.url, '/api/products/1', { method: 'HEAD' });
  expect(res.status).toBe(200);
  expect(res.headers['x-strangler-side']).toBe('monolith');
  expect(await fallbacks(f)).toBe(1);
});

it('a healthy service answers itself: no fallback', async () => {
  const service = await startUpstream('catalog');
  servers.push(service);
  const f = await start(service.url, true);
  const res = await rawRequest(f.url, '/api/products/1');
  expect(res.json().from).toBe('catalog');
  expect(served(monolith)).toHaveLength(0);
  expect(await fallbacks(f)).toBe(0);
});

it('a 4xx from the service is its answer, not a failure: no fallback', async () => {
  const service = await startUpstream('catalog', (_req, res) => { res.writeHead(404, { 'content-type': 'application/json' }); res.end('{"from":"catalog","error":"not_found"}'); });
  servers.push(service);
  const f = await start(service.url, true);
  const res = await rawRequest(f.url, '/api/products/404');
  expect(res.status).toBe(404);
  expect(res.json().from).toBe('catalog');
  expect(await fallbacks(f)).toBe(0);
});

it.each([
  ['refused', 502, 'UPSTREAM_UNREACHABLE'],
  ['timeout', 504, 'UPSTREAM_TIMEOUT'],
] as const)('a POST whose service fails (%s) is not fallen back: the client gets %i', async (how, status, error) => {
  const f = await start(await failingService(how), true);
  const res = await rawRequest(f.url, '/api/products/1/reserve', { method: 'POST', body: '{"quantity":1}', headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(status);
  expect(res.json()).toMatchObject({ error, upstream: 'catalog' });
  await f.waitForDone(1);
  expect(served(monolith)).toHaveLength(0); // neither a fallback nor a second write
  expect(await fallbacks(f)).toBe(0);
});

it('a POST whose service answers 500 gets that 500, and the monolith never sees the write', async () => {
  const f = await start(await failingService('status500'), true);
  const res = await rawRequest(f.url, '/api/products/1/reserve', { method: 'POST', body: '{"quantity":1}' });
  expect(res.status).toBe(500);
  expect(res.json()).toEqual({ from: 'catalog', error: 'boom' });
  await f.waitForDone(1);
  expect(served(monolith)).toHaveLength(0);
  expect(await fallbacks(f)).toBe(0);
});

it.each([
  ['refused', 502, 'UPSTREAM_UNREACHABLE'],
  ['timeout', 504, 'UPSTREAM_TIMEOUT'],
] as const)('without fallback a GET whose service fails (%s) gets %i', async (how, status, error) => {
  const f = await start(await failingService(how), false);
  const res = await rawRequest(f.url, '/api/products/1');
  expect(res.status).toBe(status);
  expect(res.json()).toMatchObject({ error, upstream: 'catalog' });
  expect(served(monolith)).toHaveLength(0);
  expect(await fallbacks(f)).toBe(0);
});

it('without fallback a 500 from the service reaches the client as is', async () => {
  const f = await start(await failingService('status500'), false);
  const res = await rawRequest(f.url, '/api/products/1');
  expect(res.status).toBe(500);
  expect(res.json()).toEqual({ from: 'catalog', error: 'boom' });
});

it('when the monolith fails too, the client gets the monolith failure as 502', async () => {
  const f = await start(await failingService('refused'), true);
  await monolith.close();
  const res = await rawRequest(f.url, '/api/products/1');
  expect(res.status).toBe(502);
  expect(res.json()).toMatchObject({ error: 'UPSTREAM_UNREACHABLE', upstream: 'monolith' });
  expect(await fallbacks(f)).toBe(1);
});

