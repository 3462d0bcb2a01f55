// Hot reload with the sqlite flag provider: another process (the CLI, another facade) changes a
// stage in the shared state database and the running facade routes by it within a second, while
// a request already in flight keeps the route-table snapshot it started with.
import path from 'node:path';
import { ADMIN_AUTH, metricSum, metricsText, setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { killAll, runTs } from '../helpers/processes';
import { deferred, rawRequest, within, type Deferred, type RawResponse } from '../helpers/raw-http';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

const SET_STAGE = path.join('facade', 'test', 'helpers', 'set-stage-process.ts');

let monolith: TestUpstream;
let catalog: TestUpstream;
let facade: TestFacade;
let release: Deferred;

beforeEach(async () => {
  release = deferred();
  monolith = await startUpstream('monolith');
  catalog = await startUpstream('catalog');
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url: catalog.url } },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' }],
  });
});

afterEach(async () => {
  release.resolve();
  killAll();
  await facade.close();
  await Promise.all([monolith.close(), catalog.close()]);
});

/** Changes the stage from a separate OS process; resolves with the commit time (epoch ms). */
async function setStageFromAnotherProcess(stage: string): Promise<number> {
  const run = await runTs(SET_STAGE, [facade.config.state.db, 'catalog', stage]);
  const m = /committed (\d+)/.exec(run.stdout);
  if (run.code !== 0 || !m) throw new Error(`set-stage-process failed (${run.code}): ${run.stderr}`);
  return Number(m[1]);
}

/** Requests until one is answered by `side`; resolves with the time it was (bounded, no sleeps). */
async function firstAnsweredBy(side: string, target: string, deadlineMs = 3000): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  let last: RawResponse | null = null;
  while (Date.now() < deadline) {
    last = await rawRequest(facade.url, target);
    if (last.headers['x-strangler-side'] === side) return Date.now();
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`no answer from ${side} within ${deadlineMs} ms (last: ${last?.headers['x-strangler-side']})`);
}

it('a stage changed by another process is routed by within a second', async () => {
  expect((await rawRequest(facade.url, '/api/products/1')).headers['x-strangler-side']).toBe('monolith');
  const committed = await setStageFromAnotherProcess('complete');
  const routed = await firstAnsweredBy('service', '/api/products/1');
  expect(routed - committed).toBeLessThan(1500);
  const text = await metricsText(facade.adminUrl!);
  expect(metricSum(text, 'strangler_flag_reloads_total')).toBeGreaterThanOrEqual(1);
});

it('a rollback made by another process is routed by within a second too', async () => {
  await setStageFromAnotherProcess('complete');
  await firstAnsweredBy('service', '/api/products/1');
  const committed = await setStageFromAnotherProcess('off');
  const routed = await firstAnsweredBy('monolith', '/api/products/1');
  expect(routed - committed).toBeLessThan(1500);
});

it('the change made by another process is in the audit log the admin API shows', async () => {
  await setStageFromAnotherProcess('shadow');
  const res = await fetch(`${facade.adminUrl}/routes/catalog/history`, { headers: ADMIN_AUTH });
  const { history } = (await res.json()) as { history: Array<Record<string, unknown>> };
  expect(history[0]).toMatchObject({ route: 'catalog', from: 'off', to: 'shadow', reason: 'hot reload test', forced: true });
  expect(String(history[0].actor)).toMatch(/^test-process-\d+$/);
});

it('a request in flight keeps its snapshot: started at off, it is answered by the monolith after the change', async () => {
  monolith.handler = (req, res) => {
    const answer = () => res.end(JSON.stringify({ from: 'monolith', url: req.url }));
    if (req.url === '/api/products/slow') void release.promise.then(answer);
    else answer();
  };
  const slow = rawRequest(facade.url, '/api/products/slow', { timeoutMs: 10_000 });
  await monolith.waitFor(1);
  await setStageFromAnotherProcess('complete');
  await firstAnsweredBy('service', '/api/products/fast');
  release.resolve();
  const res = await within(slow, 5000, 'the slow request');
  expect(res.status).toBe(200);
  expect(res.headers['x-strangler-side']).toBe('monolith');
  expect(res.json()).toEqual({ from: 'monolith', url: '/api/products/slow' });
  expect(catalog.received.map((r) => r.url)).not.toContain('/api/products/slow');
});

it('a POST in flight keeps its snapshot for its second write as well', async () => {
  monolith.handler = (req, res, body) => { void release.promise.then(() => res.end(JSON.stringify({ from: 'monolith', body }))); };
  await setStage(facade.adminUrl!, 'catalog', 'dualwrite');
  const write = rawRequest(facade.url, '/api/products/1/reserve', { method: 'POST', body: '{"quantity":1}', timeoutMs: 10_000 });
  await monolith.waitFor(1);
  const reloaded = new Promise<void>((resolve) => { const off = facade.deps.flags.onChange(() => { off(); resolve(); }); });
  await setStageFromAnotherProcess('off');
  await within(reloaded, 3000, 'the facade picked up the change');
  // The change is live (a new POST would get no second write); the one started under dualwrite still does.
  release.resolve();
  const res = await within(write, 5000, 'the write');
  expect(res.json()).toMatchObject({ from: 'monolith' });
  await facade.waitForDone(1);
  const writes = catalog.received.filter((r) => r.method === 'POST');
  expect(writes).toHaveLength(1);
  expect(writes[0].headers['x-strangler-second-write']).toBe('1');
});
