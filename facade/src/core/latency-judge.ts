// Is the service clearly slower than the monolith? A one-sided Mann-Whitney U test (normal
// approximation with tie correction) of the service's answer times against the monolith's shifted
// by a margin, as Kayenta's judge compares distributions instead of one percentile point: CPU
// noise on a shared machine moves single points, rarely a whole distribution by the margin. Pure.

export interface LatencyVerdict {
  readonly judged: boolean;
  /** True when the service is slower than the monolith by more than the margin (p < alpha). */
  readonly slower: boolean;
  readonly p: number | null;
  readonly marginMs: number;
  readonly serviceMedian: number | null;
  readonly monolithMedian: number | null;
}

/** Answers needed per side before latency is judged. */
export const MIN_LATENCY_SAMPLES = 50;

/** Ascending, as a Float64Array: its sort is numeric and native (no comparator to call 10,000 times, cold). */
const ascending = (xs: readonly number[]): Float64Array => Float64Array.from(xs).sort();

function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = ascending(xs);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Standard normal upper tail P(Z > z) (Zelen & Severo 26.2.17, error < 7.5e-8). */
export function normalUpperTail(z: number): number {
  if (z < 0) return 1 - normalUpperTail(-z);
  const t = 1 / (1 + 0.2316419 * z);
  const poly = t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)) * poly;
}

/** One-sided p of "x is stochastically greater than y" (Mann-Whitney U, normal approximation, tie-corrected). */
export function mannWhitneyGreater(x: readonly number[], y: readonly number[]): number {
  const n1 = x.length;
  const n2 = y.length;
  // Both sides sorted apart and walked together: each run of equal values gets its average rank.
  const xs = ascending(x);
  const ys = ascending(y);
  let rankSumX = 0;
  let tieTerm = 0;
  let placed = 0;
  for (let i = 0, j = 0; i < n1 || j < n2;) {
    const v = j >= n2 || (i < n1 && xs[i]! <= ys[j]!) ? xs[i]! : ys[j]!;
    let tx = 0;
    let ty = 0;
    while (i < n1 && xs[i] === v) { i++; tx++; }
    while (j < n2 && ys[j] === v) { j++; ty++; }
    const t = tx + ty;
    rankSumX += tx * (placed + (t + 1) / 2);
    tieTerm += t ** 3 - t;
    placed += t;
  }
  const u = rankSumX - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (sigma === 0) return 1;
  return normalUpperTail((u - (n1 * n2) / 2 - 0.5) / sigma);
}

/**
 * Judges the service's answer times against the monolith's: slower only when clearly slower by more
 * than `max(minMarginMs, relativeMargin × monolith median)` (defaults 10 ms, 1×: twice as slow) at
 * significance `alpha` (default 0.001): a shadow's own queueing on a busy machine must not refuse.
 */
export function judgeLatency(serviceMs: readonly number[], monolithMs: readonly number[],
  opts: { minMarginMs?: number; relativeMargin?: number; alpha?: number } = {}): LatencyVerdict {
  const serviceMedian = median(serviceMs);
  const monolithMedian = median(monolithMs);
  const marginMs = Math.max(opts.minMarginMs ?? 10, (opts.relativeMargin ?? 1) * (monolithMedian ?? 0));
  if (serviceMs.length < MIN_LATENCY_SAMPLES || monolithMs.length < MIN_LATENCY_SAMPLES) {
    return { judged: false, slower: false, p: null, marginMs, serviceMedian, monolithMedian };
  }
  const p = mannWhitneyGreater(serviceMs, monolithMs.map((v) => v + marginMs));
  return { judged: true, slower: p < (opts.alpha ?? 0.001), p, marginMs, serviceMedian, monolithMedian };
}
