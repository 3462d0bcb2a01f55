// The gate's counts per stage and day (diff-store/stage-hours.ts), on a real SQLite file and a
// real PostgreSQL: whatever the writers add, trims and the retention pass delete (taken off the
// counts), or a migration finds, the table equals a GROUP BY of the comparisons kept (no group
// left at zero), and the gate read through it gives
// exactly what a pass over every row of its window gives, with the stage beginning mid-day.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ComparisonRecord } from '../../src/core/comparison';
import { DEFAULT_RETENTION } from '../../src/core/retention';
import { PgSql } from '../../src/io/db/pg-sql';
import type { Sql } from '../../src/io/db/sql';
import { SqliteSql } from '../../src/io/db/sqlite-sql';
import { openDiffStoreWriter } from '../../src/io/diff-store/open-writer';
import { migratePgDiffStore } from '../../src/io/diff-store/pg-schema';
import { DiffStoreRetention } from '../../src/io/diff-store/retention';
import { ANSWERS_SQL } from '../../src/io/diff-store/stage-hours';
import type { ComparisonWriter, DiffStoreLimits } from '../../src/io/diff-store/writer';
import { loadGateInput } from '../../src/io/gate-input';
import { PgStateStore } from '../../src/io/pg-state-store';
import type { RouteStateStore } from '../../src/io/state-api';
import { StateStore } from '../../src/io/state-store';
import { describeWithPostgres, startPostgres, type TestPostgres } from '../helpers/postgres';

interface Engine {
  readonly sql: Sql;
  readonly state: RouteStateStore;
  writer(limits?: DiffStoreLimits): Promise<ComparisonWriter>;
  /** A second connection that has never seen the counts table (the gate then groups the rows). */
  rawReader(): Promise<Sql>;
  /** Makes the store look like one from before the counts (table gone, version back) and opens a writer, which migrates it. */
  reopenAsOld(): Promise<ComparisonWriter>;
  /** Makes the counts look as a version-6 (SQLite) / version-3 (PostgreSQL) store kept them, per hour, and opens a writer, which migrates it. */
  reopenCountedPerHour(): Promise<ComparisonWriter>;
  close(): Promise<void>;
}

const START = Date.parse('2030-06-01T08:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A deterministic mix of what real windows hold: stages, endpoints, every outcome, reasons naming sides, 5xx, missing answers. */
function records(n: number, seed: number, spanMs = 5 * HOUR): ComparisonRecord[] {
  let x = seed;
  const pick = <T>(xs: readonly T[]): T => { x = (x * 1_103_515_245 + 12_345) % 2_147_483_648; return xs[x % xs.length]!; };
  const out: ComparisonRecord[] = [];
  for (let i = 0; i < n; i++) {
    const kind = pick(['match', 'match', 'match', 'mismatch', 'noise', 'timeout', 'reset', 'fallback', 'sample', 'divergence', '5xx'] as const);
    const at = new Date(START + Math.floor((i / n) * spanMs) + pick([0, 0, 0, -400_000, 90_000])).toISOString(); // five hours unless told, a little out of order
    const base: ComparisonRecord = {
      at, route: pick(['catalog', 'catalog', 'orders']), endpoint: pick(['GET /a/:id', 'GET /b', 'POST /c']), stage: pick(['shadow', 'shadow', 'dualwrite']),
      kind: 'read', method: 'GET', path: `/a/${i}`, requestId: `r${seed}-${i}`, primarySide: pick(['monolith', 'monolith', 'service']),
      primaryStatus: 200, shadowStatus: 200, primaryMs: pick([3, 4, 9]), shadowMs: pick([4, 5, 30]), outcome: 'match', reason: null,
      facts: [], reasked: false, selfFields: [], diff: '', detail: null,
    };
    const over: Partial<ComparisonRecord> = {
      match: {}, mismatch: { outcome: 'mismatch' as const }, noise: { outcome: 'noise' as const },
      timeout: { outcome: 'error' as const, reason: 'service_UPSTREAM_TIMEOUT', shadowStatus: null, shadowMs: 5000 },
      reset: { outcome: 'error' as const, reason: 'monolith_UPSTREAM_RESET', primaryStatus: null, primaryMs: null },
      fallback: { outcome: 'skipped' as const, reason: 'fallback', shadowStatus: null, shadowMs: null },
      sample: { outcome: 'skipped' as const, reason: 'noise_sample' },
      divergence: { outcome: 'divergence' as const, kind: 'write' as const, method: 'POST', shadowStatus: 503, reason: 'second_write_status_503' },
      '5xx': { primaryStatus: 502 },
    }[kind];
    out.push({ ...base, ...over });
  }
  return out;
}

/** The counts table, and the same groups counted from the rows, both in one order. */
async function countsAndRows(sql: Sql): Promise<{ counts: unknown[]; rows: unknown[] }> {
  const order = 'ORDER BY route, stage, hour, endpoint, outcome, reason, primary_side, answers';
  const counts = await sql.all(`SELECT route, stage, hour, endpoint, outcome, reason, primary_side, answers, count FROM stage_hours ${order}`);
  const rows = await sql.all(`SELECT route, stage, substr(at, 1, 10) AS hour, endpoint, outcome, COALESCE(reason, '') AS reason, primary_side,
    ${ANSWERS_SQL} AS answers, COUNT(*) AS count FROM comparisons GROUP BY 1, 2, 3, 4, 5, 6, 7, 8 ${order}`);
  const plain = (rs: unknown[]): unknown[] => rs.map((r) => Object.fromEntries(Object.entries(r as object).map(([k, v]) => [k, typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v])));
  return { counts: plain(counts), rows: plain(rows) };
}

/** The counts as diff store versions 5 and 6 kept them: per hour. */
const PER_HOUR = `DELETE FROM stage_hours; INSERT INTO stage_hours (route, stage, hour, endpoint, outcome, reason, primary_side, answers, count)
  SELECT route, stage, substr(at, 1, 13), endpoint, outcome, COALESCE(reason, ''), primary_side, ${ANSWERS_SQL}, COUNT(*) FROM comparisons GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;

async function writeAll(w: ComparisonWriter, rs: readonly ComparisonRecord[], batch: number): Promise<void> {
  for (let i = 0; i < rs.length; i += batch) await w.write(rs.slice(i, i + batch));
}

function suite(open: () => Promise<Engine>): void {
  let e: Engine;
  beforeEach(async () => { e = await open(); });
  afterEach(async () => { await e.close(); });

  it('equal a GROUP BY of the rows kept after batches, trims to the row limit and the retention pass', async () => {
    const w = await e.writer({ rowsPerRoute: 300, diffsPerRoute: 20 });
    await writeAll(w, records(1500, 7), 40);
    const { counts, rows } = await countsAndRows(e.sql);
    expect(Number((await e.sql.get<{ n: number }>('SELECT COUNT(*) AS n FROM comparisons'))!.n)).toBeLessThan(1500); // trimmed
    expect(counts.length).toBeGreaterThan(20);
    expect(counts).toEqual(rows);

    // The retention pass deletes comparisons older than its cutoff, mid-hour: 1 day of rows kept, "now" set so the cutoff falls at 10:30.
    const policy = { ...DEFAULT_RETENTION, comparisonDays: 1, batchRows: 25 };
    const summary = await new DiffStoreRetention(e.sql, policy).runAll(new Date(START + 2.5 * HOUR + 86_400_000));
    expect(summary.comparisons).toBeGreaterThan(0);
    const after = await countsAndRows(e.sql);
    expect(after.counts).toEqual(after.rows);
  });

  it('give the gate exactly what a pass over every row of its window gives, the stage having begun mid-day', async () => {
    const w = await e.writer({ rowsPerRoute: 5000, diffsPerRoute: 20 });
    await writeAll(w, records(900, 11, 5 * DAY), 50); // five days
    const entered = await e.state.change({ route: 'catalog', stage: 'shadow', force: true, actor: 'test', defaultStage: 'off' });
    await e.sql.run('UPDATE audit_log SET at = ? WHERE id = ?', [new Date(START + 2.4 * DAY).toISOString(), entered.id]);
    // The two whole days after the one the stage began in come from the counts, kept per day.
    const days = await e.sql.all<{ day: string }>("SELECT DISTINCT hour AS day FROM stage_hours WHERE route = 'catalog' ORDER BY 1");
    expect(days.map((d) => d.day).filter((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d))).toEqual([]);
    expect(days.map((d) => d.day)).toEqual(expect.arrayContaining(['2030-06-03', '2030-06-04', '2030-06-05']));
    const tallied = await loadGateInput(e.sql, 'catalog', 'shadow', 'live');
    const raw = await loadGateInput(await e.rawReader(), 'catalog', 'shadow', 'live');
    expect(tallied.since).toBe('2030-06-03T17:36:00.000Z');
    expect(tallied.comparisons).toBeGreaterThan(50);
    expect(tallied.errors).toBeGreaterThan(0);
    expect(tallied).toEqual(raw);
  });

  it("give the gate each side's answer times by the rule of who answered what (fallbacks: the monolith's only)", async () => {
    const w = await e.writer();
    const rs = records(700, 5).map((r, i) => (i % 7 === 0 ? { ...r, primaryMs: 12.345678901234567 + i, shadowMs: i % 2 ? null : 0.1 + 0.2 } : r));
    await writeAll(w, rs, 100);
    const got = await loadGateInput(e.sql, 'catalog', 'shadow', 'live');
    const expected: Record<'service' | 'monolith', number[]> = { service: [], monolith: [] };
    for (const r of rs.filter((x) => x.route === 'catalog' && x.stage === 'shadow' && x.reason !== 'noise_sample')) {
      const primary = r.reason === 'fallback' || r.primarySide !== 'service' ? 'monolith' : 'service';
      if (r.primaryMs !== null) expected[primary].push(r.primaryMs);
      if (r.shadowMs !== null && r.reason !== 'fallback') expected[primary === 'service' ? 'monolith' : 'service'].push(r.shadowMs);
    }
    const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);
    expect(expected.service.length).toBeGreaterThan(50);
    expect(sorted(got.service.latenciesMs ?? [])).toEqual(sorted(expected.service)); // exact: no digit lost on the way
    expect(sorted(got.monolith.latenciesMs ?? [])).toEqual(sorted(expected.monolith));
  });

  it('are counted from the rows already there when an older store is migrated', async () => {
    await writeAll(await e.writer(), records(400, 3), 100);
    const w = await e.reopenAsOld();
    const { counts, rows } = await countsAndRows(e.sql);
    expect(counts.length).toBeGreaterThan(20);
    expect(counts).toEqual(rows);
    await w.write(records(50, 4)); // and kept from there on
    const later = await countsAndRows(e.sql);
    expect(later.counts).toEqual(later.rows);
  });

  it('are counted per day again when a store that counted them per hour is migrated', async () => {
    await writeAll(await e.writer(), records(400, 9, 3 * DAY), 100);
    const w = await e.reopenCountedPerHour();
    const { counts, rows } = await countsAndRows(e.sql);
    expect(counts.length).toBeGreaterThan(20);
    expect(counts).toEqual(rows);
    await w.write(records(50, 6));
    const later = await countsAndRows(e.sql);
    expect(later.counts).toEqual(later.rows);
  });
}

describe('gate counts per stage and day on SQLite', () => {
  let dir: string;
  let n = 0;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-stage-hours-')); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  suite(async () => {
    const state = new StateStore(path.join(dir, `state-${++n}.db`), () => new Date(START));
    const sql = new SqliteSql(state.db);
    return {
      sql, state,
      writer: (limits) => openDiffStoreWriter({ sqlite: state.db, pg: null }, limits),
      rawReader: async () => { state.db.exec('ALTER TABLE stage_hours RENAME TO stage_hours_away'); return new SqliteSql(state.db); },
      reopenAsOld: async () => {
        state.db.exec('DROP TABLE stage_hours; DELETE FROM diff_store_version WHERE version >= 5');
        return openDiffStoreWriter({ sqlite: state.db, pg: null });
      },
      reopenCountedPerHour: async () => {
        state.db.exec(`${PER_HOUR}; DELETE FROM diff_store_version WHERE version >= 7`);
        return openDiffStoreWriter({ sqlite: state.db, pg: null });
      },
      close: async () => state.close(),
    };
  });
});

describeWithPostgres('gate counts per stage and day on PostgreSQL', () => {
  let cluster: TestPostgres;
  beforeAll(async () => { cluster = await startPostgres(); }, 60_000);
  afterAll(async () => { await cluster?.stop(); });
  suite(async () => {
    const url = await cluster.createDatabase();
    const pg = new PgSql(url, { max: 4 });
    const state = await PgStateStore.open(pg, () => new Date(START));
    const others: PgSql[] = [];
    const another = (): PgSql => { const o = new PgSql(url, { max: 2 }); others.push(o); return o; };
    return {
      sql: pg, state,
      writer: (limits) => openDiffStoreWriter({ sqlite: null, pg }, limits),
      rawReader: async () => { await pg.run('ALTER TABLE stage_hours RENAME TO stage_hours_away'); return another(); },
      reopenAsOld: async () => {
        await pg.exec("DROP TABLE stage_hours; UPDATE strangler_schema SET version = 1 WHERE component = 'diff_store'");
        const fresh = another(); // a new pool: the migration runs once per pool
        await migratePgDiffStore(fresh);
        return openDiffStoreWriter({ sqlite: null, pg: fresh });
      },
      reopenCountedPerHour: async () => {
        await pg.exec(`${PER_HOUR}; UPDATE strangler_schema SET version = 3 WHERE component = 'diff_store'`);
        const fresh = another();
        await migratePgDiffStore(fresh);
        return openDiffStoreWriter({ sqlite: null, pg: fresh });
      },
      close: async () => { for (const o of others) await o.close(); await pg.close(); },
    };
  });

  it('a snapshot runs statements asked for at once in turn, and one failing leaves the connection usable', async () => {
    const pg = new PgSql(await cluster.createDatabase(), { max: 1 });
    // How many statements the connection was given at once (node-postgres deprecates more than one).
    let running = 0;
    let most = 0;
    pg.pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...a: unknown[]) => Promise<unknown>;
      (client as unknown as { query: (...a: unknown[]) => unknown }).query = (...a: unknown[]) => {
        if (typeof a[a.length - 1] === 'function') return query(...a); // the pool's own callback calls
        most = Math.max(most, ++running);
        return query(...a).finally(() => { running--; });
      };
    });
    try {
      const values = await pg.snapshot((tx) => Promise.all([1, 2, 3, 4].map((n) => tx.get<{ n: number }>(`SELECT ${n} AS n, pg_sleep(0.01)`))));
      expect(values.map((v) => v?.n)).toEqual([1, 2, 3, 4]);
      await expect(pg.snapshot((tx) => Promise.all([tx.get('SELECT 1 AS one'), tx.get('SELECT * FROM no_such_table'), tx.get('SELECT pg_sleep(0.05)')])))
        .rejects.toThrow(/no_such_table/);
      // The one connection went back to the pool out of its transaction.
      expect(await pg.get<{ n: number }>('SELECT 7 AS n')).toEqual({ n: 7 });
      expect(most).toBe(1);
    } finally {
      await pg.close();
    }
  });
});
