// Builds the shadow-diff report (core/report-types.ts) from the diff store's raw rows: outcome
// counts and rates in the window, each side's latency and errors, status pairs, the top differing
// fields with their class and newest example, and the mismatch-rate timeline. Pure: io/report-query.ts
// reads the rows; the clock arrives as `now`.
import { classifyField, fieldOf } from './compare';
import { OUTCOMES, REPORT_SIDES, type FieldExample, type FieldReport, type Report, type ReportOutcome, type ReportSide, type RouteReport, type SideReport, type StageChange, type StatusPair } from './report-types';
import { epochMinute, latencySummary, rateOf, timelineOf, type MinuteCount } from './report-stats';

export * from './report-types';

/** One retained comparison row (no detail). */
export interface ComparisonRow {
  readonly at: string;
  readonly route: string;
  readonly primarySide: string;
  readonly primaryStatus: number | null;
  readonly shadowStatus: number | null;
  readonly primaryMs: number | null;
  readonly shadowMs: number | null;
  readonly outcome: string;
  readonly reason: string | null;
}

/** A retained comparison with its parsed detail (`{ mismatched, ignored, diff }`). */
export interface SampleRow {
  readonly at: string;
  readonly route: string;
  readonly method: string;
  readonly path: string;
  readonly primarySide: string;
  readonly detail: unknown;
}

export interface ReportInput {
  readonly now: Date;
  readonly since: Date | null;
  /** Routes to report, in this order. */
  readonly routes: readonly string[];
  /** Retained rows with `at` from the start of `since`'s minute or later (all rows when no `since`). */
  readonly rows: readonly ComparisonRow[];
  /** Rows with detail, newest first (examples come from the first that has the field). */
  readonly samples: readonly SampleRow[];
  readonly routeStats: readonly { readonly route: string; readonly compared: number; readonly noiseSamples: number }[];
  readonly fieldStats: readonly { readonly route: string; readonly field: string; readonly mismatches: number; readonly noiseDiffs: number; readonly ignored: number; readonly example: string | null }[];
  readonly minutes: readonly (MinuteCount & { readonly route: string })[];
  readonly states: readonly { readonly route: string; readonly stage: string; readonly rolloutStage: string | null; readonly rolloutPercent: number | null }[];
  /** Audit entries, newest first. */
  readonly audit: readonly (StageChange & { readonly route: string })[];
  /** How many fields `fields.top` lists (default 15). */
  readonly maxFields?: number;
}

/** Primary-vs-primary samples are stored as skipped rows; they are not comparisons. */
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

type StoredDifference = { path: string; kind?: string; primary?: unknown; shadow?: unknown; reason?: string };

/** The stored difference at `field` in one detail object (mismatched before ignored), with the body diff. */
function differenceAt(detail: unknown, field: string): { d: StoredDifference; ignored: boolean; diff: string } | null {
  if (typeof detail !== 'object' || detail === null) return null;
  const { mismatched, ignored, diff } = detail as { mismatched?: unknown; ignored?: unknown; diff?: unknown };
  const lists: Array<[unknown, boolean]> = [[mismatched, false], [ignored, true]];
  for (const [list, isIgnored] of lists) {
    if (!Array.isArray(list)) continue;
    const d = list.find((x): x is StoredDifference => typeof x?.path === 'string' && fieldOf(x.path) === field);
    if (d) return { d, ignored: isIgnored, diff: typeof diff === 'string' ? diff : '' };
  }
  return null;
}

function exampleFor(field: string, samples: readonly SampleRow[], firstSeen: string | null): FieldExample | null {
  let sample: SampleRow | null = null;
  let found: ReturnType<typeof differenceAt> = null;
  for (const s of samples) {
    found = differenceAt(s.detail, field);
    if (found) { sample = s; break; }
  }
  if (!found && firstSeen) {
    try { found = differenceAt(JSON.parse(firstSeen), field); } catch { found = null; }
  }
  if (!found) return null;
  const { d, ignored, diff } = found;
  return {
    at: sample?.at ?? null,
    request: sample ? { method: sample.method, path: sample.path } : null,
    primarySide: sample ? asSide(sample.primarySide) : null,
    path: d.path, kind: String(d.kind ?? 'changed'),
    ...(d.primary !== undefined ? { primary: d.primary } : {}),
    ...(d.shadow !== undefined ? { shadow: d.shadow } : {}),
    ignoredBecause: ignored ? String(d.reason ?? '') : null, diff,
  };
}

function fieldsReport(route: string, input: ReportInput): RouteReport['fields'] {
  const stats = input.routeStats.find((r) => r.route === route) ?? { compared: 0, noiseSamples: 0 };
  const samples = input.samples.filter((s) => s.route === route);
  const all = input.fieldStats
    .filter((f) => f.route === route && f.mismatches + f.noiseDiffs + f.ignored > 0)
    .sort((a, b) => b.mismatches - a.mismatches || b.noiseDiffs - a.noiseDiffs || b.ignored - a.ignored || a.field.localeCompare(b.field));
  const limit = input.maxFields ?? 15;
  const top = all.slice(0, limit).map((f): FieldReport => {
    const c = classifyField({ shadowComparisons: stats.compared, shadowDiffs: f.mismatches, noiseSamples: stats.noiseSamples, noiseDiffs: f.noiseDiffs });
    const onlyIgnored = f.mismatches === 0 && f.noiseDiffs === 0;
    return {
      field: f.field, mismatches: f.mismatches, noiseDiffs: f.noiseDiffs, ignored: f.ignored,
      mismatchRate: c.mismatchRate, noiseRate: c.noiseRate,
      class: onlyIgnored ? 'ignored' : c.class,
      why: onlyIgnored ? `${f.ignored} difference(s) here were moved aside by an ignore rule; none counted as a mismatch.` : c.why,
      example: exampleFor(f.field, samples, f.example),
    };
  });
  return { scope: 'lifetime', compared: stats.compared, noiseSamples: stats.noiseSamples, top, omitted: all.length - top.length };
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
    sides: sideReports(inWindow),
    statusPairs: statusPairs(inWindow),
    fields: fieldsReport(route, input),
    timeline: timelineOf(minutes.filter((m) => Number.isFinite(epochMinute(m.minute)))),
  };
}

/** Builds the report for `input.routes`, in that order. */
export function buildReport(input: ReportInput): Report {
  return {
    version: 1,
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
