// The CLI in admin mode (`--admin URL`, token from STRANGLER_ADMIN_TOKEN) against a real facade
// started on random ports: the same verbs and the same --json contracts as on the local state
// database, changes refused without the token, and typos still one line with exit 2.
import { startTestFacade, type TestFacade } from '../../facade/test/helpers/facade';
import { startUpstream, type TestUpstream } from '../../facade/test/helpers/upstream';
import type { CliDeps } from '../cli';
import { aComparison, aMismatch, oneLine, testConfig, workspace, type Workspace } from './helpers/cli';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;
let ws: Workspace;
const GATE = { minComparisons: 100, maxMismatchRate: 0.05, confidence: 0.95 };

beforeEach(async () => {
  monolith = await startUpstream('monolith');
  service = await startUpstream('catalog');
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url: service.url }, inventory: { url: service.url } },
    routes: [
      { name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' },
      { name: 'inventory', match: { path: '/api/inventory/**' }, service: 'inventory' },
    ],
    gate: GATE,
  });
  // The admin API does not publish the facade's gate thresholds: the CLI reads them from its config.
  ws = workspace(testConfig({ gate: GATE }));
});

afterEach(async () => {
  ws.close();
  await facade.close();
  await Promise.all([monolith.close(), service.close()]);
});

/** Runs the CLI against the facade's admin API with the test token (and the real clock). */
function admin(argv: string[], deps: Partial<CliDeps> = {}) {
  return ws.run(['--admin', facade.adminUrl!, ...argv], { env: { STRANGLER_ADMIN_TOKEN: 'test-token', USER: 'carol' }, now: () => new Date(), ...deps });
}

describe('admin mode', () => {
  it('route list shows the facade\'s routes with their comparisons and mismatch rate', async () => {
    await facade.comparisons.write([aComparison(), aComparison(), aComparison(), aMismatch()]);
    const r = await admin(['route', 'list', '--json']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toEqual([
      { route: 'catalog', pattern: '/api/products/**', service: 'catalog', stage: 'off', rollout: null, comparisons: 4, mismatchRate: 0.25, lastChange: null, breaker: 'closed' },
      { route: 'inventory', pattern: '/api/inventory/**', service: 'inventory', stage: 'off', rollout: null, comparisons: 0, mismatchRate: null, lastChange: null, breaker: 'closed' },
    ]);
    expect((await admin(['route', 'list'])).stdout).toMatch(/\ncatalog\s+\/api\/products\/\*\*\s+catalog\s+off\s+-\s+4\s+25\.00 %\s+-\s+closed\n/);
  });

  it('route set changes the running facade\'s stage and the audit log names the CLI user', async () => {
    const r = await admin(['route', 'set', 'catalog', 'dualwrite', '--reason', 'deployed']);
    expect(r).toEqual({ code: 0, stdout: 'catalog: off → dualwrite\n', stderr: '' });
    expect(facade.store.state('catalog')?.stage).toBe('dualwrite');
    const history = JSON.parse((await admin(['route', 'history', '--json'])).stdout);
    // The actor is the token's name ("admin" for STRANGLER_ADMIN_TOKEN); the CLI user is kept as a claim.
    expect(history).toEqual([expect.objectContaining({ route: 'catalog', from: 'off', to: 'dualwrite', actor: 'admin', reason: 'deployed', details: { requestedBy: 'carol' } })]);
    expect((await admin(['route', 'rollback', 'catalog'])).stdout).toBe('catalog: dualwrite → off\n');
  });

  it('a skipped stage, an unknown route and a bad stage are usage errors (exit 2, one line)', async () => {
    const skip = await admin(['route', 'set', 'catalog', 'live']);
    expect([skip.code, oneLine(skip.stderr)]).toEqual([2, 'error: off → live skips dualwrite, shadow; move one stage at a time or force it']);
    const unknown = await admin(['route', 'history', 'catalgo']);
    expect([unknown.code, oneLine(unknown.stderr)]).toEqual([2, 'error: unknown route "catalgo" (known: catalog, inventory)']);
    const stage = await admin(['route', 'set', 'catalog', 'shadw']);
    expect(stage.code).toBe(2);
  });

  it('without the token even reads are refused by the facade (exit 1), naming where the token comes from', async () => {
    const r = await admin(['route', 'set', 'catalog', 'dualwrite'], { env: {} });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/^error: admin API refused GET \/routes: .*STRANGLER_ADMIN_TOKEN\)$/);
    expect(facade.store.state('catalog')).toBeNull();
  });

  it('ignore add, list and remove go through the admin API into the facade\'s state database', async () => {
    expect((await admin(['ignore', 'add', 'catalog', '$.updatedAt', '--reason', 'clock'])).stdout).toBe('catalog: ignoring $.updatedAt (clock)\n');
    expect(facade.store.ignoreRules('catalog')).toMatchObject([{ path: '$.updatedAt', reason: 'clock', actor: 'admin' }]);
    const list = JSON.parse((await admin(['ignore', 'list', '--json'])).stdout);
    expect(list).toEqual([expect.objectContaining({ route: 'catalog', path: '$.updatedAt', reason: 'clock', source: 'state', actor: 'admin' })]);
    expect((await admin(['ignore', 'remove', 'catalog', '$.updatedAt'])).code).toBe(0);
    const again = await admin(['ignore', 'remove', 'catalog', '$.updatedAt']);
    expect([again.code, oneLine(again.stderr)]).toEqual([2, 'error: no stored ignore rule $.updatedAt on catalog']);
  });

  it('promote judges the gate with the facade\'s own figures and stores the verdict in the audit details', async () => {
    await admin(['route', 'set', 'catalog', 'dualwrite']);
    await admin(['route', 'set', 'catalog', 'shadow']);
    await facade.comparisons.write(Array.from({ length: 91 }, () => aComparison()));
    const refused = await admin(['route', 'promote', 'catalog']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/  ✗ comparisons\s+91 comparisons at shadow since /);
    await facade.comparisons.write(Array.from({ length: 120 }, () => aComparison()));
    const passed = await admin(['route', 'promote', 'catalog']);
    expect(passed.stdout).toMatch(/  ✓ mismatch_rate\s+0 mismatches in 211 comparisons/);
    expect(passed.stdout.trimEnd().split('\n').pop()).toBe('catalog: shadow → live');
    expect(facade.store.history('catalog')[0]).toMatchObject({ to: 'live', forced: false, details: { gate: { pass: true, from: 'shadow', to: 'live' } } });
  });

  it('report --json comes from GET /report, windowed by --since', async () => {
    await facade.comparisons.write([aComparison(), aMismatch(), aComparison({ at: new Date(Date.now() - 3 * 3600_000).toISOString() })]);
    const all = JSON.parse((await admin(['report', 'catalog', '--json'])).stdout);
    expect(all.routes).toEqual([expect.objectContaining({ route: 'catalog', total: 3 })]);
    const recent = JSON.parse((await admin(['report', 'catalog', '--since', '1h', '--json'])).stdout);
    expect(recent.routes[0]).toMatchObject({ total: 2, outcomes: { mismatch: { count: 1 } } });
  });

  it('an unreachable admin API is one line, exit 1', async () => {
    const closed = await startUpstream('closed');
    await closed.close();
    const r = await ws.run(['--admin', closed.url, 'route', 'list']);
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toBe(`error: cannot reach the admin API at ${closed.url} (ECONNREFUSED)`);
  });
});
