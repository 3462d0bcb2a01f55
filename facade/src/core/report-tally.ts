// What the shadow-diff report counts of one route's window, in a shape that SQL aggregates give
// (io/report-query.ts: a few GROUP BY passes, so months of retained rows are never loaded one
// object each) and that a plain row list gives too (tallyRows: tests and fixtures). Pure.
import type { DivergenceRow, ReportSide } from './report-types';

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

/** Comparisons of the window alike in everything the side, status and replica figures read. */
export interface ComparisonGroup {
  readonly primarySide: string;
  readonly primaryStatus: number | null;
  readonly shadowStatus: number | null;
  /** The stored outcome: the side figures read only `error` and `divergence`, which re-classification never changes. */
  readonly outcome: string;
  readonly reason: string | null;
  readonly replica: string | null;
  readonly count: number;
}

/** How many answers took `ms` (an exact latency, not a bucket: percentiles stay exact). */
export interface LatencyCount {
  readonly ms: number;
  readonly count: number;
}

/** One route's window as the report counts it; primary-vs-primary samples of version 1 stores left out everywhere but `fromMinuteRows`. */
export interface RouteTally {
  /** Comparisons per outcome now (verdicts re-classified with today's rules). */
  readonly outcomes: Readonly<Record<string, number>>;
  readonly groups: readonly ComparisonGroup[];
  /** Each side's answer times, wherever it was primary or shadow. */
  readonly latencies: Readonly<Record<ReportSide, readonly LatencyCount[]>>;
  readonly divergences: readonly DivergenceRow[];
  readonly oldestAt: string | null;
  /** Rows (samples too) from the start of the window's first minute: with the per-minute counts, tells whether the store pruned part of the window. */
  readonly fromMinuteRows: number;
}

/** Rows of version 1 stores: primary-vs-primary samples were stored as skipped rows; they are not comparisons. */
export const isNoiseSample = (r: { outcome: string; reason: string | null }): boolean => r.outcome === 'skipped' && r.reason === 'noise_sample';

/** The side a stored `primary_side` names (anything but `service` is the monolith, as the recorder writes it). */
export const asSide = (s: string): ReportSide => (s === 'service' ? 'service' : 'monolith');

/** An empty tally (a route without comparisons in the window). */
export function emptyTally(): RouteTally {
  return { outcomes: {}, groups: [], latencies: { monolith: [], service: [] }, divergences: [], oldestAt: null, fromMinuteRows: 0 };
}

/** Adds `n` answers of `ms` to a latency map. */
function addLatency(m: Map<number, number>, ms: number, n = 1): void {
  m.set(ms, (m.get(ms) ?? 0) + n);
}

/** Tallies per route of rows whose `outcome` is already re-classified; `since` is the window's start. */
export function tallyRows(rows: readonly ComparisonRow[], since: Date | null): Map<string, RouteTally> {
  const sinceIso = since?.toISOString() ?? '';
  const sinceMinute = since ? since.toISOString().slice(0, 16) : '';
  const work = new Map<string, { outcomes: Record<string, number>; groups: Map<string, ComparisonGroup>; ms: Record<ReportSide, Map<number, number>>;
    divergences: DivergenceRow[]; oldestAt: string | null; fromMinuteRows: number }>();
  for (const r of rows) {
    if (r.at < sinceMinute) continue;
    let w = work.get(r.route);
    if (!w) {
      w = { outcomes: {}, groups: new Map(), ms: { monolith: new Map(), service: new Map() }, divergences: [], oldestAt: null, fromMinuteRows: 0 };
      work.set(r.route, w);
    }
    w.fromMinuteRows++;
    if (r.at < sinceIso || isNoiseSample(r)) continue;
    w.outcomes[r.outcome] = (w.outcomes[r.outcome] ?? 0) + 1;
    const key = JSON.stringify([r.primarySide, r.primaryStatus, r.shadowStatus, r.outcome, r.reason, r.replica ?? null]);
    const g = w.groups.get(key);
    w.groups.set(key, { primarySide: r.primarySide, primaryStatus: r.primaryStatus, shadowStatus: r.shadowStatus, outcome: r.outcome,
      reason: r.reason, replica: r.replica ?? null, count: (g?.count ?? 0) + 1 });
    const primary = asSide(r.primarySide);
    const shadow: ReportSide = primary === 'service' ? 'monolith' : 'service';
    if (r.primaryStatus !== null && r.primaryMs !== null) addLatency(w.ms[primary], r.primaryMs);
    if (r.shadowStatus !== null && r.shadowMs !== null) addLatency(w.ms[shadow], r.shadowMs);
    if (r.outcome === 'divergence') {
      w.divergences.push({ at: r.at, method: r.method ?? '', path: r.path ?? '', reason: r.reason ?? 'unknown', primaryStatus: r.primaryStatus, shadowStatus: r.shadowStatus });
    }
    if (w.oldestAt === null || r.at < w.oldestAt) w.oldestAt = r.at;
  }
  const counts = (m: Map<number, number>): LatencyCount[] => [...m].map(([ms, count]) => ({ ms, count }));
  return new Map([...work].map(([route, w]) => [route, {
    outcomes: w.outcomes, groups: [...w.groups.values()], latencies: { monolith: counts(w.ms.monolith), service: counts(w.ms.service) },
    divergences: w.divergences, oldestAt: w.oldestAt, fromMinuteRows: w.fromMinuteRows,
  }]));
}
