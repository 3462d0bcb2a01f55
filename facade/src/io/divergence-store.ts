// The divergence store: every write the second side missed (failed, answered >= 400, or not sent),
// with the exact request to repair it, in its own table of the state database. Comparison retention
// never touches it; an unresolved divergence is never evicted, only settled ones (repaired/resolved) are.
// The target, headers and body are sealed (io/divergence-seal.ts); listings show only what is not secret.
// One class over both engines (the Sql interface): the SQLite table is made here, the PostgreSQL one
// by the diff store's migrations (io/diff-store/pg-schema.ts); claims and settles are single
// conditional UPDATEs, so two replicas (or an operator and a replica) never both send one repair.
import type { Side } from '../core/stages';
import { isPgPool, type Sql, type SqlValue } from './db/sql';
import { SqliteSql } from './db/sqlite-sql';
import { migratePgDiffStore } from './diff-store/pg-schema';
import { seal, unseal } from './divergence-seal';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS divergences (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  at               TEXT    NOT NULL,
  route            TEXT    NOT NULL,
  stage            TEXT    NOT NULL,
  request_id       TEXT,
  side             TEXT    NOT NULL CHECK (side IN ('monolith', 'service')),
  upstream         TEXT    NOT NULL,
  reason           TEXT    NOT NULL,
  method           TEXT    NOT NULL,
  path             TEXT    NOT NULL,
  content_type     TEXT,
  content_encoding TEXT,
  body_bytes       INTEGER,
  body_kept        INTEGER NOT NULL,
  primary_status   INTEGER,
  second_status    INTEGER,
  second_error     TEXT,
  sealed           BLOB    NOT NULL,
  stored_bytes     INTEGER NOT NULL,
  status           TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'repaired', 'resolved')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  last_attempt_at  TEXT,
  last_outcome     TEXT,
  claimed_until    INTEGER,
  settled_at       TEXT,
  settled_by       TEXT,
  settle_reason    TEXT
);
CREATE INDEX IF NOT EXISTS divergences_by_route ON divergences(route, status, at, id);
`;

export type DivergenceStatus = 'open' | 'repaired' | 'resolved';
export const DIVERGENCE_STATUSES: readonly DivergenceStatus[] = ['open', 'repaired', 'resolved'];

/** The write exactly as it was (or would have been) sent to the side that missed it. */
export interface StoredRequest {
  readonly method: string;
  /** The request target as sent: path and query, byte for byte. */
  readonly target: string;
  /** Every end-to-end header sent, credentials included (sealed at rest, never shown). */
  readonly headers: Readonly<Record<string, string | string[]>>;
  /** The body bytes whatever their encoding; null when the body was not kept (over the dual-write cap). */
  readonly body: Buffer | null;
}

export interface NewDivergence {
  /** When the write went (or would have gone) to the second side: the replay order. */
  readonly at: string;
  readonly route: string;
  readonly stage: string;
  readonly requestId: string;
  /** The side that missed the write, which a replay sends it to. */
  readonly side: Side;
  /** That side's upstream name (the service name or `monolith`). */
  readonly upstream: string;
  /** `second_write_status_503`, `second_write_UPSTREAM_UNREACHABLE`, `second_write_not_sent_too_large`, ... */
  readonly reason: string;
  /** The normalized path without the query (shown in listings; the full target is sealed). */
  readonly path: string;
  readonly request: StoredRequest;
  /** Body size in bytes (the declared length when the body was not kept; null if unknown). */
  readonly bodyBytes: number | null;
  readonly primaryStatus: number | null;
  readonly secondStatus: number | null;
  readonly secondError: string | null;
}

/** A divergence as listed: nothing secret (no query, no header values, no body). */
export interface Divergence {
  readonly id: number;
  readonly at: string;
  readonly route: string;
  readonly stage: string;
  readonly requestId: string | null;
  readonly side: Side;
  readonly upstream: string;
  readonly reason: string;
  readonly method: string;
  readonly path: string;
  readonly contentType: string | null;
  readonly contentEncoding: string | null;
  readonly bodyBytes: number | null;
  readonly bodyKept: boolean;
  readonly primaryStatus: number | null;
  readonly secondStatus: number | null;
  readonly secondError: string | null;
  readonly status: DivergenceStatus;
  readonly attempts: number;
  readonly lastAttemptAt: string | null;
  readonly lastOutcome: string | null;
  readonly settledAt: string | null;
  readonly settledBy: string | null;
  readonly settleReason: string | null;
  /** Bytes this divergence takes in the store (its sealed request). */
  readonly storedBytes: number;
}

export interface OpenStats { readonly count: number; readonly bytes: number }

/** An audit log entry about a divergence (the audit_log table is owned by io/state-store.ts). */
export interface DivergenceAudit {
  readonly at: string;
  readonly actor: string;
  readonly route: string;
  /** The route's stage when it happened (from and to are the same: no stage moved). */
  readonly stage: string;
  readonly reason: string;
  readonly details: unknown;
}

interface Row {
  id: number; at: string; route: string; stage: string; request_id: string | null; side: Side; upstream: string; reason: string;
  method: string; path: string; content_type: string | null; content_encoding: string | null; body_bytes: number | null;
  body_kept: number; primary_status: number | null; second_status: number | null; second_error: string | null;
  stored_bytes: number; status: DivergenceStatus; attempts: number; last_attempt_at: string | null; last_outcome: string | null;
  settled_at: string | null; settled_by: string | null; settle_reason: string | null;
}

const SUMMARY_COLUMNS = `id, at, route, stage, request_id, side, upstream, reason, method, path, content_type, content_encoding,
  body_bytes, body_kept, primary_status, second_status, second_error, stored_bytes, status, attempts, last_attempt_at,
  last_outcome, settled_at, settled_by, settle_reason`;

function toDivergence(r: Row): Divergence {
  return {
    id: r.id, at: r.at, route: r.route, stage: r.stage, requestId: r.request_id, side: r.side, upstream: r.upstream, reason: r.reason,
    method: r.method, path: r.path, contentType: r.content_type, contentEncoding: r.content_encoding, bodyBytes: r.body_bytes,
    bodyKept: r.body_kept === 1, primaryStatus: r.primary_status, secondStatus: r.second_status, secondError: r.second_error,
    status: r.status, attempts: r.attempts, lastAttemptAt: r.last_attempt_at, lastOutcome: r.last_outcome,
    settledAt: r.settled_at, settledBy: r.settled_by, settleReason: r.settle_reason, storedBytes: r.stored_bytes,
  };
}

const first = (v: string | readonly string[] | undefined): string | null => (v === undefined ? null : typeof v === 'string' ? v : v.join(', '));
const aadOf = (route: string, method: string, at: string): string => `${route}\n${method}\n${at}`;

/** Sealed layout: 4-byte length, JSON `{ target, headers }`, then the body bytes. */
function pack(r: StoredRequest): Buffer {
  const head = Buffer.from(JSON.stringify({ target: r.target, headers: r.headers }));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(head.length);
  return Buffer.concat([len, head, r.body ?? Buffer.alloc(0)]);
}

function unpack(method: string, bodyKept: boolean, plain: Buffer): StoredRequest {
  const len = plain.readUInt32BE(0);
  const head = JSON.parse(plain.subarray(4, 4 + len).toString('utf8')) as { target: string; headers: Record<string, string | string[]> };
  return { method, target: head.target, headers: head.headers, body: bodyKept ? Buffer.from(plain.subarray(4 + len)) : null };
}

export class DivergenceStore {
  /**
   * The table exists (made on SQLite, migrated on PostgreSQL); every method waits for it. A migration
   * that failed (the database went away while this replica started) is run again by the next call:
   * kept rejected, it failed every divergence this process met afterwards, the database long back.
   */
  private made: Promise<void> | null = null;

  /**
   * `key` is asked for only when a request is sealed or opened, so listing works without it.
   * `keepSettled`: repaired or resolved divergences kept per route (older ones are deleted); open ones are never deleted.
   * On SQLite the table is created before the constructor returns.
   */
  constructor(readonly sql: Sql, private readonly key: () => Buffer, private readonly keepSettled = 1000) {
    void this.ready.catch(() => undefined); // reported by the first call that waits for it
  }

  private get ready(): Promise<void> {
    this.made ??= (isPgPool(this.sql) ? migratePgDiffStore(this.sql) : this.sql.exec(SCHEMA)).catch((err: unknown) => {
      this.made = null;
      throw err;
    });
    return this.made;
  }

  /**
   * Stores a divergence (one statement, committed at once) and returns its id. `busyMs`: on SQLite,
   * how long to wait for another connection's write lock instead of the connection's own 5 s (the
   * wait holds the event loop, so every client, at each try while a `sqlite3` shell holds the lock).
   */
  async add(d: NewDivergence, opts: { busyMs?: number } = {}): Promise<number> {
    await this.ready;
    const sealed = seal(this.key(), pack(d.request), aadOf(d.route, d.request.method, d.at));
    const insert = (): Promise<{ id: number } | undefined> => this.sql.get<{ id: number }>(`INSERT INTO divergences (at, route, stage, request_id, side, upstream, reason, method, path,
      content_type, content_encoding, body_bytes, body_kept, primary_status, second_status, second_error, sealed, stored_bytes)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, [
      d.at, d.route, d.stage, d.requestId, d.side, d.upstream, d.reason, d.request.method, d.path, first(d.request.headers['content-type']),
      first(d.request.headers['content-encoding']), d.bodyBytes, d.request.body ? 1 : 0, d.primaryStatus, d.secondStatus, d.secondError,
      sealed, sealed.length,
    ]);
    const row = opts.busyMs !== undefined && this.sql instanceof SqliteSql ? await this.sql.waitingAtMost(opts.busyMs, insert) : await insert();
    return Number(row!.id);
  }

  /** Whether the store already holds this divergence (the same write, missed by the same side at the same moment). */
  async holds(d: NewDivergence): Promise<boolean> {
    await this.ready;
    const row = await this.sql.get<{ id: number }>('SELECT id FROM divergences WHERE route = ? AND at = ? AND request_id = ? AND side = ? LIMIT 1', [d.route, d.at, d.requestId, d.side]);
    return row !== undefined;
  }

  /** A route's divergences in the order they happened (optionally one status), at most `limit`. */
  async list(route: string, opts: { status?: DivergenceStatus; limit?: number } = {}): Promise<Divergence[]> {
    await this.ready;
    const where = opts.status ? 'route = ? AND status = ?' : 'route = ?';
    const args: SqlValue[] = opts.status ? [route, opts.status] : [route];
    const limit = opts.limit === undefined ? '' : ' LIMIT ?';
    const rows = await this.sql.all<Row>(`SELECT ${SUMMARY_COLUMNS} FROM divergences WHERE ${where} ORDER BY at, id${limit}`,
      opts.limit === undefined ? args : [...args, opts.limit]);
    return rows.map(toDivergence);
  }

  async get(route: string, id: number): Promise<Divergence | null> {
    await this.ready;
    const row = await this.sql.get<Row>(`SELECT ${SUMMARY_COLUMNS} FROM divergences WHERE route = ? AND id = ?`, [route, id]);
    return row ? toDivergence(row) : null;
  }

  /** The sealed request, opened (needs the key). */
  async request(route: string, id: number): Promise<StoredRequest | null> {
    await this.ready;
    const row = await this.sql.get<{ route: string; method: string; at: string; body_kept: number; sealed: Buffer }>(
      'SELECT route, method, at, body_kept, sealed FROM divergences WHERE route = ? AND id = ?', [route, id]);
    if (!row) return null;
    return unpack(row.method, row.body_kept === 1, unseal(this.key(), row.sealed, aadOf(row.route, row.method, row.at)));
  }

  /** Open divergences and the bytes they take, for one route or all. */
  async openStats(route?: string): Promise<OpenStats> {
    await this.ready;
    const sql = `SELECT COUNT(*) AS count, COALESCE(SUM(stored_bytes), 0) AS bytes FROM divergences WHERE status = 'open'${route ? ' AND route = ?' : ''}`;
    const row = await this.sql.get<OpenStats>(sql, route ? [route] : []);
    return { count: Number(row?.count ?? 0), bytes: Number(row?.bytes ?? 0) };
  }

  /**
   * Reserves an open divergence for one replay until `untilMs` (epoch ms), so two operators (or the CLI
   * and the admin API, or two replicas) never send it twice. False when it is settled or another replay holds it.
   */
  async claim(id: number, nowMs: number, untilMs: number): Promise<boolean> {
    await this.ready;
    const r = await this.sql.run(`UPDATE divergences SET claimed_until = ? WHERE id = ? AND status = 'open'
      AND (claimed_until IS NULL OR claimed_until < ?)`, [untilMs, id, nowMs]);
    return r.changes === 1;
  }

  /** Records a replay attempt that did not repair it (the divergence stays open) and releases the claim. */
  async failedAttempt(id: number, at: string, outcome: string): Promise<void> {
    await this.ready;
    await this.sql.run(`UPDATE divergences SET attempts = attempts + 1, last_attempt_at = ?, last_outcome = ?, claimed_until = NULL
      WHERE id = ?`, [at, outcome, id]);
  }

  /**
   * Settles an open divergence (repaired by a replay, or resolved by hand) and writes its audit entry in
   * the same transaction; false when it was not open. Settled rows past `keepSettled` are then deleted.
   */
  async settle(id: number, s: { status: 'repaired' | 'resolved'; at: string; by: string; reason: string; attempted: boolean; outcome: string | null }, audit: DivergenceAudit): Promise<boolean> {
    await this.ready;
    return this.sql.transaction(async (tx): Promise<boolean> => {
      const attempted = s.attempted ? 1 : 0;
      const changed = (await tx.run(`UPDATE divergences SET status = ?, settled_at = ?, settled_by = ?, settle_reason = ?,
        attempts = attempts + ?, last_attempt_at = CASE WHEN ? = 1 THEN ? ELSE last_attempt_at END,
        last_outcome = COALESCE(?, last_outcome), claimed_until = NULL WHERE id = ? AND status = 'open'`,
      [s.status, s.at, s.by, s.reason, attempted, attempted, s.at, s.outcome, id])).changes === 1;
      if (!changed) return false;
      await writeAudit(tx, audit);
      await this.pruneSettled(tx, audit.route);
      return true;
    });
  }

  /** Appends an entry to the state database's audit log. */
  async audit(a: DivergenceAudit): Promise<void> {
    await writeAudit(this.sql, a);
  }

  private async pruneSettled(tx: Sql, route: string): Promise<void> {
    const edge = await tx.get<{ id: number }>(`SELECT id FROM divergences WHERE route = ? AND status <> 'open' ORDER BY id DESC LIMIT 1 OFFSET ?`,
      [route, this.keepSettled]);
    if (edge) await tx.run(`DELETE FROM divergences WHERE route = ? AND status <> 'open' AND id <= ?`, [route, edge.id]);
  }
}

/** One audit entry about a divergence: from and to are the route's stage (no stage moved). */
async function writeAudit(sql: Sql, a: DivergenceAudit): Promise<void> {
  await sql.run(`INSERT INTO audit_log (at, actor, route, from_stage, to_stage, percent, reason, forced, details)
    VALUES (?, ?, ?, ?, ?, NULL, ?, 0, ?)`, [a.at, a.actor, a.route, a.stage, a.stage, a.reason, JSON.stringify(a.details)]);
}
