// Applies the retention policy (core/retention.ts) to the diff store, one small transaction per
// batch: minute counts rolled into hour counts, hour counts into day counts (the totals stay the
// same), comparison records and their facts past the age bound deleted. `steps` yields between
// batches so the facade's timer can let requests through; `plan` only counts (`db prune --dry-run`).
import type Database from 'better-sqlite3';
import { retentionCutoffs, type RetentionCutoffs, type RetentionPolicy } from '../../core/retention';
import { migrateDiffStore } from './schema';

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

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** Every route of `table`, one index probe each (no scan of the whole table). */
function routesOf(next: Database.Statement): string[] {
  const routes: string[] = [];
  // Starting after '' skips a route named '' (never written: route names are validated).
  for (let r = next.get('') as string | null; r !== null; r = next.get(r) as string | null) routes.push(r);
  return routes;
}

function emptySummary(cutoffs: RetentionCutoffs): PruneSummary {
  return { cutoffs, minuteRows: 0, hourRowsAdded: 0, hourRows: 0, dayRowsAdded: 0, comparisons: 0, facts: 0, batches: 0 };
}

export class DiffStoreRetention {
  private migrated = false;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database, private readonly policy: RetentionPolicy) {}

  /** Prepared once per SQL text: a pass every few minutes for months reuses them. */
  private sql(text: string): Database.Statement {
    let st = this.statements.get(text);
    if (!st) { st = this.db.prepare(text); this.statements.set(text, st); }
    return st;
  }

  private routes(table: string): string[] {
    return routesOf(this.sql(`SELECT MIN(route) FROM ${table} WHERE route > ?`).pluck());
  }

  /**
   * The rollup and pruning as a sequence of batches: each `next()` runs one transaction and the
   * generator returns the summary. Any batch boundary is safe: a rolled row is added to its coarser
   * row and deleted in the same transaction, so a split hour is simply added to twice.
   */
  *steps(now: Date): Generator<void, PruneSummary, void> {
    if (!this.migrated) migrateDiffStore(this.db); // an older store gets its hour and day tables (once: it takes the write lock)
    this.migrated = true;
    const s = emptySummary(retentionCutoffs(now, this.policy));
    for (const [rollup, before] of [[MINUTES_TO_HOURS, s.cutoffs.minutesBefore], [HOURS_TO_DAYS, s.cutoffs.hoursBefore]] as const) {
      for (const route of this.routes(rollup.from)) {
        for (;;) {
          const done = this.rollBatch(rollup, route, before);
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
    for (const route of this.routes('comparisons')) {
      for (;;) {
        const done = this.pruneBatch(route, s.cutoffs.comparisonsBefore);
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
  runAll(now: Date): PruneSummary {
    const it = this.steps(now);
    for (let r = it.next(); ; r = it.next()) if (r.done) return r.value;
  }

  /**
   * What `runAll(now)` would do, counted without changing anything: the same figures (but `batches`)
   * as long as nothing else writes meanwhile.
   */
  plan(now: Date): PruneSummary {
    const s = emptySummary(retentionCutoffs(now, this.policy));
    const { minutesBefore: mb, hoursBefore: hb, comparisonsBefore: cb } = s.cutoffs;
    const have = (t: string): boolean => hasTable(this.db, t);
    const one = (sql: string, ...args: unknown[]): number => this.db.prepare(sql).pluck().get(...args) as number;
    const hourKeys = `SELECT route, ${MINUTES_TO_HOURS.cut} AS k, outcome FROM comparison_minutes WHERE minute < ?`;
    if (have('comparison_minutes')) {
      s.minuteRows = one('SELECT COUNT(*) FROM comparison_minutes WHERE minute < ?', mb);
      s.hourRowsAdded = one(`SELECT COUNT(*) FROM (${hourKeys} GROUP BY 1, 2, 3) g WHERE NOT EXISTS (${have('comparison_hours')
        ? 'SELECT 1 FROM comparison_hours h WHERE h.route = g.route AND h.hour = g.k AND h.outcome = g.outcome' : 'SELECT 1 WHERE 0'})`, mb);
    }
    // The hour rows old enough for days once the minutes are rolled: those there now and those the minutes would add.
    const oldHours = [
      ...(have('comparison_hours') ? [{ sql: 'SELECT route, hour AS k, outcome FROM comparison_hours WHERE hour < ?', arg: hb }] : []),
      ...(have('comparison_minutes') ? [{ sql: hourKeys, arg: hb }] : []),
    ];
    if (oldHours.length > 0) {
      const union = oldHours.map((q) => q.sql).join(' UNION ');
      const args = oldHours.map((q) => q.arg);
      s.hourRows = one(`SELECT COUNT(*) FROM (${union})`, ...args);
      s.dayRowsAdded = one(`SELECT COUNT(*) FROM (SELECT DISTINCT route, substr(k, 1, 10) || 'T00:00' AS d, outcome FROM (${union})) g
        WHERE NOT EXISTS (${have('comparison_days') ? 'SELECT 1 FROM comparison_days x WHERE x.route = g.route AND x.day = g.d AND x.outcome = g.outcome' : 'SELECT 1 WHERE 0'})`, ...args);
    }
    if (have('comparisons')) s.comparisons = one('SELECT COUNT(*) FROM comparisons WHERE at < ?', cb);
    if (have('comparisons') && have('comparison_fields')) {
      s.facts = one('SELECT COUNT(*) FROM comparison_fields WHERE comparison_id IN (SELECT id FROM comparisons WHERE at < ?)', cb);
    }
    return s;
  }

  /** Rolls the oldest `batchRows` rows of one route before `before` into the coarser table. */
  private rollBatch(r: Rollup, route: string, before: string): { rows: number; added: number } {
    return this.db.transaction(() => {
      // The batch ends at the key `batchRows` rows in (or at the cutoff when fewer are left).
      const edge = this.sql(`SELECT ${r.fromKey} FROM ${r.from} WHERE route = ? AND ${r.fromKey} < ? ORDER BY ${r.fromKey} LIMIT 1 OFFSET ?`)
        .pluck().get(route, before, this.policy.batchRows) as string | undefined;
      const upto = edge ?? before;
      const added = this.sql(`SELECT COUNT(*) FROM (SELECT route, ${r.cut} AS k, outcome FROM ${r.from} WHERE route = ? AND ${r.fromKey} < ?
        GROUP BY 1, 2, 3) g WHERE NOT EXISTS (SELECT 1 FROM ${r.to} t WHERE t.route = g.route AND t.${r.toKey} = g.k AND t.outcome = g.outcome)`)
        .pluck().get(route, upto) as number;
      this.sql(`INSERT INTO ${r.to} (route, ${r.toKey}, outcome, count)
        SELECT route, ${r.cut}, outcome, SUM(count) FROM ${r.from} WHERE route = ? AND ${r.fromKey} < ? GROUP BY 1, 2, 3
        ON CONFLICT(route, ${r.toKey}, outcome) DO UPDATE SET count = count + excluded.count`).run(route, upto);
      const rows = this.sql(`DELETE FROM ${r.from} WHERE route = ? AND ${r.fromKey} < ?`).run(route, upto).changes;
      return { rows, added };
    }).immediate();
  }

  /** Deletes the oldest `batchRows` comparisons of one route before `before`, with their facts. */
  private pruneBatch(route: string, before: string): { comparisons: number; facts: number } {
    return this.db.transaction(() => {
      const ids = 'SELECT id FROM comparisons WHERE route = @route AND at < @before ORDER BY at LIMIT @limit';
      const args = { route, before, limit: this.policy.batchRows };
      const facts = this.sql(`DELETE FROM comparison_fields WHERE comparison_id IN (${ids})`).run(args).changes;
      const comparisons = this.sql(`DELETE FROM comparisons WHERE id IN (${ids})`).run(args).changes;
      return { comparisons, facts };
    }).immediate();
  }
}
