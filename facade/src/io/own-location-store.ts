// The pairs of each side's own location for what a write created (core/own-location.ts), kept in
// the state database beside the facade's memory: a copy sent after a restart, by another worker of a
// `--workers` facade, or by another replica on PostgreSQL reaches the record the other side made,
// where it went as the client sent it (a 404 there, a divergence replay could not repair either).
// Saving never holds a request: it runs after the write's answer and a failure is logged, the pair
// kept in memory. A copy's target is looked up here only when memory has none for it, its path has an
// id-like segment, and the database has pairs for that upstream at all.
import type { Logger } from 'pino';
import { isPgPool, type Sql } from './db/sql';
import { SqliteSql } from './db/sqlite-sql';
import { migratePgDiffStore } from './diff-store/pg-schema';
import { hasIdSegment, pathPrefixes } from '../core/own-location';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS own_locations (
  upstream   TEXT NOT NULL,
  answered   TEXT NOT NULL,
  other      TEXT NOT NULL,
  params     TEXT NOT NULL,
  learned_at TEXT NOT NULL,
  PRIMARY KEY (upstream, answered)
);
CREATE INDEX IF NOT EXISTS own_locations_by_age ON own_locations(upstream, learned_at);
`;

/** One stored pair: the answering side's path, the other side's, and the query values it replaces. */
export interface StoredPair { readonly answered: string; readonly other: string; readonly params: readonly (readonly [string, string])[] }

/** Pairs kept per upstream; past it the oldest go (a create API taking a million orders a day keeps about three days' ids). */
const KEEP_PER_UPSTREAM = 2_000_000;
/** A save in `PRUNE_EVERY` also removes an upstream's pairs past KEEP_PER_UPSTREAM. */
const PRUNE_EVERY = 5000;
/** How long "the database has no pairs for this upstream" is believed before asking again. */
const NONE_FOR_MS = 2000;
/** How long a path found in no pair is not looked up again (a read of `/orders/17` repeated by a client). */
const MISS_FOR_MS = 1000;
const MAX_MISSES = 10_000;
/** While serving, a lookup waits at most this long for another process's SQLite lock (a save never waits: it is tried again). */
const BUSY_MS = 200;
/** How often pairs that could not be stored are tried again, and how many wait at most. */
const RETRY_MS = 1000;
const MAX_UNSAVED = 20_000;

interface UnsavedPair { readonly upstream: string; readonly pair: StoredPair; readonly at: string }

export class OwnLocationStore {
  private made: Promise<void> | null = null;
  private readonly some = new Map<string, boolean | number>(); // upstream → true, or when "none" was last seen
  private readonly misses = new Map<string, number>();
  private saves = 0;
  private readonly unsaved: UnsavedPair[] = [];
  private retryTimer: NodeJS.Timeout | null = null;
  private lastWarned = 0;

  constructor(private readonly sql: Sql, private readonly logger: Logger) {
    // On SQLite the table is made now, at start: made later, on the event loop, it would wait out
    // another connection's write lock (the comparison writer's) with every request behind it.
    if (sql instanceof SqliteSql) {
      try { sql.db.exec(SCHEMA); this.made = Promise.resolve(); } catch { /* made (or reported) by the first call */ }
    }
  }

  private get ready(): Promise<void> {
    // A failed migration (the database away) is tried again by the next call, not kept.
    this.made ??= (isPgPool(this.sql) ? migratePgDiffStore(this.sql) : this.sql.exec(SCHEMA)).catch((err: unknown) => {
      this.made = null;
      throw err;
    });
    return this.made;
  }

  private quick<T>(fn: () => Promise<T>, busyMs = BUSY_MS): Promise<T> {
    return this.sql instanceof SqliteSql ? this.sql.waitingAtMost(busyMs, fn) : fn();
  }

  /**
   * Keeps a pair learned from one write's two answers (upsert: the same resource answered again
   * replaces it). A save that fails (another process's SQLite lock, the database away) waits in
   * memory and is tried again, oldest first, every RETRY_MS: it never waits for a lock on the event
   * loop (hostile19: under a 6 s lock each create stalled 200 ms, and 3 of 8 pairs were lost).
   */
  save(upstream: string, pair: StoredPair): void {
    this.some.set(upstream, true);
    const row = { upstream, pair, at: new Date().toISOString() };
    if (this.unsaved.length > 0) { this.queue(row); return; } // after those waiting, in order
    void this.write(row).catch((err: unknown) => {
      this.warn(err, 'a pair of own locations could not be stored yet; kept in memory and tried again');
      this.queue(row);
    });
  }

  private async write(row: UnsavedPair): Promise<void> {
    await this.ready;
    await this.quick(() => this.sql.run(
      `INSERT INTO own_locations (upstream, answered, other, params, learned_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (upstream, answered) DO UPDATE SET other = excluded.other, params = excluded.params, learned_at = excluded.learned_at`,
      [row.upstream, row.pair.answered, row.pair.other, JSON.stringify(row.pair.params), row.at]), 0);
    if (++this.saves % PRUNE_EVERY === 0) await this.prune(row.upstream);
  }

  private queue(row: UnsavedPair): void {
    this.unsaved.push(row);
    if (this.unsaved.length > MAX_UNSAVED) this.unsaved.shift(); // the oldest still pair in this process's memory
    this.retryTimer ??= setTimeout(() => { this.retryTimer = null; void this.retry(); }, RETRY_MS).unref();
  }

  private async retry(): Promise<void> {
    while (this.unsaved.length > 0) {
      try {
        await this.write(this.unsaved[0]!);
      } catch {
        this.retryTimer ??= setTimeout(() => { this.retryTimer = null; void this.retry(); }, RETRY_MS).unref();
        return;
      }
      this.unsaved.shift();
    }
  }

  /** Pairs learned but not stored yet. */
  get waiting(): number {
    return this.unsaved.length;
  }

  /** At shutdown: one last try for the pairs waiting (those it cannot store are logged); no more retries. */
  async close(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.unsaved.length > 0) await this.retry();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.unsaved.length > 0) this.logger.warn({ pairs: this.unsaved.length }, 'pairs of own locations not stored at shutdown: copies of later requests there go as the client sent them');
  }

  /**
   * The stored pair whose answering path is `path` or the longest prefix of it, when there may be
   * one; undefined otherwise (and on a database error: the copy goes as the client sent it); null
   * when there is nothing to look up.
   */
  find(upstream: string, path: string): Promise<StoredPair | undefined> | null {
    // Answered at once (null: nothing to look up) for most copies: no id in the path, or no pairs.
    if (!hasIdSegment(path)) return null;
    const now = Date.now();
    const missed = this.misses.get(`${upstream}\u0000${path}`);
    if (missed !== undefined && now - missed < MISS_FOR_MS) return null;
    const known = this.some.get(upstream);
    if (typeof known === 'number' && now - known < NONE_FOR_MS) return null;
    return this.lookUp(upstream, path, now);
  }

  private async lookUp(upstream: string, path: string, now: number): Promise<StoredPair | undefined> {
    try {
      if (!(await this.any(upstream, now))) return undefined;
      const prefixes = pathPrefixes(path);
      const row = await this.quick(() => this.sql.get<{ answered: string; other: string; params: string }>(
        `SELECT answered, other, params FROM own_locations WHERE upstream = ? AND answered IN (${prefixes.map(() => '?').join(', ')})
         ORDER BY length(answered) DESC LIMIT 1`, [upstream, ...prefixes]));
      if (row === undefined) {
        this.misses.delete(`${upstream}\u0000${path}`);
        this.misses.set(`${upstream}\u0000${path}`, now);
        if (this.misses.size > MAX_MISSES) this.misses.delete(this.misses.keys().next().value!);
        return undefined;
      }
      return { answered: row.answered, other: row.other, params: JSON.parse(row.params) as [string, string][] };
    } catch (err) {
      this.warn(err, 'own locations could not be read from the state database; copies go as the client sent them until it answers');
      return undefined;
    }
  }

  /** Whether the database has any pair for `upstream`: true once seen, "none" believed for NONE_FOR_MS. */
  private async any(upstream: string, now: number): Promise<boolean> {
    const known = this.some.get(upstream);
    if (known === true) return true;
    if (typeof known === 'number' && now - known < NONE_FOR_MS) return false;
    this.some.set(upstream, now); // the copies sent while this is asked do not ask it too
    await this.ready;
    const found = (await this.quick(() => this.sql.get('SELECT 1 AS one FROM own_locations WHERE upstream = ? LIMIT 1', [upstream]))) !== undefined;
    if (found) this.some.set(upstream, true);
    return found || this.some.get(upstream) === true; // a pair saved here meanwhile
  }

  private async prune(upstream: string): Promise<void> {
    await this.sql.run(
      `DELETE FROM own_locations WHERE upstream = ? AND learned_at < (
         SELECT learned_at FROM own_locations WHERE upstream = ? ORDER BY learned_at DESC LIMIT 1 OFFSET ${KEEP_PER_UPSTREAM})`, [upstream, upstream]);
  }

  private warn(err: unknown, message: string): void {
    const now = Date.now();
    if (now - this.lastWarned < 60_000) return;
    this.lastWarned = now;
    this.logger.warn({ err: (err as Error).message }, message);
  }
}
