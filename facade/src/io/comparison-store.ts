// The diff store: comparisons (slim rows; full detail only for the newest mismatch samples),
// per-route and per-field aggregates kept for ever, and per-minute outcome counts for charts.
// Writes are batched, one transaction per batch; everything stored was redacted before it got here.
import type Database from 'better-sqlite3';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS comparisons (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  at             TEXT    NOT NULL,
  route          TEXT    NOT NULL,
  stage          TEXT    NOT NULL,
  kind           TEXT    NOT NULL CHECK (kind IN ('read', 'write')),
  method         TEXT    NOT NULL,
  path           TEXT    NOT NULL,
  request_id     TEXT,
  primary_side   TEXT    NOT NULL,
  primary_status INTEGER,
  shadow_status  INTEGER,
  primary_ms     REAL,
  shadow_ms      REAL,
  outcome        TEXT    NOT NULL CHECK (outcome IN ('match', 'mismatch', 'noise', 'skipped', 'error', 'divergence')),
  reason         TEXT,
  mismatched     INTEGER NOT NULL DEFAULT 0,
  ignored        INTEGER NOT NULL DEFAULT 0,
  detail         TEXT
);
CREATE INDEX IF NOT EXISTS comparisons_route ON comparisons(route, id);
CREATE TABLE IF NOT EXISTS route_stats (
  route         TEXT PRIMARY KEY,
  compared      INTEGER NOT NULL DEFAULT 0,
  noise_samples INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS field_stats (
  route       TEXT    NOT NULL,
  field       TEXT    NOT NULL,
  mismatches  INTEGER NOT NULL DEFAULT 0,
  noise_diffs INTEGER NOT NULL DEFAULT 0,
  ignored     INTEGER NOT NULL DEFAULT 0,
  example     TEXT,
  PRIMARY KEY (route, field)
);
CREATE TABLE IF NOT EXISTS comparison_minutes (
  route   TEXT    NOT NULL,
  minute  TEXT    NOT NULL,
  outcome TEXT    NOT NULL,
  count   INTEGER NOT NULL,
  PRIMARY KEY (route, minute, outcome)
);
`;

export type Outcome = 'match' | 'mismatch' | 'noise' | 'skipped' | 'error' | 'divergence';

export interface ComparisonRecord {
  readonly at: string;
  readonly route: string;
  readonly stage: string;
  readonly kind: 'read' | 'write';
  readonly method: string;
  readonly path: string;
  readonly requestId: string;
  readonly primarySide: string;
  readonly primaryStatus: number | null;
  readonly shadowStatus: number | null;
  readonly primaryMs: number | null;
  readonly shadowMs: number | null;
  readonly outcome: Outcome;
  readonly reason: string | null;
  /** Fields (indices generalized) that mismatched / were ignored in this comparison. */
  readonly mismatchedFields: readonly string[];
  readonly ignoredFields: readonly string[];
  /** Redacted detail: differences, unified diff, and for a divergence the request to repair it. */
  readonly detail: unknown;
  /** Fields that differed between two answers of the primary side (a noise sample), or null. */
  readonly noiseFields: readonly string[] | null;
}

export interface FieldAggregate { route: string; field: string; mismatches: number; noiseDiffs: number; ignored: number; example: string | null }
export interface RouteAggregate { route: string; compared: number; noiseSamples: number }

export interface StoreLimits {
  /** Newest comparisons kept with full detail per route (mismatches, noise, divergences). */
  readonly samplesPerRoute: number;
  /** Slim rows kept per route (for latency percentiles and recent rates). */
  readonly rowsPerRoute: number;
}

export class ComparisonStore {
  private readonly insert: Database.Statement;
  private readonly bumpRoute: Database.Statement;
  private readonly bumpField: Database.Statement;
  private readonly bumpMinute: Database.Statement;
  private readonly pruneDetail: Database.Statement;
  private readonly pruneRows: Database.Statement;
  private readonly writeBatch: (records: readonly ComparisonRecord[]) => void;

  constructor(readonly db: Database.Database, private readonly limits: StoreLimits = { samplesPerRoute: 200, rowsPerRoute: 10_000 }) {
    db.exec(SCHEMA);
    this.insert = db.prepare(`INSERT INTO comparisons (at, route, stage, kind, method, path, request_id, primary_side, primary_status,
      shadow_status, primary_ms, shadow_ms, outcome, reason, mismatched, ignored, detail) VALUES (@at, @route, @stage, @kind, @method, @path,
      @requestId, @primarySide, @primaryStatus, @shadowStatus, @primaryMs, @shadowMs, @outcome, @reason, @mismatched, @ignored, @detail)`);
    this.bumpRoute = db.prepare(`INSERT INTO route_stats (route, compared, noise_samples) VALUES (?, ?, ?)
      ON CONFLICT(route) DO UPDATE SET compared = compared + excluded.compared, noise_samples = noise_samples + excluded.noise_samples`);
    this.bumpField = db.prepare(`INSERT INTO field_stats (route, field, mismatches, noise_diffs, ignored, example) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT(route, field) DO UPDATE SET mismatches = mismatches + excluded.mismatches, noise_diffs = noise_diffs + excluded.noise_diffs,
      ignored = ignored + excluded.ignored, example = COALESCE(field_stats.example, excluded.example)`);
    this.bumpMinute = db.prepare(`INSERT INTO comparison_minutes (route, minute, outcome, count) VALUES (?, ?, ?, 1)
      ON CONFLICT(route, minute, outcome) DO UPDATE SET count = count + 1`);
    this.pruneDetail = db.prepare(`UPDATE comparisons SET detail = NULL WHERE route = @route AND detail IS NOT NULL AND id <
      (SELECT id FROM comparisons WHERE route = @route AND detail IS NOT NULL ORDER BY id DESC LIMIT 1 OFFSET @keep)`);
    this.pruneRows = db.prepare(`DELETE FROM comparisons WHERE route = @route AND id <
      (SELECT id FROM comparisons WHERE route = @route ORDER BY id DESC LIMIT 1 OFFSET @keep)`);
    this.writeBatch = db.transaction((records: readonly ComparisonRecord[]) => {
      const routes = new Set<string>();
      for (const r of records) this.writeOne(r, routes);
      for (const route of routes) {
        this.pruneDetail.run({ route, keep: this.limits.samplesPerRoute - 1 });
        this.pruneRows.run({ route, keep: this.limits.rowsPerRoute - 1 });
      }
    });
  }

  private writeOne(r: ComparisonRecord, routes: Set<string>): void {
    routes.add(r.route);
    const keepsDetail = r.outcome === 'mismatch' || r.outcome === 'noise' || r.outcome === 'divergence' || r.outcome === 'error';
    this.insert.run({
      at: r.at, route: r.route, stage: r.stage, kind: r.kind, method: r.method, path: r.path, requestId: r.requestId,
      primarySide: r.primarySide, primaryStatus: r.primaryStatus, shadowStatus: r.shadowStatus, primaryMs: r.primaryMs,
      shadowMs: r.shadowMs, outcome: r.outcome, reason: r.reason, mismatched: r.mismatchedFields.length,
      ignored: r.ignoredFields.length, detail: keepsDetail && r.detail !== null ? JSON.stringify(r.detail) : null,
    });
    const compared = r.outcome === 'match' || r.outcome === 'mismatch' || r.outcome === 'noise' ? 1 : 0;
    this.bumpRoute.run(r.route, compared, r.noiseFields ? 1 : 0);
    const example = r.mismatchedFields.length > 0 ? JSON.stringify(r.detail) : null;
    for (const f of r.mismatchedFields) this.bumpField.run(r.route, f, 1, 0, 0, example);
    for (const f of r.ignoredFields) this.bumpField.run(r.route, f, 0, 0, 1, null);
    for (const f of r.noiseFields ?? []) this.bumpField.run(r.route, f, 0, 1, 0, null);
    this.bumpMinute.run(r.route, r.at.slice(0, 16), r.outcome);
  }

  /** Writes a batch atomically. */
  write(records: readonly ComparisonRecord[]): void {
    if (records.length > 0) this.writeBatch(records);
  }

  routeAggregates(): RouteAggregate[] {
    return (this.db.prepare('SELECT route, compared, noise_samples AS noiseSamples FROM route_stats').all() as RouteAggregate[]);
  }

  fieldAggregates(route?: string): FieldAggregate[] {
    const sql = `SELECT route, field, mismatches, noise_diffs AS noiseDiffs, ignored, example FROM field_stats ${route ? 'WHERE route = ?' : ''} ORDER BY mismatches DESC`;
    return (route ? this.db.prepare(sql).all(route) : this.db.prepare(sql).all()) as FieldAggregate[];
  }

  /** Outcome counts per route (all retained rows plus the lifetime aggregates). */
  outcomeCounts(route: string): Record<string, number> {
    const rows = this.db.prepare('SELECT outcome, SUM(count) AS n FROM comparison_minutes WHERE route = ? GROUP BY outcome').all(route) as Array<{ outcome: string; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.outcome, r.n]));
  }

  /** Newest comparisons with their detail, for the admin API and reports. */
  samples(route: string, limit = 20): Array<Record<string, unknown>> {
    const rows = this.db.prepare(`SELECT * FROM comparisons WHERE route = ? AND detail IS NOT NULL ORDER BY id DESC LIMIT ?`).all(route, limit) as Array<Record<string, unknown>>;
    return rows.map((r) => ({ ...r, detail: JSON.parse(String(r.detail)) }));
  }
}
