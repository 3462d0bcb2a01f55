// `strangler db stats` (rows and bytes per table of the state database, and what each keeps) and
// `strangler db prune [--dry-run]` (the facade's retention pass, now: old minute counts rolled up,
// old comparisons deleted). Local only: they read the database file, never the admin API.
// better-sqlite3 and the stores load when a verb runs, not when the CLI starts.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type Database from 'better-sqlite3';
import type { FacadeConfig } from '../../facade/src/config';
import { keptBy, type RetentionPolicy } from '../../facade/src/core/retention';
import type { DbStats, TableStats } from '../../facade/src/io/db-stats';
import type { PruneSummary } from '../../facade/src/io/diff-store/retention';
import { CliError, globals, requireConfig, statePath, type CliDeps } from '../cli/context';
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

interface Opened { db: Database.Database; file: string; config: FacadeConfig }

/** The state database of the config (or --db / STRANGLER_DB), which must exist; `readonly` for stats and dry runs. */
function open(cmd: Command, deps: CliDeps, readonly: boolean): Opened {
  const g = globals(cmd);
  if (g.admin !== undefined) throw new CliError('db commands read the state database file itself: run them where it lives, without --admin');
  const config = requireConfig(g, deps);
  const file = statePath(g, deps, config);
  if (!fs.existsSync(file)) {
    throw new CliError(`state database ${file} does not exist (a typo in --db, STRANGLER_DB or state.db?): start the facade once, or run \`strangler init\``);
  }
  const BetterSqlite = require('better-sqlite3') as typeof Database;
  const db = new BetterSqlite(file, { readonly, fileMustExist: true });
  db.pragma('busy_timeout = 5000'); // a facade's batch write holds the lock for milliseconds
  return { db, file, config };
}

async function withDb<T>(cmd: Command, deps: CliDeps, readonly: boolean, fn: (o: Opened) => T | Promise<T>): Promise<T> {
  const o = open(cmd, deps, readonly);
  try {
    return await fn(o);
  } finally {
    o.db.close();
  }
}

const statColumns = (o: Opened): readonly Column<TableStats>[] => [
  { header: 'TABLE', cell: (t) => t.table },
  { header: 'ROWS', cell: (t) => count(t.rows), right: true },
  { header: 'SIZE', cell: (t) => bytes(t.bytes), right: true },
  { header: 'KEPT', cell: (t) => keptBy(t.table, o.config.retention, o.config.diffStore) },
];

/** The `db stats` text: the table, then the file's size and its free pages. */
export function describeStats(s: DbStats, o: Opened): string {
  const name = visible(path.basename(s.file));
  const free = s.freePages * s.pageSize;
  const lines = [
    `${name}: ${bytes(s.fileBytes + s.walBytes)} on disk (database ${bytes(s.fileBytes)}, write-ahead log ${bytes(s.walBytes)});`
      + ` ${bytes(free)} of free pages, reused by new rows`,
  ];
  if (!s.dbstat) lines.push(`this SQLite has no dbstat table: sizes per table are unknown (${count(s.pages)} pages of ${count(s.pageSize)} B in all)`);
  return `${table(s.tables, statColumns(o), '(no tables)')}${lines.join('\n')}\n`;
}

const policyLine = (p: RetentionPolicy): string =>
  `minute counts ${p.minuteCountsDays} days, hour counts ${p.hourCountsDays} days, comparisons ${p.comparisonDays} days`;

/** The `db prune` text: one line per table that changed (or would). */
export function describePrune(s: PruneSummary, dryRun: boolean, p: RetentionPolicy, file: string, ms: number): string {
  const verb = (did: string, would: string): string => (dryRun ? would : did);
  const lines = [`${verb('pruned', 'dry run of a prune of')} ${visible(path.basename(file))} (retention: ${policyLine(p)})`];
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
  if (dryRun) lines.push('  dry run: nothing changed (run without --dry-run to do it)');
  else if (s.batches > 0) lines.push(`  ${count(s.batches)} batches in ${(ms / 1000).toFixed(1)} s; outcome totals are unchanged; freed pages are reused by new rows (the file does not shrink)`);
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
  $ strangler db migrate --to postgres://strangler@db:5432/strangler   # copy the state to PostgreSQL (replicas)`);

  db.command('stats')
    .description('rows and bytes per table (tables with their indexes), the file size, and what each table keeps')
    .option('--json', 'print the figures as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withDb(cmd, deps, true, (o) => {
        const { dbStats } = require('../../facade/src/io/db-stats') as typeof import('../../facade/src/io/db-stats');
        const s = dbStats(o.db);
        deps.stdout.write(opts.json
          ? json({ ...s, tables: s.tables.map((t) => ({ ...t, kept: keptBy(t.table, o.config.retention, o.config.diffStore) })), retention: o.config.retention })
          : describeStats(s, o));
      });
    });

  db.command('prune')
    .description("roll up old outcome counts and delete old comparisons now, as the facade's retention timer does")
    .option('--dry-run', 'count what would be rolled up and deleted; change nothing')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { dryRun?: boolean; json?: boolean }, cmd: Command) => {
      const dryRun = opts.dryRun === true;
      await withDb(cmd, deps, dryRun, async (o) => {
        const { DiffStoreRetention } = require('../../facade/src/io/diff-store/retention') as typeof import('../../facade/src/io/diff-store/retention');
        const { SqliteSql } = require('../../facade/src/io/db/sqlite-sql') as typeof import('../../facade/src/io/db/sqlite-sql');
        const retention = new DiffStoreRetention(new SqliteSql(o.db), o.config.retention);
        const started = Date.now();
        const s = dryRun ? await retention.plan(deps.now()) : await retention.runAll(deps.now());
        const ms = Date.now() - started;
        deps.stdout.write(opts.json ? json({ dryRun, ...s, ms }) : describePrune(s, dryRun, o.config.retention, o.file, ms));
      });
    });
  registerMigrate(db, deps);
  return db;
}
