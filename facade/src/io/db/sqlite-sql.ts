// The Sql interface over a better-sqlite3 connection. Statements are synchronous underneath, so a
// transaction whose body awaits only this adapter runs to its end before any other I/O callback.
import type Database from 'better-sqlite3';
import type { RunResult, Sql, SqlValue } from './sql';

const asArgs = (params: readonly SqlValue[] | undefined): unknown[] =>
  (params ?? []).map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));

export class SqliteSql implements Sql {
  readonly engine = 'sqlite' as const;
  private readonly statements = new Map<string, Database.Statement>();
  private depth = 0;

  constructor(readonly db: Database.Database, private readonly owned = false) {}

  private statement(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, st);
    }
    return st;
  }

  async all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.statement(sql).all(...asArgs(params)) as T[];
  }

  async get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    const st = this.statement(sql);
    // A statement that writes (INSERT … RETURNING) runs to its end: get() steps once and resets, and
    // better-sqlite3 drops the error of the commit that reset does, so on a full disk the id came back
    // for a row that was never stored (a divergence logged as stored, then gone).
    if (!st.readonly) return st.all(...asArgs(params))[0] as T | undefined;
    return st.get(...asArgs(params)) as T | undefined;
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
    const r = this.statement(sql).run(...asArgs(params));
    return { changes: r.changes };
  }

  /**
   * Runs `fn` (statements of this adapter, which run at once) waiting at most `ms` for another
   * connection's lock, then puts the connection's own busy timeout back.
   */
  waitingAtMost<T>(ms: number, fn: () => Promise<T>): Promise<T> {
    const own = this.db.pragma('busy_timeout', { simple: true }) as number;
    if (ms >= own) return fn();
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(ms))}`);
    try {
      return fn(); // its statements ran before it returned its promise
    } finally {
      this.db.pragma(`busy_timeout = ${own}`);
    }
  }

  async exec(script: string): Promise<void> {
    this.db.exec(script);
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    // Nested calls join the outer transaction (SQLite has one per connection).
    if (this.depth > 0) return fn(this);
    this.db.exec('BEGIN IMMEDIATE');
    this.depth++;
    try {
      const out = await fn(this);
      this.db.exec('COMMIT');
      return out;
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw err;
    } finally {
      this.depth--;
    }
  }

  async close(): Promise<void> {
    if (this.owned && this.db.open) this.db.close();
  }
}

const shared = new WeakMap<Database.Database, SqliteSql>();

/**
 * The Sql view of a connection opened elsewhere (the state store's), one per connection so its
 * prepared statements are reused; closing it leaves the connection open.
 */
export function sqlOf(db: Database.Database): SqliteSql {
  let sql = shared.get(db);
  if (!sql) {
    sql = new SqliteSql(db);
    shared.set(db, sql);
  }
  return sql;
}
