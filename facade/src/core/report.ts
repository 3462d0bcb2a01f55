// Builds the shadow-diff report (core/report-types.ts) from the diff store's raw rows: outcome
// counts and rates in the window, each side's latency and errors, status pairs, the endpoints
// ranked by real-difference rate with their classed fields (core/comparison/findings.ts), noise
// evidence, divergences, and the mismatch-rate timeline. Pure: io/report-query.ts reads the rows
// and re-classifies stored facts; the clock arrives as `now`.
import { OUTCOMES, REPORT_SIDES, type DivergenceRow, type EndpointFindings, type NoiseEvidence, type ReplicaCount, type Report, type ReportOutcome, type ReportSide, type RouteReport, type SideReport, type StageChange, type StatusPair } from './report-types';
import { epochMinute, latencySummary, rateOf, timelineOf, type MinuteCount } from './report-stats';

export * from './report-types';

/** One retained comparison row (no detail); `outcome` already re-classified by the reader. */
export interface ComparisonRow {
  readonly at: string;
  readonly method?: string;
  readonly path?: string;
  readonly route: string;
  readonly primarySide: string;
  readonly primaryStatus: number | null;
  readonly shadowStatus: number | null;
  readonly primaryMs: number | null;
  readonly shadowMs: number | null;
  readonly outcome: string;
  readonly reason: string | null;
  /** The facade replica that recorded it (null: not recorded, older stores). */
  readonly replica?: string | null;
}

/** What the reader found per route: ranked endpoints and noise evidence. */
export interface RouteFindings {
  readonly endpoints: readonly EndpointFindings[];
  readonly noise: readonly NoiseEvidence[];
}

export interface ReportInput {
  readonly now: Date;
  readonly since: Date | null;
  /** Routes to report, in this order. */
  readonly routes: readonly string[];
  /** Retained rows with `at` from the start of `since`'s minute or later (all rows when no `since`). */
  readonly rows: readonly ComparisonRow[];
  /** Per route: endpoints ranked with their classed fields, and noise evidence. */
  readonly findings: ReadonlyMap<string, RouteFindings>;
  /** Outcome counts per minute, and per hour or day where the store rolled old minutes up (`minutes`: the row's width). */
  readonly minutes: readonly (MinuteCount & { readonly route: string })[];
  readonly states: readonly { readonly route: string; readonly stage: string; readonly rolloutStage: string | null; readonly rolloutPercent: number | null }[];
  /** Audit entries, newest first. */
  readonly audit: readonly (StageChange & { readonly route: string })[];
  /** How many fields each endpoint lists (default 15). */
  readonly maxFields?: number;
}

/** Rows of version 1 stores: primary-vs-primary samples were stored as skipped rows; they are not comparisons. */
const isNoiseSample = (r: ComparisonRow): boolean => r.outcome === 'skipped' && r.reason === 'noise_sample';
const asSide = (s: string): ReportSide => (s === 'service' ? 'service' : 'monolith');
const otherSide = (s: ReportSide): ReportSide => (s === 'monolith' ? 'service' : 'monolith');
const floorToMinute = (d: Date): string => d.toISOString().slice(0, 16);

/** The side that failed to answer at all, as the recorder names it in `reason`. */
function failedSide(r: ComparisonRow): ReportSide | null {
  const reason = r.reason ?? '';
  if (r.outcome === 'error') return reason.startsWith('monolith_') ? 'monolith' : reason.startsWith('service_') ? 'service' : null;
  const noAnswer = reason.startsWith('second_write_') && !reason.startsWith('second_write_status_') && !reason.startsWith('second_write_not_sent');
  return r.outcome === 'divergence' && noAnswer ? otherSide(asSide(r.primarySide)) : null;
}

function sideReports(rows: readonly ComparisonRow[]): SideReport[] {
  return REPORT_SIDES.map((side) => {
    const ms: number[] = [];
    let requests = 0;
    let errors = 0;
    for (const r of rows) {
      const isPrimary = asSide(r.primarySide) === side;
      const status = isPrimary ? r.primaryStatus : r.shadowStatus;
      const latency = isPrimary ? r.primaryMs : r.shadowMs;
      const failed = status === null && failedSide(r) === side;
      if (status !== null && latency !== null) ms.push(latency);
      if (status !== null || failed) requests++;
      if (failed || (status !== null && status >= 500)) errors++;
    }
    return { side, latency: latencySummary(ms), requests, errors, errorRate: rateOf(errors, requests) };
  });
}

function statusPairs(rows: readonly ComparisonRow[]): StatusPair[] {
  const pairs = new Map<string, StatusPair>();
  for (const r of rows) {
    const key = `${r.primarySide}|${r.primaryStatus}|${r.shadowStatus}`;
    const seen = pairs.get(key);
    pairs.set(key, { primarySide: asSide(r.primarySide), primary: r.primaryStatus, shadow: r.shadowStatus, count: (seen?.count ?? 0) + 1 });
  }
  const code = (s: number | null): number => s ?? 1000; // no status sorts after every status
  return [...pairs.values()].sort((a, b) => b.count - a.count || a.primarySide.localeCompare(b.primarySide)
    || code(a.primary) - code(b.primary) || code(a.shadow) - code(b.shadow));
}

/** Comparisons per replica, most first (ties by name, the unnamed last). */
function replicasOf(rows: readonly ComparisonRow[]): ReplicaCount[] {
  const counts = new Map<string | null, number>();
  for (const r of rows) counts.set(r.replica ?? null, (counts.get(r.replica ?? null) ?? 0) + 1);
  return [...counts].map(([replica, comparisons]) => ({ replica, comparisons }))
    .sort((a, b) => b.comparisons - a.comparisons || (a.replica === null ? 1 : b.replica === null ? -1 : a.replica.localeCompare(b.replica)));
}

function divergencesOf(rows: readonly ComparisonRow[]): DivergenceRow[] {
  return rows.filter((r) => r.outcome === 'divergence').map((r) => ({
    at: r.at, method: r.method ?? '', path: r.path ?? '', reason: r.reason ?? 'unknown', primaryStatus: r.primaryStatus, shadowStatus: r.shadowStatus,
  })).sort((a, b) => b.at.localeCompare(a.at));
}

function endpointsOf(route: string, input: ReportInput): readonly EndpointFindings[] {
  const limit = input.maxFields ?? 15;
  return (input.findings.get(route)?.endpoints ?? []).map((e) => (e.fields.length > limit ? { ...e, fields: e.fields.slice(0, limit) } : e));
}

function routeReport(route: string, input: ReportInput): RouteReport {
  const sinceIso = input.since?.toISOString() ?? null;
  const sinceMinute = input.since ? floorToMinute(input.since) : null;
  const fromMinute = input.rows.filter((r) => r.route === route && (sinceMinute === null || r.at >= sinceMinute));
  const inWindow = fromMinute.filter((r) => !isNoiseSample(r) && (sinceIso === null || r.at >= sinceIso));
  const minutes = input.minutes.filter((m) => m.route === route && (sinceMinute === null || m.minute >= sinceMinute));
  const counted = minutes.reduce((n, m) => n + m.count, 0);
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<ReportOutcome, number>;
  for (const r of inWindow) if (r.outcome in counts) counts[r.outcome as ReportOutcome]++;
  const total = inWindow.length;
  const state = input.states.find((s) => s.route === route);
  const last = input.audit.find((a) => a.route === route);
  return {
    route,
    stage: state?.stage ?? 'off',
    rollout: state?.rolloutStage && state.rolloutPercent !== null ? { stage: state.rolloutStage, percent: state.rolloutPercent } : null,
    lastChange: last ? { at: last.at, actor: last.actor, from: last.from, to: last.to, percent: last.percent, reason: last.reason, forced: last.forced } : null,
    total,
    outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, { count: counts[o], rate: rateOf(counts[o], total) }])) as RouteReport['outcomes'],
    coverage: {
      rows: total,
      complete: fromMinute.length >= counted,
      oldestAt: inWindow.reduce<string | null>((min, r) => (min === null || r.at < min ? r.at : min), null),
    },
    replicas: replicasOf(inWindow),
    sides: sideReports(inWindow),
    statusPairs: statusPairs(inWindow),
    endpoints: endpointsOf(route, input),
    noise: input.findings.get(route)?.noise ?? [],
    divergences: divergencesOf(inWindow),
    timeline: timelineOf(minutes.filter((m) => Number.isFinite(epochMinute(m.minute)))),
  };
}

/** Builds the report for `input.routes`, in that order. */
export function buildReport(input: ReportInput): Report {
  return {
    version: 2,
    generatedAt: input.now.toISOString(),
    window: { since: input.since?.toISOString() ?? null, until: input.now.toISOString() },
    routes: input.routes.map((route) => routeReport(route, input)),
  };
}

/**
 * Which routes a report covers: just `only` when given; otherwise the configured routes in
 * config order, then any other route the store has data for (e.g. one removed from config), sorted.
 */
export function routesToReport(configured: readonly string[], seen: Iterable<string>, only?: string): string[] {
  if (only !== undefined) return [only];
  const extra = [...new Set(seen)].filter((r) => !configured.includes(r) && r !== '(unrouted)').sort();
  return [...configured, ...extra];
}
