// Retention on real SQLite files: a store from before retention (more than 130,000 minute rows)
// still gives a report; the rollup minute → hour → day keeps every outcome total and the timeline's
// span; old comparisons go with their facts; open divergences and the audit log survive; the
// facade's timer does the same off the request path.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { ComparisonRecord } from '../../src/core/comparison';
import { DEFAULT_RETENTION, type RetentionPolicy } from '../../src/core/retention';
import { DiffStoreRetention, type PruneSummary } from '../../src/io/diff-store/retention';
import { DiffStoreWriter } from '../../src/io/diff-store/writer';
import { DivergenceStore, type NewDivergence } from '../../src/io/divergence-store';
import { loadReport } from '../../src/io/report-query';
import { RetentionTimer } from '../../src/io/retention-timer';
import { StateStore } from '../../src/io/state-store';
import { sqlOf } from '../../src/io/db/sqlite-sql';
import { renderText } from '../../../scripts/report/text';
import { startTestFacade } from '../helpers/facade';

const NOW = new Date('2030-06-01T12:00:00.000Z');
const MINUTE = 60_000;
const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();

let dir: string;
let store: StateStore;
let db: Database.Database;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-retention-'));
  store = new StateStore(path.join(dir, 'state.db'), () => NOW);
  db = store.db;
  new DiffStoreWriter(db); // creates the diff store's tables
});

afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
function aRecord(at: number, over: Partial<ComparisonRecord> = {}): ComparisonRecord {
  seq++;
  return {
    at: iso(at), route: 'catalog', endpoint: 'GET /api/products/:id', stage: 'shadow', kind: 'read', method: 'GET', path: `/api/products/${seq}`,
    requestId: `r${seq}`, primarySide: 'monolith', primaryStatus: 200, shadowStatus: 200, primaryMs: 4, shadowMs: 5, outcome: 'match', reason: null,
    facts: [], reasked: false, selfFields: [], diff: '', detail: null, ...over,
  };
}

const aMismatch = (at: number): ComparisonRecord => aRecord(at, {
  outcome: 'mismatch', facts: [{ path: '$.price', field: '$.price', kind: 'changed', primary: 10, shadow: 11, primaryHash: 'p10', generated: null }],
});

/** Outcome totals per route over the three count tables (what a rollup must keep). */
function totals(): Record<string, number> {
  const rows = db.prepare(`SELECT route || ' ' || outcome AS k, SUM(count) AS n FROM (
    SELECT route, outcome, count FROM comparison_minutes UNION ALL SELECT route, outcome, count FROM comparison_hours
    UNION ALL SELECT route, outcome, count FROM comparison_days) GROUP BY k ORDER BY k`).all() as Array<{ k: string; n: number }>;
  return Object.fromEntries(rows.map((r) => [r.k, r.n]));
}

const rowsIn = (table: string): number => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;

describe('a store from before retention', () => {
  it('holding more than 130,000 minute rows gives a report whose timeline covers all 110 days, a point per day', async () => {
    // 110 days of one match row and, every tenth minute, one mismatch row, never rolled up.
    const insert = db.prepare('INSERT INTO comparison_minutes (route, minute, outcome, count) VALUES (?, ?, ?, ?)');
    const start = NOW.getTime() - 110 * DAY;
    db.transaction(() => {
      for (let t = start; t < NOW.getTime(); t += MINUTE) {
        const minute = iso(t).slice(0, 16);
        insert.run('catalog', minute, 'match', 3);
        if ((t / MINUTE) % 10 === 0) insert.run('catalog', minute, 'mismatch', 1);
      }
    })();
    new DiffStoreWriter(db).write([aRecord(NOW.getTime() - MINUTE), aMismatch(NOW.getTime() - MINUTE)]);
    expect(rowsIn('comparison_minutes')).toBeGreaterThan(130_000);

    const report = (await loadReport(sqlOf(db), { now: NOW, routes: ['catalog'] }));
    const timeline = report.routes[0].timeline;
    expect(timeline.bucketMinutes).toBe(1440);
    expect(timeline.points).toHaveLength(111); // 110 days from 12:00 touch 111 calendar days
    expect(timeline.points[0].start).toBe('2030-02-11T00:00');
    expect(timeline.points[timeline.points.length - 1].start).toBe('2030-06-01T00:00');
    const compared = timeline.points.reduce((n, p) => n + p.compared, 0);
    const mismatches = timeline.points.reduce((n, p) => n + p.mismatch, 0);
    expect(compared).toBe(110 * 1440 * 3 + 110 * 144 + 2);
    expect(mismatches).toBe(110 * 144 + 1);
    expect(timeline.points[1].mismatchRate).toBeCloseTo(144 / (1440 * 3 + 144), 6);
    // The retained records are reported beside the timeline, their differing field named.
    expect(report.routes[0].total).toBe(2);
    expect(report.routes[0].endpoints[0].fields.map((f) => f.field)).toEqual(['$.price']);
    expect(renderText(report, { color: false })).toMatch(/\$\.price/);
  });
});

describe('the rollup', () => {
  /** 110 days of traffic through the writer: a match every 20 minutes, a mismatch every 2 hours. */
  function writeHistory(): void {
    const writer = new DiffStoreWriter(db, { rowsPerRoute: 100_000, diffsPerRoute: 10 });
    const start = NOW.getTime() - 110 * DAY;
    let batch: ComparisonRecord[] = [];
    for (let t = start; t < NOW.getTime(); t += 20 * MINUTE) {
      batch.push(aRecord(t), aRecord(t + 1000, { route: 'inventory', endpoint: 'GET /api/inventory/:sku', outcome: 'error', reason: 'service_UPSTREAM_TIMEOUT' }));
      if ((t - start) % (120 * MINUTE) === 0) batch.push(aMismatch(t + 2000));
      if (batch.length >= 500) { writer.write(batch); batch = []; }
    }
    writer.write(batch);
  }

  it('rolls minutes older than 7 days into hours and hours older than 90 days into days, keeping every outcome total', async () => {
    writeHistory();
    const before = totals();
    const timelineBefore = (await loadReport(sqlOf(db), { now: NOW, routes: ['catalog'] })).routes[0].timeline;
    const minuteRows = rowsIn('comparison_minutes');

    // Small batches, so the pass takes many transactions and splits hours between them.
    const s = await new DiffStoreRetention(sqlOf(db), { ...DEFAULT_RETENTION, batchRows: 700 }).runAll(NOW);

    expect(totals()).toEqual(before);
    expect(s.batches).toBeGreaterThan(20);
    expect(s.minuteRows).toBe(minuteRows - rowsIn('comparison_minutes'));
    expect(s.cutoffs).toEqual({ minutesBefore: '2030-05-25T12:00', hoursBefore: '2030-03-03T00:00', comparisonsBefore: '2030-05-02T12:00:00.000Z' });
    const range = (table: string, key: string) => db.prepare(`SELECT MIN(${key}) AS lo, MAX(${key}) AS hi FROM ${table}`).get();
    expect(range('comparison_minutes', 'minute')).toEqual({ lo: '2030-05-25T12:00', hi: '2030-06-01T11:40' });
    expect(range('comparison_hours', 'hour')).toEqual({ lo: '2030-03-03T00:00', hi: '2030-05-25T11:00' });
    expect(range('comparison_days', 'day')).toEqual({ lo: '2030-02-11T00:00', hi: '2030-03-02T00:00' });
    // One row per route, key and outcome: batches that split an hour added to the same row.
    expect(db.prepare("SELECT COUNT(*) FROM comparison_hours WHERE route = 'catalog' AND hour = '2030-04-01T10:00'").pluck().get()).toBe(2);

    const timeline = (await loadReport(sqlOf(db), { now: NOW, routes: ['catalog'] })).routes[0].timeline;
    expect(timeline.bucketMinutes).toBe(timelineBefore.bucketMinutes);
    expect(timeline.points).toEqual(timelineBefore.points);
    expect(timeline.points[0].start).toBe('2030-02-11T00:00');
    expect(timeline.points[timeline.points.length - 1].start).toBe('2030-06-01T00:00');

    // A second pass finds nothing left to do.
    expect(await new DiffStoreRetention(sqlOf(db), DEFAULT_RETENTION).runAll(NOW)).toMatchObject({ minuteRows: 0, hourRows: 0, comparisons: 0, batches: 0 });
  });

  it('a report of the last two weeks reads hours and minutes together, at no finer a width than an hour', async () => {
    writeHistory();
    await new DiffStoreRetention(sqlOf(db), DEFAULT_RETENTION).runAll(NOW);
    const since = new Date(NOW.getTime() - 14 * DAY);
    const t = (await loadReport(sqlOf(db), { now: NOW, since, routes: ['catalog'] })).routes[0].timeline;
    expect(t.bucketMinutes).toBeGreaterThanOrEqual(60);
    expect(t.points[0].start).toBe('2030-05-18T12:00');
    // 14 days of a match every 20 minutes and a mismatch every 2 hours (hour rows from the window's start on).
    expect(t.points.reduce((n, p) => n + p.compared, 0)).toBe(14 * 72 + 14 * 12);
    expect(t.points.reduce((n, p) => n + p.mismatch, 0)).toBe(14 * 12);
  });

  it('deletes comparisons older than comparisonDays with their facts, and keeps the newer ones', async () => {
    writeHistory();
    const cutoff = iso(NOW.getTime() - 30 * DAY);
    const old = db.prepare('SELECT COUNT(*) FROM comparisons WHERE at < ?').pluck().get(cutoff) as number;
    const kept = db.prepare('SELECT COUNT(*) FROM comparisons WHERE at >= ?').pluck().get(cutoff) as number;
    const plan = await new DiffStoreRetention(sqlOf(db), DEFAULT_RETENTION).plan(NOW);
    const s = await new DiffStoreRetention(sqlOf(db), DEFAULT_RETENTION).runAll(NOW);
    expect(s.comparisons).toBe(old);
    expect(plan).toEqual({ ...s, batches: 0 }); // the dry run's figures are the real run's
    expect(rowsIn('comparisons')).toBe(kept);
    expect((db.prepare('SELECT MIN(at) FROM comparisons').pluck().get() as string) >= cutoff).toBe(true);
    // Facts went with their comparison; the newer mismatches keep theirs.
    expect(db.prepare('SELECT COUNT(*) FROM comparison_fields WHERE comparison_id NOT IN (SELECT id FROM comparisons)').pluck().get()).toBe(0);
    expect(rowsIn('comparison_fields')).toBe(30 * 12);
    // Noise evidence is lifetime: the endpoint still counts every comparison ever made.
    expect(db.prepare("SELECT comparisons FROM endpoint_stats WHERE route = 'catalog'").pluck().get()).toBe(110 * 72 + 110 * 12);
  });
});

describe('what retention keeps', () => {
  const aDivergence = (at: number, n: number): NewDivergence => ({
    at: iso(at), route: 'catalog', stage: 'dualwrite', requestId: `w${n}`, side: 'service', upstream: 'catalog', reason: 'second_write_status_503',
    path: `/api/products/${n}`, request: { method: 'PUT', target: `/api/products/${n}`, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"price":1}') },
    bodyBytes: 11, primaryStatus: 200, secondStatus: 503, secondError: null,
  });

  it('open divergences of any age and the whole audit log survive pruning', async () => {
    const key = randomBytes(32);
    const divergences = new DivergenceStore(sqlOf(db), () => key);
    const open: number[] = [];
    for (const [i, days] of [400, 200, 31].entries()) open.push(await divergences.add(aDivergence(NOW.getTime() - days * DAY, i)));
    const settled = await divergences.add(aDivergence(NOW.getTime() - 300 * DAY, 9));
    await divergences.settle(settled, { status: 'resolved', at: iso(NOW.getTime() - 299 * DAY), by: 'ana', reason: 'fixed by hand', attempted: false, outcome: null },
      { at: iso(NOW.getTime() - 299 * DAY), actor: 'ana', route: 'catalog', stage: 'dualwrite', reason: 'divergence resolved', details: { id: settled } });
    store.change({ route: 'catalog', stage: 'dualwrite', actor: 'ana', reason: 'service deployed', defaultStage: 'off' });
    const audit = store.history(undefined, 1000);
    new DiffStoreWriter(db).write([aRecord(NOW.getTime() - 200 * DAY)]);

    const s = await new DiffStoreRetention(sqlOf(db), DEFAULT_RETENTION).runAll(NOW);

    expect(s.comparisons).toBe(1);
    expect((await divergences.list('catalog', { status: 'open' })).map((d) => d.id)).toEqual(open);
    expect((await divergences.request('catalog', open[0]))?.body?.toString()).toBe('{"price":1}');
    expect((await divergences.get('catalog', settled))?.status).toBe('resolved');
    expect(store.history(undefined, 1000)).toEqual(audit);
  });
});

describe("the facade's retention timer", () => {
  const quiet = { info: () => undefined, warn: () => undefined };
  const policy: RetentionPolicy = { ...DEFAULT_RETENTION, batchRows: 500 };

  beforeEach(() => {
    // 50 hours of minute counts, ten days old: all before the 7-day cutoff.
    const insert = db.prepare('INSERT INTO comparison_minutes (route, minute, outcome, count) VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) insert.run('catalog', iso(NOW.getTime() - 10 * DAY + i * MINUTE).slice(0, 16), 'match', 2);
    })();
  });

  it('starts a pass by itself and reports it', async () => {
    const s = await new Promise<PruneSummary | null>((resolve) => {
      const timer = new RetentionTimer({ sql: sqlOf(db), policy, logger: quiet, now: () => NOW, onPass: (summary) => { timer.close(); resolve(summary); } });
      timer.start(0);
    });
    expect(s).toMatchObject({ minuteRows: 3000, hourRowsAdded: 50, batches: 6 });
    expect(totals()).toEqual({ 'catalog match': 6000 });
    expect(rowsIn('comparison_hours')).toBe(50);
  });

  it('lets other work run between its batches (one small transaction per event-loop turn)', async () => {
    const timer = new RetentionTimer({ sql: sqlOf(db), policy, logger: quiet, now: () => NOW });
    let turns = 0;
    let done = false;
    const tick = (): void => { if (!done) { turns++; setImmediate(tick); } };
    setImmediate(tick);
    const s = await timer.runNow();
    done = true;
    timer.close();
    expect(s?.batches).toBe(6);
    expect(turns).toBeGreaterThanOrEqual(5);
  });

  it('a pass stops before its next batch once closed, leaving every total intact', async () => {
    const timer = new RetentionTimer({ sql: sqlOf(db), policy, logger: quiet, now: () => NOW });
    const pass = timer.runNow();
    timer.close(); // after the first batch, before the second
    expect(await pass).toBeNull();
    expect(rowsIn('comparison_minutes')).toBe(2500);
    expect(totals()).toEqual({ 'catalog match': 6000 });
  });
});

describe('a running facade', () => {
  it("prunes its state database with the config's retention, on its own timer's code path, and stops it on close", async () => {
    const facade = await startTestFacade({
      monolith: { url: 'http://127.0.0.1:9' }, services: { catalog: { url: 'http://127.0.0.1:9' } },
      routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' }],
      retention: { minuteCountsDays: 2, hourCountsDays: 3, comparisonDays: 1 },
    });
    try {
      // Both old rows in one hour (a minute apart could straddle an hour boundary otherwise: one run in 60 failed).
      const old = Math.floor((Date.now() - 5 * DAY) / (60 * MINUTE)) * 60 * MINUTE + 10 * MINUTE;
      new DiffStoreWriter(facade.store.db).write([aRecord(old), aRecord(old + MINUTE), aRecord(Date.now())]);
      const s = await facade.retention!.runNow();
      // Five days old: past the minute and the hour bounds (rolled up to a day), past the comparison bound.
      expect(s).toMatchObject({ minuteRows: 2, hourRows: 1, dayRowsAdded: 1, comparisons: 2 });
      expect(facade.store.db.prepare('SELECT SUM(count) FROM comparison_days').pluck().get()).toBe(2);
    } finally {
      await facade.close();
    }
    expect(await facade.retention!.runNow()).toBeNull(); // closed with the facade: no pass touches the closed database
  });
});
