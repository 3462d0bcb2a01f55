// Noise, measured (Diffy's idea): for a sample of safe requests the primary is asked twice, and
// what differs between those two answers is noise. A field is classed per route from counts:
//
//   rule (in this order; z = 1.96, i.e. 95 % Wilson score intervals):
//   1. fewer than 20 primary-vs-primary samples, or fewer than 10 shadow comparisons
//        -> `insufficient` (not enough evidence either way)
//   2. the field never differed, neither against the shadow nor between primaries -> `insufficient`
//   3. the field never differed between primaries but did against the shadow -> `mismatch`
//        (noise must be observed; a field that is stable on the primary is not noise, however rare)
//   4. lower bound of the mismatch rate > upper bound of the noise rate -> `mismatch`
//        (clearly above the noise)
//   5. otherwise -> `noise`
//
// Only `noise` takes a field out of the mismatch count; callers treat `insufficient` as mismatch.
// Fields are paths with array indices generalized (`$.items[3].at` -> `$.items[*].at`).
import { formatPath, parsePath } from './path-pattern';

/** A Wilson score interval for a proportion, both bounds in [0, 1]. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** Counts for one field of one route. */
export interface FieldCounts {
  /** Comparisons against the shadow in which this field could differ (the route's comparisons). */
  readonly shadowComparisons: number;
  /** Of those, how many had a difference at this field. */
  readonly shadowDiffs: number;
  /** Primary-vs-primary samples taken for the route. */
  readonly noiseSamples: number;
  /** Of those, how many had a difference at this field. */
  readonly noiseDiffs: number;
}

/** How a field was classed, with both rates and a sentence saying why. */
export interface FieldClass {
  readonly class: 'mismatch' | 'noise' | 'insufficient';
  readonly mismatchRate: number;
  readonly noiseRate: number;
  readonly why: string;
}

/** Minimum primary-vs-primary samples before any field can be called noise. */
export const MIN_NOISE_SAMPLES = 20;
/** Minimum shadow comparisons before a field is classed. */
export const MIN_SHADOW_COMPARISONS = 10;

/**
 * Wilson score interval of `successes` out of `trials` (z = 1.96: 95 %). With no trials the
 * interval is [0, 1]; successes are clamped to [0, trials].
 */
export function wilsonInterval(successes: number, trials: number, z = 1.96): Interval {
  if (!(trials > 0)) return { low: 0, high: 1 };
  const p = Math.min(Math.max(successes, 0), trials) / trials;
  const z2 = z * z;
  const denom = 1 + z2 / trials;
  const centre = p + z2 / (2 * trials);
  const margin = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return { low: Math.max(0, (centre - margin) / denom), high: Math.min(1, (centre + margin) / denom) };
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
const rate = (k: number, n: number): number => (n > 0 ? Math.min(Math.max(k, 0), n) / n : 0);

/** Classes one field by the rule in this file's header; `why` states the figures. */
export function classifyField(counts: FieldCounts): FieldClass {
  const { shadowComparisons: n, shadowDiffs: k, noiseSamples: m, noiseDiffs: j } = counts;
  const mismatchRate = rate(k, n);
  const noiseRate = rate(j, m);
  const figures = `${k}/${n} shadow comparisons differ (${pct(mismatchRate)}), ${j}/${m} primary-vs-primary samples differ (${pct(noiseRate)})`;
  const result = (c: FieldClass['class'], why: string): FieldClass => Object.freeze({ class: c, mismatchRate, noiseRate, why });
  if (m < MIN_NOISE_SAMPLES || n < MIN_SHADOW_COMPARISONS) {
    return result('insufficient', `${figures}; need at least ${MIN_NOISE_SAMPLES} primary-vs-primary samples and ${MIN_SHADOW_COMPARISONS} shadow comparisons to tell noise from mismatch.`);
  }
  if (k === 0 && j === 0) return result('insufficient', `${figures}; the field never differed.`);
  if (j === 0) return result('mismatch', `${figures}; the field never differs between two primary answers, so its differences against the shadow are real mismatches.`);
  const mi = wilsonInterval(k, n);
  const ni = wilsonInterval(j, m);
  if (mi.low > ni.high) {
    return result('mismatch', `${figures}; the mismatch rate's lower bound ${pct(mi.low)} is above the noise rate's upper bound ${pct(ni.high)}.`);
  }
  return result('noise', `${figures}; the mismatch rate's lower bound ${pct(mi.low)} is not above the noise rate's upper bound ${pct(ni.high)}.`);
}

/** The field a difference path counts under: JSON array indices become `[*]`. */
export function fieldOf(path: string): string {
  if (!path.startsWith('$')) return path;
  try {
    const [, ...rest] = parsePath(path);
    return rest.reduce<string>((out, seg) => out + (typeof seg === 'number' ? '[*]' : formatPath(['$', seg]).slice(1)), '$');
  } catch {
    return path;
  }
}

/**
 * The distinct fields (see {@link fieldOf}) that differ in one primary-vs-primary sample,
 * sorted; add one to each field's `noiseDiffs` and one to the route's `noiseSamples`.
 */
export function noiseFieldsFrom(differences: readonly { readonly path: string }[]): string[] {
  return [...new Set(differences.map((d) => fieldOf(d.path)))].sort();
}
