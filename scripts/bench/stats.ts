// Small statistics for the bench: nearest-rank percentiles of latency samples, medians of rounds.

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when there are none. */
export function percentile(samples: Float64Array, p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

/** Median of finite numbers (mean of the middle two for an even count); NaN when there are none. */
export function median(values: readonly number[]): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export function min(values: readonly number[]): number {
  const v = values.filter(Number.isFinite);
  return v.length ? Math.min(...v) : NaN;
}

export function max(values: readonly number[]): number {
  const v = values.filter(Number.isFinite);
  return v.length ? Math.max(...v) : NaN;
}

/** Rounds to `digits` decimals for the report (NaN → null, so JSON stays valid). */
export function round(value: number, digits = 3): number | null {
  if (!Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
