// Circuit breakers with real processes (issue 16): a service frozen with SIGSTOP at live costs clients
// the full timeout only until its breaker opens; then they are answered at once, by the monolith
// where the route falls back, else 503 JSON naming the upstream with Retry-After; after SIGCONT the
// half-open trial requests close it. Shadows and second writes to an open upstream are skipped and
// counted (the write kept as a divergence); breaker-open answers count for auto-rollback.
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { adminGet, metricSum, metricsText, setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { freePort } from '../helpers/net';
import { rawRequest, type RawResponse } from '../helpers/raw-http';
import { killServiceProcesses, startServiceProcess, type ServiceProcess } from '../helpers/service-process';
import { jsonHandler, startUpstream, type TestUpstream } from '../helpers/upstream';
import type { BreakerTransition } from '../../src/core/resilience/breaker';
import type { UpstreamView } from '../../src/io/upstream-view';

const TIMEOUT_MS = 1000;
const COOL_DOWN_MS = 1500;

let monolith: TestUpstream;
let facade: TestFacade | undefined;

beforeEach(async () => {
  monolith = await startUpstream('monolith');
});

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await killServiceProcesses();
  await monolith.close();
});

async function start(service: ServiceProcess | string, route: Record<string, unknown>, extra: Record<string, unknown> = {}, logger?: Logger): Promise<TestFacade> {
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: {
      catalog: {
        url: typeof service === 'string' ? service : service.url, timeoutMs: TIMEOUT_MS,
        breaker: { minRequests: 4, failureRate: 0.5, windowMs: 10_000, coolDownMs: COOL_DOWN_MS, halfOpenProbes: 2 },
      },
    },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog', ...route }],
    autoRollback: { enabled: false },
    ...extra,
  }, logger ? { logger } : {});
  return facade;
}

/** Transitions of the catalog breaker, as the facade's guard reports them. */
function watchTransitions(f: TestFacade): BreakerTransition[] {
  const seen: BreakerTransition[] = [];
  f.deps.routes.get('catalog')!.service.guard.onTransition((t) => seen.push(t));
  return seen;
}

async function timedGet(f: TestFacade, path: string, opts: { method?: string; body?: string } = {}): Promise<{ res: RawResponse; ms: number }> {
  const started = performance.now();
  const res = await rawRequest(f.url, path, { timeoutMs: 10_000, method: opts.method, body: opts.body, headers: opts.body ? { 'content-type': 'application/json' } : {} });
  return { res, ms: performance.now() - started };
}

async function upstreamView(f: TestFacade, name: string): Promise<UpstreamView> {
  const { body } = await adminGet<{ upstreams: UpstreamView[] }>(f.adminUrl!, '/upstreams');
  return body.upstreams.find((u) => u.name === name)!;
}

const coolDown = (): Promise<void> => new Promise((r) => setTimeout(r, COOL_DOWN_MS + 50));

it('a service frozen at live: once its breaker opens the fallback answers at once, and after SIGCONT trial requests close it', async () => {
  const service = await startServiceProcess('catalog');
  const f = await start(service, { fallback: true });
  const transitions = watchTransitions(f);
  await setStage(f.adminUrl!, 'catalog', 'live');
  expect((await timedGet(f, '/api/products/1')).res.json().from).toBe('catalog');

  service.freeze();
  // Four requests wait out the timeout (then fall back); their failures open the breaker (minRequests 4, 50 %).
  const slow = await Promise.all([1, 2, 3, 4].map((i) => timedGet(f, `/api/products/${i}`)));
  for (const { res, ms } of slow) {
    expect(res.json().from).toBe('monolith');
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  }
  expect(transitions.map((t) => t.to)).toEqual(['open']);
  expect((await upstreamView(f, 'catalog')).breaker.state).toBe('open');

  // Open: the monolith answers without the service being asked, far under the timeout.
  const fast = [];
  for (let i = 0; i < 5; i++) fast.push(await timedGet(f, `/api/products/${10 + i}`));
  for (const { res, ms } of fast) {
    expect(res.status).toBe(200);
    expect(res.json().from).toBe('monolith');
    expect(res.headers['x-strangler-side']).toBe('monolith');
    expect(ms).toBeLessThan(TIMEOUT_MS / 4);
  }
  const text = await metricsText(f.adminUrl!);
  expect(metricSum(text, 'strangler_fallbacks_total', { route: 'catalog', reason: 'UPSTREAM_CIRCUIT_OPEN' })).toBe(5);
  expect(metricSum(text, 'strangler_breaker_rejected_total', { upstream: 'catalog', traffic: 'primary' })).toBe(5);
  expect(metricSum(text, 'strangler_breaker_state', { upstream: 'catalog', state: 'open' })).toBe(1);

  service.thaw();
  await coolDown();
  // Half-open: two trial requests reach the service; both succeed and the breaker closes.
  for (let i = 0; i < 3; i++) expect((await timedGet(f, `/api/products/${20 + i}`)).res.json().from).toBe('catalog');
  expect(transitions.map((t) => t.to)).toEqual(['open', 'half-open', 'closed']);
  const view = await upstreamView(f, 'catalog');
  expect(view.breaker).toMatchObject({ state: 'closed', opened: 1, rejected: { primary: 5 } });
  // The transitions reached the state database (for the gate, the report and other processes).
  expect(view.breaker.transitions.map((t) => t.to)).toEqual(['closed', 'half-open', 'open']);
});

it('without a fallback an open breaker answers 503 JSON naming the upstream and its state, with Retry-After', async () => {
  const service = await startServiceProcess('catalog');
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => { lines.push(JSON.parse(line)); } });
  const f = await start(service, { fallback: false }, {}, logger);
  await setStage(f.adminUrl!, 'catalog', 'live');
  service.freeze();
  const timedOut = await Promise.all([1, 2, 3, 4].map((i) => timedGet(f, `/api/products/${i}`)));
  expect(timedOut.map((t) => t.res.status)).toEqual([504, 504, 504, 504]);

  const { res, ms } = await timedGet(f, '/api/products/9');
  expect(ms).toBeLessThan(TIMEOUT_MS / 4);
  expect(res.status).toBe(503);
  expect(res.json()).toMatchObject({ error: 'UPSTREAM_CIRCUIT_OPEN', upstream: 'catalog', breaker: 'open' });
  expect(res.json().message).toMatch(/catalog/);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(Math.ceil(COOL_DOWN_MS / 1000));
  // Writes are refused the same way (never sent to a service that is not answering).
  const post = await timedGet(f, '/api/products', { method: 'POST', body: '{"sku":"x"}' });
  expect(post.res.status).toBe(503);
  // The opening is logged once, as a warning; the refusals themselves only at debug level.
  const warnings = lines.filter((l) => l.level >= 40 && /circuit breaker/.test(l.msg));
  expect(warnings.map((l) => l.msg)).toEqual([expect.stringMatching(/^circuit breaker of catalog opened: \d of \d requests failed within 10000 ms/)]);
  expect(lines.filter((l) => l.level >= 40 && /UPSTREAM_CIRCUIT_OPEN|circuit breaker is open/.test(JSON.stringify(l)))).toEqual([]);
});

it('counts breaker-open answers as service failures for auto-rollback', async () => {
  const service = await startServiceProcess('catalog');
  // Four timeouts alone stay under autoRollback.minRequests (8): the breaker's 503s make up the rest.
  const f = await start(service, { fallback: false }, { autoRollback: { enabled: true, minRequests: 8, maxErrorRate: 0.5, windowMs: 60_000 } });
  await setStage(f.adminUrl!, 'catalog', 'live');
  service.freeze();
  await Promise.all([1, 2, 3, 4].map((i) => timedGet(f, `/api/products/${i}`)));
  expect((await adminGet<{ stage: string }>(f.adminUrl!, '/routes/catalog')).body.stage).toBe('live');
  for (let i = 0; i < 4; i++) expect((await timedGet(f, `/api/products/${10 + i}`)).res.status).toBe(503);
  await f.waitForDone(8);
  const route = await adminGet<{ stage: string }>(f.adminUrl!, '/routes/catalog');
  expect(route.body.stage).toBe('shadow');
  const history = await adminGet<{ history: Array<{ actor: string; reason: string }> }>(f.adminUrl!, '/routes/catalog/history');
  expect(history.body.history[0]).toMatchObject({ actor: 'auto-rollback' });
  expect(history.body.history[0].reason).toMatch(/8 of 8 requests/);
});

it('shadows to an open upstream are skipped and counted, second writes to it are kept as divergences with their request', async () => {
  const down = `http://127.0.0.1:${await freePort()}`; // refused: the shadows fail at once
  const f = await start(down, {}, { services: { catalog: { url: down, timeoutMs: TIMEOUT_MS, retry: { budgetMs: 0 }, breaker: { minRequests: 3, coolDownMs: 60_000 } } } });
  await setStage(f.adminUrl!, 'catalog', 'shadow');
  for (let i = 0; i < 3; i++) await timedGet(f, `/api/products/${i}`);
  await f.waitForDone(3); // each waited for its shadow, whose failure the breaker counted
  expect((await upstreamView(f, 'catalog')).breaker.state).toBe('open');
  for (let i = 0; i < 4; i++) expect((await timedGet(f, `/api/products/${10 + i}`)).res.json().from).toBe('monolith');
  await f.waitForDone(7);
  const text = await metricsText(f.adminUrl!);
  expect(metricSum(text, 'strangler_shadow_dropped_total', { route: 'catalog', reason: 'circuit_open' })).toBe(4);
  expect(metricSum(text, 'strangler_breaker_rejected_total', { upstream: 'catalog', traffic: 'shadow' })).toBe(4);

  const write = await timedGet(f, '/api/products', { method: 'POST', body: '{"sku":"open-1"}' });
  expect(write.res.json().from).toBe('monolith'); // the client's answer is the monolith's, as at shadow always
  const [, , , , , , , ctx] = await f.waitForDone(8);
  expect(ctx.divergenceId).toBeDefined();
  const listed = await adminGet<{ divergences: Array<{ reason: string; upstream: string }> }>(f.adminUrl!, '/routes/catalog/divergences?status=open');
  expect(listed.body.divergences).toEqual([expect.objectContaining({ reason: 'second_write_UPSTREAM_CIRCUIT_OPEN', upstream: 'catalog' })]);
  const detail = await adminGet<{ request: { method: string; body: string | null } }>(f.adminUrl!, `/routes/catalog/divergences/${ctx.divergenceId}`);
  expect(detail.body.request).toMatchObject({ method: 'POST' });
  expect(JSON.stringify(detail.body.request)).toContain('open-1');
  const after = await metricsText(f.adminUrl!);
  expect(metricSum(after, 'strangler_second_writes_total', { route: 'catalog', outcome: 'circuit_open' })).toBe(1);
  expect(metricSum(after, 'strangler_breaker_rejected_total', { upstream: 'catalog', traffic: 'second_write' })).toBe(1);
});

describe('what a client cannot do to a breaker', () => {
  // The monolith at `off`, its breaker at 4 requests and 50 %: before, either way below opened it for every path.
  async function startOff(): Promise<TestFacade> {
    facade = await startTestFacade({
      monolith: { url: monolith.url, breaker: { minRequests: 4, failureRate: 0.5, windowMs: 10_000, coolDownMs: 5000 } },
      services: { catalog: { url: 'http://127.0.0.1:9' } },
      routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' }],
      autoRollback: { enabled: false },
    });
    return facade;
  }

  it('timeouts under a deadline the client lowered itself are not the upstream failing', async () => {
    monolith.handler = (req, res) => setTimeout(() => jsonHandler('monolith')(req, res, ''), 800);
    const f = await startOff();
    const errors: string[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await rawRequest(f.url, `/api/products/${i}`, { headers: { 'x-request-timeout-ms': '300' }, timeoutMs: 5000 });
      expect(res.status).toBe(504);
      errors.push(String(res.json().error));
    }
    // On a loaded machine a request may find its budget spent before it is sent (never asked at all).
    expect(errors.filter((e) => e === 'UPSTREAM_TIMEOUT').length).toBeGreaterThanOrEqual(5);
    const after = await rawRequest(f.url, '/api/products/1', { timeoutMs: 5000 });
    expect(after.status).toBe(200);
    expect((await upstreamView(f, 'monolith')).breaker.state).toBe('closed');
  });

  it('uploads the monolith declines by resetting the connection (an early 403 lost to the reset) do not open its breaker', async () => {
    // A WSGI server refusing an upload closes with the body unread: its kernel resets the connection.
    const refusing = http.createServer((req, res) => {
      if (req.method === 'POST') { req.socket.resetAndDestroy(); return; }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ from: 'monolith' }));
    });
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', () => r()));
    try {
      facade = await startTestFacade({
        monolith: { url: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}`, breaker: { minRequests: 4, failureRate: 0.5, windowMs: 10_000, coolDownMs: 5000 } },
        services: {}, routes: [], autoRollback: { enabled: false },
      });
      const port = Number(new URL(facade.url).port);
      for (let i = 0; i < 6; i++) {
        // The client is still sending its body when the answer (here: none) comes.
        const head = await new Promise<string>((resolve) => {
          const s = net.connect(port, '127.0.0.1');
          let got = '';
          s.on('data', (c: Buffer) => { got += c.toString('latin1'); if (got.includes('\r\n\r\n')) { resolve(got); s.destroy(); } });
          s.on('error', () => resolve(got));
          s.on('close', () => resolve(got));
          s.write(`POST /upload HTTP/1.1\r\nHost: a\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n${'x'.repeat(65_536)}`);
        });
        expect(head).toMatch(/^HTTP\/1\.1 502 /);
      }
      expect((await upstreamView(facade, 'monolith')).breaker.state).toBe('closed');
      expect((await rawRequest(facade.url, '/api/orders/1', { timeoutMs: 5000 })).status).toBe(200);
    } finally {
      await facade?.close();
      facade = undefined;
      refusing.closeAllConnections();
      await new Promise<void>((r) => refusing.close(() => r()));
    }
  });

  it('one endpoint answering 503 on purpose, asked over and over, does not open the breaker for the others', async () => {
    monolith.handler = (req, res) => {
      if (req.url?.startsWith('/search')) { res.writeHead(503, { 'content-type': 'text/plain' }); res.end('search is down'); return; }
      jsonHandler('monolith')(req, res, '');
    };
    const f = await startOff();
    for (let i = 0; i < 12; i++) expect((await rawRequest(f.url, `/search?q=${i}`, { timeoutMs: 5000 })).status).toBe(503);
    expect((await upstreamView(f, 'monolith')).breaker.state).toBe('closed');
    const other = await rawRequest(f.url, '/api/products/1', { timeoutMs: 5000 });
    expect(other.status).toBe(200);
    expect(other.json().from).toBe('monolith');
    // the upstream itself going down (503 on every endpoint) still opens it
    monolith.handler = (_req, res) => { res.writeHead(503); res.end(); };
    for (const p of ['/a', '/b', '/c', '/d', '/e']) await rawRequest(f.url, p, { timeoutMs: 5000 });
    expect((await upstreamView(f, 'monolith')).breaker.state).toBe('open');
    expect((await rawRequest(f.url, '/api/products/2', { timeoutMs: 5000 })).json().error).toBe('UPSTREAM_CIRCUIT_OPEN');
  });
});
