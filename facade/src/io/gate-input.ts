// Loads what the promotion gate (core/gate.ts) judges from the state database: the comparisons of
// one route at its current stage, since the audit entry that moved it there. The window is grouped
// by what decides the counts (endpoint, outcome, reason, primary side, whether each side answered,
// with a 5xx), read from the writers' counts per stage and day (diff-store/stage-hours.ts) but for
// the day the stage began in; each side's requests and failures are counted from those groups
// and the findings reuse them; the comparisons with facts are re-classified, and answer times come
// from the newest rows only: nothing loads every retained row, so the gate stays fast on months of
// history. Read-only, either engine (every replica's comparisons).
import type { RouteConfig } from '../config';
import type { Outcome } from '../core/comparison';
import type { GateInput, SideFigures } from '../core/gate';
import { nearestRank } from '../core/report-stats';
import type { Side, Stage } from '../core/stages';
import { isPgPool, type Sql } from './db/sql';
import { breakerGateFigures } from './breaker-log';
import { hasTable } from './db/tables';
import { comparisonFilter, type OutcomeGroup } from './diff-store/queries';
import { ANSWER_BITS, ANSWERS_SQL, dayOf, nextDay } from './diff-store/stage-hours';
import { outcomesNow, routeFindings, storedIgnoreRules } from './findings-query';

/**
 * Answer times per side the latency judge and the p99 use: the newest this many comparisons at the
 * stage. A Mann-Whitney test on 5,000 answers per side already tells a shift of a fraction of the
 * spread; more rows only cost time (docs/reference/stages.md#the-gate).
 */
export const GATE_LATENCY_SAMPLES = 5000;

/** When the route last moved to `stage` from another stage (ISO), or null. */
export async function enteredAt(sql: Sql, route: string, stage: Stage): Promise<string | null> {
  if (!(await hasTable(sql, 'audit_log'))) return null;
  const row = await sql.get<{ at: string }>('SELECT at FROM audit_log WHERE route = ? AND to_stage = ? AND from_stage <> ? ORDER BY id DESC LIMIT 1',
    [route, stage, stage]);
  return row?.at ?? null;
}

/** Nearest-rank p99 of the times (ms), null without any (the report's percentile rule). */
export function p99(times: readonly number[]): number | null {
  return nearestRank(Float64Array.from(times).sort(), 99); // a typed array sorts numerically, natively
}

/** The window grouped by everything the side counts depend on, from the rows (the same SQL on both engines). */
const GROUPS = `SELECT endpoint, outcome, reason, primary_side AS "primarySide", ${ANSWERS_SQL} AS answers,
  COUNT(*) AS count, MIN(at) AS first, MAX(at) AS last
FROM comparisons c WHERE {where} GROUP BY 1, 2, 3, 4, 5`;

/** The same groups from the counts per stage and day (stage-hours.ts); first and last to the day. */
const TALLIED = `SELECT endpoint, outcome, NULLIF(reason, '') AS reason, primary_side AS "primarySide", answers,
  SUM(count) AS count, MIN(hour) AS first, MAX(hour) AS last
FROM stage_hours WHERE route = ? AND stage = ?{from} GROUP BY 1, 2, 3, 4, 5`;

interface GroupRow { endpoint: string; outcome: string; reason: string | null; primarySide: string; answers: number | string; count: number | string; first: string; last: string }
interface Group { endpoint: string; outcome: string; reason: string | null; primarySide: string; primary5xx: boolean; primaryNoStatus: boolean;
  primaryNoTime: boolean; shadow5xx: boolean; shadowNoStatus: boolean; shadowNoTime: boolean; count: number; first: string; last: string }
type Flag = boolean;

/** A grouped row with its answer bits read back. */
function groupOf(r: GroupRow): Group {
  const a = Number(r.answers);
  const has = (b: number): boolean => (a & b) !== 0;
  return { endpoint: r.endpoint, outcome: r.outcome, reason: r.reason, primarySide: r.primarySide, count: Number(r.count), first: r.first, last: r.last,
    primary5xx: has(ANSWER_BITS.primary5xx), primaryNoStatus: has(ANSWER_BITS.primaryNoStatus), primaryNoTime: has(ANSWER_BITS.primaryNoTime),
    shadow5xx: has(ANSWER_BITS.shadow5xx), shadowNoStatus: has(ANSWER_BITS.shadowNoStatus), shadowNoTime: has(ANSWER_BITS.shadowNoTime) };
}

interface SideTally { requests: number; failures: number }

/**
 * Counts one side of `n` like rows. A side was asked when it has a status or a time; it failed on a
 * 5xx, or with no status on an 'error' row whose reason names it (`service_UPSTREAM_TIMEOUT`) or no side.
 */
function count(t: SideTally, side: Side, g: Group, answer: { status5xx: Flag; noStatus: Flag; noTime: Flag }): void {
  if (answer.noStatus && answer.noTime) return;
  t.requests += g.count;
  const named = g.reason?.startsWith('service_') || g.reason?.startsWith('monolith_');
  if (!answer.noStatus ? Boolean(answer.status5xx) : g.outcome === 'error' && (!named || g.reason!.startsWith(`${side}_`))) t.failures += g.count;
}

/** Each side's requests and failures from the groups (primary-vs-primary samples of version 1 stores are not comparisons). */
function sideTallies(groups: readonly Group[]): Record<Side, SideTally> {
  const sides: Record<Side, SideTally> = { service: { requests: 0, failures: 0 }, monolith: { requests: 0, failures: 0 } };
  for (const g of groups) {
    if (g.reason === 'noise_sample') continue;
    const primary = { status5xx: g.primary5xx, noStatus: g.primaryNoStatus, noTime: g.primaryNoTime };
    if (g.reason === 'fallback') {
      // The service was asked first and failed; the monolith's answer is what was stored.
      sides.service.requests += g.count;
      sides.service.failures += g.count;
      count(sides.monolith, 'monolith', g, primary);
      continue;
    }
    const first: Side = g.primarySide === 'service' ? 'service' : 'monolith';
    const other: Side = first === 'service' ? 'monolith' : 'service';
    count(sides[first], first, g, primary);
    count(sides[other], other, g, { status5xx: g.shadow5xx, noStatus: g.shadowNoStatus, noTime: g.shadowNoTime });
  }
  return sides;
}

/** The groups summed per endpoint, outcome and reason: what the findings count. */
function outcomeGroups(groups: readonly Group[]): OutcomeGroup[] {
  const out = new Map<string, { endpoint: string; outcome: Outcome; reason: string | null; count: number; first: string; last: string }>();
  for (const g of groups) {
    const key = `${g.endpoint}\u0000${g.outcome}\u0000${g.reason ?? '\u0001'}`;
    const o = out.get(key);
    if (!o) { out.set(key, { endpoint: g.endpoint, outcome: g.outcome as Outcome, reason: g.reason, count: g.count, first: g.first, last: g.last }); continue; }
    o.count += g.count;
    if (g.first < o.first) o.first = g.first;
    if (g.last > o.last) o.last = g.last;
  }
  return [...out.values()];
}

interface TimeRow { primary_side: string; reason: string | null; primary_ms: number | null; shadow_ms: number | null }

const NO_TIMES = ANSWER_BITS.primaryNoTime + ANSWER_BITS.shadowNoTime;

/**
 * The first day from which on the stage's counts hold at least GATE_LATENCY_SAMPLES comparisons
 * with an answer time (noise samples left out), or null when the whole window holds fewer. Bounding
 * the read of the newest times by it lets the database read those rows by the (route, at) index
 * instead of scanning the window (PostgreSQL chose a scan of the whole table on a 90-day store).
 */
async function samplesFrom(sql: Sql, route: string, stage: Stage, since: string | null): Promise<string | null> {
  if (!(await hasTable(sql, 'stage_hours'))) return null;
  const days = await sql.all<{ day: string; n: number | string }>(`SELECT hour AS day, SUM(count) AS n FROM stage_hours
    WHERE route = ? AND stage = ?${since === null ? '' : ' AND hour >= ?'} AND reason <> 'noise_sample' AND (answers & ${NO_TIMES}) <> ${NO_TIMES}
    GROUP BY hour ORDER BY hour DESC`, since === null ? [route, stage] : [route, stage, dayOf(since)]);
  let n = 0;
  for (const d of days) if ((n += Number(d.n)) >= GATE_LATENCY_SAMPLES) return d.day;
  return null;
}

/** The newest answer times of each side (fallback rows: the monolith's only); newest by time, which the (route, at) index gives in order. */
async function latencies(sql: Sql, where: string, params: readonly (string | null)[], from: string | null): Promise<Record<Side, number[]>> {
  const newest = `FROM comparisons c WHERE ${where}${from === null ? '' : ' AND c.at >= ?'}
    AND (c.primary_ms IS NOT NULL OR c.shadow_ms IS NOT NULL) ORDER BY c.at DESC LIMIT ?`;
  const args = [...params, ...(from === null ? [] : [from]), GATE_LATENCY_SAMPLES];
  if (sql.engine === 'postgres') return latencyLists(await sql.get<TimeLists>(LISTED.replace('{newest}', newest), args));
  const rows = await sql.all<TimeRow>(`SELECT primary_side, reason, primary_ms, shadow_ms ${newest}`, args);
  const out: Record<Side, number[]> = { service: [], monolith: [] };
  for (const r of rows) {
    const primary: Side = r.reason === 'fallback' || r.primary_side !== 'service' ? 'monolith' : 'service';
    if (r.primary_ms !== null) out[primary].push(r.primary_ms);
    if (r.shadow_ms !== null && r.reason !== 'fallback') out[primary === 'service' ? 'monolith' : 'service'].push(r.shadow_ms);
  }
  return out;
}

/**
 * PostgreSQL: the same times, each side's as one comma-separated list (the rule above in SQL). A
 * fresh process spent ~60 ms turning 5,000 rows into objects and ~30 ms on two strings (measured on
 * the 90-day soak store); float8 prints as the shortest text that reads back as the same number.
 */
const LISTED = `SELECT string_agg(CAST(CASE WHEN m THEN shadow_ms ELSE primary_ms END AS TEXT), ',') AS service,
  string_agg(CAST(CASE WHEN m THEN primary_ms ELSE shadow_ms END AS TEXT), ',') AS monolith
FROM (SELECT (c.reason = 'fallback' OR c.primary_side <> 'service') AS m, c.primary_ms,
  CASE WHEN c.reason = 'fallback' THEN NULL ELSE c.shadow_ms END AS shadow_ms {newest}) t`;

interface TimeLists { service: string | null; monolith: string | null }

function latencyLists(r: TimeLists | undefined): Record<Side, number[]> {
  const list = (s: string | null | undefined): number[] => (s ? s.split(',').map(Number) : []);
  return { service: list(r?.service), monolith: list(r?.monolith) };
}

/**
 * The window's groups: the counts of every whole day after the one the stage began in, plus the
 * rows of that day from `since` on (all of the stage's counts without a `since`). A store without
 * the counts (never migrated by a writer of this version) is grouped from its rows.
 */
async function windowGroups(sql: Sql, route: string, stage: Stage, since: string | null): Promise<GroupRow[]> {
  const f = comparisonFilter({ route, since, stage });
  const rows = (extra = '', params: readonly (string | null)[] = []): Promise<GroupRow[]> =>
    sql.all<GroupRow>(GROUPS.replace('{where}', `${f.where}${extra}`), [...f.params, ...params]);
  if (!(await hasTable(sql, 'stage_hours'))) return rows();
  if (since === null) return sql.all<GroupRow>(TALLIED.replace('{from}', ''), [route, stage]);
  const next = nextDay(dayOf(since));
  if (next === null) return rows(); // a start not written as ISO 8601: no day to split at
  const head = await rows(' AND c.at < ?', [next]);
  return mergeGroups([...head, ...await sql.all<GroupRow>(TALLIED.replace('{from}', ' AND hour >= ?'), [route, stage, next])]);
}

/** Groups of the same key summed (the first day's rows and the later days' counts). */
function mergeGroups(rows: readonly GroupRow[]): GroupRow[] {
  const out = new Map<string, GroupRow>();
  for (const r of rows) {
    const k = `${r.endpoint}\u0000${r.outcome}\u0000${r.reason ?? '\u0001'}\u0000${r.primarySide}\u0000${Number(r.answers)}`;
    const o = out.get(k);
    if (!o) { out.set(k, { ...r, count: Number(r.count) }); continue; }
    o.count = Number(o.count) + Number(r.count);
    if (r.first < o.first) o.first = r.first;
    if (r.last > o.last) o.last = r.last;
  }
  return [...out.values()];
}

/**
 * The gate's input for moving `route` from `stage` to `target`. The window is every comparison
 * at `stage` since the last audit entry that moved the route to `stage` (all of them when there is
 * none); rows the diff store has pruned (beyond its per-route retention) are not seen. Answer times
 * (p99 and the latency check) come from the newest {@link GATE_LATENCY_SAMPLES} comparisons.
 */
export function loadGateInput(sql: Sql, route: string, stage: Stage, target: Stage, config?: RouteConfig): Promise<GateInput> {
  // On PostgreSQL every read sees one moment (pg-sql.ts snapshot), so the counts and the rows agree.
  return isPgPool(sql) ? sql.snapshot((tx) => gateInput(tx, route, stage, target, config)) : gateInput(sql, route, stage, target, config);
}

async function gateInput(sql: Sql, route: string, stage: Stage, target: Stage, config?: RouteConfig): Promise<GateInput> {
  const since = await enteredAt(sql, route, stage);
  const f = comparisonFilter({ route, since, stage });
  const have = await hasTable(sql, 'comparisons');
  // Every read is asked for at once. On PostgreSQL one connection runs them in turn (a second one
  // reading at the same time made both slower: two new backends first touching the same shared
  // pages; measured on the soak) while this process works on the answers already in.
  // The newest answer times are asked for after the comparisons with facts: the database reads
  // them while this process classifies those (measured on the 90-day soak store: ~25 ms less).
  let asked: () => void = () => undefined;
  const findingsAsked = new Promise<void>((resolve) => { asked = resolve; });
  const windowed = Promise.all([have ? windowGroups(sql, route, stage, since) : [], storedIgnoreRules(sql)]).then(async ([rows, stored]) => {
    const groups = rows.map(groupOf);
    // Verdicts re-classified with today's rules and evidence, per endpoint (counted from the same groups).
    return { groups, found: await routeFindings(sql, { route, config, stored, since, stage, diffs: false, onAsked: asked }, outcomeGroups(groups)) };
  }).finally(asked);
  const newest = have
    ? Promise.all([samplesFrom(sql, route, stage, since), findingsAsked])
      .then(([from]) => latencies(sql, `${f.where} AND (c.reason IS NULL OR c.reason <> 'noise_sample')`, f.params, from))
    : { service: [], monolith: [] };
  // The route's service breaker as every facade process recorded it (gate check `breaker`).
  const breaker = config ? breakerGateFigures(sql, config.service, new Date()) : undefined;
  const [{ groups, found }, times, breakerFigures] = await Promise.all([windowed, newest, breaker]);
  const sides = sideTallies(groups);
  const figures = (side: Side): SideFigures => ({ ...sides[side], p99Ms: p99(times[side]), latenciesMs: times[side] });
  const outcomes = outcomesNow(found);
  const n = (o: string): number => outcomes[o] ?? 0;
  return {
    route, stage, target, since,
    comparisons: n('match') + n('mismatch') + n('noise') + n('generated') + n('unjudged'), mismatches: n('mismatch'), unjudged: n('unjudged'),
    endpoints: found.endpoints.map((e) => ({ endpoint: e.endpoint, compared: e.compared, mismatches: e.verdicts.mismatch, unjudged: e.verdicts.unjudged,
      topField: e.fields.find((x) => x.class === 'real')?.field ?? null })),
    divergences: n('divergence'), errors: n('error'), skipped: n('skipped'),
    service: figures('service'), monolith: figures('monolith'),
    breaker: breakerFigures,
  };
}
