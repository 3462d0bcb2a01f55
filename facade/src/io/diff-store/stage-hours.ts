// Comparisons counted per route, stage and hour, grouped by what the promotion gate counts
// (endpoint, outcome, reason, primary side, and which answers each side gave). The writers add a
// batch's counts in the same transaction as its rows; a trim or the retention pass recounts, from
// the rows left, every hour it deleted from. So the table always equals a GROUP BY of the retained
// comparisons, and the gate reads its window from it (plus the rows of the hour its stage began
// in) instead of touching every row: on PostgreSQL a fresh connection pays for each heap page it
// touches first. The SQL is the same on both engines but the upsert's MIN/MAX spelling.
import type { ComparisonRecord } from '../../core/comparison';
import type { Engine, SqlValue } from '../db/sql';

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

/** The hour a time is counted in: its first 13 characters (`2026-12-06T01`). */
export const hourOf = (at: string): string => at.slice(0, 13);

const HOUR = /^\d{4}-\d{2}-\d{2}T\d{2}$/;

/** The hour after `hour`, or null when `hour` is not one (a time not written as ISO 8601 UTC). */
export function nextHour(hour: string): string | null {
  if (!HOUR.test(hour)) return null;
  const t = Date.parse(`${hour}:00:00.000Z`);
  return Number.isNaN(t) ? null : new Date(t + 3_600_000).toISOString().slice(0, 13);
}

/** One group's count in one hour (reason '' stands for none: a key column cannot be null). */
export interface StageHourDelta {
  route: string; stage: string; hour: string; endpoint: string; outcome: string; reason: string; primarySide: string; answers: number;
  count: number; first: string; last: string;
}

export const STAGE_HOURS_DDL = (text: string, count: string): string => `
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
  first        ${text} NOT NULL,
  last         ${text} NOT NULL,
  PRIMARY KEY (route, stage, hour, endpoint, outcome, reason, primary_side, answers)
);`;

export const STAGE_HOURS_INSERT = 'INSERT INTO stage_hours (route, stage, hour, endpoint, outcome, reason, primary_side, answers, count, first, last)';
export const STAGE_HOURS_WIDTH = 11;

/** Adds to an existing group's count (a batch or a recount meeting a row another writer just made). */
export function stageHoursUpsert(engine: Engine): string {
  const [min, max] = engine === 'sqlite' ? ['MIN', 'MAX'] : ['LEAST', 'GREATEST'];
  return ` ON CONFLICT (route, stage, hour, endpoint, outcome, reason, primary_side, answers) DO UPDATE SET count = stage_hours.count + excluded.count,
    first = ${min}(stage_hours.first, excluded.first), last = ${max}(stage_hours.last, excluded.last)`;
}

/** The values of one delta, in STAGE_HOURS_INSERT's column order. */
export const stageHourValues = (d: StageHourDelta): SqlValue[] =>
  [d.route, d.stage, d.hour, d.endpoint, d.outcome, d.reason, d.primarySide, d.answers, d.count, d.first, d.last];

const COUNT_ROWS = `SELECT route, stage, substr(at, 1, 13), endpoint, outcome, COALESCE(reason, ''), primary_side, ${ANSWERS_SQL}, COUNT(*), MIN(at), MAX(at)
  FROM comparisons WHERE {where} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`;

/** Every group counted again from the comparisons (a migration, a copy): the table emptied first. */
export const STAGE_HOURS_REBUILD = ['DELETE FROM stage_hours', `${STAGE_HOURS_INSERT} ${COUNT_ROWS.replace('{where}', '1 = 1')}`] as const;

export interface Statement { readonly sql: string; readonly params: SqlValue[] }

/**
 * The statements that recount one route's hours from `lo`'s to `hi`'s (times of the first and last
 * comparison deleted) out of the rows left; every hour of the route when a time is not ISO 8601.
 */
export function recountHours(engine: Engine, route: string, lo: string, hi: string): Statement[] {
  const from = hourOf(lo);
  const to = nextHour(hourOf(hi));
  const upsert = stageHoursUpsert(engine);
  if (to === null || nextHour(from) === null) {
    return [{ sql: 'DELETE FROM stage_hours WHERE route = ?', params: [route] },
      { sql: `${STAGE_HOURS_INSERT} ${COUNT_ROWS.replace('{where}', 'route = ?')}${upsert}`, params: [route] }];
  }
  return [
    { sql: 'DELETE FROM stage_hours WHERE route = ? AND hour >= ? AND hour < ?', params: [route, from, to] },
    { sql: `${STAGE_HOURS_INSERT} ${COUNT_ROWS.replace('{where}', 'route = ? AND at >= ? AND at < ?')}${upsert}`, params: [route, from, to] },
  ];
}
