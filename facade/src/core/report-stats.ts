// Small statistics for the shadow-diff report: nearest-rank percentiles, the latency histogram
// and the mismatch-rate timeline bucketed to at most 120 points, from outcome counts per minute,
// hour or day (the store rolls old minutes up: core/retention.ts). Pure; used by core/report.ts.
import { LATENCY_BUCKETS_MS, type SideReport, type Timeline, type TimelinePoint } from './report-types';
import type { LatencyCount } from './report-tally';

/**
 * Nearest-rank percentile of values sorted ascending: the smallest value with at least `p` % of
 * the values at or below it (rank ceil(p/100 * n)). Null for no values.
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** The latency part of a side's report from answer times (ms) and how many answers took each, in any order. */
export function latencySummary(times: readonly LatencyCount[]): SideReport['latency'] {
  const sorted = times.filter((t) => Number.isFinite(t.ms) && t.ms >= 0 && t.count > 0).sort((a, b) => a.ms - b.ms);
  const samples = sorted.reduce((n, t) => n + t.count, 0);
  const counts = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  for (const t of sorted) {
    const i = LATENCY_BUCKETS_MS.findIndex((le) => t.ms <= le);
    counts[i < 0 ? LATENCY_BUCKETS_MS.length : i] += t.count;
  }
  /** Nearest rank over the counted times: the smallest time with at least `p` % of the answers at or below it. */
  const rank = (p: number): number | null => {
    if (samples === 0) return null;
    const want = Math.min(samples, Math.max(1, Math.ceil((p / 100) * samples)));
    let seen = 0;
    for (const t of sorted) if ((seen += t.count) >= want) return t.ms;
    return sorted[sorted.length - 1].ms;
  };
  return {
    samples,
    p50: rank(50),
    p95: rank(95),
    p99: rank(99),
    max: samples > 0 ? sorted[sorted.length - 1].ms : null,
    histogram: counts.map((count, i) => ({ le: i < LATENCY_BUCKETS_MS.length ? LATENCY_BUCKETS_MS[i] : null, count })),
  };
}

/** count / total, or null when total is 0 (a report never shows NaN). */
export function rateOf(count: number, total: number): number | null {
  return total > 0 ? count / total : null;
}

/** Candidate bucket widths (minutes) for the timeline, smallest first; each divides the next, and 60 and 1440 hold whole rolled-up rows. */
const BUCKET_MINUTES = [1, 5, 15, 60, 360, 1440, 10080] as const;
const MAX_POINTS = 120;
/** Widen buckets until they hold this many verdicts on average (a rate of 1 in 4 is not a trend)... */
const MIN_PER_BUCKET = 20;
/** ...unless that would leave fewer points than this. */
const MIN_POINTS = 12;

/** Earliest start and latest end (epoch minutes) of rows `times[i]` wide `widths[i]`, in one pass (a spread of 100,000+ arguments overflows the stack). */
function spanOf(times: readonly number[], widths: readonly number[]): { first: number; end: number } {
  let first = Infinity;
  let end = -Infinity;
  for (let i = 0; i < times.length; i++) {
    if (times[i] < first) first = times[i];
    if (times[i] + widths[i] > end) end = times[i] + widths[i];
  }
  return { first, end };
}

/**
 * The bucket width: the smallest that gives at most 120 points (and is no finer than the coarsest
 * row: an hour's count cannot be split into minutes), widened while buckets average fewer than 20
 * verdicts and the chart keeps at least 12 points.
 */
function bucketWidth(times: readonly number[], widths: readonly number[], compared: readonly number[]): number {
  const { first, end } = spanOf(times, widths);
  const span = end - first;
  const coarsest = widths.reduce((a, b) => (b > a ? b : a), 1);
  const total = compared.reduce((a, b) => a + b, 0);
  const points = (w: number): number => Math.ceil(span / w) + 1;
  const allowed = BUCKET_MINUTES.filter((w) => w >= coarsest);
  let chosen: number = allowed.find((w) => points(w) <= MAX_POINTS) ?? BUCKET_MINUTES[BUCKET_MINUTES.length - 1];
  for (const w of allowed.filter((c) => c >= chosen)) {
    if (w !== chosen && points(w) < MIN_POINTS) break;
    chosen = w;
    const filled = new Set(times.filter((_, i) => compared[i] > 0).map((t) => Math.floor(t / w))).size;
    if (filled === 0 || total / filled >= MIN_PER_BUCKET) break;
  }
  return chosen;
}

/** A `YYYY-MM-DDTHH:MM` minute (as the store writes it) as epoch minutes, or NaN. */
export function epochMinute(minute: string): number {
  return Date.parse(`${minute.slice(0, 16)}:00.000Z`) / 60_000;
}

/** Epoch minutes back to `YYYY-MM-DDTHH:MM`. */
export function minuteLabel(epochMin: number): string {
  return new Date(epochMin * 60_000).toISOString().slice(0, 16);
}

/** Outcome counts of one route from the minute `minute` on, over `minutes` minutes (1, or 60 and 1440 once rolled up). */
export interface MinuteCount {
  readonly minute: string;
  readonly outcome: string;
  readonly count: number;
  /** Width of the row in minutes; 1 when absent. */
  readonly minutes?: number;
}

/**
 * The mismatch rate over time: per bucket, comparisons with a verdict (match, mismatch, noise)
 * and the mismatches among them; see bucketWidth for the width. A row counts in the bucket of its start.
 * Empty buckets are left out (a chart places points by time, so gaps show).
 */
export function timelineOf(minutes: readonly MinuteCount[]): Timeline {
  const valid = minutes.filter((m) => Number.isFinite(epochMinute(m.minute)));
  if (valid.length === 0) return { bucketMinutes: 1, points: [] };
  const times = valid.map((m) => epochMinute(m.minute));
  const widths = valid.map((m) => (m.minutes !== undefined && m.minutes >= 1 ? m.minutes : 1));
  const verdicts = valid.map((m) => (m.outcome === 'match' || m.outcome === 'mismatch' || m.outcome === 'noise' ? m.count : 0));
  const bucketMinutes = bucketWidth(times, widths, verdicts);
  const buckets = new Map<number, { compared: number; mismatch: number; noise: number }>();
  valid.forEach((m, i) => {
    const start = Math.floor(times[i] / bucketMinutes) * bucketMinutes;
    const b = buckets.get(start) ?? { compared: 0, mismatch: 0, noise: 0 };
    if (m.outcome === 'match' || m.outcome === 'mismatch' || m.outcome === 'noise') b.compared += m.count;
    if (m.outcome === 'mismatch') b.mismatch += m.count;
    if (m.outcome === 'noise') b.noise += m.count;
    buckets.set(start, b);
  });
  const points: TimelinePoint[] = [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, b]) => ({ start: minuteLabel(start), ...b, mismatchRate: rateOf(b.mismatch, b.compared) }));
  return { bucketMinutes, points };
}
