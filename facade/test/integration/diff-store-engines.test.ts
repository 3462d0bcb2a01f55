// One suite, two backends: the diff store's writer and readers on a real SQLite file and on a real
// PostgreSQL (a throwaway cluster, a fresh database per test). The same records go in; the same
// report, evidence, pruning, divergences and gate input must come out, whichever engine holds them.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { EvidenceBook, isVerdict, type ComparisonRecord } from '../../src/core/comparison';
import { ComparisonRecorder } from '../../src/io/comparison-recorder';
import { OwnLocationStore } from '../../src/io/own-location-store';
import { createMetrics } from '../../src/io/metrics';
import { copyToPostgres, MigrateTargetNotEmptyError } from '../../src/io/db/copy-to-pg';
import { PgSql } from '../../src/io/db/pg-sql';
import { DIFF_STORE_COPIER } from '../../src/io/diff-store/copy-to-postgres';
import type { Sql } from '../../src/io/db/sql';
import { SqliteSql } from '../../src/io/db/sqlite-sql';
import { loadComparisons, loadEvidence } from '../../src/io/diff-store/queries';
import { DiffStoreRetention } from '../../src/io/diff-store/retention';
import { DIFF_STORE_VERSION } from '../../src/io/diff-store/schema';
import { DEFAULT_RETENTION } from '../../src/core/retention';
import { openDiffStoreWriter } from '../../src/io/diff-store/open-writer';
import type { ComparisonWriter, DiffStoreLimits } from '../../src/io/diff-store/writer';
import { DivergenceStore, type NewDivergence } from '../../src/io/divergence-store';
import { loadGateInput } from '../../src/io/gate-input';
import { PgStateStore } from '../../src/io/pg-state-store';
import { loadReport } from '../../src/io/report-query';
import { buildReport, tallyRows, type ComparisonRow } from '../../src/core/report';
import type { RouteStateStore } from '../../src/io/state-api';
import { StateStore } from '../../src/io/state-store';
import { describeWithPostgres, startPostgres, type TestPostgres } from '../helpers/postgres';

/** One engine's fresh database: the Sql readers use, a writer factory, the state store, and cleanup. */
interface Engine {
  readonly sql: Sql;
  readonly state: RouteStateStore;
  writer(limits?: DiffStoreLimits, replica?: string): Promise<ComparisonWriter>;
  close(): Promise<void>;
}

const NOW = Date.parse('2030-06-01T12:00:00.000Z');
let seq = 0;

function aRecord(over: Partial<ComparisonRecord> = {}): ComparisonRecord {
  seq++;
  return {
    at: new Date(NOW - 60_000 + seq).toISOString(), route: 'catalog', endpoint: 'GET /api/products/:id', stage: 'shadow', kind: 'read',
    method: 'GET', path: `/api/products/${seq}`, requestId: `r${seq}`, primarySide: 'monolith', primaryStatus: 200, shadowStatus: 200,
    primaryMs: 4, shadowMs: 5, outcome: 'match', reason: null, facts: [], reasked: false, selfFields: [], diff: '', detail: null, ...over,
  };
}

const fact = (field: string, hash: string, primary: unknown = 1, shadow: unknown = 2) =>
  ({ path: field, field, kind: 'changed' as const, primary, shadow, primaryHash: hash, generated: null });
const aMismatch = (hash = 'p10', over: Partial<ComparisonRecord> = {}): ComparisonRecord =>
  aRecord({ outcome: 'mismatch', reasked: true, reasks: 3, facts: [fact('$.price', hash, '1.00', '1.10')], diff: '-"1.00"\n+"1.10"\n', ...over });
const aNoise = (hash: string): ComparisonRecord =>
  aRecord({ outcome: 'noise', reasked: true, selfFields: ['$.at'], facts: [fact('$.at', hash, 'a', 'b')] });

function aDivergence(n: number, body: Buffer = Buffer.from(`{"qty":${n}}`)): NewDivergence {
  return {
    at: new Date(NOW + n).toISOString(), route: 'inventory', stage: 'dualwrite', requestId: `w${n}`, side: 'service', upstream: 'inventory',
    reason: 'second_write_status_503', path: `/api/inventory/${n}`, bodyBytes: body.length, primaryStatus: 200, secondStatus: 503, secondError: null,
    request: { method: 'PUT', target: `/api/inventory/${n}?token=s3cret`, headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, body },
  };
}

function storeSuite(open: () => Promise<Engine>): void {
  let e: Engine;
  beforeEach(async () => { e = await open(); });
  afterEach(async () => { await e.close(); });

  it('what two replicas wrote reads back as one report: totals, outcomes, the differing field, and the count of each replica', async () => {
    const a = await e.writer(undefined, 'replica-a');
    const b = await e.writer(undefined, 'replica-b');
    await a.write([aRecord(), aRecord(), aMismatch(), aRecord({ outcome: 'error', reason: 'service_UPSTREAM_TIMEOUT', shadowStatus: null, shadowMs: null })]);
    await b.write([aRecord(), aMismatch(), aRecord({ outcome: 'skipped', reason: 'too_large', shadowMs: null })]);
    const report = await loadReport(e.sql, { now: new Date(NOW), routes: ['catalog'] });
    const r = report.routes[0];
    expect(r.total).toBe(7);
    expect(r.replicas).toEqual([{ replica: 'replica-a', comparisons: 4 }, { replica: 'replica-b', comparisons: 3 }]);
    expect(Object.fromEntries(Object.entries(r.outcomes).map(([k, v]) => [k, v.count]))).toMatchObject({ match: 3, mismatch: 2, error: 1, skipped: 1 });
    expect(r.endpoints[0]).toMatchObject({ endpoint: 'GET /api/products/:id', compared: 5 });
    expect(r.endpoints[0].fields[0]).toMatchObject({ field: '$.price', count: 2, example: { primary: '1.00', shadow: '1.10' } });
    expect(r.timeline.points.reduce((n, p) => n + p.compared, 0)).toBe(5);
    expect(r.sides.find((s) => s.side === 'service')).toMatchObject({ requests: 7, errors: 1 });
    // The stored comparisons with their facts, newest first.
    const stored = await loadComparisons(e.sql, { route: 'catalog', withFactsOnly: true });
    expect(stored.map((c) => [c.outcome, c.facts.map((f) => f.field)])).toEqual([['mismatch', ['$.price']], ['mismatch', ['$.price']]]);
  });

  it('the report counted in SQL is the report of every row counted one by one: sides, latencies, status pairs, replicas, divergences, coverage', async () => {
    // Varied rows without field facts (their stored outcome is their outcome now), two replicas, two
    // routes, a since-window that cuts through a minute, and version 1 noise samples that never count.
    let n = 0;
    const records = (replica: number): ComparisonRecord[] => Array.from({ length: 90 }, (_, i) => {
      const at = new Date(NOW - 30 * 60_000 + (i * 2 + replica) * 17_000).toISOString();
      const route = i % 3 === 0 ? 'inventory' : 'catalog';
      const base = { at, route, primaryMs: (i * 7) % 23 + 0.5 * (i % 2), shadowMs: (i * 11) % 31, primarySide: i % 5 === 0 ? 'service' : 'monolith' } as const;
      n++;
      switch (i % 9) {
        case 0: return aRecord({ ...base, outcome: 'error', reason: i % 2 ? 'service_UPSTREAM_TIMEOUT' : 'monolith_UPSTREAM_RESET', shadowStatus: null, shadowMs: null });
        case 1: return aRecord({ ...base, outcome: 'divergence', reason: 'second_write_UPSTREAM_UNREACHABLE', shadowStatus: null, shadowMs: null, method: 'PUT', path: `/w/${n}` });
        case 2: return aRecord({ ...base, outcome: 'divergence', reason: 'second_write_status_503', shadowStatus: 503, method: 'POST', path: `/w/${n}` });
        case 3: return aRecord({ ...base, outcome: 'skipped', reason: 'noise_sample', shadowStatus: null, shadowMs: null });
        case 4: return aRecord({ ...base, outcome: 'skipped', reason: 'too_large', shadowMs: null });
        case 5: return aRecord({ ...base, shadowStatus: 500, outcome: 'unjudged' });
        default: return aRecord({ ...base, primaryStatus: i % 4 === 0 ? 404 : 200, shadowStatus: i % 4 === 0 ? 404 : 200 });
      }
    });
    await (await e.writer(undefined, 'replica-a')).write(records(0));
    await (await e.writer(undefined, 'replica-b')).write(records(1));
    const rows = await e.sql.all<ComparisonRow>(`SELECT at, route, method, path, primary_side AS "primarySide", primary_status AS "primaryStatus",
      shadow_status AS "shadowStatus", primary_ms AS "primaryMs", shadow_ms AS "shadowMs", outcome, reason, replica FROM comparisons`);
    expect(rows).toHaveLength(180);
    for (const since of [null, new Date(NOW - 17 * 60_000 + 29_000)]) {
      const report = await loadReport(e.sql, { now: new Date(NOW), since: since ?? undefined, routes: ['catalog', 'inventory'] });
      const oneByOne = buildReport({ now: new Date(NOW), since, routes: ['catalog', 'inventory'], tallies: tallyRows(rows, since), findings: new Map(),
        minutes: [], states: [], audit: [] });
      for (const [i, r] of report.routes.entries()) {
        const want = oneByOne.routes[i];
        expect(r.total).toBeGreaterThan(0);
        expect({ total: r.total, outcomes: r.outcomes, sides: r.sides, statusPairs: r.statusPairs, replicas: r.replicas, divergences: r.divergences,
          rows: r.coverage.rows, oldestAt: r.coverage.oldestAt }).toEqual({ total: want.total, outcomes: want.outcomes, sides: want.sides,
          statusPairs: want.statusPairs, replicas: want.replicas, divergences: want.divergences, rows: want.coverage.rows, oldestAt: want.coverage.oldestAt });
      }
    }
  });

  it('the noise evidence read back is what the recorder learnt live: counts per endpoint and field, a few primary fingerprints', async () => {
    const writer = await e.writer();
    const batches = [
      [aMismatch('h1'), aNoise('n1'), aNoise('n2'), aRecord({ endpoint: 'GET /api/products' })],
      [aMismatch('h2'), aMismatch('h3'), aNoise('n3'), aMismatch('h4'), aMismatch('h5', { shadowSelfFields: ['$.price'] }), aMismatch('h1')],
      [aRecord({ outcome: 'skipped', reason: 'too_large' }), aMismatch('h6', { endpoint: 'GET /api/products' })],
    ];
    const live = new EvidenceBook();
    for (const batch of batches) {
      await writer.write(batch);
      for (const r of batch) if (isVerdict(r.outcome)) live.add(r);
    }
    const stored = await loadEvidence(e.sql, 'catalog');
    const flat = (book: EvidenceBook) => [...book.endpoints('catalog')].map(([endpoint, c]) => ({ endpoint, comparisons: c.comparisons, reasks: c.reasks,
      fields: Object.fromEntries([...c.fields].map(([f, v]) => [f, { ...v, valueHashes: [...v.valueHashes] }])) })).sort((x, y) => x.endpoint.localeCompare(y.endpoint));
    expect(flat(stored)).toEqual(flat(live));
    expect(stored.endpoints('catalog').get('GET /api/products/:id')!.fields.get('$.price')).toMatchObject({ valueHashes: ['h1', 'h2', 'h3', 'h4'], shadowSelfDiffs: 1 });
    expect(stored.judge('catalog', 'GET /api/products/:id', '$.at')).toEqual(live.judge('catalog', 'GET /api/products/:id', '$.at'));
  });

  it('keeps the newest rows of a route with their facts, diffs on the newest few, and lifetime evidence', async () => {
    const writer = await e.writer({ rowsPerRoute: 5, diffsPerRoute: 2 });
    const written: ComparisonRecord[] = [];
    for (let i = 0; i < 4; i++) {
      const batch = [aMismatch(`h${i}`), aMismatch(`k${i}`)];
      written.push(...batch);
      await writer.write(batch);
    }
    await writer.write([aMismatch('z', { route: 'inventory', endpoint: 'GET /api/inventory/:sku' })]);
    const kept = await loadComparisons(e.sql, { route: 'catalog' });
    expect(kept.map((c) => c.path)).toEqual(written.slice(-5).reverse().map((r) => r.path));
    expect(kept.every((c) => c.facts.length === 1)).toBe(true);
    expect(kept.map((c) => c.diff !== null)).toEqual([true, true, false, false, false]);
    const orphans = await e.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM comparison_fields WHERE comparison_id NOT IN (SELECT id FROM comparisons)');
    expect(Number(orphans!.n)).toBe(0);
    expect((await loadComparisons(e.sql, { route: 'inventory' })).length).toBe(1); // other routes keep theirs
    expect((await loadEvidence(e.sql, 'catalog')).endpoints('catalog').get('GET /api/products/:id')!.comparisons).toBe(8);
  });

  it('trims a route to its limit plus at most 5 % between trims, keeping the newest rows', async () => {
    const writer = await e.writer({ rowsPerRoute: 100, diffsPerRoute: 10 }); // trimmed once 5 rows were gained
    const written: ComparisonRecord[] = [];
    const counts: number[] = [];
    for (let i = 0; i < 60; i++) {
      const batch = [aRecord(), aRecord(), aRecord()];
      written.push(...batch);
      await writer.write(batch);
      counts.push(Number((await e.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM comparisons WHERE route = 'catalog'"))!.n));
    }
    expect(Math.max(...counts)).toBeLessThan(105);
    expect(counts.slice(-20).every((n) => n >= 100)).toBe(true); // 180 written: never trimmed below the limit
    expect(counts.slice(-20)).toContain(100);
    const kept = await e.sql.all<{ path: string }>("SELECT path FROM comparisons WHERE route = 'catalog' ORDER BY id DESC LIMIT 100");
    expect(kept.map((r) => r.path)).toEqual(written.slice(-100).reverse().map((r) => r.path));
  });

  it('retention rolls minutes into hours and days keeping every total, and deletes old comparisons with their facts; the dry run counts the same', async () => {
    const writer = await e.writer({ rowsPerRoute: 100_000, diffsPerRoute: 10 });
    const DAY = 86_400_000;
    const batch: ComparisonRecord[] = [];
    for (let t = NOW - 120 * DAY; t < NOW; t += 3 * 3_600_000) {
      batch.push(aRecord({ at: new Date(t).toISOString() }), aMismatch(`h${t % 7}`, { at: new Date(t + 1000).toISOString() }));
    }
    await writer.write(batch);
    const totals = async () => e.sql.all<{ outcome: string; n: number }>(`SELECT outcome, SUM(count) AS n FROM (
      SELECT outcome, count FROM comparison_minutes UNION ALL SELECT outcome, count FROM comparison_hours UNION ALL SELECT outcome, count FROM comparison_days) u
      GROUP BY outcome ORDER BY outcome`);
    const before = (await totals()).map((r) => [r.outcome, Number(r.n)]);
    const retention = new DiffStoreRetention(e.sql, { ...DEFAULT_RETENTION, batchRows: 50 });
    const plan = await retention.plan(new Date(NOW));
    const done = await retention.runAll(new Date(NOW));
    expect(plan).toEqual({ ...done, batches: 0 });
    expect(done.batches).toBeGreaterThan(10);
    expect((await totals()).map((r) => [r.outcome, Number(r.n)])).toEqual(before);
    const range = async (table: string, key: string) => e.sql.get<{ lo: string; hi: string }>(`SELECT MIN(${key}) AS lo, MAX(${key}) AS hi FROM ${table}`);
    expect((await range('comparison_minutes', 'minute'))!.lo >= done.cutoffs.minutesBefore).toBe(true);
    expect((await range('comparison_hours', 'hour'))!.hi < done.cutoffs.minutesBefore).toBe(true);
    expect((await range('comparison_days', 'day'))!.hi < done.cutoffs.hoursBefore).toBe(true);
    expect((await range('comparisons', 'at'))!.lo >= done.cutoffs.comparisonsBefore).toBe(true);
    expect(done.comparisons).toBe(batch.filter((r) => r.at < done.cutoffs.comparisonsBefore).length);
    const orphans = await e.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM comparison_fields WHERE comparison_id NOT IN (SELECT id FROM comparisons)');
    expect(Number(orphans!.n)).toBe(0);
    expect(await new DiffStoreRetention(e.sql, DEFAULT_RETENTION).runAll(new Date(NOW))).toMatchObject({ minuteRows: 0, hourRows: 0, comparisons: 0 });
  });

  it('two writers at once add up: every comparison and every field difference counted once', async () => {
    const [a, b] = [await e.writer(undefined, 'a'), await e.writer(undefined, 'b')];
    const batch = (n: number) => Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? aMismatch(`h${(n + i) % 3}`) : aRecord()));
    await Promise.all([a.write(batch(0)), b.write(batch(1)), a.write(batch(2)), b.write(batch(3))]);
    const book = await loadEvidence(e.sql, 'catalog');
    const ep = book.endpoints('catalog').get('GET /api/products/:id')!;
    expect(ep.comparisons).toBe(200);
    expect(ep.fields.get('$.price')!.shadowDiffs).toBe(100);
    expect([...ep.fields.get('$.price')!.valueHashes].sort()).toEqual(['h0', 'h1', 'h2']);
    const minutes = await e.sql.get<{ n: number }>("SELECT SUM(count) AS n FROM comparison_minutes WHERE route = 'catalog'");
    expect(Number(minutes!.n)).toBe(200);
  });

  it('gate input: noise apart from mismatches, noise samples and other stages left out, errors blamed on the side they name, the window from the stage change', async () => {
    await (await e.writer()).write([
      aRecord({ at: '2030-05-01T00:00:00.000Z', outcome: 'mismatch', facts: [fact('$.stock', 'a')], reasked: true, reasks: 3 }), // before the stage change
      aRecord(), aMismatch(), aNoise('n1'), aNoise('n2'),
      aRecord({ outcome: 'skipped', reason: 'noise_sample' }),
      aRecord({ outcome: 'error', reason: 'service_UPSTREAM_TIMEOUT', shadowStatus: null, shadowMs: 5000 }),
      aRecord({ outcome: 'divergence', kind: 'write', method: 'POST', shadowStatus: 503, reason: 'second_write_status_503' }),
      aRecord({ stage: 'dualwrite', outcome: 'mismatch', facts: [fact('$.stock', 'b')], reasked: true, reasks: 3 }),
      aRecord({ outcome: 'skipped', reason: 'fallback', primaryMs: 7, shadowStatus: null, shadowMs: null }),
    ]);
    const entered = await e.state.change({ route: 'catalog', stage: 'shadow', force: true, actor: 'test', defaultStage: 'off' });
    await e.sql.run('UPDATE audit_log SET at = ? WHERE id = ?', ['2030-05-15T00:00:00.000Z', entered.id]);
    const input = await loadGateInput(e.sql, 'catalog', 'shadow', 'live');
    expect(input).toMatchObject({ since: '2030-05-15T00:00:00.000Z', comparisons: 4, mismatches: 1, errors: 1, skipped: 1, divergences: 1 });
    expect(input.endpoints).toEqual([expect.objectContaining({ endpoint: 'GET /api/products/:id', compared: 4, mismatches: 1, topField: '$.price' })]);
    // Service: 6 answered (5xx on the divergence) + the timeout + the failed fallback; monolith: every row's primary answer.
    expect(input.service).toMatchObject({ requests: 7, failures: 3, p99Ms: 5000 });
    expect(input.monolith).toMatchObject({ requests: 7, failures: 0, p99Ms: 7 });
    expect([...input.service.latenciesMs!].sort((x, y) => x - y)).toEqual([5, 5, 5, 5, 5, 5000]);
  });

  it('the recorder retries a batch the database refused, writes it once when the database is back, and close() waits for the last batch', async () => {
    const recorder = new ComparisonRecorder(await e.writer(undefined, 'r1'), new EvidenceBook(), createMetrics({ defaultMetrics: false }), pino({ level: 'silent' }),
      undefined, { flushMs: 5, maxBatch: 3, maxQueue: 100, retryMs: 20 });
    const stored = async (): Promise<number> => Number((await e.sql.get<{ n: number }>("SELECT COUNT(*) AS n FROM comparisons WHERE replica = 'r1'"))!.n);
    await e.sql.exec('ALTER TABLE comparisons RENAME TO comparisons_away'); // every write now fails
    let written = 0;
    const allWritten = new Promise<void>((resolve) => recorder.onRecorded((batch) => { written += batch.length; if (written === 5) resolve(); }));
    for (let i = 0; i < 5; i++) recorder.add(aRecord());
    await recorder.flush();
    expect(recorder.pending).toBe(5); // kept, not dropped
    await e.sql.exec('ALTER TABLE comparisons_away RENAME TO comparisons');
    await allWritten; // the retry timer wrote them
    expect(await stored()).toBe(5);
    for (let i = 0; i < 4; i++) recorder.add(aRecord());
    await recorder.close();
    expect(recorder.pending).toBe(0);
    expect(await stored()).toBe(9); // each exactly once
  });

  it('gives empty gate figures and an empty report for a database the diff store never wrote to', async () => {
    expect(await loadGateInput(e.sql, 'catalog', 'shadow', 'live')).toMatchObject({ comparisons: 0, service: { requests: 0, failures: 0, p99Ms: null } });
    expect((await loadReport(e.sql, { now: new Date(NOW), routes: ['catalog'] })).routes[0]).toMatchObject({ total: 0, replicas: [] });
  });

  it('divergences: the sealed request opens byte for byte, one claim at a time, settled once with its audit entry, settled ones pruned', async () => {
    const key = randomBytes(32);
    const store = new DivergenceStore(e.sql, () => key, 2);
    const binary = Buffer.from([0, 1, 2, 255, 254, 0x1f, 0x8b]);
    const ids: number[] = [];
    for (let n = 1; n <= 5; n++) ids.push(await store.add(aDivergence(n, n === 1 ? binary : undefined)));
    expect((await store.list('inventory')).map((d) => d.id)).toEqual(ids);
    expect(await store.get('inventory', ids[0])).toMatchObject({ method: 'PUT', path: '/api/inventory/1', status: 'open', bodyKept: true, attempts: 0 });
    expect(await store.request('inventory', ids[0])).toEqual({ method: 'PUT', target: '/api/inventory/1?token=s3cret',
      headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, body: binary });
    expect(await store.get('catalog', ids[0])).toBeNull(); // another route's id
    const open = await store.openStats('inventory');
    expect(open.count).toBe(5);
    expect(open.bytes).toBeGreaterThan(0);

    expect(await store.claim(ids[0], NOW, NOW + 10_000)).toBe(true);
    expect(await store.claim(ids[0], NOW + 1, NOW + 10_000)).toBe(false); // held by the first replay
    await store.failedAttempt(ids[0], new Date(NOW).toISOString(), 'status 503');
    expect(await store.get('inventory', ids[0])).toMatchObject({ attempts: 1, lastOutcome: 'status 503', status: 'open' });
    expect(await store.claim(ids[0], NOW + 2, NOW + 10_000)).toBe(true); // released by the failed attempt

    const settle = (id: number) => store.settle(id, { status: 'resolved', at: new Date(NOW).toISOString(), by: 'ana', reason: 'fixed', attempted: false, outcome: null },
      { at: new Date(NOW).toISOString(), actor: 'ana', route: 'inventory', stage: 'dualwrite', reason: `divergence ${id} resolved`, details: { id } });
    expect(await settle(ids[0])).toBe(true);
    expect(await settle(ids[0])).toBe(false);
    for (const id of ids.slice(1, 4)) await settle(id);
    // Two settled ones kept (keepSettled), the open one never touched.
    expect((await store.list('inventory')).map((d) => [d.id, d.status])).toEqual([[ids[2], 'resolved'], [ids[3], 'resolved'], [ids[4], 'open']]);
    expect((await e.state.history('inventory', 10)).map((a) => a.reason)).toEqual(ids.slice(0, 4).reverse().map((id) => `divergence ${id} resolved`));
    expect(await store.openStats('inventory')).toMatchObject({ count: 1 });
  });
}

/** A fresh SQLite state file per test in a temp dir, its diff store written on the main connection or on a thread. */
function sqliteEngines(thread: boolean): { readonly dir: () => string } {
  let dir = '';
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-engines-')); });
  afterAll(() => { fs.rmSync(dir, { recursive: true, force: true }); });
  let n = 0;
  storeSuite(async () => {
    const state = new StateStore(path.join(dir, `state-${++n}.db`), () => new Date(NOW));
    const writers: ComparisonWriter[] = [];
    return {
      sql: new SqliteSql(state.db), state,
      writer: async (limits, replica) => {
        const w = await openDiffStoreWriter({ sqlite: state.db, pg: null }, limits, replica ?? null, thread);
        writers.push(w);
        return w;
      },
      close: async () => { for (const w of writers) await w.close?.(); state.close(); },
    };
  });
  return { dir: () => dir };
}

describe('diff store on SQLite', () => {
  sqliteEngines(false);
});

describe('diff store on SQLite, written on a thread of its own (the facade\'s default)', () => {
  const { dir: tempDir } = sqliteEngines(true);

  it('a writer thread that died (as in a crash) is started again by the next batch', async () => {
    const state = new StateStore(path.join(tempDir(), 'restart.db'), () => new Date(NOW));
    const writer = await openDiffStoreWriter({ sqlite: state.db, pg: null }, undefined, null, true);
    try {
      await writer.write([aRecord(), aRecord(), aMismatch()]);
      await (writer as unknown as { worker: import('node:worker_threads').Worker }).worker.terminate(); // as a crash would
      await writer.write([aRecord(), aNoise('n1')]);
      expect(state.db.prepare('SELECT outcome, COUNT(*) AS n FROM comparisons GROUP BY outcome ORDER BY outcome').all())
        .toEqual([{ outcome: 'match', n: 3 }, { outcome: 'mismatch', n: 1 }, { outcome: 'noise', n: 1 }]);
    } finally {
      await writer.close?.();
      state.close();
    }
  });
});

describeWithPostgres('diff store on PostgreSQL', () => {
  let cluster: TestPostgres;
  beforeAll(async () => { cluster = await startPostgres(); }, 60_000);
  afterAll(async () => { await cluster?.stop(); });
  storeSuite(async () => {
    const pg = new PgSql(await cluster.createDatabase(), { max: 4 });
    const state = await PgStateStore.open(pg, () => new Date(NOW));
    return {
      sql: pg, state,
      writer: (limits, replica) => openDiffStoreWriter({ sqlite: null, pg }, limits, replica ?? null),
      close: () => pg.close(),
    };
  });
});

describeWithPostgres('copying a SQLite diff store to PostgreSQL (db migrate)', () => {
  let cluster: TestPostgres;
  let dir: string;
  beforeAll(async () => { cluster = await startPostgres(); dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-copy-')); }, 60_000);
  afterAll(async () => { await cluster?.stop(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('the report, evidence, gate input and divergences read the same from PostgreSQL; the new replicas ids follow on; a second copy is refused', async () => {
    const state = new StateStore(path.join(dir, 'state.db'), () => new Date(NOW));
    const pg = new PgSql(await cluster.createDatabase(), { max: 2 });
    try {
      const key = randomBytes(32);
      const writer = await openDiffStoreWriter({ sqlite: state.db, pg: null }, undefined, 'old-host');
      await writer.write([aRecord(), aMismatch('h1'), aNoise('n1'), aNoise('n2'), aRecord({ outcome: 'error', reason: 'service_ECONNRESET', shadowStatus: null, shadowMs: 3 })]);
      const local = new DivergenceStore(new SqliteSql(state.db), () => key);
      const ids = [await local.add(aDivergence(1)), await local.add(aDivergence(2, Buffer.from([0, 255, 7])))];
      await PgStateStore.open(pg); // the state tables' own copier is tested with db migrate; here only the diff store's
      // Each side's own location of an order made at dualwrite: a copy after the move must still reach the service's.
      new OwnLocationStore(new SqliteSql(state.db), pino({ level: 'silent' })).save('svc', { answered: '/orders/17', other: '/orders/9001', params: [] });
      await new Promise((r) => setImmediate(r));

      const copied = await copyToPostgres(state.db, pg, [DIFF_STORE_COPIER]);
      expect(Object.fromEntries(copied.map((c) => [c.table, c.rows]))).toEqual({ comparisons: 5, comparison_fields: 3, endpoint_stats: 1,
        endpoint_fields: 2, comparison_minutes: 4, comparison_hours: 0, comparison_days: 0, divergences: 2, own_locations: 1 });
      expect(await new OwnLocationStore(pg, pino({ level: 'silent' })).find('svc', '/orders/17/note')).toEqual({ answered: '/orders/17', other: '/orders/9001', params: [] });

      const sqlite = new SqliteSql(state.db);
      const opts = { now: new Date(NOW), routes: ['catalog'] };
      const [fromFile, fromPg] = [await loadReport(sqlite, opts), await loadReport(pg, opts)];
      // Stage and last change live in the state tables, which this copy leaves to the state half.
      const comparable = (r: typeof fromFile) => r.routes.map(({ stage, lastChange, ...rest }) => rest);
      expect(comparable(fromPg)).toEqual(comparable(fromFile));
      expect(fromPg.routes[0].replicas).toEqual([{ replica: 'old-host', comparisons: 5 }]);
      expect((await loadEvidence(pg, 'catalog')).endpoints('catalog')).toEqual((await loadEvidence(sqlite, 'catalog')).endpoints('catalog'));
      const gate = await loadGateInput(sqlite, 'catalog', 'shadow', 'live');
      expect(gate).toMatchObject({ comparisons: 4, errors: 1 });
      expect(await loadGateInput(pg, 'catalog', 'shadow', 'live')).toEqual(gate);
      const shared = new DivergenceStore(pg, () => key);
      expect(await shared.list('inventory')).toEqual(await local.list('inventory'));
      expect((await shared.request('inventory', ids[1]))!.body).toEqual(Buffer.from([0, 255, 7]));

      // A replica writing next continues after the copied ids.
      await (await openDiffStoreWriter({ sqlite: null, pg }, undefined, 'new-replica')).write([aRecord()]);
      const next = await pg.get<{ id: number }>("SELECT id FROM comparisons WHERE replica = 'new-replica'");
      expect(next!.id).toBe(6);
      expect(await shared.add(aDivergence(3))).toBe(3);
      await expect(copyToPostgres(state.db, pg, [DIFF_STORE_COPIER])).rejects.toBeInstanceOf(MigrateTargetNotEmptyError);
    } finally {
      state.close();
      await pg.close();
    }
  });
});

describe('a SQLite diff store from before replicas were recorded (version 3)', () => {
  it('gains the replica column when a writer opens it: old comparisons count as "not recorded", new ones by their replica', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-v3-'));
    const state = new StateStore(path.join(dir, 'state.db'), () => new Date(NOW));
    try {
      // The version-3 comparisons table, as 0.1 releases made it, with one row.
      state.db.exec(`CREATE TABLE diff_store_version (version INTEGER NOT NULL); INSERT INTO diff_store_version VALUES (3);
        CREATE TABLE comparisons (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, route TEXT NOT NULL, endpoint TEXT NOT NULL,
          stage TEXT NOT NULL, kind TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, request_id TEXT, primary_side TEXT NOT NULL,
          primary_status INTEGER, shadow_status INTEGER, primary_ms REAL, shadow_ms REAL, outcome TEXT NOT NULL, reason TEXT,
          reasked INTEGER NOT NULL DEFAULT 0, self_fields TEXT, diff TEXT, detail TEXT);
        INSERT INTO comparisons (at, route, endpoint, stage, kind, method, path, primary_side, primary_status, shadow_status, outcome)
          VALUES ('${new Date(NOW - 120_000).toISOString()}', 'catalog', 'GET /api/products/:id', 'shadow', 'read', 'GET', '/api/products/0', 'monolith', 200, 200, 'match');`);
      const writer = await openDiffStoreWriter({ sqlite: state.db, pg: null }, undefined, 'host-a:3000');
      await writer.write([aRecord(), aRecord()]);
      expect(state.db.prepare('SELECT MAX(version) AS v FROM diff_store_version').get()).toEqual({ v: DIFF_STORE_VERSION });
      const r = (await loadReport(new SqliteSql(state.db), { now: new Date(NOW), routes: ['catalog'] })).routes[0];
      expect(r.total).toBe(3);
      expect(r.replicas).toEqual([{ replica: 'host-a:3000', comparisons: 2 }, { replica: null, comparisons: 1 }]);
    } finally {
      state.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
