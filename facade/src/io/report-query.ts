// Reads what the shadow-diff report needs from the state database (diff store tables, route
// states, audit log) and hands the rows to core/report.ts. Read-only, the same SQL on SQLite and
// PostgreSQL (every replica's comparisons alike); works on a database where some tables do not
// exist yet (a fresh state file, or a facade that never compared anything).
import { buildReport, routesToReport, type ComparisonRow, type ReportInput, type RouteFindings } from '../core/report';
import type { Report } from '../core/report-types';
import type { RouteConfig } from '../config';
import { COUNT_WIDTH_MINUTES } from '../core/retention';
import type { Sql, SqlValue } from './db/sql';
import { breakerHistories } from './breaker-log';
import { tableNames } from './db/tables';
import { routeFindings, storedIgnoreRules } from './findings-query';

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

/** Reads the diff store and builds the {@link Report}; see {@link LoadReportOptions}. */
export async function loadReport(sql: Sql, opts: LoadReportOptions): Promise<Report> {
  const have = await tableNames(sql);
  const [where, p] = byRoute(opts.route);
  // Rows from the start of the window's first minute: core/report needs them to tell whether the
  // store already pruned part of the window (the outcome counts are rolled up, never deleted).
  const fromMinute = opts.since ? opts.since.toISOString().slice(0, 16) : '';
  const rawRows = await allIf<ComparisonRow & { id: number }>(sql, have, 'comparisons', `SELECT id, at, route, method, path,
    primary_side AS "primarySide", primary_status AS "primaryStatus", shadow_status AS "shadowStatus", primary_ms AS "primaryMs",
    shadow_ms AS "shadowMs", outcome, reason, replica FROM comparisons WHERE at >= ?${where}`, [fromMinute, ...p]);
  // Stored verdicts were given when recorded; re-classify with today's rules and evidence.
  const findings = new Map<string, RouteFindings>();
  const verdicts = new Map<number, string>();
  const stored = await storedIgnoreRules(sql);
  const routeNames = new Set(rawRows.map((r) => r.route));
  if (opts.route !== undefined) routeNames.add(opts.route);
  for (const route of routeNames) {
    const f = await routeFindings(sql, { route, config: opts.configs?.get(route), stored, since: opts.since?.toISOString() ?? null });
    findings.set(route, { endpoints: f.endpoints, noise: f.noise });
    for (const [id, v] of f.verdicts) verdicts.set(id, v);
  }
  const rows = rawRows.map((r) => ({ ...r, outcome: verdicts.get(Number(r.id)) ?? r.outcome }));
  const input: Omit<ReportInput, 'routes'> = {
    now: opts.now,
    since: opts.since ?? null,
    rows,
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
