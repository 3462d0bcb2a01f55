// Bounded cardinality: a flood of unique paths (ids the templating misses, a scanner's random
// paths) or of unique JSON keys leaves the endpoints, the store, the report and the metrics page
// at their caps; what overflows is counted under "(other)".
import http from 'node:http';
import { loadReport } from '../../src/io/report-query';
import { metricsText } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** Answers with a key unique to the request, so every answer has a field no other answer has. */
const uniqueKeys = (side: string) => (req: http.IncomingMessage, res: http.ServerResponse): void => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ [`k_${req.url?.replace(/\W/g, '')}`]: side, side }));
};

beforeAll(async () => {
  monolith = await startUpstream('monolith', uniqueKeys('monolith'));
  service = await startUpstream('service', uniqueKeys('service'));
  facade = await startTestFacade({
    monolith: { url: monolith.url }, services: { scan: { url: service.url } },
    routes: [{ name: 'scan', match: { path: '/**' }, service: 'scan', defaultStage: 'shadow',
      compare: { maxEndpoints: 50, maxFieldsPerEndpoint: 20, reask: { enabled: false } } }],
  });
});

afterAll(async () => {
  agent.destroy();
  await facade.close();
  await monolith.close();
  await service.close();
});

function get(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http.get(`${facade.url}${path}`, { agent }, (res) => { res.resume(); res.on('end', () => resolve()); }).on('error', reject);
  });
}

async function flood(from: number, n: number, path: (i: number) => string): Promise<void> {
  const before = facade.done.length;
  for (let i = from; i < from + n; i += 16) await Promise.all(Array.from({ length: Math.min(16, from + n - i) }, (_, k) => get(path(i + k))));
  await facade.waitForDone(before + n, 30_000);
  await facade.recorder.flush();
}

const scannerPath = (i: number): string => `/wp-${i.toString(36)}x/admin-${(i * 7919).toString(36)}z.php`;

it('2,000 unique scanner paths leave the route at its endpoint cap, the rest under "(other)"', async () => {
  await flood(0, 2000, scannerPath);
  const db = facade.store.db;
  const endpoints = db.prepare("SELECT endpoint, comparisons FROM endpoint_stats WHERE route = 'scan'").all() as Array<{ endpoint: string; comparisons: number }>;
  expect(endpoints.length).toBe(51);
  expect(endpoints.find((e) => e.endpoint === 'GET (other)')!.comparisons).toBe(1950);
  const report = await loadReport(facade.database.sql, { route: 'scan', now: new Date(), routes: ['scan'] });
  expect(report.routes[0].endpoints.length).toBe(51);
  // The metrics page does not grow with the paths: no path in any label, and a few dozen facade series
  // (Node's own process and GC series, which appear as the process runs, are left out of the count).
  const text = await metricsText(facade.adminUrl!);
  expect(text).not.toMatch(/wp-|admin-/);
  const series = text.split('\n').filter((l) => l.startsWith('strangler_') && !/^strangler_(nodejs|process)_/.test(l));
  expect(series.length).toBeLessThan(120);
  expect(text).toMatch(/strangler_endpoint_overflow_total\{route="scan"\} 1950/);
}, 60_000);

it('unique JSON keys on one endpoint stop at the field cap, the rest under "(other fields)"', () => {
  const fields = facade.store.db.prepare("SELECT field FROM endpoint_fields WHERE route = 'scan' AND endpoint = 'GET (other)'").all() as Array<{ field: string }>;
  expect(fields.length).toBeLessThanOrEqual(21);
  expect(fields.map((f) => f.field)).toContain('(other fields)');
});
