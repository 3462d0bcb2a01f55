// The case store: recorded cases in their own table of the state database, each row holding the
// case file's text (so an export writes exactly what was stored) with the columns the budget and
// listings need. Batches are admitted and evicted in one transaction (core/cases/budget.ts), so
// several facade processes sharing the database keep one budget.
import type Database from 'better-sqlite3';
import { admit, EVICTION_ORDER, type CaseBudget, type CaseClass, type RecordedCase } from '../core/cases';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS cases (
  id          TEXT    PRIMARY KEY,
  route       TEXT    NOT NULL,
  endpoint    TEXT    NOT NULL,
  kind        TEXT    NOT NULL CHECK (kind IN ('read', 'write')),
  class       TEXT    NOT NULL CHECK (class IN ('real', 'sample')),
  method      TEXT    NOT NULL,
  target      TEXT    NOT NULL,
  recorded_at TEXT    NOT NULL,
  bytes       INTEGER NOT NULL,
  json        TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS cases_by_endpoint ON cases(route, endpoint, class, recorded_at);
CREATE INDEX IF NOT EXISTS cases_by_age ON cases(class, recorded_at);
`;

/** A case ready to store: the case, its file text and its class. */
export interface CaseRow {
  readonly case: RecordedCase;
  readonly text: string;
  readonly class: CaseClass;
}

/** One endpoint's cases, as `strangler cases list` shows them. */
export interface CaseSummary {
  readonly route: string;
  readonly endpoint: string;
  readonly real: number;
  readonly sample: number;
  readonly bytes: number;
  readonly newest: string;
}

export interface BatchOutcome {
  readonly stored: readonly CaseRow[];
  readonly skipped: number;
  readonly evicted: number;
}

function exists(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cases'").get() !== undefined;
}

export class CaseStore {
  private readonly upsert: Database.Statement;
  private readonly classOf: Database.Statement<[string], { class: CaseClass }>;
  private readonly samples: Database.Statement<[string, string], { n: number }>;
  private readonly evictReal: Database.Statement;
  private readonly writeBatch: Database.Transaction<(rows: readonly CaseRow[], budget: CaseBudget) => BatchOutcome>;
  private readonly totalBytes: Database.Statement<[], { b: number }>;
  private readonly oldest: Database.Statement<[CaseClass], { id: string; bytes: number }>;
  private readonly remove: Database.Statement<[string]>;

  constructor(readonly db: Database.Database) {
    db.exec(SCHEMA);
    const sql = (text: string): Database.Statement => db.prepare(text);
    this.upsert = sql(`INSERT INTO cases (id, route, endpoint, kind, class, method, target, recorded_at, bytes, json)
      VALUES (@id, @route, @endpoint, @kind, @class, @method, @target, @recordedAt, @bytes, @json)
      ON CONFLICT(id) DO UPDATE SET route = excluded.route, endpoint = excluded.endpoint, kind = excluded.kind, class = excluded.class,
      method = excluded.method, target = excluded.target, recorded_at = excluded.recorded_at, bytes = excluded.bytes, json = excluded.json`);
    this.classOf = sql('SELECT class FROM cases WHERE id = ?') as Database.Statement<[string], { class: CaseClass }>;
    this.samples = sql("SELECT COUNT(*) AS n FROM cases WHERE route = ? AND endpoint = ? AND class = 'sample'") as Database.Statement<[string, string], { n: number }>;
    this.evictReal = sql(`DELETE FROM cases WHERE id IN (SELECT id FROM cases WHERE route = @route AND endpoint = @endpoint AND class = 'real'
      ORDER BY recorded_at DESC, id DESC LIMIT -1 OFFSET @keep)`);
    this.totalBytes = db.prepare('SELECT COALESCE(SUM(bytes), 0) AS b FROM cases') as Database.Statement<[], { b: number }>;
    this.oldest = db.prepare('SELECT id, bytes FROM cases WHERE class = ? ORDER BY recorded_at, id') as Database.Statement<[CaseClass], { id: string; bytes: number }>;
    this.remove = db.prepare('DELETE FROM cases WHERE id = ?') as Database.Statement<[string]>;
    this.writeBatch = db.transaction((rows: readonly CaseRow[], budget: CaseBudget): BatchOutcome => {
      const stored: CaseRow[] = [];
      let skipped = 0;
      let evicted = 0;
      for (const row of rows) {
        const existing = this.classOf.get(row.case.id)?.class ?? null;
        const decision = admit(row.class, existing, this.samples.get(row.case.route, row.case.endpoint)?.n ?? 0, budget);
        if (decision.action === 'skip') { skipped++; continue; }
        this.put(row);
        stored.push(row);
        if (row.class === 'real') evicted += this.evictReal.run({ route: row.case.route, endpoint: row.case.endpoint, keep: budget.realPerEndpoint }).changes;
      }
      evicted += this.evictOverBytes(budget.maxBytes);
      return { stored, skipped, evicted };
    });
  }

  /** Admits a batch under the budget (one transaction). */
  write(rows: readonly CaseRow[], budget: CaseBudget): BatchOutcome {
    // IMMEDIATE: the budget is read and acted on under one write lock, whichever process writes.
    return rows.length === 0 ? { stored: [], skipped: 0, evicted: 0 } : this.writeBatch.immediate(rows, budget);
  }

  /** Stores cases as given (an import: no sampling, same ids replaced), in one transaction. */
  importAll(rows: readonly CaseRow[]): void {
    this.db.transaction(() => { for (const row of rows) this.put(row); })();
  }

  private put(row: CaseRow): void {
    const c = row.case;
    this.upsert.run({
      id: c.id, route: c.route, endpoint: c.endpoint, kind: c.kind, class: row.class, method: c.request.method, target: c.request.target,
      recordedAt: c.recordedAt, bytes: Buffer.byteLength(row.text), json: row.text,
    });
  }

  /** Deletes the oldest cases (samples first) until the store holds at most `maxBytes`. */
  private evictOverBytes(maxBytes: number): number {
    let total = this.totalBytes.get()!.b;
    if (total <= maxBytes) return 0;
    let evicted = 0;
    for (const cls of EVICTION_ORDER) {
      const doomed: string[] = [];
      for (const r of this.oldest.iterate(cls)) {
        if (total <= maxBytes) break;
        doomed.push(r.id);
        total -= r.bytes;
      }
      for (const id of doomed) this.remove.run(id);
      evicted += doomed.length;
      if (total <= maxBytes) break;
    }
    return evicted;
  }
}

// Reads: a database where no case was ever stored reads as empty (the CLI opens it read-only).

/** The stored ids with their class and endpoint (the recorder's in-memory index). */
export function caseIndex(db: Database.Database): Array<{ id: string; route: string; endpoint: string; class: CaseClass }> {
  if (!exists(db)) return [];
  return db.prepare('SELECT id, route, endpoint, class FROM cases').all() as Array<{ id: string; route: string; endpoint: string; class: CaseClass }>;
}

/** Per endpoint of one route (or all): real and sampled cases, bytes, newest. */
export function caseSummary(db: Database.Database, route?: string): CaseSummary[] {
  if (!exists(db)) return [];
  const where = route === undefined ? '' : 'WHERE route = ?';
  return db.prepare(`SELECT route, endpoint, SUM(class = 'real') AS real, SUM(class = 'sample') AS sample, SUM(bytes) AS bytes,
    MAX(recorded_at) AS newest FROM cases ${where} GROUP BY route, endpoint ORDER BY route, endpoint`).all(...(route === undefined ? [] : [route])) as CaseSummary[];
}

/** The file texts of a route's cases (or all), oldest first. */
export function caseTexts(db: Database.Database, route?: string): Array<{ id: string; text: string }> {
  if (!exists(db)) return [];
  const where = route === undefined ? '' : 'WHERE route = ?';
  return db.prepare(`SELECT id, json AS text FROM cases ${where} ORDER BY recorded_at, id`).all(...(route === undefined ? [] : [route])) as Array<{ id: string; text: string }>;
}
