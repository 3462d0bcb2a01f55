// The shadow's bounds: in-flight limit per route (drop and count, never queue), deterministic
// sampling, and large bodies compared in the worker thread with the same result.
import type { ComparisonRecord } from '../../src/core/comparison';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;

async function start(compare: Record<string, unknown>): Promise<void> {
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { inventory: { url: service.url } },
    routes: [{ name: 'inventory', match: { path: '/api/inventory/**' }, service: 'inventory', compare: { reask: { enabled: false }, ...compare } }],
  });
  facade.store.change({ route: 'inventory', stage: 'shadow', force: true, actor: 'test', defaultStage: 'off' });
  (facade.deps.flags as unknown as { reload(): void }).reload();
}

function collect(): ComparisonRecord[] {
  const got: ComparisonRecord[] = [];
  facade.recorder.onRecorded((batch) => got.push(...batch));
  return got;
}

beforeEach(async () => {
  monolith = await startUpstream('monolith');
  service = await startUpstream('service');
});

afterEach(async () => {
  await facade.close();
  await monolith.close();
  await service.close();
});

it('past the in-flight limit shadows are dropped and counted while every client is answered', async () => {
  const hung: Array<() => void> = [];
  service.handler = (_req, res) => { hung.push(() => { res.writeHead(200); res.end('{}'); }); };
  await start({ maxInFlight: 2, shadowTimeoutMs: 10_000 });
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${facade.url}/api/inventory/S${i}`);
    expect(res.status).toBe(200);
  }
  expect(service.received).toHaveLength(2);
  const metrics = await (await fetch(`${facade.adminUrl}/metrics`)).text();
  expect(metrics).toMatch(/strangler_shadow_dropped_total\{route="inventory",reason="in_flight_limit"\} 3/);
  hung.forEach((release) => release());
});

it('sampling is deterministic per request: the same URLs are compared every time', async () => {
  await start({ sample: 50 });
  const urls = Array.from({ length: 40 }, (_, i) => `/api/inventory/K${i}`);
  for (const u of urls) await (await fetch(facade.url + u)).text();
  const first = new Set(service.received.map((r) => r.url));
  expect(first.size).toBeGreaterThan(5);
  expect(first.size).toBeLessThan(35);
  service.received.length = 0;
  for (const u of urls) await (await fetch(facade.url + u)).text();
  expect(new Set(service.received.map((r) => r.url))).toEqual(first);
});

it('a large body is compared in the worker thread and its difference is found', async () => {
  const items = Array.from({ length: 6000 }, (_, i) => ({ sku: `SKU-${i}`, name: `item ${i} `.repeat(4), price: '1.00' }));
  monolith.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ items })); };
  const changed = items.map((it, i) => (i === 4321 ? { ...it, price: '1.01' } : it));
  service.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ items: changed })); };
  await start({ maxBodyBytes: 4 * 1024 * 1024, reask: { enabled: true } });
  const got = collect();
  const res = await fetch(`${facade.url}/api/inventory/all`);
  expect(((await res.json()) as { items: unknown[] }).items).toHaveLength(6000);
  expect(JSON.stringify({ items }).length).toBeGreaterThan(256 * 1024); // over the worker threshold
  await facade.waitForDone(1, 15_000);
  await facade.recorder.flush();
  expect(got).toHaveLength(1);
  expect(got[0].outcome).toBe('mismatch');
  expect(got[0].facts.map((f) => [f.field, f.path])).toEqual([['$.items[*].price', '$.items[4321].price']]);
  expect(got[0].reasked).toBe(true); // the primary was asked again and agreed with itself
});
