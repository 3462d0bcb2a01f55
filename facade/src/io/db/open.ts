// One entry point for the state database, whichever engine holds it: a SQLite file path (the
// embedded default, `state.db`) or a postgres:// URL (several facade replicas sharing one state).
// Callers get the portable Sql interface plus the engine's own handle for engine-specific work.
import type Database from 'better-sqlite3';
import type { PgSql } from './pg-sql';
import { isPostgresUrl, pgSqlModule, redactUrl, type Engine, type Sql } from './sql';
import { openSqliteFile } from './sqlite-file';
import { SqliteSql } from './sqlite-sql';

export { DATABASE_URL_ENV, DatabaseLocationError, stateLocation } from './location';

export interface OpenedDatabase {
  readonly engine: Engine;
  /** The file path or URL it was opened from (print it with redactUrl). */
  readonly location: string;
  readonly sql: Sql;
  /** The better-sqlite3 connection (SQLite only), for the stores that still speak it directly. */
  readonly sqlite: Database.Database | null;
  /** The pool (PostgreSQL only): LISTEN connections, advisory-lock migrations. */
  readonly pg: PgSql | null;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** SQLite: make the file when it is missing (default true); false throws StateStoreMissingError. */
  readonly create?: boolean;
  /** PostgreSQL: shown as application_name (which replica holds a connection). */
  readonly applicationName?: string;
  /** PostgreSQL: pool size (default 10). */
  readonly poolMax?: number;
}

/** The database could not be reached or refused us; names the (password-redacted) URL. */
export class DatabaseUnreachableError extends Error {
  readonly code = 'STATE_DB_UNREACHABLE';
  constructor(readonly location: string, cause: unknown) {
    super(`cannot reach the state database ${redactUrl(location)}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'DatabaseUnreachableError';
  }
}

/** Opens the state database at `location`; a PostgreSQL one is checked with one round trip. */
export async function openDatabase(location: string, opts: OpenOptions = {}): Promise<OpenedDatabase> {
  if (!isPostgresUrl(location)) return openSqlite(location, opts);
  const pg = new (pgSqlModule().PgSql)(location, { max: opts.poolMax, applicationName: opts.applicationName });
  try {
    await pg.get('SELECT 1 AS one');
  } catch (err) {
    await pg.close().catch(() => undefined);
    throw new DatabaseUnreachableError(location, err);
  }
  return { engine: 'postgres', location, sql: pg, sqlite: null, pg, close: () => pg.close() };
}

/** The SQLite half of openDatabase, synchronous (for callers that cannot await). */
export function openSqlite(file: string, opts: OpenOptions = {}): OpenedDatabase {
  const db = openSqliteFile(file, opts.create !== false);
  const sql = new SqliteSql(db, true);
  return { engine: 'sqlite', location: file, sql, sqlite: db, pg: null, close: () => sql.close() };
}
