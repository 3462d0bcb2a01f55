// `strangler db stats` and `strangler db prune [--dry-run]` on a PostgreSQL state (a real throwaway
// cluster) holding 100 days of comparisons written through the PostgreSQL diff store's writer: the
// tables of our schema with rows and sizes, a dry run that changes nothing, a prune that rolls old
// minute counts into hours with every outcome total kept, and an unreachable server named in one line.
import pg from 'pg';
import type { ComparisonRecord } from '../../facade/src/core/comparison';
import { PgSql } from '../../facade/src/io/db/pg-sql';
import { PgDiffStoreWriter } from '../../facade/src/io/diff-store/pg-writer';
import { freePort } from '../../facade/test/helpers/net';
import { describeWithPostgres, startPostgres, type TestPostgres } from '../../facade/test/helpers/postgres';
import { aComparison, aMismatch, oneLine, workspace, type Workspace } from './helpers/cli';

const DAY = 86_400_000;
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A match every 30 minutes and a mismatch every 6 hours on catalog, for 100 days up to the CLI's clock (as cli-db.test.ts). */
async function writeHistory(url: string, end: Date): Promise<void> {
  const sql = new PgSql(url, { max: 2 });
  try {
    const writer = await PgDiffStoreWriter.open(sql);
    const records: ComparisonRecord[] = [];
    for (let t = end.getTime() - 100 * DAY; t < end.getTime(); t += 30 * 60_000) {
      records.push(aComparison({ at: new Date(t).toISOString() }));
      if (t % (6 * 3_600_000) === 0) records.push(aMismatch({ at: new Date(t + 1000).toISOString() }));
    }
    await writer.write(records);
  } finally {
    await sql.close();
  }
}

/** Runs `fn` on one connection of its own to `url`. */
async function onDb<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Every row of every table of the current schema, in a stable order: what "changes nothing" compares. */
const snapshot = (url: string): Promise<Record<string, string[]>> => onDb(url, async (c) => {
  const tables = (await c.query("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")).rows.map((r) => r.tablename as string);
  const out: Record<string, string[]> = {};
  for (const t of tables) out[t] = (await c.query(`SELECT row_to_json(x)::text AS j FROM "${t}" x`)).rows.map((r) => r.j as string).sort();
  return out;
});

/** Outcome totals per route over the three count tables (what a rollup must keep). */
const totals = (url: string): Promise<Record<string, number>> => onDb(url, async (c) => {
  const rows = (await c.query(`SELECT route || ' ' || outcome AS k, SUM(count)::int AS n FROM (
    SELECT route, outcome, count FROM comparison_minutes UNION ALL SELECT route, outcome, count FROM comparison_hours
    UNION ALL SELECT route, outcome, count FROM comparison_days) u GROUP BY 1 ORDER BY 1`)).rows as Array<{ k: string; n: number }>;
  return Object.fromEntries(rows.map((r) => [r.k, r.n]));
});

describeWithPostgres('strangler db stats and db prune on a PostgreSQL state', () => {
  let cluster: TestPostgres;
  let ws: Workspace;
  let url: string;
  /** The same database, with a password in the URL (trust auth ignores it): it must never be printed. */
  let withPassword: string;
  beforeAll(async () => { cluster = await startPostgres(); });
  afterAll(async () => { await cluster.stop(); });
  beforeEach(async () => {
    ws = workspace();
    url = await cluster.createDatabase();
    withPassword = url.replace('postgres://postgres@', 'postgres://postgres:s3cret@');
  });
  afterEach(() => ws.close());

  /** The CLI's own connections (application_name `strangler db …`) still open anywhere on the cluster. */
  const openCliConnections = (): Promise<number> => onDb(cluster.url, async (c) =>
    Number((await c.query("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name LIKE 'strangler db %'")).rows[0].n));

  it('db stats lists the tables of our schema with rows, size (with indexes and TOAST) and what each keeps, then the database size', async () => {
    await writeHistory(url, ws.now);
    expect((await ws.run(['--db', url, 'route', 'set', 'catalog', 'dualwrite', '--reason', 'deployed'])).code).toBe(0);
    // Another schema in the same database is not ours: it must not be listed.
    await onDb(url, (c) => c.query('CREATE SCHEMA other; CREATE TABLE other.big AS SELECT generate_series(1, 20000) AS n'));

    const r = await ws.run(['--db', withPassword, 'db', 'stats']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).not.toContain('s3cret');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['TABLE', 'ROWS', 'SIZE', 'KEPT']);
    const row = (table: string): string[] => lines.find((l) => l.startsWith(`${table} `))?.split(/\s{2,}/) ?? [];
    expect(row('comparisons')).toEqual(['comparisons', '5,200', expect.stringMatching(/^\d+\.\d (KB|MB)$/), 'newest 20,000 per route, 30 days; unified diff on the newest 500']);
    expect(row('comparison_fields').slice(0, 2)).toEqual(['comparison_fields', '400']);
    expect(row('comparison_minutes')).toEqual(['comparison_minutes', '5,200', expect.stringMatching(/^\d+\.\d (KB|MB)$/), '7 days, then per hour']);
    expect(row('comparison_hours').slice(0, 2)).toEqual(['comparison_hours', '0']);
    expect(row('audit_log')).toEqual(['audit_log', '1', expect.stringMatching(/^\d+\.\d KB$/), 'for ever']);
    expect(row('route_states').slice(0, 2)).toEqual(['route_states', '1']);
    expect(lines.some((l) => /^(big|pg_\w+) /.test(l))).toBe(false);
    const [dbLine, scopeLine] = lines.slice(-2);
    const shown = escape(url.replace('postgres://postgres@', 'postgres://postgres:***@'));
    const name = escape(url.split('/').pop()!);
    expect(dbLine).toMatch(new RegExp(`^${shown}: PostgreSQL 1\\d\\.\\d+, database ${name} \\d+\\.\\d MB in all \\(pg_database_size, the system catalog included\\)$`));
    expect(scopeLine).toBe('tables of schema public, sizes with their indexes and TOAST, rows counted exactly');
    expect(await openCliConnections()).toBe(0);
  });

  it('db stats --json gives the same figures: largest first, within the database size, password redacted', async () => {
    await writeHistory(url, ws.now);
    const r = await ws.run(['db', 'stats', '--json'], { env: { STRANGLER_DATABASE_URL: withPassword } });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({
      engine: 'postgres', location: url.replace('postgres://postgres@', 'postgres://postgres:***@'), schema: 'public', rowCounts: 'exact',
      retention: { minuteCountsDays: 7, hourCountsDays: 90, comparisonDays: 30 },
    });
    const comparisons = s.tables.find((t: { table: string }) => t.table === 'comparisons');
    expect(comparisons).toMatchObject({ rows: 5200, kept: expect.stringMatching(/^newest/) });
    // The table, its primary key and two more indexes: more than four 8 KB pages.
    expect(comparisons.bytes).toBeGreaterThan(4 * 8192);
    const sizes = s.tables.map((t: { bytes: number }) => t.bytes);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(sizes.reduce((n: number, b: number) => n + b, 0)).toBeLessThanOrEqual(s.databaseBytes);
    expect(r.stdout).not.toContain('s3cret');
    expect(await openCliConnections()).toBe(0);
  });

  it('db prune --dry-run changes nothing and counts what the prune then does: minutes rolled into hours, totals kept', async () => {
    await writeHistory(url, ws.now);
    const before = await snapshot(url);
    const totalsBefore = await totals(url);
    expect(totalsBefore).toEqual({ 'catalog match': 4800, 'catalog mismatch': 400 });

    const dry = await ws.run(['--db', withPassword, 'db', 'prune', '--dry-run']);
    expect(dry).toMatchObject({ code: 0, stderr: '' });
    expect(await snapshot(url)).toEqual(before);
    const shown = url.replace('postgres://postgres@', 'postgres://postgres:***@');
    // The same figures as on SQLite (cli-db.test.ts, docs/reference/cli.md) for the same history.
    expect(dry.stdout).toBe([
      `dry run of a prune of ${shown} (retention: minute counts 7 days, hour counts 90 days, comparisons 30 days)`,
      '  comparison_minutes: 4,836 minute rows before 2029-12-25T10:00 would be rolled into hour counts (2,604 new hour rows)',
      '  comparison_hours: 268 hour rows before 2029-10-03T00:00 would be rolled into day counts (20 new day rows)',
      '  comparisons: 3,640 records before 2029-12-02T10:00:00.000Z would be deleted, with 280 field facts',
      '  dry run: nothing changed (run without --dry-run to do it)',
      '',
    ].join('\n'));

    const planned = JSON.parse((await ws.run(['--db', url, 'db', 'prune', '--dry-run', '--json'])).stdout);
    expect(await snapshot(url)).toEqual(before);
    const done = await ws.run(['--db', url, 'db', 'prune', '--json']);
    expect(done).toMatchObject({ code: 0, stderr: '' });
    const s = JSON.parse(done.stdout);
    expect(s).toMatchObject({ engine: 'postgres', dryRun: false, minuteRows: 4836, hourRowsAdded: 2604, hourRows: 268, dayRowsAdded: 20, comparisons: 3640, facts: 280 });
    expect(s).toMatchObject({ minuteRows: planned.minuteRows, hourRowsAdded: planned.hourRowsAdded, hourRows: planned.hourRows,
      dayRowsAdded: planned.dayRowsAdded, comparisons: planned.comparisons, facts: planned.facts });

    expect(await totals(url)).toEqual(totalsBefore);
    const left = await onDb(url, async (c) => (await c.query(`SELECT
      (SELECT count(*)::int FROM comparison_minutes WHERE minute < '2029-12-25T10:00') AS "oldMinutes",
      (SELECT count(*)::int FROM comparison_minutes) AS minutes,
      (SELECT count(*)::int FROM comparison_hours WHERE hour < '2029-10-03T00:00') AS "oldHours",
      (SELECT count(*)::int FROM comparison_days) AS days,
      (SELECT count(*)::int FROM comparisons) AS comparisons,
      (SELECT count(*)::int FROM comparison_fields) AS facts`)).rows[0]);
    expect(left).toEqual({ oldMinutes: 0, minutes: 7 * 52, oldHours: 0, days: 20, comparisons: 30 * 52, facts: 30 * 4 });

    const stats = JSON.parse((await ws.run(['--db', url, 'db', 'stats', '--json'])).stdout);
    const rows = Object.fromEntries(stats.tables.map((t: { table: string; rows: number }) => [t.table, t.rows]));
    expect(rows).toMatchObject({ comparison_minutes: 364, comparison_days: 20, comparisons: 1560 });
    const again = await ws.run(['--db', url, 'db', 'prune']);
    expect(again.stdout).toMatch(/^ {2}nothing to prune: every row is within its retention$/m);
    expect(await openCliConnections()).toBe(0);
  });

  it('an empty database (not the facade\'s?) is said so, and a dry run there creates nothing', async () => {
    const stats = await ws.run(['--db', url, 'db', 'stats']);
    expect(stats).toMatchObject({ code: 0, stderr: '' });
    expect(stats.stdout).toMatch(/^\(no tables\)$/m);
    expect(stats.stdout).toMatch(/^no tables in schema public: is this the facade's database\?/m);
    const dry = await ws.run(['--db', url, 'db', 'prune', '--dry-run']);
    expect(dry.stdout).toMatch(/^ {2}nothing to prune: every row is within its retention$/m);
    expect(await snapshot(url)).toEqual({});
  });
});

describe('db stats and db prune on an unreachable PostgreSQL', () => {
  let ws: Workspace;
  beforeEach(() => { ws = workspace(); });
  afterEach(() => ws.close());

  it.each([
    ['db stats, --db URL', ['db', 'stats'], 'db'],
    ['db prune --dry-run, STRANGLER_DATABASE_URL', ['db', 'prune', '--dry-run'], 'env'],
    ['db prune, --db URL', ['db', 'prune', '--json'], 'db'],
  ] as const)('%s: one line naming host:port, password redacted, exit 1', async (_what, argv, via) => {
    const port = await freePort(); // nothing listens there
    const url = `postgres://nobody:s3cret@127.0.0.1:${port}/none`;
    const r = via === 'db' ? await ws.run(['--db', url, ...argv]) : await ws.run([...argv], { env: { STRANGLER_DATABASE_URL: url } });
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(oneLine(r.stderr)).toBe(
      `error: cannot connect to the PostgreSQL state database at 127.0.0.1:${port} (postgres://nobody:***@127.0.0.1:${port}/none): connect ECONNREFUSED 127.0.0.1:${port}`);
  });
});
