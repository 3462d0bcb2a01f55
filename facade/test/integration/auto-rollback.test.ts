// Auto-rollback through a real facade: in live and rampdown, a burst of service failures (5xx, refused,
// or hidden by a fallback) moves the route back one stage, with the figures in the audit log, the
// metric counted and the next requests answered by the monolith. One burst rolls back at most once.
import type { FacadeConfigInput } from '../../src/config';
import type { Stage } from '../../src/core/stages';
import type { AuditEntry } from '../../src/io/state-store';
import { StateStore } from '../../src/io/state-store';
import { metricSum, metricsText } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { freePort } from '../helpers/net';
import { rawRequest, type RawResponse } from '../helpers/raw-http';
import { jsonHandler, startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let catalog: TestUpstream;
let facade: TestFacade | undefined;
let serviceFails = false;

beforeEach(async () => {
  serviceFails = false;
  monolith = await startUpstream('monolith');
  catalog = await startUpstream('catalog', (req, res, body) => {
    if (!serviceFails) return jsonHandler('catalog')(req, res, body);
    res.writeHead(500, { 'content-type': 'application/json' });
    res.end('{"from":"catalog","error":"boom"}');
  });
});

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith.close(), catalog.close()]);
});

interface Setup { stage?: Stage; fallback?: boolean; catalogUrl?: string; extra?: Partial<FacadeConfigInput> }

async function start({ stage = 'live', fallback = false, catalogUrl = catalog.url, extra = {} }: Setup = {}): Promise<TestFacade> {
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url: catalogUrl, timeoutMs: 500 } },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog', fallback, compare: { reask: { enabled: false } } }],
    ...extra,
  });
  facade.store.change({ route: 'catalog', stage, force: true, actor: 'test', defaultStage: 'off' });
  (facade.deps.flags as unknown as { reload(): void }).reload();
  return facade;
}

/** Sends `n` GETs one after the other, each waited for to the end of the pipeline (so the watcher saw it). */
async function send(n: number): Promise<RawResponse[]> {
  const f = facade!;
  const answers: RawResponse[] = [];
  for (let i = 0; i < n; i++) {
    const finished = f.done.length;
    answers.push(await rawRequest(f.url, `/api/products/${i}`));
    await f.waitForDone(finished + 1);
  }
  return answers;
}

const rollbacks = (f: TestFacade): AuditEntry[] => f.store.history('catalog').filter((e) => e.actor === 'auto-rollback');
const stageOf = (f: TestFacade): Stage | undefined => f.store.state('catalog')?.stage;
const metric = async (f: TestFacade): Promise<number> => metricSum(await metricsText(f.adminUrl!), 'strangler_auto_rollbacks_total', { route: 'catalog' });

it('in live, a burst of 500s from the service moves the route back to shadow, recorded with its figures', async () => {
  const f = await start();
  expect((await send(10)).map((r) => r.headers['x-strangler-side'])).toEqual(Array(10).fill('service'));
  serviceFails = true;
  const answers = await send(30);
  expect(stageOf(f)).toBe('shadow');
  const [entry, ...more] = rollbacks(f);
  expect(more).toHaveLength(0);
  expect(entry).toMatchObject({ from: 'live', to: 'shadow', reason: 'service error rate 50.0 % over the last 60 s (10 of 20 requests)' });
  expect(entry.details).toMatchObject({ windowMs: 60_000, requests: 20, failures: 10, errorRate: 0.5, maxErrorRate: 0.2, minRequests: 20 });
  expect(await metric(f)).toBe(1);
  // The 20th request tipped it: every later one is answered by the monolith.
  expect(answers.slice(0, 10).map((r) => r.status)).toEqual(Array(10).fill(500));
  expect(answers.slice(10).map((r) => [r.status, r.json().from])).toEqual(Array(20).fill([200, 'monolith']));
});

it('failures a fallback hid from the client still count: the route is rolled back', async () => {
  const f = await start({ fallback: true });
  serviceFails = true;
  const answers = await send(25);
  expect(answers.every((r) => r.status === 200 && r.json().from === 'monolith')).toBe(true);
  expect(stageOf(f)).toBe('shadow');
  expect(rollbacks(f)[0].reason).toBe('service error rate 100.0 % over the last 60 s (20 of 20 requests)');
  expect(await metric(f)).toBe(1);
});

it('a service that refuses connections is rolled back too', async () => {
  const f = await start({ catalogUrl: `http://127.0.0.1:${await freePort()}` });
  const answers = await send(22);
  expect(answers.slice(0, 20).every((r) => r.status === 502)).toBe(true);
  expect(answers.slice(20).map((r) => r.json().from)).toEqual(['monolith', 'monolith']);
  expect(rollbacks(f)).toHaveLength(1);
});

it('timeouts under a deadline the client lowered itself are not the service failing: no rollback, and no fallback', async () => {
  catalog.handler = (req, res, body) => setTimeout(() => jsonHandler('catalog')(req, res, body), 800);
  const f = await start({ fallback: true, extra: { autoRollback: { minRequests: 5 } } });
  const errors: string[] = [];
  for (let i = 0; i < 8; i++) {
    const finished = f.done.length;
    const res = await rawRequest(f.url, `/api/products/${i}`, { headers: { 'x-request-timeout-ms': '300' } });
    await f.waitForDone(finished + 1);
    expect(res.status).toBe(504); // not the monolith's answer: it would be out of time too
    errors.push(String(res.json().error));
  }
  // On a loaded machine a request may find its budget spent before it is sent (never asked at all).
  expect(errors.filter((e) => e === 'UPSTREAM_TIMEOUT').length).toBeGreaterThanOrEqual(5);
  expect(errors.every((e) => e === 'UPSTREAM_TIMEOUT' || e === 'DEADLINE_EXCEEDED')).toBe(true);
  expect(stageOf(f)).toBe('live');
  expect(rollbacks(f)).toHaveLength(0);
});

it('in rampdown the route goes back one stage only, to live, and the same burst never rolls it back twice', async () => {
  const f = await start({ stage: 'rampdown' });
  serviceFails = true;
  await send(45); // 20 tip it to live; 25 more fail at live within the same window
  expect(stageOf(f)).toBe('live');
  expect(rollbacks(f).map((e) => `${e.from} → ${e.to}`)).toEqual(['rampdown → live']);
  expect(await metric(f)).toBe(1);
});

it.each([
  ['19 failures: fewer requests than the minimum', 0, 19],
  ['4 failures in 20: exactly 20 %, not above it', 16, 4],
])('no rollback with %s', async (_why, ok, failing) => {
  const f = await start();
  await send(ok);
  serviceFails = true;
  await send(failing);
  expect(stageOf(f)).toBe('live');
  expect(rollbacks(f)).toHaveLength(0);
  expect(await metric(f)).toBe(0);
});

it('does nothing when autoRollback.enabled is false', async () => {
  const f = await start({ extra: { autoRollback: { enabled: false } } });
  serviceFails = true;
  await send(30);
  expect(stageOf(f)).toBe('live');
  expect(rollbacks(f)).toHaveLength(0);
});

/** Moves the route through a second connection to the state database, as the CLI or another worker would. */
function changeElsewhere(f: TestFacade, stage: Stage): void {
  const other = new StateStore(f.config.state.db);
  try {
    other.change({ route: 'catalog', stage, actor: 'operator', reason: 'by hand', defaultStage: 'off' });
  } finally {
    other.close();
  }
}

// In these two the flags are polled rarely, so the facade keeps routing by its stale snapshot.
const slowPoll: Partial<FacadeConfigInput> = { flags: { provider: 'sqlite', pollMs: 60_000 } };

it('respects a stage change made elsewhere: a route already moved back is not rolled back again', async () => {
  const f = await start({ extra: slowPoll });
  changeElsewhere(f, 'shadow');
  serviceFails = true;
  const answers = await send(25);
  expect(answers.every((r) => r.status === 500)).toBe(true); // still routed by the stale snapshot
  expect(stageOf(f)).toBe('shadow');
  expect(rollbacks(f)).toHaveLength(0);
  expect(f.store.history('catalog')[0]).toMatchObject({ actor: 'operator', to: 'shadow' });
  expect(await metric(f)).toBe(0);
});

it('a route moved elsewhere while the window was filling is not rolled back on that old evidence', async () => {
  const f = await start({ stage: 'rampdown', extra: slowPoll });
  serviceFails = true;
  await send(15);
  changeElsewhere(f, 'live'); // someone rolled rampdown back to live by hand mid-burst
  await send(10); // the stale snapshot still says rampdown: the window reaches 25 failures
  expect(stageOf(f)).toBe('live');
  expect(rollbacks(f)).toHaveLength(0);
  // The evidence was used up; a fresh window at the new stage can still roll it back.
  (f.deps.flags as unknown as { reload(): void }).reload();
  await send(20);
  expect(rollbacks(f).map((e) => `${e.from} → ${e.to}`)).toEqual(['live → shadow']);
});

it('a person promoting the route again lifts the mute: a new burst at the new stage rolls it back again', async () => {
  const f = await start();
  serviceFails = true;
  await send(20);
  expect(rollbacks(f).map((e) => `${e.from} → ${e.to}`)).toEqual(['live → shadow']);
  // Promoted again within the same window (the fix was "deployed"), and the service fails again.
  f.store.change({ route: 'catalog', stage: 'live', actor: 'operator', reason: 'fixed', defaultStage: 'off' });
  (f.deps.flags as unknown as { reload(): void }).reload();
  await send(20);
  expect(stageOf(f)).toBe('shadow');
  expect(rollbacks(f).map((e) => `${e.from} → ${e.to}`)).toEqual(['live → shadow', 'live → shadow']);
  expect(await metric(f)).toBe(2);
});
