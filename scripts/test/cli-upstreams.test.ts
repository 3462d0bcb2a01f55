// Seen and steered (issue 16): after a service's breaker opened in a running facade, `strangler
// upstreams` shows it (live through --admin, recorded from the state database without), `route list`
// has it in its BREAKER column, the report for the window lists the opening, and the gate refuses
// to promote the route while it is open.
import fs from 'node:fs';
import path from 'node:path';
import { adminGet, setStage } from '../../facade/test/helpers/admin-client';
import { startTestFacade, type TestFacade } from '../../facade/test/helpers/facade';
import { freePort } from '../../facade/test/helpers/net';
import { rawRequest } from '../../facade/test/helpers/raw-http';
import { startUpstream, type TestUpstream } from '../../facade/test/helpers/upstream';
import type { UpstreamView } from '../../facade/src/io/upstream-view';
import type { GateResult } from '../../facade/src/core/gate';
import { runCli } from '../cli';
import { Capture } from './helpers/cli';

let monolith: TestUpstream;
let facade: TestFacade;
let configFile: string;

beforeAll(async () => {
  monolith = await startUpstream('monolith');
  const services = { catalog: { url: `http://127.0.0.1:${await freePort()}`, retry: { budgetMs: 0 }, breaker: { minRequests: 3, coolDownMs: 600_000 } } };
  const routes = [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' }];
  facade = await startTestFacade({ monolith: { url: monolith.url }, services, routes, autoRollback: { enabled: false } });
  // The same config as a file, for the CLI without --admin (it reads the facade's state database).
  configFile = path.join(facade.dir, 'strangler.config.json');
  fs.writeFileSync(configFile, JSON.stringify({ monolith: { url: monolith.url }, services, routes, state: { db: facade.config.state.db } }));
  await setStage(facade.adminUrl!, 'catalog', 'live');
  for (let i = 0; i < 3; i++) expect((await rawRequest(facade.url, `/api/products/${i}`)).status).toBe(502);
  expect((await rawRequest(facade.url, '/api/products/9')).status).toBe(503);
  await facade.waitForDone(4);
});

afterAll(async () => {
  await facade.close();
  await monolith.close();
});

async function cli(argv: string[], admin = false): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(admin ? ['--admin', facade.adminUrl!, ...argv] : ['--config', configFile, ...argv], {
    stdout, stderr, env: { STRANGLER_ADMIN_TOKEN: 'test-token', USER: 'carol' }, cwd: facade.dir, now: () => new Date(),
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

it('strangler --admin … upstreams shows the open breaker live, with what it refused', async () => {
  const r = await cli(['upstreams', '--json'], true);
  expect(r.code).toBe(0);
  const catalog = (JSON.parse(r.stdout) as UpstreamView[]).find((u) => u.name === 'catalog')!;
  expect(catalog).toMatchObject({ source: 'live', routes: ['catalog'], breaker: { state: 'open', opened: 1, rejected: { primary: 1 } }, bulkhead: { inFlight: 0, queued: 0 } });
  expect(catalog.breaker.transitions[0]).toMatchObject({ from: 'closed', to: 'open', reason: '3 of 3 requests failed within 10000 ms' });
});

it('strangler upstreams without --admin shows what the state database recorded', async () => {
  const r = await cli(['upstreams']);
  expect(r.code).toBe(0);
  const line = r.stdout.split('\n').find((l) => l.startsWith('catalog'))!;
  expect(line.split(/\s{2,}/).slice(0, 3)).toEqual(['catalog', 'open', '1']);
  expect(r.stdout).toMatch(/recorded transitions only/);
  expect(r.stdout).toMatch(/closed → open {2}3 of 3 requests failed/);
});

it('route list shows the service breaker, locally and through the admin API', async () => {
  for (const admin of [false, true]) {
    const rows = JSON.parse((await cli(['route', 'list', '--json'], admin)).stdout) as Array<{ route: string; breaker: string }>;
    expect(rows.find((x) => x.route === 'catalog')?.breaker).toBe('open');
  }
});

it('the report for the window lists the opening', async () => {
  const report = JSON.parse((await cli(['report', '--since', '1h', '--json'])).stdout) as { breakers: Array<{ upstream: string; state: string; opened: number }> };
  expect(report.breakers).toEqual(expect.arrayContaining([expect.objectContaining({ upstream: 'catalog', state: 'open', opened: 1 })]));
  const text = (await cli(['report', '--since', '1h'])).stdout;
  expect(text).toMatch(/Circuit breakers/);
  expect(text).toMatch(/catalog: open at the end of the window; opened 1 time/);
});

it('the gate refuses to promote the route while its service breaker is open', async () => {
  const { body } = await adminGet<{ result: GateResult }>(facade.adminUrl!, '/routes/catalog/gate');
  const check = body.result.checks.find((c) => c.name === 'breaker');
  expect(check).toMatchObject({ pass: false, status: 'fail' });
  expect(check!.message).toMatch(/circuit breaker of catalog is open/);
  const promote = await cli(['route', 'promote', 'catalog']);
  expect(promote.code).toBe(1);
  expect(promote.stdout).toMatch(/✗ breaker/);
});
