// How long the state database keeps each kind of history (config `retention`): per-minute outcome
// counts become per-hour counts after a week and per-day counts after 90 days; comparison detail
// is bounded by age (and per route by diffStore.rowsPerRoute). Pure: the clock arrives as `now`;
// io/diff-store/retention.ts applies it, io/retention-timer.ts runs it off the request path.

export interface RetentionPolicy {
  /** Per-minute counts older than this many days are rolled into per-hour counts. */
  readonly minuteCountsDays: number;
  /** Per-hour counts older than this many days are rolled into per-day counts (kept for ever). */
  readonly hourCountsDays: number;
  /** Comparison records (and their field facts) older than this many days are deleted. */
  readonly comparisonDays: number;
  /** How often the facade runs the rollup and pruning. */
  readonly intervalMs: number;
  /** Rows per transaction: the longest the facade's own writes wait for one batch. */
  readonly batchRows: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  minuteCountsDays: 7, hourCountsDays: 90, comparisonDays: 30, intervalMs: 600_000, batchRows: 2000,
};

/** Width in minutes of a row of each count table (`comparison_minutes`, `_hours`, `_days`). */
export const COUNT_WIDTH_MINUTES = { minute: 1, hour: 60, day: 1440 } as const;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Where each rule cuts, as the store writes its keys (`YYYY-MM-DDTHH:MM`; comparisons: ISO `at`). */
export interface RetentionCutoffs {
  /** Minute rows before this (a whole hour, so an hour is never split) become hour rows. */
  readonly minutesBefore: string;
  /** Hour rows before this (a whole day) become day rows. */
  readonly hoursBefore: string;
  /** Comparisons with `at` before this are deleted. */
  readonly comparisonsBefore: string;
}

const floorTo = (ms: number, unit: number): number => Math.floor(ms / unit) * unit;
const minuteKey = (ms: number): string => new Date(ms).toISOString().slice(0, 16);

/** The cutoffs of `policy` at `now`. */
export function retentionCutoffs(now: Date, policy: RetentionPolicy): RetentionCutoffs {
  const t = now.getTime();
  return {
    minutesBefore: minuteKey(floorTo(t - policy.minuteCountsDays * DAY_MS, HOUR_MS)),
    hoursBefore: minuteKey(floorTo(t - policy.hourCountsDays * DAY_MS, DAY_MS)),
    comparisonsBefore: new Date(t - policy.comparisonDays * DAY_MS).toISOString(),
  };
}

/** Per-route limits the diff store's writer applies (config `diffStore`). */
export interface RowLimits {
  readonly rowsPerRoute: number;
  readonly diffsPerRoute: number;
}

const n = (v: number): string => v.toLocaleString('en-US');

/** What each table of the state database keeps, in words (`strangler db stats`, docs/reference/retention.md). */
export function keptBy(table: string, p: RetentionPolicy, limits: RowLimits): string {
  switch (table) {
    case 'comparisons': return `newest ${n(limits.rowsPerRoute)} per route, ${p.comparisonDays} days; unified diff on the newest ${n(limits.diffsPerRoute)}`;
    case 'comparison_fields': return 'with their comparison';
    case 'stage_hours': return 'the gate\'s counts of the comparisons kept';
    case 'comparison_minutes': return `${p.minuteCountsDays} days, then per hour`;
    case 'comparison_hours': return `until ${p.hourCountsDays} days old, then per day`;
    case 'comparison_days': return 'for ever (one row per route, day and outcome)';
    case 'endpoint_stats':
    case 'endpoint_fields': return 'for ever (noise evidence, per endpoint and field)';
    case 'divergences': return 'open: until repaired or resolved; settled: newest 1,000 per route';
    case 'audit_log': return 'for ever';
    case 'route_states':
    case 'ignore_rules': return 'for ever (current state)';
    default: return table.endsWith('_v1') ? 'as left by version 1 (not written)' : '-';
  }
}
