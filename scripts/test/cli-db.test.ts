// `strangler db stats` and `strangler db prune [--dry-run]` against a real state database holding
// 100 days of comparisons written through the diff store's writer: every table listed with its
// rows and size, a dry run that changes nothing and says what the prune then does.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DiffStoreWriter } from '../../facade/src/io/diff-store/writer';
import type { ComparisonRecord } from '../../facade/src/core/comparison';
import { aComparison, aMismatch, oneLine, workspace, type Workspace } from './helpers/cli';

let ws: Workspace;
beforeEach(() => (ws = workspace()));
afterEach(() => ws.close());

const DAY = 86_400_000;

/** A match every 30 minutes and a mismatch every 6 hours on catalog, for `days` days up to the CLI's clock. */
function writeHistory(days: number): void {
  const db = new Database(ws.db);
  const writer = new DiffStoreWriter(db);
  const end = ws.now.getTime();
  const records: ComparisonRecord[] = [];
  for (let t = end - days * DAY; t < end; t += 30 * 60_000) {
    records.push(aComparison({ at: new Date(t).toISOString() }));
    if (t % (6 * 3_600_000) === 0) records.push(aMismatch({ at: new Date(t + 1000).toISOString() }));
  }
  writer.write(records);
  db.close();
}

/** Every table's rows, in order: what "changes nothing" compares. */
function snapshot(): Record<string, unknown[]> {
  const db = new Database(ws.db, { readonly: true });
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  // Every row of every table, in one order (sorted as text: a WITHOUT ROWID table has no rowid to order by).
  const out = Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}"`).all().map((r) => JSON.stringify(r)).sort()]));
  db.close();
  return out;
}

describe('db stats', () => {
  it('lists every table with its rows, size and what it keeps, then the file size', async () => {
    writeHistory(100);
    await ws.run(['route', 'set', 'catalog', 'dualwrite', '--reason', 'deployed']);
    const r = await ws.run(['db', 'stats']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['TABLE', 'ROWS', 'SIZE', 'KEPT']);
    const row = (table: string): string[] => lines.find((l) => l.startsWith(`${table} `))?.split(/\s{2,}/) ?? [];
    const tables = ['comparisons', 'comparison_fields', 'comparison_minutes', 'comparison_hours', 'comparison_days', 'endpoint_stats',
      'endpoint_fields', 'audit_log', 'route_states', 'ignore_rules', 'diff_store_version'];
    for (const t of tables) expect(row(t)).toHaveLength(4);
    expect(row('comparisons').slice(0, 2)).toEqual(['comparisons', '5,200']);
    expect(row('comparisons')[2]).toMatch(/^\d+\.\d (KB|MB)$/);
    expect(row('comparisons')[3]).toBe('newest 20,000 per route, 30 days; unified diff on the newest 500');
    expect(row('comparison_minutes')[3]).toBe('7 days, then per hour');
    expect(row('audit_log').slice(0, 2)).toEqual(['audit_log', '1']);
    expect(lines[lines.length - 1]).toMatch(/^state\.db: \d+\.\d (KB|MB) on disk \(database .*, write-ahead log .*\); .* of free pages, reused by new rows$/);
  });

  it('--json gives rows and bytes of every table (tables with their indexes) and the retention in force', async () => {
    writeHistory(2);
    const s = JSON.parse((await ws.run(['db', 'stats', '--json'])).stdout);
    expect(s).toMatchObject({ dbstat: true, pageSize: 4096, retention: { minuteCountsDays: 7, hourCountsDays: 90, comparisonDays: 30 } });
    const comparisons = s.tables.find((t: { table: string }) => t.table === 'comparisons');
    expect(comparisons).toMatchObject({ rows: 2 * 48 + 8, kept: expect.stringMatching(/^newest/) });
    // The table and its two indexes take at least three pages.
    expect(comparisons.bytes).toBeGreaterThanOrEqual(3 * 4096);
    const sum = s.tables.reduce((n: number, t: { bytes: number }) => n + t.bytes, 0);
    expect(sum).toBeLessThanOrEqual(s.pages * s.pageSize);
  });
});

describe('db prune', () => {
  it('--dry-run changes nothing and says what a prune would do; the prune then does exactly that', async () => {
    writeHistory(100);
    const before = snapshot();
    const dry = await ws.run(['db', 'prune', '--dry-run']);
    expect(dry).toMatchObject({ code: 0, stderr: '' });
    expect(snapshot()).toEqual(before);
    expect(dry.stdout).toMatch(/^dry run of a prune of state\.db \(retention: minute counts 7 days, hour counts 90 days, comparisons 30 days\)$/m);
    expect(dry.stdout).toMatch(/^ {2}comparison_minutes: [\d,]+ minute rows before 2029-12-25T10:00 would be rolled into hour counts \([\d,]+ new hour rows\)$/m);
    expect(dry.stdout).toMatch(/^ {2}comparison_hours: [\d,]+ hour rows before 2029-10-03T00:00 would be rolled into day counts \([\d,]+ new day rows\)$/m);
    expect(dry.stdout).toMatch(/^ {2}comparisons: [\d,]+ records before 2029-12-02T10:00:00\.000Z would be deleted, with [\d,]+ field facts$/m);
    expect(dry.stdout).toMatch(/^ {2}dry run: nothing changed/m);

    const planned = JSON.parse((await ws.run(['db', 'prune', '--dry-run', '--json'])).stdout);
    const done = JSON.parse((await ws.run(['db', 'prune', '--json'])).stdout);
    expect(done).toMatchObject({ dryRun: false, minuteRows: planned.minuteRows, hourRowsAdded: planned.hourRowsAdded, hourRows: planned.hourRows,
      dayRowsAdded: planned.dayRowsAdded, comparisons: planned.comparisons, facts: planned.facts });
    expect(done.minuteRows).toBeGreaterThan(0);
    expect(snapshot()).not.toEqual(before);
    expect((await ws.run(['db', 'prune'])).stdout).toMatch(/nothing to prune: every row is within its retention/);
  });

  it('keeps the report: the same outcome totals over the same days before and after a prune', async () => {
    writeHistory(100);
    const timeline = async (): Promise<Array<{ start: string; compared: number; mismatch: number }>> =>
      JSON.parse((await ws.run(['report', 'catalog', '--json'])).stdout).routes[0].timeline.points;
    const before = await timeline();
    expect((await ws.run(['db', 'prune'])).code).toBe(0);
    expect(await timeline()).toEqual(before);
    expect(before[0].start).toBe('2029-09-23T00:00');
  });
});

describe('db errors', () => {
  it.each([
    ['through --admin', ['--admin', 'http://127.0.0.1:1', 'db', 'stats'], /^error: db commands read the state database itself \(the SQLite file, or PostgreSQL by its URL\), not a facade's admin API: run them without --admin$/],
    ['a missing database', ['--db', 'nope.db', 'db', 'prune'], /^error: state database .*nope\.db does not exist/],
    ['an unknown verb', ['db', 'vacuum'], /unknown command 'vacuum'/],
  ])('%s: one line, exit 2', async (_what, argv, message) => {
    const r = await ws.run(argv);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toMatch(message);
    expect(fs.existsSync(path.join(ws.dir, 'nope.db'))).toBe(false);
  });
});
