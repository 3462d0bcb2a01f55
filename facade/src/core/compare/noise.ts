// Statistics shared by the noise model (core/comparison/noise-model.ts) and the gate: Wilson score
// intervals for proportions, and the field a difference path counts under (array indices and
// generated object keys generalised: `$.items[3].at` -> `$.items[*].at`, `$.sessions["9f0c…"]` -> `$.sessions.*`).
import { isGeneratedId } from '../identifiers';
import { formatPath, parsePath } from './path-pattern';

/** A Wilson score interval for a proportion, both bounds in [0, 1]. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

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

/**
 * The field a difference path counts under: JSON array indices become `[*]`, and object keys a
 * program generated (uuids, hashes, ULIDs, long tokens: a map keyed by session or request ids)
 * `.*`, so such a field's evidence adds up across answers whose keys are all new.
 */
export function fieldOf(path: string): string {
  if (!path.startsWith('$')) return path;
  try {
    const [, ...rest] = parsePath(path);
    return rest.reduce<string>((out, seg) => out + (typeof seg === 'number' ? '[*]' : isGeneratedId(seg) ? '.*' : formatPath(['$', seg]).slice(1)), '$');
  } catch {
    return path;
  }
}

