// The diff store's writer on PostgreSQL: the same job as writer.ts (one transaction per batch:
// comparison rows stamped with their replica, their facts, endpoint and field evidence, minute
// counts, the gate's counts per stage and hour, per-route pruning) in a few multi-row statements instead of one per row. Several
// replicas write at once: increments are aggregated per key and applied with upserts in key order
// (so two batches never lock the same rows in opposite orders), and a field's primary fingerprints
// are merged after its row is locked by the upsert, so no replica's fingerprints are lost.
import { FACT_COMPARISON_COLUMNS, FACT_COMPARISON_NAMES, factComparisonValues, selfFieldsJson } from './fact-comparisons';
import { mergeHashes, type ComparisonRecord } from '../../core/comparison';
import { batchDeltas, key, type BatchDeltas } from './batch-deltas';
import type { PgSql } from '../db/pg-sql';
import type { Sql, SqlValue } from '../db/sql';
import { migratePgDiffStore } from './pg-schema';
import { DROP_EMPTY_HOURS, grouped, STAGE_HOURS_INSERT, STAGE_HOURS_UPSERT, STAGE_HOURS_WIDTH, stageHourValues, takenOff, type GroupedRow, type StageHourDelta } from './stage-hours';
import { PruneSchedule } from '../../core/prune-schedule';
import { DEFAULT_LIMITS, type ComparisonWriter, type DiffStoreLimits } from './writer';

/** PostgreSQL takes at most 65,535 parameters per statement; stay well under it. */
const MAX_PARAMS = 30_000;

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));

/** Runs one multi-row INSERT per chunk of `rows` (each row `width` values): `head` then `VALUES (...), ...` then `tail`. */
async function insertRows(tx: Sql, head: string, width: number, rows: readonly SqlValue[][], tail = ''): Promise<void> {
  const per = Math.max(1, Math.floor(MAX_PARAMS / width));
  const tuple = `(${new Array(width).fill('?').join(', ')})`;
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    await tx.run(`${head} VALUES ${chunk.map(() => tuple).join(', ')}${tail}`, chunk.flat());
  }
}

/** The gate's counts per stage and hour moved by `deltas` (in key order, as every upsert here). */
function bumpStageHours(tx: Sql, deltas: readonly StageHourDelta[]): Promise<void> {
  return insertRows(tx, STAGE_HOURS_INSERT, STAGE_HOURS_WIDTH, deltas.map(stageHourValues), STAGE_HOURS_UPSERT);
}

export class PgDiffStoreWriter implements ComparisonWriter {
  readonly engine = 'postgres' as const;

  private readonly schedule: PruneSchedule;

  private constructor(private readonly pg: PgSql, private readonly limits: DiffStoreLimits, readonly replica: string | null) {
    this.schedule = new PruneSchedule(limits.rowsPerRoute);
  }

  /** Migrates the diff store (once per database, under the advisory lock) and returns a writer. */
  static async open(pg: PgSql, limits: DiffStoreLimits = DEFAULT_LIMITS, replica: string | null = null): Promise<PgDiffStoreWriter> {
    await migratePgDiffStore(pg);
    return new PgDiffStoreWriter(pg, limits, replica);
  }

  async write(records: readonly ComparisonRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.pg.transaction(async (tx) => {
      await this.insertComparisons(tx, records);
      const agg = batchDeltas(records);
      await insertRows(tx, 'INSERT INTO comparison_minutes (route, minute, outcome, count)', 4,
        agg.minutes.map((m) => [m.route, m.minute, m.outcome, m.count]),
        ' ON CONFLICT (route, minute, outcome) DO UPDATE SET count = comparison_minutes.count + excluded.count');
      await insertRows(tx, 'INSERT INTO endpoint_stats (route, endpoint, comparisons, reasks, first_seen, last_seen)', 6,
        agg.endpoints.map((e) => [e.route, e.endpoint, e.comparisons, e.reasks, e.first, e.last]),
        ` ON CONFLICT (route, endpoint) DO UPDATE SET comparisons = endpoint_stats.comparisons + excluded.comparisons,
          reasks = endpoint_stats.reasks + excluded.reasks, last_seen = GREATEST(endpoint_stats.last_seen, excluded.last_seen)`);
      await this.bumpFields(tx, agg.fields);
      await bumpStageHours(tx, agg.stageHours);
      const perRoute = new Map<string, number>();
      for (const r of records) perRoute.set(r.route, (perRoute.get(r.route) ?? 0) + 1);
      const withDiffs = new Set(records.filter((r) => r.diff !== '').map((r) => r.route));
      for (const route of [...perRoute.keys()].sort()) {
        if (withDiffs.has(route)) await this.trimDiffs(tx, route); // only a batch that stored diffs can put a route over its diff limit
        if (this.schedule.written(route, perRoute.get(route)!)) await this.prune(tx, route); // core/prune-schedule.ts
      }
    });
  }

  /** The rows with ids taken from the sequence first, so each comparison's facts can name it. */
  private async insertComparisons(tx: Sql, records: readonly ComparisonRecord[]): Promise<void> {
    const ids = await tx.all<{ id: number }>("SELECT nextval('comparisons_id_seq') AS id FROM generate_series(1, CAST(? AS INTEGER))", [records.length]);
    const rows: SqlValue[][] = [];
    const facts: SqlValue[][] = [];
    records.forEach((r, i) => {
      const id = Number(ids[i]!.id);
      const selfFields = selfFieldsJson(r);
      rows.push([id, r.at, r.route, r.endpoint, r.stage, r.kind, r.method, r.path, r.requestId, r.primarySide, r.primaryStatus, r.shadowStatus,
        r.primaryMs, r.shadowMs, r.outcome, r.reason, r.reasked ? 1 : 0, selfFields,
        r.diff === '' ? null : r.diff, r.detail === null || r.detail === undefined ? null : JSON.stringify(r.detail), this.replica]);
      if (r.facts.length === 0) return;
      const copied = factComparisonValues(r, selfFields);
      for (const f of r.facts) {
        facts.push([id, r.route, r.endpoint, f.field, f.path, f.kind, json(f.primary), json(f.shadow), f.primaryHash,
          f.generated?.kind ?? null, f.generated?.deltaMs ?? null, f.echo ? 1 : 0, ...copied]);
      }
    });
    await insertRows(tx, `INSERT INTO comparisons (id, at, route, endpoint, stage, kind, method, path, request_id, primary_side, primary_status,
      shadow_status, primary_ms, shadow_ms, outcome, reason, reasked, self_fields, diff, detail, replica)`, 21, rows);
    await insertRows(tx, `INSERT INTO comparison_fields (comparison_id, route, endpoint, field, path, kind, primary_value, shadow_value,
      primary_hash, generated, generated_ms, echo, ${FACT_COMPARISON_NAMES})`, 12 + FACT_COMPARISON_COLUMNS.length, facts);
  }

  /**
   * Field evidence: counters by upsert (which locks each row until commit), then the fingerprints
   * read back, merged and written where they changed (a field keeps only a few, so most never do).
   */
  private async bumpFields(tx: Sql, fields: BatchDeltas['fields']): Promise<void> {
    if (fields.length === 0) return;
    await insertRows(tx, `INSERT INTO endpoint_fields (route, endpoint, field, shadow_diffs, self_diffs, confirmed, shadow_self_diffs, primary_hashes,
      first_seen, last_seen)`, 10, fields.map((f) => [f.route, f.endpoint, f.field, f.shadowDiffs, f.selfDiffs, f.confirmed, f.shadowSelfDiffs, '[]', f.first, f.last]),
    ` ON CONFLICT (route, endpoint, field) DO UPDATE SET shadow_diffs = endpoint_fields.shadow_diffs + excluded.shadow_diffs,
      self_diffs = endpoint_fields.self_diffs + excluded.self_diffs, confirmed = endpoint_fields.confirmed + excluded.confirmed,
      shadow_self_diffs = endpoint_fields.shadow_self_diffs + excluded.shadow_self_diffs, last_seen = GREATEST(endpoint_fields.last_seen, excluded.last_seen)`);
    const per = Math.floor(MAX_PARAMS / 3);
    const changed: SqlValue[][] = [];
    for (let i = 0; i < fields.length; i += per) {
      const chunk = fields.slice(i, i + per);
      const stored = await tx.all<{ route: string; endpoint: string; field: string; h: string }>(`SELECT t.route, t.endpoint, t.field, t.primary_hashes AS h
        FROM endpoint_fields t JOIN (VALUES ${chunk.map(() => '(?, ?, ?)').join(', ')}) AS v(route, endpoint, field)
        ON t.route = v.route AND t.endpoint = v.endpoint AND t.field = v.field`, chunk.flatMap((f) => [f.route, f.endpoint, f.field]));
      const have = new Map(stored.map((s) => [key(s.route, s.endpoint, s.field), s.h]));
      for (const f of chunk) {
        const before = JSON.parse(have.get(key(f.route, f.endpoint, f.field)) ?? '[]') as string[];
        const after = mergeHashes([...before], f.hashes);
        if (after.length !== before.length) changed.push([f.route, f.endpoint, f.field, JSON.stringify(after)]);
      }
    }
    for (let i = 0; i < changed.length; i += Math.floor(MAX_PARAMS / 4)) {
      const chunk = changed.slice(i, i + Math.floor(MAX_PARAMS / 4));
      await tx.run(`UPDATE endpoint_fields t SET primary_hashes = v.h FROM (VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')})
        AS v(route, endpoint, field, h) WHERE t.route = v.route AND t.endpoint = v.endpoint AND t.field = v.field`, chunk.flat());
    }
  }

  /** The newest row past `keep` (of those with a diff: by their partial index), or undefined. */
  private nth(tx: Sql, route: string, keep: number, diffOnly: boolean): Promise<{ id: number } | undefined> {
    return tx.get<{ id: number }>(`SELECT id FROM comparisons WHERE route = ?${diffOnly ? ' AND diff IS NOT NULL' : ''} ORDER BY id DESC LIMIT 1 OFFSET ?`, [route, keep]);
  }

  /** Diffs kept on the newest `diffsPerRoute` comparisons of a route only. */
  private async trimDiffs(tx: Sql, route: string): Promise<void> {
    const oldDiff = await this.nth(tx, route, this.limits.diffsPerRoute, true);
    if (oldDiff) await tx.run('UPDATE comparisons SET diff = NULL WHERE route = ? AND diff IS NOT NULL AND id <= ?', [route, oldDiff.id]);
  }

  /** Keeps the newest `rowsPerRoute` comparisons (and facts) of a route. */
  private async prune(tx: Sql, route: string): Promise<void> {
    const oldRow = await this.nth(tx, route, this.limits.rowsPerRoute, false);
    if (oldRow) {
      // The gate's counts of the rows about to go (stage-hours.ts), taken off in the same transaction.
      const off = takenOff(route, await tx.all<GroupedRow>(grouped('c.route = ? AND c.id <= ?'), [route, oldRow.id]));
      await tx.run('DELETE FROM comparison_fields WHERE route = ? AND comparison_id <= ?', [route, oldRow.id]);
      await tx.run('DELETE FROM comparisons WHERE route = ? AND id <= ?', [route, oldRow.id]);
      await bumpStageHours(tx, off.deltas);
      if (off.dropEmpty) await tx.run(DROP_EMPTY_HOURS, off.dropEmpty);
    }
  }
}
