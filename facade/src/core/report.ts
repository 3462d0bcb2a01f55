// Builds the shadow-diff report (core/report-types.ts) from what the reader tallied of each route's
// window (core/report-tally.ts): outcome counts and rates, each side's latency and errors, status
// pairs, the endpoints ranked by real-difference rate with their classed fields
// (core/comparison/findings.ts), noise evidence, divergences, and the mismatch-rate timeline. Pure:
// io/report-query.ts reads and re-classifies; the clock arrives as `now`.
import { OUTCOMES, REPORT_SIDES, type DivergenceRow, type EndpointFindings, type NoiseEvidence, type ReplicaCount, type Report, type ReportOutcome, type ReportSide, type RouteReport, type SideReport, type StageChange, type StatusPair } from './report-types';
import { epochMinute, latencySummary, rateOf, timelineOf, type MinuteCount } from './report-stats';
import { asSide, emptyTally, type ComparisonGroup, type RouteTally } from './report-tally';

export * from './report-types';
export { tallyRows, type ComparisonRow, type RouteTally } from './report-tally';

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
  /** Per route: the window's comparisons tallied (core/report-tally.ts); a route missing here has none. */
  readonly tallies: ReadonlyMap<string, RouteTally>;
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

const otherSide = (s: ReportSide): ReportSide => (s === 'monolith' ? 'service' : 'monolith');
const floorToMinute = (d: Date): string => d.toISOString().slice(0, 16);

/** The side that failed to answer at all, as the recorder names it in `reason`. */
function failedSide(g: ComparisonGroup): ReportSide | null {
  const reason = g.reason ?? '';
  if (g.outcome === 'error') return reason.startsWith('monolith_') ? 'monolith' : reason.startsWith('service_') ? 'service' : null;
  const noAnswer = reason.startsWith('second_write_') && !reason.startsWith('second_write_status_') && !reason.startsWith('second_write_not_sent');
  return g.outcome === 'divergence' && noAnswer ? otherSide(asSide(g.primarySide)) : null;
}

function sideReports(t: RouteTally): SideReport[] {
  return REPORT_SIDES.map((side) => {
    let requests = 0;
    let errors = 0;
    for (const g of t.groups) {
      const status = asSide(g.primarySide) === side ? g.primaryStatus : g.shadowStatus;
      const failed = status === null && failedSide(g) === side;
      if (status !== null || failed) requests += g.count;
      if (failed || (status !== null && status >= 500)) errors += g.count;
    }
    return { side, latency: latencySummary(t.latencies[side]), requests, errors, errorRate: rateOf(errors, requests) };
  });
}

function statusPairs(groups: readonly ComparisonGroup[]): StatusPair[] {
  const pairs = new Map<string, StatusPair>();
  for (const g of groups) {
    const key = `${g.primarySide}|${g.primaryStatus}|${g.shadowStatus}`;
    const seen = pairs.get(key);
    pairs.set(key, { primarySide: asSide(g.primarySide), primary: g.primaryStatus, shadow: g.shadowStatus, count: (seen?.count ?? 0) + g.count });
  }
  const code = (s: number | null): number => s ?? 1000; // no status sorts after every status
  return [...pairs.values()].sort((a, b) => b.count - a.count || a.primarySide.localeCompare(b.primarySide)
    || code(a.primary) - code(b.primary) || code(a.shadow) - code(b.shadow));
}

/** Comparisons per replica, most first (ties by name, the unnamed last). */
function replicasOf(groups: readonly ComparisonGroup[]): ReplicaCount[] {
  const counts = new Map<string | null, number>();
  for (const g of groups) counts.set(g.replica, (counts.get(g.replica) ?? 0) + g.count);
  return [...counts].map(([replica, comparisons]) => ({ replica, comparisons }))
    .sort((a, b) => b.comparisons - a.comparisons || (a.replica === null ? 1 : b.replica === null ? -1 : a.replica.localeCompare(b.replica)));
}

function divergencesOf(t: RouteTally): DivergenceRow[] {
  return [...t.divergences].sort((a, b) => b.at.localeCompare(a.at));
}

function endpointsOf(route: string, input: ReportInput): readonly EndpointFindings[] {
  const limit = input.maxFields ?? 15;
  return (input.findings.get(route)?.endpoints ?? []).map((e) => (e.fields.length > limit ? { ...e, fields: e.fields.slice(0, limit) } : e));
}

function routeReport(route: string, input: ReportInput): RouteReport {
  const sinceMinute = input.since ? floorToMinute(input.since) : null;
  const t = input.tallies.get(route) ?? emptyTally();
  const minutes = input.minutes.filter((m) => m.route === route && (sinceMinute === null || m.minute >= sinceMinute));
  const counted = minutes.reduce((n, m) => n + m.count, 0);
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, t.outcomes[o] ?? 0])) as Record<ReportOutcome, number>;
  const total = t.groups.reduce((n, g) => n + g.count, 0);
  const state = input.states.find((s) => s.route === route);
  const last = input.audit.find((a) => a.route === route);
  return {
    route,
    stage: state?.stage ?? 'off',
    rollout: state?.rolloutStage && state.rolloutPercent !== null ? { stage: state.rolloutStage, percent: state.rolloutPercent } : null,
    lastChange: last ? { at: last.at, actor: last.actor, from: last.from, to: last.to, percent: last.percent, reason: last.reason, forced: last.forced } : null,
    total,
    outcomes: Object.fromEntries(OUTCOMES.map((o) => [o, { count: counts[o], rate: rateOf(counts[o], total) }])) as RouteReport['outcomes'],
    coverage: { rows: total, complete: t.fromMinuteRows >= counted, oldestAt: t.oldestAt },
    replicas: replicasOf(t.groups),
    sides: sideReports(t),
    statusPairs: statusPairs(t.groups),
    endpoints: endpointsOf(route, input),
    noise: input.findings.get(route)?.noise ?? [],
    divergences: divergencesOf(t),
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
