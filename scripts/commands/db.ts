// `strangler db stats` (rows and bytes per table of the state database, and what each keeps) and
// `strangler db prune [--dry-run]` (the facade's retention pass, now: old minute counts rolled up,
// old comparisons deleted), on a SQLite file or a PostgreSQL state alike. Local only: they read the
// database itself, never the admin API. The drivers and stores load when a verb runs, not when the CLI starts.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type Database from 'better-sqlite3';
import type { FacadeConfig } from '../../facade/src/config';
import { keptBy, type RetentionPolicy } from '../../facade/src/core/retention';
import type { PgSql } from '../../facade/src/io/db/pg-sql';
import { isPostgresUrl, redactUrl, type Engine, type Sql } from '../../facade/src/io/db/sql';
import type { DbStats, TableStats } from '../../facade/src/io/db-stats';
import type { PgDbStats } from '../../facade/src/io/db-stats-pg';
import type { PruneSummary } from '../../facade/src/io/diff-store/retention';
import { CliError, EXIT_FAILED, globals, requireConfig, statePath, type CliDeps } from '../cli/context';
import { json, table, type Column } from '../cli/output';
import { visible } from '../cli/terminal';
import { registerMigrate } from './db-migrate';

const count = (n: number): string => n.toLocaleString('en-US');

/** Bytes as people read them: `812 B`, `4.0 KB`, `41.3 MB` (1 KB = 1024 B). */
export function bytes(n: number | null): string {
  if (n === null) return '?';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** The state database the verbs work on: a SQLite file (which must exist) or a postgres:// URL. */
interface Target { readonly engine: Engine; readonly location: string; readonly config: FacadeConfig }

/** The state database of the config (or --db / STRANGLER_DB / STRANGLER_DATABASE_URL). */
function target(cmd: Command, deps: CliDeps): Target {
  const g = globals(cmd);
  if (g.admin !== undefined) throw new CliError("db commands read the state database itself (the SQLite file, or PostgreSQL by its URL), not a facade's admin API: run them without --admin");
  const config = requireConfig(g, deps);
  const location = statePath(g, deps, config);
  if (isPostgresUrl(location)) return { engine: 'postgres', location, config };
  if (!fs.existsSync(location)) {
    throw new CliError(`state database ${location} does not exist (a typo in --db, STRANGLER_DB or state.db?): start the facade once, or run \`strangler init\``);
  }
  return { engine: 'sqlite', location, config };
}

/** How the output names the database: the file's name, or the URL with its password redacted. */
const nameOf = (t: Target): string => visible(t.engine === 'postgres' ? redactUrl(t.location) : path.basename(t.location));

/** Runs `fn` on the SQLite file, `readonly` for stats and dry runs. */
async function withSqlite<T>(t: Target, readonly: boolean, fn: (db: Database.Database) => T | Promise<T>): Promise<T> {
  const BetterSqlite = require('better-sqlite3') as typeof Database;
  const db = new BetterSqlite(t.location, { readonly, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000'); // a facade's batch write holds the lock for milliseconds
    return await fn(db);
  } finally {
    db.close();
  }
}

/** `host:port` of a postgres:// URL (the driver's defaults when left out), for error messages. */
function hostPort(url: string): string {
  const u = URL.canParse(url) ? new URL(url) : null;
  const host = u?.searchParams.get('host') ?? (u?.hostname || 'localhost');
  return `${host}:${u?.searchParams.get('port') ?? (u?.port || '5432')}`;
}

const reason = (err: unknown): string => (err as Error)?.message || (err as { code?: string })?.code || String(err);

/**
 * Runs `fn` on a pool of one connection to the PostgreSQL state, checked first with one round trip:
 * an unreachable server is one line naming host:port (password redacted). The pool is always closed,
 * so the CLI exits as soon as the verb is done.
 */
async function withPostgres<T>(t: Target, verb: string, fn: (pg: PgSql) => Promise<T>): Promise<T> {
  const { PgSql } = require('../../facade/src/io/db/pg-sql') as typeof import('../../facade/src/io/db/pg-sql');
  const pg = new PgSql(t.location, { max: 1, applicationName: `strangler db ${verb}` });
  try {
    try {
      await pg.get('SELECT 1 AS one');
    } catch (err) {
      throw new CliError(`cannot connect to the PostgreSQL state database at ${hostPort(t.location)} (${redactUrl(t.location)}): ${reason(err)}`, EXIT_FAILED);
    }
    try {
      return await fn(pg);
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw new CliError(`db ${verb} on ${redactUrl(t.location)} failed: ${reason(err)}`, EXIT_FAILED);
    }
  } finally {
    await pg.close().catch(() => undefined);
  }
}

/** A read-only transaction of one snapshot: what a dry run reads can't change anything. */
const readOnly = <T>(pg: PgSql, fn: (tx: Sql) => Promise<T>): Promise<T> => pg.transaction(async (tx) => {
  await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
  return fn(tx);
});

const statColumns = (config: FacadeConfig): readonly Column<TableStats>[] => [
  { header: 'TABLE', cell: (t) => t.table },
  { header: 'ROWS', cell: (t) => count(t.rows), right: true },
  { header: 'SIZE', cell: (t) => bytes(t.bytes), right: true },
  { header: 'KEPT', cell: (t) => keptBy(t.table, config.retention, config.diffStore) },
];

/** Under the SQLite table: the file's size and its free pages. */
function sqliteLines(s: DbStats): string[] {
  const name = visible(path.basename(s.file));
  const free = s.freePages * s.pageSize;
  const lines = [
    `${name}: ${bytes(s.fileBytes + s.walBytes)} on disk (database ${bytes(s.fileBytes)}, write-ahead log ${bytes(s.walBytes)});`
      + ` ${bytes(free)} of free pages, reused by new rows`,
  ];
  if (!s.dbstat) lines.push(`this SQLite has no dbstat table: sizes per table are unknown (${count(s.pages)} pages of ${count(s.pageSize)} B in all)`);
  return lines;
}

/** Under the PostgreSQL table: the database's size, the engine, and what the figures cover. */
function postgresLines(s: PgDbStats): string[] {
  const where = visible(s.location);
  const lines = [`${where}: PostgreSQL ${visible(s.server)}, database ${visible(s.database)} ${bytes(s.databaseBytes)} in all (pg_database_size, the system catalog included)`];
  if (s.schema === null) lines.push('no current schema (search_path names none that exists): no tables to list');
  else if (s.tables.length === 0) lines.push(`no tables in schema ${visible(s.schema)}: is this the facade's database? (the facade makes them when it first starts)`);
  else lines.push(`tables of schema ${visible(s.schema)}, sizes with their indexes and TOAST, rows counted exactly`);
  return lines;
}

/** The `db stats` text: the table, then the file's or database's size. */
export function describeStats(s: DbStats | PgDbStats, config: FacadeConfig): string {
  const lines = s.engine === 'postgres' ? postgresLines(s) : sqliteLines(s);
  return `${table(s.tables, statColumns(config), '(no tables)')}${lines.join('\n')}\n`;
}

const policyLine = (p: RetentionPolicy): string =>
  `minute counts ${p.minuteCountsDays} days, hour counts ${p.hourCountsDays} days, comparisons ${p.comparisonDays} days`;

/** The `db prune` text: one line per table that changed (or would); `name` is the file's name or the redacted URL. */
export function describePrune(s: PruneSummary, dryRun: boolean, p: RetentionPolicy, name: string, engine: Engine, ms: number): string {
  const verb = (did: string, would: string): string => (dryRun ? would : did);
  const lines = [`${verb('pruned', 'dry run of a prune of')} ${name} (retention: ${policyLine(p)})`];
  if (s.minuteRows > 0) {
    lines.push(`  comparison_minutes: ${count(s.minuteRows)} minute rows before ${s.cutoffs.minutesBefore} ${verb('rolled', 'would be rolled')} into hour counts (${count(s.hourRowsAdded)} new hour rows)`);
  }
  if (s.hourRows > 0) {
    lines.push(`  comparison_hours: ${count(s.hourRows)} hour rows before ${s.cutoffs.hoursBefore} ${verb('rolled', 'would be rolled')} into day counts (${count(s.dayRowsAdded)} new day rows)`);
  }
  if (s.comparisons > 0) {
    lines.push(`  comparisons: ${count(s.comparisons)} records before ${s.cutoffs.comparisonsBefore} ${verb('deleted', 'would be deleted')}, with ${count(s.facts)} field facts`);
  }
  if (s.minuteRows + s.hourRows + s.comparisons === 0) lines.push('  nothing to prune: every row is within its retention');
  const freed = engine === 'postgres'
    ? 'the space of deleted rows is reused by new rows once autovacuum has passed (the tables do not shrink)'
    : 'freed pages are reused by new rows (the file does not shrink)';
  if (dryRun) lines.push('  dry run: nothing changed (run without --dry-run to do it)');
  else if (s.batches > 0) lines.push(`  ${count(s.batches)} batches in ${(ms / 1000).toFixed(1)} s; outcome totals are unchanged; ${freed}`);
  return `${lines.join('\n')}\n`;
}

export function register(program: Command, deps: CliDeps): Command {
  const db = program
    .command('db')
    .description("the state database: rows and bytes per table, pruning by the config's retention, and moving it to PostgreSQL")
    .addHelpText('after', `
Examples:
  $ strangler db stats                        # rows, size and what is kept, per table
  $ strangler db stats --json
  $ strangler db prune --dry-run              # what the facade's next retention pass would roll up and delete
  $ strangler db prune                        # do it now (the facade does it every retention.intervalMs)
  $ strangler --db /var/lib/strangler/state.db db stats
  $ strangler --db postgres://strangler@db:5432/strangler db stats   # a PostgreSQL state (or STRANGLER_DATABASE_URL)
  $ strangler db migrate --to postgres://strangler@db:5432/strangler   # copy the state to PostgreSQL (replicas)`);

  db.command('stats')
    .description('rows and bytes per table (tables with their indexes), the size of the file or PostgreSQL database, and what each table keeps')
    .option('--json', 'print the figures as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const t = target(cmd, deps);
      const s: DbStats | PgDbStats = t.engine === 'postgres'
        ? await withPostgres(t, 'stats', (pg) => {
          const { pgDbStats } = require('../../facade/src/io/db-stats-pg') as typeof import('../../facade/src/io/db-stats-pg');
          return pgDbStats(pg, t.location);
        })
        : await withSqlite(t, true, (db) => {
          const { dbStats } = require('../../facade/src/io/db-stats') as typeof import('../../facade/src/io/db-stats');
          return dbStats(db);
        });
      const { retention, diffStore } = t.config;
      deps.stdout.write(opts.json
        ? json({ ...s, tables: s.tables.map((r) => ({ ...r, kept: keptBy(r.table, retention, diffStore) })), retention })
        : describeStats(s, t.config));
    });

  db.command('prune')
    .description("roll up old outcome counts and delete old comparisons now, as the facade's retention timer does")
    .option('--dry-run', 'count what would be rolled up and deleted; change nothing')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { dryRun?: boolean; json?: boolean }, cmd: Command) => {
      const dryRun = opts.dryRun === true;
      const t = target(cmd, deps);
      const { DiffStoreRetention } = require('../../facade/src/io/diff-store/retention') as typeof import('../../facade/src/io/diff-store/retention');
      const prune = async (sql: Sql): Promise<{ s: PruneSummary; ms: number }> => {
        const retention = new DiffStoreRetention(sql, t.config.retention);
        const started = Date.now();
        const s = dryRun ? await retention.plan(deps.now()) : await retention.runAll(deps.now());
        return { s, ms: Date.now() - started };
      };
      const { s, ms } = t.engine === 'postgres'
        // A dry run counts in a read-only transaction: PostgreSQL itself refuses any write in it.
        ? await withPostgres(t, 'prune', (pg) => (dryRun ? readOnly(pg, prune) : prune(pg)))
        : await withSqlite(t, dryRun, (db) => {
          const { SqliteSql } = require('../../facade/src/io/db/sqlite-sql') as typeof import('../../facade/src/io/db/sqlite-sql');
          return prune(new SqliteSql(db));
        });
      deps.stdout.write(opts.json
        ? json({ engine: t.engine, dryRun, ...s, ms })
        : describePrune(s, dryRun, t.config.retention, nameOf(t), t.engine, ms));
    });
  registerMigrate(db, deps);
  return db;
}
