// `strangler db migrate --to postgres://…`: copies the SQLite state database (route states, the audit
// log, ignore rules, and what io/db/copiers.ts lists besides) into an empty PostgreSQL database, so
// several facade replicas can share it. The source may be in use by a running facade (one snapshot).
import fs from 'node:fs';
import { Option, type Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type Database from 'better-sqlite3';
import type { CopiedCount } from '../../facade/src/io/db/copy-to-pg';
import { isPostgresUrl, redactUrl } from '../../facade/src/io/db/sql';
import { CliError, EXIT_FAILED, globals, requireConfig, statePath, type CliDeps } from '../cli/context';
import { json, table } from '../cli/output';

function parsePostgresUrl(value: string): string {
  if (!isPostgresUrl(value) || !URL.canParse(value)) throw new InvalidArgumentError('must be a postgres://user@host:port/database URL.');
  return value;
}

/** The summary: rows per table, then what to do next. */
export function describeMigration(counts: readonly CopiedCount[], source: string, target: string, ms: number): string {
  const rows = counts.filter((c) => c.rows !== null).reduce((n, c) => n + c.rows!, 0);
  const body = table(counts, [
    { header: 'COMPONENT', cell: (c) => c.component },
    { header: 'TABLE', cell: (c) => c.table },
    { header: 'ROWS', cell: (c) => (c.rows === null ? '- (not in the source)' : c.rows.toLocaleString('en-US')), right: true },
  ]);
  return `${body}copied ${rows.toLocaleString('en-US')} rows from ${source} to ${redactUrl(target)} in ${(ms / 1000).toFixed(1)} s (one transaction)\n`
    + `next: set state.db (or STRANGLER_DATABASE_URL) to that URL on every replica and restart them; see docs/operations/replicas.md\n`;
}

export function registerMigrate(db: Command, deps: CliDeps): Command {
  return db.command('migrate')
    .description('copy the SQLite state database (stages, audit log, ignore rules, comparisons) into an empty PostgreSQL database')
    .addOption(new Option('--to <url>', 'the PostgreSQL database, postgres://user@host:port/database').argParser(parsePostgresUrl).makeOptionMandatory())
    .option('--json', 'print the rows copied per table as JSON')
    .addHelpText('after', `
Examples:
  $ strangler db migrate --to postgres://strangler@db.internal:5432/strangler
  $ strangler --db /var/lib/strangler/state.db db migrate --to "$STRANGLER_DATABASE_URL" --json`)
    .action(async (opts: { to: string; json?: boolean }, cmd: Command) => {
      const g = globals(cmd);
      if (g.admin !== undefined) throw new CliError('db migrate reads the state database file itself: run it where it lives, without --admin');
      const config = requireConfig(g, deps);
      const file = statePath(g, deps, config);
      if (isPostgresUrl(file)) throw new CliError(`the state is already in PostgreSQL (${redactUrl(file)}): name the SQLite file with --db`);
      if (!fs.existsSync(file)) throw new CliError(`state database ${file} does not exist (a typo in --db, STRANGLER_DB or state.db?)`);
      // The drivers and stores load only when the verb runs.
      const BetterSqlite = require('better-sqlite3') as typeof Database;
      const { PgSql } = require('../../facade/src/io/db/pg-sql') as typeof import('../../facade/src/io/db/pg-sql');
      const { copyToPostgres, MigrateTargetNotEmptyError } = require('../../facade/src/io/db/copy-to-pg') as typeof import('../../facade/src/io/db/copy-to-pg');
      const { COPIERS } = require('../../facade/src/io/db/copiers') as typeof import('../../facade/src/io/db/copiers');
      const source = new BetterSqlite(file, { readonly: true, fileMustExist: true });
      source.pragma('busy_timeout = 5000');
      const target = new PgSql(opts.to, { max: 2, applicationName: 'strangler db migrate' });
      const started = Date.now();
      try {
        const counts = await copyToPostgres(source, target, COPIERS);
        deps.stdout.write(opts.json ? json({ source: file, target: redactUrl(opts.to), tables: counts }) : describeMigration(counts, file, opts.to, Date.now() - started));
      } catch (err) {
        if (err instanceof MigrateTargetNotEmptyError) throw new CliError(err.message, EXIT_FAILED);
        if (err instanceof CliError) throw err;
        throw new CliError(`could not migrate to ${redactUrl(opts.to)}: ${(err as Error).message} (nothing was written)`, EXIT_FAILED);
      } finally {
        source.close();
        await target.close();
      }
    });
}
