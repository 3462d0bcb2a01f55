// `strangler route promote` through the gate on real comparisons: rows written into the diff
// store (ComparisonStore.write) of a real state database, judged by the config's thresholds.
// A pass moves the route; a fail refuses with exit 1 and the failed checks; --force is audited.
import Database from 'better-sqlite3';
import { DiffStoreWriter as ComparisonStore } from '../../facade/src/io/diff-store/writer';
import type { ComparisonRecord } from '../../facade/src/core/comparison';
import { StateStore } from '../../facade/src/io/state-store';
import { aComparison, aMismatch, oneLine, testConfig, workspace, type Workspace } from './helpers/cli';

let ws: Workspace;
beforeEach(() => {
  // 73 clean comparisons bring the upper bound under 5 %; 100 are required anyway.
  ws = workspace(testConfig({ gate: { minComparisons: 100, maxMismatchRate: 0.05, confidence: 0.95 } }));
});
afterEach(() => ws.close());

/** Moves catalog to shadow (as the CLI would) and writes `records` a minute later. */
async function atShadowWith(records: ComparisonRecord[]): Promise<void> {
  await ws.run(['route', 'set', 'catalog', 'dualwrite']);
  await ws.run(['route', 'set', 'catalog', 'shadow']);
  const at = ws.advance(60_000).toISOString();
  const db = new Database(ws.db);
  new ComparisonStore(db).write(records.map((r) => ({ ...r, at })));
  db.close();
  ws.advance(60_000);
}

const matches = (n: number, extra: Partial<ComparisonRecord> = {}): ComparisonRecord[] => Array.from({ length: n }, () => aComparison(extra));

function history(): ReturnType<StateStore['history']> {
  const store = new StateStore(ws.db);
  try {
    return store.history('catalog');
  } finally {
    store.close();
  }
}

describe('route promote', () => {
  it('passes the gate with enough clean comparisons, prints every check with ✓ and moves one stage', async () => {
    await atShadowWith(matches(150));
    const r = await ws.run(['route', 'promote', 'catalog', '--reason', 'clean for a day']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^gate catalog: shadow → live\n/);
    for (const check of ['comparisons', 'mismatch_rate', 'divergences', 'error_rate', 'latency']) {
      expect(r.stdout).toMatch(new RegExp(`  ✓ ${check}\\s+\\S`));
    }
    expect(r.stdout).toContain('150 comparisons at shadow');
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('catalog: shadow → live');
    const [entry] = history();
    expect(entry).toMatchObject({ from: 'shadow', to: 'live', forced: false, reason: 'clean for a day', details: { gate: { pass: true } } });
  });

  it('--percent promotes only that share; the next promote takes the rest to the same stage', async () => {
    await atShadowWith(matches(150));
    expect((await ws.run(['route', 'promote', 'catalog', '--percent', '10'])).stdout).toContain('catalog: shadow → live (10 % of contexts; the rest at shadow)');
    const r = await ws.run(['route', 'promote', 'catalog']);
    expect(r.stdout).toMatch(/gate catalog: shadow → live\n[\s\S]*catalog: shadow \(10 % at live\) → live\n$/);
    expect(JSON.parse((await ws.run(['route', 'list', '--json'])).stdout)[0]).toMatchObject({ stage: 'live', rollout: null });
  });

  it('refuses with exit 1 when the mismatch rate is too high, printing the failed check with its figures', async () => {
    await atShadowWith([...matches(130), ...Array.from({ length: 20 }, () => aMismatch())]);
    const r = await ws.run(['route', 'promote', 'catalog']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/  ✗ mismatch_rate\s+20 mismatches in 150 comparisons: 13\.3 %, upper bound [\d.]+ % > 5 %/);
    expect(r.stdout).toMatch(/  ✓ comparisons\s+150 comparisons at shadow/);
    expect(oneLine(r.stderr)).toBe('error: gate refused catalog shadow → live (failed: mismatch_rate, endpoints); --force overrides and is recorded');
    expect(history()[0]).toMatchObject({ from: 'dualwrite', to: 'shadow' });
  });

  it('refuses too few comparisons, and counts only those since the route entered its stage', async () => {
    await atShadowWith(matches(60));
    const r = await ws.run(['route', 'promote', 'catalog', '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.change).toBeNull();
    expect(out.gate.checks.find((c: { name: string }) => c.name === 'comparisons')).toMatchObject({ pass: false, figures: expect.stringMatching(/^60 comparisons at shadow/) });
  });

  it('--force promotes anyway: the audit entry is forced and holds the gate result', async () => {
    await atShadowWith([...matches(10), aMismatch()]);
    const r = await ws.run(['route', 'promote', 'catalog', '--force', '--reason', 'demo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/  ✗ comparisons/);
    expect(r.stdout).toContain('catalog: shadow → live [forced]');
    const [entry] = history();
    expect(entry).toMatchObject({ from: 'shadow', to: 'live', forced: true, reason: 'demo' });
    expect(entry.details).toMatchObject({ gate: { pass: false, route: 'catalog', from: 'shadow', to: 'live' } });
    expect((entry.details as { gate: { checks: unknown[] } }).gate.checks).toHaveLength(8); // seven evidence checks and the service's breaker
  });

  it('leaving off needs no evidence; complete has no next stage (exit 2)', async () => {
    const r = await ws.run(['route', 'promote', 'inventory']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('inventory: off → dualwrite');
    await ws.run(['route', 'set', 'inventory', 'complete', '--force']);
    const done = await ws.run(['route', 'promote', 'inventory']);
    expect(done.code).toBe(2);
    expect(oneLine(done.stderr)).toBe('error: inventory is already at complete: there is no later stage');
  });

  it('colours the marks only when stdout is a terminal', async () => {
    await atShadowWith(matches(150));
    const { Capture } = await import('./helpers/cli');
    const tty = new Capture(true);
    await ws.run(['route', 'promote', 'catalog'], { stdout: tty });
    expect(tty.text).toContain('\u001b[32m✓\u001b[39m');
  });
});
