// Reads what the shadow-diff report needs from the state database (diff store tables, route
// states, audit log) and hands the rows to core/report.ts. Read-only, the same SQL on SQLite and
// PostgreSQL (every replica's comparisons alike); works on a database where some tables do not
// exist yet (a fresh state file, or a facade that never compared anything).
import { buildReport, routesToReport, type DivergenceRow, type ReportInput, type ReportSide, type RouteFindings, type RouteTally } from '../core/report';
import { isNoiseSample, type LatencyCount } from '../core/report-tally';
import type { Outcome } from '../core/comparison';
import type { OutcomeGroup } from './diff-store/queries';
import type { Report } from '../core/report-types';
import type { RouteConfig } from '../config';
import { COUNT_WIDTH_MINUTES } from '../core/retention';
import type { Sql, SqlValue } from './db/sql';
import { breakerHistories } from './breaker-log';
import { tableNames } from './db/tables';
import { outcomesNow, routeFindings, storedIgnoreRules } from './findings-query';

export interface LoadReportOptions {
  /** Only this route (reported even when it has no data). */
  readonly route?: string;
  /** Only comparisons at or after this time; lifetime field aggregates are shown regardless. */
  readonly since?: Date;
  /** The report's clock: `generatedAt` and the window's end. */
  readonly now: Date;
  /** Configured route names, in config order: each gets a section, with or without data. */
  readonly routes?: readonly string[];
  /** How many fields each endpoint lists (default 15). */
  readonly maxFields?: number;
  /** Route configs (ignore rules, generated-value policy) for re-classification. */
  readonly configs?: ReadonlyMap<string, RouteConfig>;
}

/** Runs `text` with `params` when `table` exists; [] otherwise. */
async function allIf<T>(sql: Sql, have: Set<string>, table: string, text: string, params: SqlValue[]): Promise<T[]> {
  return have.has(table) ? sql.all<T>(text, params) : [];
}

/** `AND route = ?` and its parameter when one route is asked for. */
function byRoute(route: string | undefined, column = 'route'): [string, SqlValue[]] {
  return route === undefined ? ['', []] : [` AND ${column} = ?`, [route]];
}

/**
 * Outcome counts from the window's first minute on: per minute, and per hour and per day where the
 * store rolled old minutes up (io/diff-store/retention.ts); each row says how many minutes it spans.
 */
async function countsFrom(sql: Sql, have: Set<string>, fromMinute: string, where: string, p: SqlValue[]): Promise<ReportInput['minutes']> {
  const read = (table: string, key: string, width: number): Promise<ReportInput['minutes']> => allIf(sql, have, table,
    `SELECT route, ${key} AS minute, outcome, count, ${width} AS minutes FROM ${table} WHERE ${key} >= ?${where}`, [fromMinute, ...p]);
  return [
    ...await read('comparison_days', 'day', COUNT_WIDTH_MINUTES.day),
    ...await read('comparison_hours', 'hour', COUNT_WIDTH_MINUTES.hour),
    ...await read('comparison_minutes', 'minute', COUNT_WIDTH_MINUTES.minute),
  ];
}

/** Not a primary-vs-primary sample of a version 1 store (those are not comparisons). */
const NOT_SAMPLE = "NOT (outcome = 'skipped' AND COALESCE(reason, '') = 'noise_sample')";

type Flag = boolean | number;
interface GroupRow { route: string; endpoint: string; primarySide: string; primaryStatus: number | null; shadowStatus: number | null; outcome: string;
  reason: string | null; replica: string | null; inWindow: Flag; count: number | string; first: string; last: string }

/**
 * One GROUP BY over the rows from the window's first minute on: everything the outcome, side,
 * status-pair and replica figures count, per endpoint for the findings (the same pass the gate makes).
 */
async function loadGroups(sql: Sql, fromMinute: string, sinceIso: string, where: string, p: SqlValue[]): Promise<GroupRow[]> {
  const rows = await sql.all<GroupRow>(`SELECT route, endpoint, primary_side AS "primarySide", primary_status AS "primaryStatus",
    shadow_status AS "shadowStatus", outcome, reason, replica, at >= ? AS "inWindow", COUNT(*) AS count, MIN(at) AS first, MAX(at) AS last
    FROM comparisons WHERE at >= ?${where} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`, [sinceIso, fromMinute, ...p]);
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

/** The groups of one route's window summed per endpoint, outcome and reason: what the findings count. */
function outcomeGroups(groups: readonly GroupRow[]): OutcomeGroup[] {
  const out = new Map<string, { endpoint: string; outcome: Outcome; reason: string | null; count: number; first: string; last: string }>();
  for (const g of groups) {
    const key = JSON.stringify([g.endpoint, g.outcome, g.reason]);
    const o = out.get(key);
    if (!o) { out.set(key, { endpoint: g.endpoint, outcome: g.outcome as Outcome, reason: g.reason, count: Number(g.count), first: g.first, last: g.last }); continue; }
    o.count += Number(g.count);
    if (g.first < o.first) o.first = g.first;
    if (g.last > o.last) o.last = g.last;
  }
  return [...out.values()];
}

/** Each side's answer times in the window with how many took each (exact values: percentiles stay exact), per route. */
async function loadLatencies(sql: Sql, sinceIso: string, where: string, p: SqlValue[]): Promise<Map<string, Record<ReportSide, LatencyCount[]>>> {
  const rows = await sql.all<{ route: string; side: ReportSide; ms: number; count: number | string }>(`SELECT route, side, ms, COUNT(*) AS count FROM (
      SELECT route, CASE WHEN primary_side = 'service' THEN 'service' ELSE 'monolith' END AS side, primary_ms AS ms FROM comparisons
      WHERE at >= ?${where} AND ${NOT_SAMPLE} AND primary_status IS NOT NULL AND primary_ms IS NOT NULL
    UNION ALL
      SELECT route, CASE WHEN primary_side = 'service' THEN 'monolith' ELSE 'service' END AS side, shadow_ms AS ms FROM comparisons
      WHERE at >= ?${where} AND ${NOT_SAMPLE} AND shadow_status IS NOT NULL AND shadow_ms IS NOT NULL
    ) t GROUP BY route, side, ms`, [sinceIso, ...p, sinceIso, ...p]);
  const out = new Map<string, Record<ReportSide, LatencyCount[]>>();
  for (const r of rows) {
    let sides = out.get(r.route);
    if (!sides) out.set(r.route, (sides = { monolith: [], service: [] }));
    sides[r.side].push({ ms: Number(r.ms), count: Number(r.count) });
  }
  return out;
}

/** The window's divergences (second writes the other side missed), per route. */
async function loadDivergences(sql: Sql, sinceIso: string, where: string, p: SqlValue[]): Promise<Map<string, DivergenceRow[]>> {
  const rows = await sql.all<DivergenceRow & { route: string; reason: string | null }>(`SELECT route, at, method, path, reason,
    primary_status AS "primaryStatus", shadow_status AS "shadowStatus" FROM comparisons WHERE outcome = 'divergence' AND at >= ?${where}`, [sinceIso, ...p]);
  const out = new Map<string, DivergenceRow[]>();
  for (const { route, ...d } of rows) {
    const list = out.get(route) ?? [];
    list.push({ ...d, method: d.method ?? '', path: d.path ?? '', reason: d.reason ?? 'unknown' });
    out.set(route, list);
  }
  return out;
}

/** Reads the diff store and builds the {@link Report}; see {@link LoadReportOptions}. */
export async function loadReport(sql: Sql, opts: LoadReportOptions): Promise<Report> {
  const have = await tableNames(sql);
  const [where, p] = byRoute(opts.route);
  // Rows from the start of the window's first minute: core/report needs them to tell whether the
  // store already pruned part of the window (the outcome counts are rolled up, never deleted).
  const fromMinute = opts.since ? opts.since.toISOString().slice(0, 16) : '';
  const sinceIso = opts.since?.toISOString() ?? '';
  const compared = have.has('comparisons');
  const groups = compared ? await loadGroups(sql, fromMinute, sinceIso, where, p) : [];
  const latencies = compared ? await loadLatencies(sql, sinceIso, where, p) : new Map<string, Record<ReportSide, LatencyCount[]>>();
  const divergences = compared ? await loadDivergences(sql, sinceIso, where, p) : new Map<string, DivergenceRow[]>();
  // Stored verdicts were given when recorded; re-classify with today's rules and evidence.
  const findings = new Map<string, RouteFindings>();
  const tallies = new Map<string, RouteTally>();
  const stored = await storedIgnoreRules(sql);
  const routeNames = new Set(groups.map((g) => g.route));
  if (opts.route !== undefined) routeNames.add(opts.route);
  for (const route of routeNames) {
    const mine = groups.filter((g) => g.route === route);
    const inWindow = mine.filter((g) => Boolean(g.inWindow));
    const f = await routeFindings(sql, { route, config: opts.configs?.get(route), stored, since: opts.since?.toISOString() ?? null }, outcomeGroups(inWindow));
    findings.set(route, { endpoints: f.endpoints, noise: f.noise });
    const counted = inWindow.filter((g) => !isNoiseSample(g));
    tallies.set(route, {
      outcomes: outcomesNow(f),
      groups: counted.map((g) => ({ primarySide: g.primarySide, primaryStatus: g.primaryStatus, shadowStatus: g.shadowStatus, outcome: g.outcome,
        reason: g.reason, replica: g.replica, count: Number(g.count) })),
      latencies: latencies.get(route) ?? { monolith: [], service: [] },
      divergences: divergences.get(route) ?? [],
      oldestAt: counted.reduce<string | null>((min, g) => (min === null || g.first < min ? g.first : min), null),
      fromMinuteRows: mine.reduce((n, g) => n + Number(g.count), 0),
    });
  }
  const input: Omit<ReportInput, 'routes'> = {
    now: opts.now,
    since: opts.since ?? null,
    tallies,
    findings,
    minutes: await countsFrom(sql, have, fromMinute, where, p),
    states: await allIf(sql, have, 'route_states', `SELECT route, stage, rollout_stage AS "rolloutStage", rollout_percent AS "rolloutPercent"
      FROM route_states WHERE 1 = 1${where}`, p),
    audit: (await allIf<{ route: string; at: string; actor: string; from: string; to: string; percent: number | null; reason: string | null; forced: number | boolean }>(
      sql, have, 'audit_log', `SELECT route, at, actor, from_stage AS "from", to_stage AS "to", percent, reason, forced FROM audit_log
      WHERE id IN (SELECT MAX(id) FROM audit_log GROUP BY route)${where} ORDER BY id DESC`, p,
    )).map((a) => ({ ...a, forced: a.forced === 1 || a.forced === true })),
    maxFields: opts.maxFields,
  };
  const seen = [...routeNames, ...input.minutes.map((m) => m.route), ...input.states.map((r) => r.route)];
  const report = buildReport({ ...input, routes: routesToReport(opts.routes ?? [], seen, opts.route) });
  // Circuit breakers of the monolith and the reported routes' services over the same window (io/breaker-log.ts).
  const services = [...new Set(report.routes.map((r) => opts.configs?.get(r.route)?.service).filter((s): s is string => s !== undefined))];
  return { ...report, breakers: await breakerHistories(sql, ['monolith', ...services], opts.since ?? new Date(0), opts.now, 10) };
}
