// The shadow-diff report as a stable JSON contract (`strangler report --json`, `GET /report`):
// what core/report.ts builds from the diff store's rows and what the text, Markdown and HTML
// renderers print. Add fields freely; renaming or removing one is a breaking change (bump `version`).
import type { BreakerHistory } from './resilience/breaker-history';
import type { EndpointFindings } from './comparison/findings';
import { OUTCOMES, type Outcome } from './comparison/outcome';

/** Every outcome a comparison can have, in the order reports list them (the comparison module's vocabulary). */
export { OUTCOMES };
export type ReportOutcome = Outcome;
export type { EndpointFindings, FieldFinding } from './comparison/findings';

/** The two implementations, in the order reports list them. */
export const REPORT_SIDES = ['monolith', 'service'] as const;
export type ReportSide = (typeof REPORT_SIDES)[number];

/** Upper bounds (ms, inclusive) of the latency histogram buckets; a last bucket (`le: null`) takes the rest. */
export const LATENCY_BUCKETS_MS: readonly number[] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

/** The whole report. */
export interface Report {
  /** Contract version: 2 (endpoints and field classes replaced the per-route field list of version 1). */
  readonly version: 2;
  /** ISO time the report was built (the caller's `now`). */
  readonly generatedAt: string;
  /** Comparisons counted are those with `since <= at`; `since` null means every retained comparison. */
  readonly window: { readonly since: string | null; readonly until: string };
  readonly routes: readonly RouteReport[];
  /**
   * Circuit breakers in the window, per upstream (the monolith, then each routed service): state at
   * the window's end, times opened, time not closed, newest transitions. Absent in reports built
   * without the transitions table (older callers).
   */
  readonly breakers?: readonly BreakerHistory[];
}

/** Everything known about one route. Rates are fractions in [0, 1], or null when their denominator is 0. */
export interface RouteReport {
  readonly route: string;
  /** Current stage from the state database (`off` when the route was never moved). */
  readonly stage: string;
  /** Part of the traffic held at another stage, if any. */
  readonly rollout: { readonly stage: string; readonly percent: number } | null;
  /** The newest audit-log entry for this route. */
  readonly lastChange: StageChange | null;
  /** Comparisons in the window (primary-vs-primary noise samples are not comparisons and are left out). */
  readonly total: number;
  /** Count and share of `total` for every outcome (all six keys always present). */
  readonly outcomes: Readonly<Record<ReportOutcome, { readonly count: number; readonly rate: number | null }>>;
  /** Which rows the counts, pairs and percentiles come from (the store keeps a bounded number per route). */
  readonly coverage: Coverage;
  /** How many of `total` each facade replica recorded, most first (they add up to `total`). */
  readonly replicas: readonly ReplicaCount[];
  /** Latency and errors of each side, `monolith` then `service`. */
  readonly sides: readonly SideReport[];
  /** Status-code pairs, most frequent first. */
  readonly statusPairs: readonly StatusPair[];
  /**
   * Endpoints (method + path template) ranked by real-difference rate, then count, each with its
   * differing fields classed `real`, `unjudged`, `generated`, `noise` or `ignored` (re-classified
   * with today's rules and evidence) and the newest example of each.
   */
  readonly endpoints: readonly EndpointFindings[];
  /** Noise evidence per endpoint and field: where the primary disagreed with itself (lifetime). */
  readonly noise: readonly NoiseEvidence[];
  /** Second writes the other side missed or answered differently, in the window (their own section). */
  readonly divergences: readonly DivergenceRow[];
  /** Mismatch rate over time (from the per-minute counts, which outlive the retained rows). */
  readonly timeline: Timeline;
}

/** One stage change from the audit log. */
export interface StageChange {
  readonly at: string;
  readonly actor: string;
  readonly from: string;
  readonly to: string;
  readonly percent: number | null;
  readonly reason: string | null;
  readonly forced: boolean;
}

export interface Coverage {
  /** Retained comparison rows in the window (the basis of counts, pairs and percentiles). */
  readonly rows: number;
  /** False when the store had already pruned rows of this window: counts then cover the newest rows only. */
  readonly complete: boolean;
  /** `at` of the oldest retained row in the window. */
  readonly oldestAt: string | null;
}

/** Comparisons one facade replica recorded in the window. */
export interface ReplicaCount {
  /** The id of the facade replica (process) that recorded them; null for comparisons stored before replicas were recorded. */
  readonly replica: string | null;
  readonly comparisons: number;
}

/** What one side did, wherever it was primary or shadow. */
export interface SideReport {
  readonly side: ReportSide;
  /** Nearest-rank percentiles over `samples` latencies (ms); null without samples. */
  readonly latency: {
    readonly samples: number;
    readonly p50: number | null;
    readonly p95: number | null;
    readonly p99: number | null;
    readonly max: number | null;
    /** Counts per {@link LATENCY_BUCKETS_MS} bucket (same edges for both sides), then `le: null` for the rest. */
    readonly histogram: readonly { readonly le: number | null; readonly count: number }[];
  };
  /** Answers seen from this side (a status, or a recorded failure to answer). */
  readonly requests: number;
  /** Of those, status >= 500 or no answer at all (connect error, reset, timeout). */
  readonly errors: number;
  readonly errorRate: number | null;
}

/** How often the primary answered `primary` while the shadow answered `shadow` (null: no status). */
export interface StatusPair {
  readonly primarySide: ReportSide;
  readonly primary: number | null;
  readonly shadow: number | null;
  readonly count: number;
}

export interface NoiseEvidence {
  readonly endpoint: string;
  readonly field: string;
  /** The evidence: "the primary disagreed with itself 37 of 40 times; ...". */
  readonly why: string;
}

export interface DivergenceRow {
  readonly at: string;
  readonly method: string;
  readonly path: string;
  readonly reason: string;
  readonly primaryStatus: number | null;
  readonly shadowStatus: number | null;
}

export interface Timeline {
  /** Width of each point: 1, 5, 15, 60, 360, 1440 or 10080 minutes (at most 120 points, about 20 verdicts each when there are enough; never finer than the rolled-up counts it covers). */
  readonly bucketMinutes: number;
  readonly points: readonly TimelinePoint[];
}

export interface TimelinePoint {
  /** Bucket start, `YYYY-MM-DDTHH:MM` (UTC). */
  readonly start: string;
  /** Comparisons that got a verdict (match, mismatch, noise) and, of those, mismatches and noise. */
  readonly compared: number;
  readonly mismatch: number;
  readonly noise: number;
  /** mismatch / compared. */
  readonly mismatchRate: number | null;
}
