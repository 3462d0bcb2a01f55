// Writes comparison records to the diff store in batches, one transaction each: the slim row, its
// differing fields (facts), the endpoint and field evidence increments, the minute counts and the
// gate's counts per stage and hour; then applies retention per route (rows, and unified diffs of
// the newest samples only), taking the rows it deletes off those counts. This is
// the SQLite writer; pg-writer.ts does the same job on PostgreSQL behind the same ComparisonWriter.
import { FACT_COMPARISON_COLUMNS, FACT_COMPARISON_NAMES, factComparisonValues, selfFieldsJson } from './fact-comparisons';
import type Database from 'better-sqlite3';
import { mergeHashes, type ComparisonRecord } from '../../core/comparison';
import { batchDeltas, type BatchDeltas } from './batch-deltas';
import type { Engine } from '../db/sql';
import { migrateDiffStore } from './schema';
import { DROP_EMPTY_HOURS, grouped, STAGE_HOUR_UPSERT_ONE, stageHourValues, takenOff, type GroupedRow } from './stage-hours';
import { PruneSchedule } from '../../core/prune-schedule';

/** What the comparison recorder writes through, whichever engine holds the diff store. */
export interface ComparisonWriter {
  readonly engine: Engine;
  /** The replica stamped on every comparison this writer stores (null: not recorded). */
  readonly replica: string | null;
  /** Writes a batch in one transaction: all of it, or (rejecting) none of it. */
  write(records: readonly ComparisonRecord[]): Promise<void>;
  /** Releases what the writer holds of its own (a thread), after the batches in flight. */
  close?(): Promise<void>;
}

export interface DiffStoreLimits {
  /** Comparison rows (with their facts) kept per route; older ones are deleted, their evidence stays. */
  readonly rowsPerRoute: number;
  /** Newest comparisons per route that keep their unified body diff. */
  readonly diffsPerRoute: number;
}

export const DEFAULT_LIMITS: DiffStoreLimits = { rowsPerRoute: 20_000, diffsPerRoute: 500 };

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

export class DiffStoreWriter implements ComparisonWriter {
  readonly engine = 'sqlite' as const;
  private readonly insert: Database.Statement;
  private readonly insertField: Database.Statement;
  private readonly bumpEndpoint: Database.Statement;
  private readonly bumpField: Database.Statement;
  private readonly readHashes: Database.Statement;
  private readonly bumpMinute: Database.Statement;
  private readonly rowEdge: Database.Statement;
  private readonly diffEdge: Database.Statement;
  private readonly pruneDiffs: Database.Statement;
  private readonly pruneFields: Database.Statement;
  private readonly pruneRows: Database.Statement;
  private readonly prunedGroups: Database.Statement;
  private readonly bumpStageHour: Database.Statement;
  private readonly dropEmptyHours: Database.Statement;
  private readonly writeBatch: (records: readonly ComparisonRecord[]) => void;

  constructor(readonly db: Database.Database, private readonly limits: DiffStoreLimits = DEFAULT_LIMITS, readonly replica: string | null = null) {
    migrateDiffStore(db);
    this.insert = db.prepare(`INSERT INTO comparisons (at, route, endpoint, stage, kind, method, path, request_id, primary_side,
      primary_status, shadow_status, primary_ms, shadow_ms, outcome, reason, reasked, self_fields, diff, detail, replica)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.insertField = db.prepare(`INSERT INTO comparison_fields (comparison_id, route, endpoint, field, path, kind, primary_value,
      shadow_value, primary_hash, generated, generated_ms, echo, ${FACT_COMPARISON_NAMES})
      VALUES (${Array(12 + FACT_COMPARISON_COLUMNS.length).fill('?').join(', ')})`);
    this.bumpEndpoint = db.prepare(`INSERT INTO endpoint_stats (route, endpoint, comparisons, reasks, first_seen, last_seen)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(route, endpoint) DO UPDATE SET comparisons = comparisons + excluded.comparisons,
      reasks = reasks + excluded.reasks, last_seen = MAX(last_seen, excluded.last_seen)`);
    this.readHashes = db.prepare('SELECT primary_hashes AS h FROM endpoint_fields WHERE route = ? AND endpoint = ? AND field = ?');
    this.bumpField = db.prepare(`INSERT INTO endpoint_fields (route, endpoint, field, shadow_diffs, self_diffs, confirmed, shadow_self_diffs,
      primary_hashes, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(route, endpoint, field) DO UPDATE SET
      shadow_diffs = shadow_diffs + excluded.shadow_diffs, self_diffs = self_diffs + excluded.self_diffs,
      confirmed = confirmed + excluded.confirmed, shadow_self_diffs = shadow_self_diffs + excluded.shadow_self_diffs,
      primary_hashes = excluded.primary_hashes, last_seen = MAX(last_seen, excluded.last_seen)`);
    this.bumpMinute = db.prepare(`INSERT INTO comparison_minutes (route, minute, outcome, count) VALUES (?, ?, ?, ?)
      ON CONFLICT(route, minute, outcome) DO UPDATE SET count = count + excluded.count`);
    // The newest row past a limit, found once per trim (each lookup walks `limit` index entries);
    // the diffs' one by the partial index of rows that still have a diff (schema.ts).
    this.rowEdge = db.prepare('SELECT id FROM comparisons WHERE route = ? ORDER BY id DESC LIMIT 1 OFFSET ?').pluck();
    this.diffEdge = db.prepare('SELECT id FROM comparisons WHERE route = ? AND diff IS NOT NULL ORDER BY id DESC LIMIT 1 OFFSET ?').pluck();
    this.pruneDiffs = db.prepare('UPDATE comparisons SET diff = NULL WHERE route = ? AND diff IS NOT NULL AND id <= ?');
    this.pruneFields = db.prepare('DELETE FROM comparison_fields WHERE route = ? AND comparison_id <= ?');
    this.pruneRows = db.prepare('DELETE FROM comparisons WHERE route = ? AND id <= ?');
    this.prunedGroups = db.prepare(grouped('c.route = ? AND c.id <= ?'));
    this.bumpStageHour = db.prepare(STAGE_HOUR_UPSERT_ONE);
    this.dropEmptyHours = db.prepare(DROP_EMPTY_HOURS);
    const schedule = new PruneSchedule(limits.rowsPerRoute);
    this.writeBatch = db.transaction((records: readonly ComparisonRecord[]) => {
      const routes = new Map<string, { rows: number; diffs: number }>();
      for (const r of records) {
        const n = routes.get(r.route) ?? { rows: 0, diffs: 0 };
        n.rows++;
        if (r.diff !== '') n.diffs++;
        routes.set(r.route, n);
        this.writeOne(r);
      }
      this.applyDeltas(batchDeltas(records)); // one upsert per minute, endpoint and field of the batch, not per comparison
      for (const [route, n] of routes) {
        if (n.diffs > 0) { // only a batch that stored diffs can put a route over its diff limit
          const edge = this.diffEdge.get(route, this.limits.diffsPerRoute) as number | undefined;
          if (edge !== undefined) this.pruneDiffs.run(route, edge);
        }
        if (!schedule.written(route, n.rows)) continue; // core/prune-schedule.ts
        const edge = this.rowEdge.get(route, this.limits.rowsPerRoute) as number | undefined;
        if (edge === undefined) continue; // under its limit
        const off = takenOff(route, this.prunedGroups.all(route, edge) as GroupedRow[]); // the gate's counts of the rows about to go
        this.pruneFields.run(route, edge);
        this.pruneRows.run(route, edge);
        for (const d of off.deltas) this.bumpStageHour.run(...stageHourValues(d));
        if (off.dropEmpty) this.dropEmptyHours.run(...off.dropEmpty);
      }
    });
  }

  private writeOne(r: ComparisonRecord): void {
    // Positional parameters: better-sqlite3 binds them without looking each name up.
    const { lastInsertRowid: id } = this.insert.run(r.at, r.route, r.endpoint, r.stage, r.kind, r.method, r.path, r.requestId, r.primarySide,
      r.primaryStatus, r.shadowStatus, r.primaryMs, r.shadowMs, r.outcome, r.reason, r.reasked ? 1 : 0,
      selfFieldsJson(r), r.diff === '' ? null : r.diff,
      r.detail === null || r.detail === undefined ? null : JSON.stringify(r.detail), this.replica);
    if (r.facts.length === 0) return;
    const copied = factComparisonValues(r, selfFieldsJson(r));
    for (const f of r.facts) {
      this.insertField.run(id, r.route, r.endpoint, f.field, f.path, f.kind, json(f.primary), json(f.shadow), f.primaryHash,
        f.generated?.kind ?? null, f.generated?.deltaMs ?? null, f.echo ? 1 : 0, ...copied);
    }
  }

  private applyDeltas(d: BatchDeltas): void {
    for (const m of d.minutes) this.bumpMinute.run(m.route, m.minute, m.outcome, m.count);
    for (const e of d.endpoints) this.bumpEndpoint.run(e.route, e.endpoint, e.comparisons, e.reasks, e.first, e.last);
    for (const h of d.stageHours) this.bumpStageHour.run(...stageHourValues(h));
    for (const f of d.fields) {
      const row = this.readHashes.get(f.route, f.endpoint, f.field) as { h: string } | undefined;
      const hashes = mergeHashes(row ? (JSON.parse(row.h) as string[]) : [], f.hashes);
      this.bumpField.run(f.route, f.endpoint, f.field, f.shadowDiffs, f.selfDiffs, f.confirmed, f.shadowSelfDiffs, JSON.stringify(hashes), f.first, f.last);
    }
  }

  /**
   * Writes a batch atomically. SQLite is synchronous underneath: the batch is committed before this
   * returns its promise, which only reports the outcome.
   */
  write(records: readonly ComparisonRecord[]): Promise<void> {
    try {
      if (records.length > 0) this.writeBatch(records);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }
}
