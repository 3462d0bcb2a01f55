// The promotion gate on real comparisons: a real facade shadows real upstreams, the diff store fills,
// and loadGateInput + evaluateGate pass clean evidence and fail too little, mismatching, failing or
// slow evidence. The window starts at the audit entry that moved the route to its current stage.
import { evaluateGate, type GateResult } from '../../src/core/gate';
import type { Stage } from '../../src/core/stages';
import { DiffStoreWriter as ComparisonStore } from '../../src/io/diff-store/writer';
import type { ComparisonRecord } from '../../src/core/comparison';
import { loadGateInput } from '../../src/io/gate-input';
import { StateStore } from '../../src/io/state-store';
import { sqlOf } from '../../src/io/db/sqlite-sql';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade | undefined;

/** Answers `{ sku, on_hand }` for /api/inventory/<n>; `tweak` decides per n what differs. */
const inventory = (tweak: (n: number, res: { status: number; onHand: number; delayMs: number }) => void = () => undefined): Handler => (req, res) => {
  const n = Number(/(\d+)$/.exec(req.url ?? '')?.[1] ?? 0);
  const answer = { status: 200, onHand: 3, delayMs: 0 };
  tweak(n, answer);
  const send = (): void => {
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ sku: `S${n}`, on_hand: answer.onHand }));
  };
  if (answer.delayMs > 0) setTimeout(send, answer.delayMs); else send();
};

beforeEach(async () => {
  monolith = await startUpstream('monolith', inventory());
  service = await startUpstream('service', inventory());
});

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith.close(), service.close()]);
});

async function start(stage: Stage, fallback = false): Promise<TestFacade> {
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { inventory: { url: service.url } },
    routes: [{ name: 'inventory', match: { path: '/api/inventory/**' }, service: 'inventory', fallback, compare: { reask: { enabled: false } } }],
    gate: { maxMismatchRate: 0.05 },
  });
  moveTo(stage);
  return facade;
}

function moveTo(stage: Stage): void {
  facade!.store.change({ route: 'inventory', stage, force: true, actor: 'test', defaultStage: 'off' });
  (facade!.deps.flags as unknown as { reload(): void }).reload();
}

/** Sends GET /api/inventory/<first..first+n-1>, 8 at a time, and waits until every one is compared and stored. */
async function drive(n: number, first = 0): Promise<void> {
  const f = facade!;
  const before = f.done.length;
  let next = first;
  const worker = async (): Promise<void> => {
    while (next < first + n) await (await fetch(`${f.url}/api/inventory/${next++}`)).text();
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  await f.waitForDone(before + n);
  await f.recorder.flush(); // records are queued before onRequestDone; write them now
}

async function gate(stage: Stage, target: Stage, t = facade!.config.gate): Promise<GateResult> {
  return evaluateGate(await loadGateInput(facade!.database.sql, 'inventory', stage, target), t);
}

const failed = (r: GateResult): string[] => r.checks.filter((c) => !c.pass).map((c) => c.name);
const figures = (r: GateResult, name: string): string | undefined => r.checks.find((c) => c.name === name)?.figures;

it('120 identical answers in shadow pass the gate to live (at a 5 % threshold) and fail it at 1 %', async () => {
  await start('shadow');
  await drive(120);
  const input = await loadGateInput(facade!.database.sql, 'inventory', 'shadow', 'live');
  expect(input).toMatchObject({ comparisons: 120, mismatches: 0, divergences: 0, errors: 0, skipped: 0 });
  expect(input.service).toMatchObject({ requests: 120, failures: 0 });
  expect(input.monolith).toMatchObject({ requests: 120, failures: 0 });
  expect(input.service.p99Ms).toEqual(expect.any(Number));
  const result = await gate('shadow', 'live');
  expect(failed(result)).toEqual([]);
  expect(result.pass).toBe(true);
  expect(figures(result, 'mismatch_rate')).toBe('0 mismatches in 120 comparisons: 0 %, upper bound 3.1 % ≤ 5 %');
  // The default 1 % needs about 381 clean comparisons: 120 are not enough evidence.
  expect(failed(await gate('shadow', 'live', { ...facade!.config.gate, maxMismatchRate: 0.01 }))).toEqual(['mismatch_rate']);
});

it('with 10 % of the answers differing the gate fails on mismatch_rate', async () => {
  service.handler = inventory((n, a) => { if (n % 10 === 0) a.onHand = 4; });
  await start('shadow');
  await drive(120);
  const result = await gate('shadow', 'live');
  expect(result.pass).toBe(false);
  expect(failed(result)).toEqual(['mismatch_rate', 'endpoints']);
  expect(figures(result, 'mismatch_rate')).toBe('12 mismatches in 120 comparisons: 10 %, upper bound 16.7 % > 5 %');
});

it('with only 5 comparisons the gate fails on comparisons, naming the count and since when', async () => {
  await start('shadow');
  await drive(5);
  const result = await gate('shadow', 'live');
  expect(failed(result)).toContain('comparisons');
  const since = facade!.store.history('inventory')[0].at;
  expect(figures(result, 'comparisons')).toBe(`5 comparisons at shadow since ${since} (need 100); 0 errors and 0 skipped not counted`);
});

it('a service answering 500 to 30 % of the shadow copies fails on error_rate', async () => {
  service.handler = inventory((n, a) => { if (n % 10 < 3) a.status = 500; });
  await start('shadow');
  await drive(120);
  const result = await gate('shadow', 'live');
  expect(failed(result)).toEqual(['mismatch_rate', 'endpoints', 'error_rate']);
  expect(figures(result, 'error_rate')).toBe('service 36 of 120 failed (30 %, lower bound 22.5 %) > monolith 0 of 120 (0 %, upper bound 3.1 %)');
});

it('a service clearly slower than the monolith fails on latency (its whole distribution, not one point)', async () => {
  service.handler = inventory((_n, a) => { a.delayMs = 250; });
  await start('shadow');
  await drive(60);
  const result = await gate('shadow', 'live');
  expect(failed(result)).toEqual(['comparisons', 'mismatch_rate', 'latency']);
  expect(figures(result, 'latency')).toMatch(/^service median \d+\.\d ms, monolith median \d+\.\d ms; p = \S+ \(one-sided Mann-Whitney U, margin \d+\.\d ms, p < 0\.001\)$/);
});

it('in live, service failures hidden by a fallback count against the service', async () => {
  service.handler = inventory((n, a) => { if (n % 2 === 0) a.status = 503; });
  await start('live', true);
  await drive(20);
  const input = await loadGateInput(facade!.database.sql, 'inventory', 'live', 'rampdown');
  expect(input).toMatchObject({ comparisons: 10, skipped: 10 });
  expect(input.service).toMatchObject({ requests: 20, failures: 10 });
  expect(input.monolith).toMatchObject({ requests: 20, failures: 0 });
  expect(failed(await gate('live', 'rampdown'))).toContain('error_rate');
});

it('comparisons from an earlier visit to the stage do not count once the route has left it', async () => {
  await start('shadow');
  await drive(30);
  moveTo('dualwrite');
  moveTo('shadow');
  expect(await loadGateInput(facade!.database.sql, 'inventory', 'shadow', 'live')).toMatchObject({ comparisons: 0, since: facade!.store.history('inventory')[0].at });
  await drive(5, 100);
  expect((await loadGateInput(facade!.database.sql, 'inventory', 'shadow', 'live')).comparisons).toBe(5);
});

describe('loadGateInput on stored rows', () => {
  const row = (over: Partial<ComparisonRecord>): ComparisonRecord => ({
    at: '2025-03-01T10:00:00.000Z', route: 'inventory', stage: 'shadow', kind: 'read', method: 'GET', path: '/api/inventory/1',
    requestId: 'r', primarySide: 'monolith', primaryStatus: 200, shadowStatus: 200, primaryMs: 2, shadowMs: 3, outcome: 'match',
    reason: null, endpoint: 'GET /api/inventory/:id', facts: [], reasked: false, selfFields: [], diff: '', detail: null, ...facts(over.outcome), ...over,
  });
  // Stored facts that re-classify to the outcome the row names (readers re-classify, they do not trust `outcome`).
  const fact = (field: string, hash: string) => ({ path: field, field, kind: 'changed' as const, primary: 1, shadow: 2, primaryHash: hash, generated: null });
  const facts = (outcome: string | undefined): Partial<ComparisonRecord> => {
    if (outcome === 'mismatch') return { facts: [fact('$.stock', 'a')], reasked: true, reasks: 3, selfFields: [] };
    if (outcome === 'noise') return { facts: [fact('$.at', 'b')], reasked: true, selfFields: ['$.at'] };
    return {};
  };

  it('counts noise apart from mismatches, ignores noise samples and other stages, and blames the side an error names', async () => {
    const state = new StateStore(':memory:');
    try {
      await new ComparisonStore(state.db).write([
        row({}), row({ outcome: 'mismatch' }), row({ outcome: 'noise' }), row({ outcome: 'noise' }),
        row({ outcome: 'skipped', reason: 'noise_sample' }),
        row({ outcome: 'error', reason: 'service_UPSTREAM_TIMEOUT', shadowStatus: null, shadowMs: 5000 }),
        row({ outcome: 'divergence', kind: 'write', method: 'POST', shadowStatus: 503 }),
        row({ stage: 'dualwrite', outcome: 'mismatch' }),
      ]);
      const input = await loadGateInput(sqlOf(state.db), 'inventory', 'shadow', 'live');
      expect(input).toMatchObject({ since: null, comparisons: 4, mismatches: 1, errors: 1, skipped: 0, divergences: 1 });
      expect(input.service).toMatchObject({ requests: 6, failures: 2, p99Ms: 5000 });
      expect(input.monolith).toMatchObject({ requests: 6, failures: 0, p99Ms: 2 });
    } finally {
      state.close();
    }
  });

  it('gives empty figures for a database without comparisons', async () => {
    const state = new StateStore(':memory:');
    try {
      expect(await loadGateInput(sqlOf(state.db), 'inventory', 'shadow', 'live')).toMatchObject({ comparisons: 0, service: { requests: 0, failures: 0, p99Ms: null } });
    } finally {
      state.close();
    }
  });
});
