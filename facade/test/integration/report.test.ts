// The report end to end: a real facade at `shadow` in front of a monolith and a service that
// disagree on the price of half the SKUs; after ~50 requests the report read from the state
// database names `$.price` with its example, and the admin API serves the same report.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { loadReport } from '../../src/io/report-query';
import { mountReportRoutes } from '../../src/io/admin-report';
import { renderText } from '../../../scripts/report/text';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;
let admin: Server | null = null;

const REQUESTS = 50;

/** The SKU's price; the service has the seeded bug on even SKUs. */
const shop = (buggy: boolean): Handler => (req, res) => {
  const n = Number((req.url ?? '').split('/').pop());
  const price = buggy && n % 2 === 0 ? '9.99' : '1.00';
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ sku: `SKU-${n}`, price, on_hand: 3 }));
};

beforeAll(async () => {
  monolith = await startUpstream('monolith', shop(false));
  service = await startUpstream('service', shop(true));
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { inventory: { url: service.url } },
    routes: [
      // Every read also asks the monolith twice, so the report can tell noise from mismatch.
      { name: 'inventory', match: { path: '/api/inventory/**' }, service: 'inventory', compare: {} },
      { name: 'catalog', match: { path: '/api/products/**' }, service: 'inventory' },
    ],
  });
  facade.store.change({ route: 'inventory', stage: 'shadow', force: true, actor: 'test', reason: 'report e2e', defaultStage: 'off' });
  (facade.deps.flags as unknown as { reload(): void }).reload();
  for (let i = 0; i < REQUESTS; i++) await (await fetch(`${facade.url}/api/inventory/${i}`)).text();
  await facade.waitForDone(REQUESTS, 15_000);
  await facade.recorder.flush();
});

afterAll(async () => {
  await new Promise<void>((r) => (admin ? admin.close(() => r()) : r()));
  await facade?.close();
  await monolith?.close();
  await service?.close();
});

it('the report names the mismatching field $.price with counts, class and a redacted example', async () => {
  const report = await loadReport(facade.database.sql, { now: new Date(), routes: ['inventory', 'catalog'] });
  const [inventory, catalog] = report.routes;
  expect(inventory).toMatchObject({ route: 'inventory', stage: 'shadow', total: REQUESTS, lastChange: { from: 'off', to: 'shadow', reason: 'report e2e' } });
  expect(inventory.outcomes.mismatch).toEqual({ count: REQUESTS / 2, rate: 0.5 });
  expect(inventory.outcomes.match.count).toBe(REQUESTS / 2);
  expect(inventory.statusPairs).toEqual([{ primarySide: 'monolith', primary: 200, shadow: 200, count: REQUESTS }]);
  expect(inventory.sides.map((s) => [s.side, s.latency.samples, s.errors])).toEqual([['monolith', REQUESTS, 0], ['service', REQUESTS, 0]]);
  expect(inventory.sides[0].latency.p99).toBeGreaterThan(0);
  const top = inventory.endpoints[0];
  expect(top).toMatchObject({ compared: REQUESTS, realRate: 0.5 });
  const price = top.fields[0];
  expect(price).toMatchObject({ field: '$.price', count: REQUESTS / 2, rate: 0.5, class: 'real' });
  expect(price.example).toMatchObject({ path: '$.price', kind: 'changed', primary: '1.00', shadow: '9.99', request: { method: 'GET' } });
  expect(price.example.diff).toContain('-  "price": "1.00",');
  expect(price.example.diff).toContain('+  "price": "9.99",');
  expect(inventory.timeline.points.reduce((n, p) => n + p.mismatch, 0)).toBe(REQUESTS / 2);
  expect(catalog).toMatchObject({ route: 'catalog', stage: 'off', total: 0 });
  expect(renderText(report, { color: false })).toMatch(/\$\.price/);
});

it('a window after the traffic has no comparisons and no endpoints', async () => {
  const now = new Date(Date.now() + 60_000);
  const report = await loadReport(facade.database.sql, { route: 'inventory', since: new Date(now.getTime() - 1000), now });
  expect(report.routes).toHaveLength(1);
  expect(report.routes[0]).toMatchObject({ total: 0, statusPairs: [], endpoints: [] });
  expect(report.routes[0].outcomes.mismatch.rate).toBeNull();
});

it('GET /report serves the report, refuses a bad since with 400 and an unknown route with 404', async () => {
  const app = express();
  mountReportRoutes(app, { sql: facade.database.sql, routes: ['inventory', 'catalog'] });
  admin = app.listen(0, '127.0.0.1');
  await new Promise((r) => admin!.once('listening', r));
  const base = `http://127.0.0.1:${(admin.address() as AddressInfo).port}`;
  const ok = await fetch(`${base}/report?route=inventory&since=15m`);
  expect(ok.status).toBe(200);
  const body = await ok.json() as { version: number; window: { since: string }; routes: Array<{ route: string; total: number; endpoints: Array<{ fields: Array<{ field: string }> }> }> };
  expect(body).toMatchObject({ version: 2, routes: [{ route: 'inventory', total: REQUESTS }] });
  expect(body.routes[0].endpoints[0].fields[0].field).toBe('$.price');
  expect((await (await fetch(`${base}/report`)).json() as { routes: unknown[] }).routes).toHaveLength(2);
  const bad = await fetch(`${base}/report?since=soon`);
  expect(bad.status).toBe(400);
  expect(await bad.json()).toMatchObject({ error: 'SINCE_INVALID', message: expect.stringContaining('"soon"') });
  const twice = await fetch(`${base}/report?since=1m&since=2m`);
  expect(twice.status).toBe(400);
  const unknown = await fetch(`${base}/report?route=nope`);
  expect(unknown.status).toBe(404);
  expect(await unknown.json()).toMatchObject({ error: 'ROUTE_UNKNOWN', message: expect.stringContaining('known: inventory, catalog') });
});
