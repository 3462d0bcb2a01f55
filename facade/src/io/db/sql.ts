// One small async SQL interface over both engines, so that readers and writers whose SQL is
// portable (ON CONFLICT upserts, RETURNING, CTEs, substr/||) are written once. Placeholders are `?`
// in both; the PostgreSQL adapter numbers them. Engine-specific work (schema, pragmas, LISTEN)
// stays in each engine's own module (sqlite-sql.ts, pg-sql.ts).
import type { PgSql } from './pg-sql';

export type SqlValue = string | number | bigint | boolean | null | Buffer;

export type Engine = 'sqlite' | 'postgres';

export interface RunResult {
  readonly changes: number;
}

export interface Sql {
  readonly engine: Engine;
  /** Every row of a query. Column names come back as written (quote camelCase aliases). */
  all<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** The first row, or undefined. */
  get<T = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** A statement without rows (INSERT/UPDATE/DELETE). */
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
  /** A script of several statements without parameters (schema migrations). */
  exec(script: string): Promise<void>;
  /** Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The PostgreSQL pool itself (pg-sql.ts), not one of its connections inside a transaction, told
 * apart without loading node-postgres: a SQLite user's commands never load it (~55 ms of a start).
 */
export function isPgPool(sql: Sql): sql is PgSql {
  return sql.engine === 'postgres' && 'pool' in sql;
}

/** pg-sql.ts, loaded when a PostgreSQL URL is opened (see isPgPool). */
export function pgSqlModule(): typeof import('./pg-sql') {
  return require('./pg-sql') as typeof import('./pg-sql');
}

/** True for a database location that names PostgreSQL rather than a SQLite file. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** `?` placeholders numbered `$1…$n` for PostgreSQL, leaving quoted strings and identifiers alone. */
export function numberPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (quote) {
      if (c === quote) quote = null;
      out += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      out += c;
    } else if (c === '?') {
      out += `$${++n}`;
    } else {
      out += c;
    }
  }
  return out;
}

/** A URL safe to print: the password replaced. */
export function redactUrl(location: string): string {
  if (!isPostgresUrl(location)) return location;
  try {
    const u = new URL(location);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}
