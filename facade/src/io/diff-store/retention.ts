// Applies the retention policy (core/retention.ts) to the diff store, one small transaction per
// batch: minute counts rolled into hour counts, hour counts into day counts (the totals stay the
// same), comparison records and their facts past the age bound deleted. `steps` yields between
// batches so the facade's timer can let requests through; `plan` only counts (`db prune --dry-run`).
// The same SQL on SQLite and PostgreSQL (every replica's rows; one replica's pass is enough).
import { retentionCutoffs, type RetentionCutoffs, type RetentionPolicy } from '../../core/retention';
import { isPgPool, type Sql } from '../db/sql';
import { SqliteSql } from '../db/sqlite-sql';
import { hasTable } from '../db/tables';
import { migratePgDiffStore } from './pg-schema';
import { migrateDiffStore } from './schema';
import { DROP_EMPTY_HOURS, grouped, STAGE_HOUR_UPSERT_ONE, stageHourValues, takenOff, type GroupedRow } from './stage-hours';

/** What a prune did (or, from `plan`, would do). */
export interface PruneSummary {
  readonly cutoffs: RetentionCutoffs;
  /** Minute rows rolled up, and the hour rows that made new (the rest were added to existing ones). */
  minuteRows: number;
  hourRowsAdded: number;
  /** Hour rows rolled up, and the day rows that made new. */
  hourRows: number;
  dayRowsAdded: number;
  /** Comparison records deleted for age, and their field facts. */
  comparisons: number;
  facts: number;
  /** Transactions it took. */
  batches: number;
}

/** A count table rolled into the next coarser one: `key` columns, and how a coarser key is cut from a finer one. */
interface Rollup { from: string; fromKey: string; to: string; toKey: string; cut: string }

const MINUTES_TO_HOURS: Rollup = { from: 'comparison_minutes', fromKey: 'minute', to: 'comparison_hours', toKey: 'hour', cut: "substr(minute, 1, 13) || ':00'" };
const HOURS_TO_DAYS: Rollup = { from: 'comparison_hours', fromKey: 'hour', to: 'comparison_days', toKey: 'day', cut: "substr(hour, 1, 10) || 'T00:00'" };

function emptySummary(cutoffs: RetentionCutoffs): PruneSummary {
  return { cutoffs, minuteRows: 0, hourRowsAdded: 0, hourRows: 0, dayRowsAdded: 0, comparisons: 0, facts: 0, batches: 0 };
}

export class DiffStoreRetention {
  private migrated = false;

  constructor(private readonly sql: Sql, private readonly policy: RetentionPolicy) {}

  /** Every route of `table`, one index probe each (no scan of the whole table). */
  private async routes(table: string): Promise<string[]> {
    const routes: string[] = [];
    // Starting after '' skips a route named '' (never written: route names are validated).
    for (let r: string | null = ''; ;) {
      r = (await this.sql.get<{ r: string | null }>(`SELECT MIN(route) AS r FROM ${table} WHERE route > ?`, [r]))?.r ?? null;
      if (r === null) return routes;
      routes.push(r);
    }
  }

  /** An older store gets its hour and day tables (once: it takes the write lock). */
  private async migrate(): Promise<void> {
    if (this.migrated) return;
    if (this.sql instanceof SqliteSql) migrateDiffStore(this.sql.db);
    else if (isPgPool(this.sql)) await migratePgDiffStore(this.sql);
    this.migrated = true;
  }

  /**
   * The rollup and pruning as a sequence of batches: each `next()` runs one transaction and the
   * generator returns the summary. Any batch boundary is safe: a rolled row is added to its coarser
   * row and deleted in the same transaction, so a split hour is simply added to twice.
   */
  async *steps(now: Date): AsyncGenerator<void, PruneSummary, void> {
    await this.migrate();
    const s = emptySummary(retentionCutoffs(now, this.policy));
    for (const [rollup, before] of [[MINUTES_TO_HOURS, s.cutoffs.minutesBefore], [HOURS_TO_DAYS, s.cutoffs.hoursBefore]] as const) {
      for (const route of await this.routes(rollup.from)) {
        for (;;) {
          const done = await this.rollBatch(rollup, route, before);
          if (done.rows === 0) break;
          if (rollup === MINUTES_TO_HOURS) {
            s.minuteRows += done.rows;
            s.hourRowsAdded += done.added;
          } else {
            s.hourRows += done.rows;
            s.dayRowsAdded += done.added;
          }
          s.batches++;
          yield;
        }
      }
    }
    for (const route of await this.routes('comparisons')) {
      for (;;) {
        const done = await this.pruneBatch(route, s.cutoffs.comparisonsBefore);
        if (done.comparisons === 0) break;
        s.comparisons += done.comparisons;
        s.facts += done.facts;
        s.batches++;
        yield;
      }
    }
    return s;
  }

  /** Runs every batch now, back to back (the CLI's `db prune`). */
  async runAll(now: Date): Promise<PruneSummary> {
    const it = this.steps(now);
    for (let r = await it.next(); ; r = await it.next()) if (r.done) return r.value;
  }

  /**
   * What `runAll(now)` would do, counted without changing anything: the same figures (but `batches`)
   * as long as nothing else writes meanwhile.
   */
  async plan(now: Date): Promise<PruneSummary> {
    const s = emptySummary(retentionCutoffs(now, this.policy));
    const { minutesBefore: mb, hoursBefore: hb, comparisonsBefore: cb } = s.cutoffs;
    const have = (t: string): Promise<boolean> => hasTable(this.sql, t);
    const one = async (sql: string, ...args: string[]): Promise<number> => Number((await this.sql.get<{ n: number }>(sql, args))?.n ?? 0);
    const none = 'SELECT 1 WHERE 1 = 0';
    const hourKeys = `SELECT route, ${MINUTES_TO_HOURS.cut} AS k, outcome FROM comparison_minutes WHERE minute < ?`;
    const [minutes, hours, days] = [await have('comparison_minutes'), await have('comparison_hours'), await have('comparison_days')];
    if (minutes) {
      s.minuteRows = await one('SELECT COUNT(*) AS n FROM comparison_minutes WHERE minute < ?', mb);
      s.hourRowsAdded = await one(`SELECT COUNT(*) AS n FROM (${hourKeys} GROUP BY 1, 2, 3) g WHERE NOT EXISTS (${hours
        ? 'SELECT 1 FROM comparison_hours h WHERE h.route = g.route AND h.hour = g.k AND h.outcome = g.outcome' : none})`, mb);
    }
    // The hour rows old enough for days once the minutes are rolled: those there now and those the minutes would add.
    const oldHours = [
      ...(hours ? [{ sql: 'SELECT route, hour AS k, outcome FROM comparison_hours WHERE hour < ?', arg: hb }] : []),
      ...(minutes ? [{ sql: hourKeys, arg: hb }] : []),
    ];
    if (oldHours.length > 0) {
      const union = oldHours.map((q) => q.sql).join(' UNION ');
      const args = oldHours.map((q) => q.arg);
      s.hourRows = await one(`SELECT COUNT(*) AS n FROM (${union}) u`, ...args);
      s.dayRowsAdded = await one(`SELECT COUNT(*) AS n FROM (SELECT DISTINCT route, substr(k, 1, 10) || 'T00:00' AS d, outcome FROM (${union}) u) g
        WHERE NOT EXISTS (${days ? 'SELECT 1 FROM comparison_days x WHERE x.route = g.route AND x.day = g.d AND x.outcome = g.outcome' : none})`, ...args);
    }
    if (await have('comparisons')) s.comparisons = await one('SELECT COUNT(*) AS n FROM comparisons WHERE at < ?', cb);
    if (await have('comparisons') && await have('comparison_fields')) {
      s.facts = await one('SELECT COUNT(*) AS n FROM comparison_fields WHERE comparison_id IN (SELECT id FROM comparisons WHERE at < ?)', cb);
    }
    return s;
  }

  /** Rolls the oldest `batchRows` rows of one route before `before` into the coarser table. */
  private rollBatch(r: Rollup, route: string, before: string): Promise<{ rows: number; added: number }> {
    return this.sql.transaction(async (tx) => {
      // The batch ends at the key `batchRows` rows in (or at the cutoff when fewer are left).
      const edge = await tx.get<{ k: string }>(`SELECT ${r.fromKey} AS k FROM ${r.from} WHERE route = ? AND ${r.fromKey} < ? ORDER BY ${r.fromKey} LIMIT 1 OFFSET ?`,
        [route, before, this.policy.batchRows]);
      const upto = edge?.k ?? before;
      const added = Number((await tx.get<{ n: number }>(`SELECT COUNT(*) AS n FROM (SELECT route, ${r.cut} AS k, outcome FROM ${r.from}
        WHERE route = ? AND ${r.fromKey} < ? GROUP BY 1, 2, 3) g
        WHERE NOT EXISTS (SELECT 1 FROM ${r.to} t WHERE t.route = g.route AND t.${r.toKey} = g.k AND t.outcome = g.outcome)`, [route, upto]))?.n ?? 0);
      await tx.run(`INSERT INTO ${r.to} (route, ${r.toKey}, outcome, count)
        SELECT route, ${r.cut}, outcome, SUM(count) FROM ${r.from} WHERE route = ? AND ${r.fromKey} < ? GROUP BY 1, 2, 3
        ON CONFLICT(route, ${r.toKey}, outcome) DO UPDATE SET count = ${r.to}.count + excluded.count`, [route, upto]);
      const rows = (await tx.run(`DELETE FROM ${r.from} WHERE route = ? AND ${r.fromKey} < ?`, [route, upto])).changes;
      return { rows, added };
    });
  }

  /** Deletes the oldest `batchRows` comparisons of one route before `before`, with their facts, and takes them off the gate's counts. */
  private pruneBatch(route: string, before: string): Promise<{ comparisons: number; facts: number }> {
    return this.sql.transaction(async (tx) => {
      const ids = 'SELECT id FROM comparisons WHERE route = ? AND at < ? ORDER BY at LIMIT ?';
      const args = [route, before, this.policy.batchRows];
      const off = takenOff(route, await tx.all<GroupedRow>(grouped(`c.id IN (${ids})`), args));
      const facts = (await tx.run(`DELETE FROM comparison_fields WHERE comparison_id IN (${ids})`, args)).changes;
      const comparisons = (await tx.run(`DELETE FROM comparisons WHERE id IN (${ids})`, args)).changes;
      for (const d of off.deltas) await tx.run(STAGE_HOUR_UPSERT_ONE, stageHourValues(d));
      if (off.dropEmpty) await tx.run(DROP_EMPTY_HOURS, off.dropEmpty);
      return { comparisons, facts };
    });
  }
}
