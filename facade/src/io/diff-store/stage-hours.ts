// Comparisons counted per route, stage and UTC day, grouped by what the promotion gate counts
// (endpoint, outcome, reason, primary side, and which answers each side gave). The writers add a
// batch's counts in the same transaction as its rows; a trim or the retention pass takes the rows
// it deletes off their counts in its transaction (grouping only those rows, so its cost follows
// what it deletes, not how busy their day was). So the table always equals a GROUP BY of the
// retained comparisons, and the gate reads its window from it (plus the rows of the day its stage
// began in) instead of touching every row: on PostgreSQL a fresh connection pays for each heap
// page it touches first. The same SQL on both engines.
//
// The table and its key column keep the names of diff store versions 5 and 6, which counted per
// hour: `hour` holds the day (`2026-12-06`) since version 7. Per hour, a quiet route's groups were
// hardly fewer than its comparisons (50 endpoints at two comparisons a minute: 28,500 rows, 1,063
// pages on PostgreSQL after a 90-day soak); per day they are a fifteenth of that, and the gate's
// first read of them in a fresh process went from ~28 to ~4.5 ms.
import type { ComparisonRecord } from '../../core/comparison';
import type { SqlValue } from '../db/sql';

/** The answer facts the gate's side counts read, as bits of one integer (one group key instead of six). */
export const ANSWER_BITS = { primary5xx: 1, primaryNoStatus: 2, primaryNoTime: 4, shadow5xx: 8, shadowNoStatus: 16, shadowNoTime: 32 } as const;

const bit = (condition: string, value: number): string => `CASE WHEN ${condition} THEN ${value} ELSE 0 END`;

/** The answer bits of a stored comparison row, in SQL. */
export const ANSWERS_SQL = `${bit('primary_status >= 500', ANSWER_BITS.primary5xx)} + ${bit('primary_status IS NULL', ANSWER_BITS.primaryNoStatus)}
  + ${bit('primary_ms IS NULL', ANSWER_BITS.primaryNoTime)} + ${bit('shadow_status >= 500', ANSWER_BITS.shadow5xx)}
  + ${bit('shadow_status IS NULL', ANSWER_BITS.shadowNoStatus)} + ${bit('shadow_ms IS NULL', ANSWER_BITS.shadowNoTime)}`;

/** The answer bits of a record about to be written: what ANSWERS_SQL gives for its row. */
export function answerBits(r: Pick<ComparisonRecord, 'primaryStatus' | 'shadowStatus' | 'primaryMs' | 'shadowMs'>): number {
  return (r.primaryStatus !== null && r.primaryStatus >= 500 ? ANSWER_BITS.primary5xx : 0)
    + (r.primaryStatus === null ? ANSWER_BITS.primaryNoStatus : 0) + (r.primaryMs === null ? ANSWER_BITS.primaryNoTime : 0)
    + (r.shadowStatus !== null && r.shadowStatus >= 500 ? ANSWER_BITS.shadow5xx : 0)
    + (r.shadowStatus === null ? ANSWER_BITS.shadowNoStatus : 0) + (r.shadowMs === null ? ANSWER_BITS.shadowNoTime : 0);
}

/** The UTC day a time is counted in: its first 10 characters (`2026-12-06`). */
export const dayOf = (at: string): string => at.slice(0, 10);

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The day after `day`, or null when `day` is not one (a time not written as ISO 8601 UTC). */
export function nextDay(day: string): string | null {
  if (!DAY.test(day)) return null;
  const t = Date.parse(`${day}T00:00:00.000Z`);
  return Number.isNaN(t) ? null : new Date(t + 86_400_000).toISOString().slice(0, 10);
}

/** One group's count in one day, in column `hour` (reason '' stands for none: a key column cannot be null); negative to take rows off. */
export interface StageHourDelta {
  route: string; stage: string; hour: string; endpoint: string; outcome: string; reason: string; primarySide: string; answers: number;
  count: number;
}

/** The table; `tail` is each engine's storage clause (SQLite: one b-tree keyed by the group; PostgreSQL: room in each page for a count's update). */
export const STAGE_HOURS_DDL = (text: string, count: string, tail = ''): string => `
CREATE TABLE IF NOT EXISTS stage_hours (
  route        TEXT    NOT NULL,
  stage        TEXT    NOT NULL,
  hour         ${text} NOT NULL,
  endpoint     TEXT    NOT NULL,
  outcome      TEXT    NOT NULL,
  reason       TEXT    NOT NULL,
  primary_side TEXT    NOT NULL,
  answers      INTEGER NOT NULL,
  count        ${count} NOT NULL,
  PRIMARY KEY (route, stage, hour, endpoint, outcome, reason, primary_side, answers)
)${tail};`;

export const STAGE_HOURS_INSERT = 'INSERT INTO stage_hours (route, stage, hour, endpoint, outcome, reason, primary_side, answers, count)';
export const STAGE_HOURS_WIDTH = 9;

/** Adds to an existing group's count (a batch, or rows taken off). */
export const STAGE_HOURS_UPSERT = ` ON CONFLICT (route, stage, hour, endpoint, outcome, reason, primary_side, answers) DO UPDATE SET
  count = stage_hours.count + excluded.count`;

/** One group's upsert, the form both writers and the retention pass use for a single delta. */
export const STAGE_HOUR_UPSERT_ONE = `${STAGE_HOURS_INSERT} VALUES (${new Array(STAGE_HOURS_WIDTH).fill('?').join(', ')})${STAGE_HOURS_UPSERT}`;

/** Drops the groups a take-off left at zero, within a route's days `lo`..`hi` (see {@link takenOff}). */
export const DROP_EMPTY_HOURS = 'DELETE FROM stage_hours WHERE route = ? AND hour >= ? AND hour <= ? AND count <= 0';

/** The values of one delta, in STAGE_HOURS_INSERT's column order. */
export const stageHourValues = (d: StageHourDelta): SqlValue[] =>
  [d.route, d.stage, d.hour, d.endpoint, d.outcome, d.reason, d.primarySide, d.answers, d.count];

/** The comparisons that `where` (over alias c) selects, grouped as the table counts them (the day: dayOf in SQL): a rebuild, and the rows a delete is about to remove (taken off with {@link takenOff}). */
export const grouped = (where: string): string => `SELECT route, stage, substr(at, 1, 10) AS hour, endpoint, outcome, COALESCE(reason, '') AS reason,
  primary_side AS "primarySide", ${ANSWERS_SQL} AS answers, COUNT(*) AS count FROM comparisons c WHERE ${where} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;

/** Every group counted again from the comparisons (a migration, a copy): the table emptied first. */
export const STAGE_HOURS_REBUILD = ['DELETE FROM stage_hours', `${STAGE_HOURS_INSERT} ${grouped('1 = 1')}`] as const;

export interface GroupedRow { route: string; stage: string; hour: string; endpoint: string; outcome: string; reason: string; primarySide: string; answers: number | string; count: number | string }

/**
 * What to run once the rows grouped as `rows` are deleted: their counts taken off (one upsert of a
 * negative count per group), then {@link DROP_EMPTY_HOURS} with `dropEmpty`'s parameters (the days they were in).
 */
export function takenOff(route: string, rows: readonly GroupedRow[]): { deltas: StageHourDelta[]; dropEmpty: SqlValue[] | null } {
  if (rows.length === 0) return { deltas: [], dropEmpty: null };
  let lo = rows[0]!.hour;
  let hi = lo;
  const deltas = rows.map((r) => {
    if (r.hour < lo) lo = r.hour;
    if (r.hour > hi) hi = r.hour;
    return { route: r.route, stage: r.stage, hour: r.hour, endpoint: r.endpoint, outcome: r.outcome, reason: r.reason, primarySide: r.primarySide,
      answers: Number(r.answers), count: -Number(r.count) };
  });
  // In key order, as the writers' upserts: two PostgreSQL writers never lock the same rows in opposite orders.
  const keyOf = (d: StageHourDelta): string => [d.route, d.stage, d.hour, d.endpoint, d.outcome, d.reason, d.primarySide, String(d.answers)].join('\u0000');
  deltas.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  return { deltas, dropEmpty: [route, lo, hi] };
}

