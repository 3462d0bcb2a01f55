// The Sql interface over a node-postgres pool. A statement text run again becomes a named prepared
// statement on the connection that runs it (pg caches it per client), so the hot INSERTs are
// parsed once per connection; one-off texts (a batch's odd-sized tail) stay unnamed, and the
// number of names is bounded, so no connection collects plans without end. BIGINT/NUMERIC come back as numbers when they fit (counts, ids).
import { returnNavigator } from './pg-first'; // before pg: see there
import pg from 'pg';
import { numberPlaceholders, type RunResult, type Sql, type SqlValue } from './sql';

returnNavigator();

// COUNT(*) and SUM() are BIGINT/NUMERIC in PostgreSQL: readers expect numbers, as from SQLite.
pg.types.setTypeParser(20, (v) => (Number.isSafeInteger(Number(v)) ? Number(v) : v)); // int8
pg.types.setTypeParser(1700, (v) => Number(v)); // numeric
pg.types.setTypeParser(700, (v) => Number(v)); // float4
pg.types.setTypeParser(701, (v) => Number(v)); // float8

interface Statement { readonly text: string; name?: string }
const statements = new Map<string, Statement>();
let named = 0;
const MAX_NAMED = 200;
const MAX_KNOWN = 2000;

/** The text with numbered placeholders, named from its second run on (up to MAX_NAMED names). */
function statementFor(sql: string): Statement {
  let st = statements.get(sql);
  if (!st) {
    if (statements.size >= MAX_KNOWN) for (const [k, v] of statements) if (!v.name) { statements.delete(k); break; }
    st = { text: numberPlaceholders(sql) };
    statements.set(sql, st);
  } else if (!st.name && named < MAX_NAMED) {
    st.name = `s${++named}`;
  }
  return st;
}

type Queryable = pg.Pool | pg.PoolClient;

async function query<T>(on: Queryable, sql: string, params: readonly SqlValue[] | undefined): Promise<pg.QueryResult<T & pg.QueryResultRow>> {
  const { text, name } = statementFor(sql);
  return on.query<T & pg.QueryResultRow>({ name, text, values: params ? [...params] : [] });
}

class PgClientSql implements Sql {
  readonly engine = 'postgres' as const;
  /**
   * The last statement asked for: one connection runs one statement at a time, so callers may ask
   * for several at once (a reader overlapping its work on one answer with the next statement) and
   * they run in turn, each sent as soon as the one before it is done (node-postgres deprecates
   * queueing them on the client itself).
   */
  private turn: Promise<unknown> = Promise.resolve();
  /** The pool this connection came from (what it knows of the database holds for the pool too). */
  constructor(private readonly client: pg.PoolClient, readonly owner: PgSql) {}
  private next<R>(run: () => Promise<R>): Promise<R> {
    const p = this.turn.then(run);
    this.turn = p.catch(() => undefined);
    return p;
  }
  /** Resolves once every statement asked for has finished (the connection can be handed back). */
  settled(): Promise<void> { return this.turn.then(() => undefined); }
  async all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> { return (await this.next(() => query<T>(this.client, sql, params))).rows; }
  async get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> { return (await this.next(() => query<T>(this.client, sql, params))).rows[0]; }
  async run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> { return { changes: (await this.next(() => query(this.client, sql, params))).rowCount ?? 0 }; }
  async exec(script: string): Promise<void> { await this.next(() => this.client.query(script)); }
  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> { return fn(this); } // already inside one
  async close(): Promise<void> { /* the pool owns the client */ }
}

export interface PgSqlOptions {
  /** Connections in the pool (default 10). */
  readonly max?: number;
  /** Reported as application_name, so DBAs see which replica holds a connection. */
  readonly applicationName?: string;
}

export class PgSql implements Sql {
  readonly engine = 'postgres' as const;
  readonly pool: pg.Pool;

  constructor(readonly url: string, opts: PgSqlOptions = {}) {
    this.pool = new pg.Pool({
      connectionString: url, max: opts.max ?? 10, application_name: opts.applicationName ?? 'strangler',
      connectionTimeoutMillis: 5000, idleTimeoutMillis: 30_000,
    });
    // An idle client losing its connection (database restart) must not crash the process.
    this.pool.on('error', () => undefined);
  }

  async all<T>(sql: string, params?: readonly SqlValue[]): Promise<T[]> { return (await query<T>(this.pool, sql, params)).rows; }
  async get<T>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> { return (await query<T>(this.pool, sql, params)).rows[0]; }
  async run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> { return { changes: (await query(this.pool, sql, params)).rowCount ?? 0 }; }

  async exec(script: string): Promise<void> { await this.pool.query(script); }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx = new PgClientSql(client, this);
    try {
      await client.query('BEGIN');
      const out = await fn(tx);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await tx.settled(); // statements still running when fn failed early
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * Runs `fn`'s reads in one read-only snapshot (every read sees the same moment), with the planner
   * told that a random read costs little more than a sequential one: what readers ask for is
   * recent and in shared buffers, and at the default (4×) PostgreSQL scanned a whole 90-day table
   * rather than read the newest 5,000 rows by index (84 → 12 ms for that read on a fresh connection).
   */
  async snapshot<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let tx: PgClientSql | undefined;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL random_page_cost = 1.1');
      tx = new PgClientSql(client, this);
      return await fn(tx);
    } finally {
      await tx?.settled(); // statements still running when fn failed early
      await client.query('COMMIT').catch(() => undefined); // read-only: nothing to keep or undo
      client.release();
    }
  }

  /** A dedicated connection outside the pool (LISTEN needs one that stays open). */
  async dedicated(): Promise<pg.Client> {
    // A bounded connect and TCP keep-alive: a database host that vanished is noticed, not waited on for minutes.
    const client = new pg.Client({ connectionString: this.url, application_name: 'strangler-listen', connectionTimeoutMillis: 5000, keepAlive: true });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  async close(): Promise<void> { await this.pool.end(); }
}

/**
 * Runs `migrate` once per database even when several replicas start at the same moment: the
 * first takes a transaction-scoped advisory lock, the others wait for it and then find the
 * schema at the current version.
 */
export async function migrateUnderLock(sql: PgSql, lockKey: number, migrate: (tx: Sql) => Promise<void>): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.run('SELECT pg_advisory_xact_lock(?)', [lockKey]);
    await migrate(tx);
  });
}
