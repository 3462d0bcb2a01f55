// Loads what the promotion gate (core/gate.ts) judges from the state database: the comparisons of
// one route at its current stage, since the audit entry that moved it there. One aggregate pass
// groups the window by what decides the counts (endpoint, outcome, reason, primary side, whether
// each side answered, with a 5xx); each side's requests and failures are counted from those groups
// and the findings reuse them; the comparisons with facts are re-classified, and answer times come
// from the newest rows only: nothing loads every retained row, so the gate stays fast on months of
// history. Read-only, either engine (every replica's comparisons).
import type { RouteConfig } from '../config';
import type { Outcome } from '../core/comparison';
import type { GateInput, SideFigures } from '../core/gate';
import { nearestRank } from '../core/report-stats';
import type { Side, Stage } from '../core/stages';
import type { Sql } from './db/sql';
import { breakerGateFigures } from './breaker-log';
import { hasTable } from './db/tables';
import { comparisonFilter, type OutcomeGroup } from './diff-store/queries';
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
  return nearestRank([...times].sort((a, b) => a - b), 99);
}

/** The answer facts the side counts read, as bits of one grouped integer (one sort key instead of six: the grouped pass is a third cheaper). */
const ANSWER_BITS = { primary5xx: 1, primaryNoStatus: 2, primaryNoTime: 4, shadow5xx: 8, shadowNoStatus: 16, shadowNoTime: 32 } as const;
const bit = (condition: string, value: number): string => `CASE WHEN ${condition} THEN ${value} ELSE 0 END`;

/** The window grouped by everything the side counts depend on (the same SQL on both engines). */
const GROUPS = `SELECT endpoint, outcome, reason, primary_side AS "primarySide",
  ${bit('primary_status >= 500', ANSWER_BITS.primary5xx)} + ${bit('primary_status IS NULL', ANSWER_BITS.primaryNoStatus)}
  + ${bit('primary_ms IS NULL', ANSWER_BITS.primaryNoTime)} + ${bit('shadow_status >= 500', ANSWER_BITS.shadow5xx)}
  + ${bit('shadow_status IS NULL', ANSWER_BITS.shadowNoStatus)} + ${bit('shadow_ms IS NULL', ANSWER_BITS.shadowNoTime)} AS answers,
  COUNT(*) AS count, MIN(at) AS first, MAX(at) AS last
FROM comparisons c WHERE {where} GROUP BY 1, 2, 3, 4, 5`;

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

/** The newest answer times of each side (fallback rows: the monolith's only); newest by time, which the (route, at) index gives in order. */
async function latencies(sql: Sql, where: string, params: readonly (string | null)[]): Promise<Record<Side, number[]>> {
  const rows = await sql.all<TimeRow>(`SELECT primary_side, reason, primary_ms, shadow_ms FROM comparisons c WHERE ${where}
    AND (c.primary_ms IS NOT NULL OR c.shadow_ms IS NOT NULL) ORDER BY c.at DESC LIMIT ?`, [...params, GATE_LATENCY_SAMPLES]);
  const out: Record<Side, number[]> = { service: [], monolith: [] };
  for (const r of rows) {
    const primary: Side = r.reason === 'fallback' || r.primary_side !== 'service' ? 'monolith' : 'service';
    if (r.primary_ms !== null) out[primary].push(r.primary_ms);
    if (r.shadow_ms !== null && r.reason !== 'fallback') out[primary === 'service' ? 'monolith' : 'service'].push(r.shadow_ms);
  }
  return out;
}

/**
 * The gate's input for moving `route` from `stage` to `target`. The window is every comparison
 * at `stage` since the last audit entry that moved the route to `stage` (all of them when there is
 * none); rows the diff store has pruned (beyond its per-route retention) are not seen. Answer times
 * (p99 and the latency check) come from the newest {@link GATE_LATENCY_SAMPLES} comparisons.
 */
export async function loadGateInput(sql: Sql, route: string, stage: Stage, target: Stage, config?: RouteConfig): Promise<GateInput> {
  const since = await enteredAt(sql, route, stage);
  const f = comparisonFilter({ route, since, stage });
  const have = await hasTable(sql, 'comparisons');
  const groups = have ? (await sql.all<GroupRow>(GROUPS.replace('{where}', f.where), f.params)).map(groupOf) : [];
  // Verdicts re-classified with today's rules and evidence, per endpoint (counted from the same pass).
  const found = await routeFindings(sql, { route, config, stored: await storedIgnoreRules(sql), since, stage }, outcomeGroups(groups));
  const sides = sideTallies(groups);
  const times = have ? await latencies(sql, `${f.where} AND (c.reason IS NULL OR c.reason <> 'noise_sample')`, f.params) : { service: [], monolith: [] };
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
    // The route's service breaker as every facade process recorded it (gate check `breaker`).
    breaker: config ? await breakerGateFigures(sql, config.service, new Date()) : undefined,
  };
}
