// Each fact's copy of its comparison's columns (diff-store/fact-comparisons.ts), on a real SQLite
// file and a real PostgreSQL: the comparisons with facts read from the facts table alone equal
// those looked up in the comparisons table (a store from before the copies), for any window; a
// store migrated from before them gets them from its rows; the unified diffs still reach the report
// and the gate reads none.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ComparisonRecord, StoredComparison } from '../../src/core/comparison';
import { PgSql } from '../../src/io/db/pg-sql';
import type { Sql } from '../../src/io/db/sql';
import { SqliteSql } from '../../src/io/db/sqlite-sql';
import { FACT_COMPARISON_COLUMNS } from '../../src/io/diff-store/fact-comparisons';
import { openDiffStoreWriter } from '../../src/io/diff-store/open-writer';
import { migratePgDiffStore } from '../../src/io/diff-store/pg-schema';
import { loadComparisons, type ComparisonQuery } from '../../src/io/diff-store/queries';
import { migrateDiffStore } from '../../src/io/diff-store/schema';
import { routeFindings } from '../../src/io/findings-query';
import { describeWithPostgres, startPostgres, type TestPostgres } from '../helpers/postgres';

const START = Date.parse('2031-03-01T10:00:00.000Z');

/** Comparisons of two routes at two stages, a third with one to three differing fields, some with a diff and a self-check. */
function records(n: number): ComparisonRecord[] {
  const out: ComparisonRecord[] = [];
  for (let i = 0; i < n; i++) {
    const facts = i % 3 === 0 ? Array.from({ length: 1 + (i % 4 === 0 ? 2 : 0) }, (_, k) => ({
      path: `$.items[${k}].price`, field: k === 0 ? '$.items[*].price' : `$.f${k}`, kind: 'changed' as const,
      primary: `${i}.00`, shadow: `${i}.5`, primaryHash: `h${i % 5}`, generated: null, ...(i % 9 === 0 ? { echo: true } : {}),
    })) : [];
    out.push({
      at: new Date(START + i * 61_000).toISOString(), route: i % 5 === 0 ? 'orders' : 'catalog', endpoint: i % 2 ? 'GET /items/:id' : 'PUT /items/:id',
      stage: i < n / 2 ? 'shadow' : 'dualwrite', kind: i % 2 ? 'read' : 'write', method: i % 2 ? 'GET' : 'PUT', path: `/items/${i}?v=${i % 7}`,
      requestId: `r${i}`, primarySide: i % 4 === 0 ? 'service' : 'monolith', primaryStatus: 200, shadowStatus: 200, primaryMs: 3, shadowMs: 4,
      outcome: facts.length ? (i % 2 ? 'mismatch' : 'noise') : 'match', reason: i % 6 === 0 ? 'reasked_unstable' : null,
      facts, reasked: i % 6 === 0, selfFields: i % 12 === 0 ? ['$.items[*].price'] : [], diff: facts.length && i > n - 40 ? `-a ${i}\n+b ${i}` : '', detail: null,
    });
  }
  return out;
}

const QUERIES: ComparisonQuery[] = [
  { route: 'catalog' }, { route: 'orders' }, { route: 'catalog', stage: 'dualwrite' },
  { route: 'catalog', since: new Date(START + 100 * 61_000).toISOString(), stage: 'shadow' }, { route: 'catalog', limit: 7 },
];

const facts = (sql: Sql, q: ComparisonQuery, withDiffs?: boolean): Promise<StoredComparison[]> => loadComparisons(sql, { ...q, withFactsOnly: true, withDiffs });

interface Engine {
  /** A connection to the store the records went into. */
  readonly sql: Sql;
  /** A new connection after `statement` ran (so nothing the first one knew of the tables carries over). */
  reopenAfter(statement: string): Promise<Sql>;
  /** Makes the store one from before the copies (columns gone, version back) and migrates it as a writer does. */
  migrateFromOld(): Promise<Sql>;
  close(): Promise<void>;
}

function suite(open: (rs: readonly ComparisonRecord[]) => Promise<Engine>): void {
  const rs = records(240);
  let e: Engine;
  beforeEach(async () => { e = await open(rs); });
  afterEach(async () => { await e.close(); });

  it('read from the facts alone, equal the comparisons looked up by id in every window', async () => {
    const fromCopies = await Promise.all(QUERIES.map((q) => facts(e.sql, q)));
    expect(fromCopies[0]!.length).toBeGreaterThan(50);
    expect(fromCopies[0]!.filter((c) => c.diff !== null).length).toBeGreaterThan(5);
    expect(fromCopies[0]!.some((c) => c.reasked && c.selfFields.length > 0 && c.facts.some((f) => f.echo))).toBe(true);
    const byId = await e.reopenAfter(FACT_COMPARISON_COLUMNS.map(([n]) => `ALTER TABLE comparison_fields DROP COLUMN ${n}`).join('; '));
    for (const [i, q] of QUERIES.entries()) expect(await facts(byId, q)).toEqual(fromCopies[i]);
  });

  it('a store from before the copies gets them from its rows when migrated', async () => {
    const before = await Promise.all(QUERIES.map((q) => facts(e.sql, q)));
    const migrated = await e.migrateFromOld();
    expect(Number((await migrated.get<{ n: number }>('SELECT COUNT(*) AS n FROM comparison_fields WHERE outcome IS NULL OR at IS NULL'))!.n)).toBe(0);
    for (const [i, q] of QUERIES.entries()) expect(await facts(migrated, q)).toEqual(before[i]);
  });

  it('keep the diffs for the report, and the gate reads none', async () => {
    const withDiffs = await facts(e.sql, { route: 'catalog' });
    const without = await facts(e.sql, { route: 'catalog' }, false);
    expect(without.map((c) => c.diff)).toEqual(withDiffs.map(() => null));
    expect(without.map(({ diff, ...c }) => c)).toEqual(withDiffs.map(({ diff, ...c }) => c));
    const found = await routeFindings(e.sql, { route: 'catalog', stored: [] });
    const example = found.endpoints.flatMap((x) => x.fields).map((f) => f.example).find((x) => x && x.diff !== '');
    expect(example?.diff).toMatch(/^-a \d+\n\+b \d+$/);
  });
}

describe('facts with their comparison on SQLite', () => {
  let dir: string;
  beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-fact-copies-')); });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  suite(async (rs) => {
    const file = path.join(dir, `state-${++n}.db`);
    const db = new Database(file);
    const writer = await openDiffStoreWriter({ sqlite: db, pg: null });
    await writer.write(rs);
    const opened: Database.Database[] = [db];
    const connect = (): Sql => { const d = new Database(file); opened.push(d); return new SqliteSql(d, false); };
    return {
      sql: new SqliteSql(db, false),
      reopenAfter: async (statement) => { db.exec(statement); return connect(); },
      migrateFromOld: async () => {
        for (const [name] of FACT_COMPARISON_COLUMNS) db.exec(`ALTER TABLE comparison_fields DROP COLUMN ${name}`);
        db.exec('DELETE FROM diff_store_version; INSERT INTO diff_store_version (version) VALUES (5)');
        const d = new Database(file);
        opened.push(d);
        migrateDiffStore(d);
        return new SqliteSql(d, false);
      },
      close: async () => { for (const d of opened) d.close(); },
    };
  });
});

describeWithPostgres('facts with their comparison on PostgreSQL', () => {
  let cluster: TestPostgres;
  beforeAll(async () => { cluster = await startPostgres(); }, 60_000);
  afterAll(async () => { await cluster?.stop(); });
  suite(async (rs) => {
    const url = await cluster.createDatabase();
    const pg = new PgSql(url, { max: 2 });
    const writer = await openDiffStoreWriter({ sqlite: null, pg });
    await writer.write(rs);
    const pools: PgSql[] = [pg];
    const another = (): PgSql => { const o = new PgSql(url, { max: 2 }); pools.push(o); return o; };
    return {
      sql: pg,
      reopenAfter: async (statement) => { await pg.exec(statement); return another(); },
      migrateFromOld: async () => {
        await pg.exec(`${FACT_COMPARISON_COLUMNS.map(([name]) => `ALTER TABLE comparison_fields DROP COLUMN ${name}`).join('; ')};
          UPDATE strangler_schema SET version = 2 WHERE component = 'diff_store'`);
        const fresh = another(); // a new pool: the migration runs once per pool
        await migratePgDiffStore(fresh);
        return fresh;
      },
      close: async () => { for (const p of pools) await p.close(); },
    };
  });
});
