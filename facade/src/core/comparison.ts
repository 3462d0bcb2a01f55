// One comparison, end to end and pure: primary and shadow observations in, a redacted result
// out (outcome, mismatched and ignored differences, unified body diff). Runs on the event loop
// for small bodies and in the compare worker thread for large ones, with the same code.
import { compare, redactDifferences, unifiedBodyDiff, type CompiledRules } from './compare';
import type { Difference, IgnoredDifference, Observation } from './compare/types';

export interface Evaluated {
  readonly outcome: 'match' | 'mismatch';
  readonly mismatched: readonly Difference[];
  readonly ignored: readonly IgnoredDifference[];
  /** Unified diff of the (redacted, canonical) bodies; '' when the bodies print the same. */
  readonly diff: string;
}

/** Header values never kept, whatever the rules say: they are credentials. */
const SECRET_PATHS = ['headers.authorization', 'headers.proxy-authorization', 'headers.cookie', 'headers.set-cookie', 'headers.x-api-key', 'cookies.*'];

export function evaluate(primary: Observation, shadow: Observation, rules: CompiledRules): Evaluated {
  const result = compare(primary, shadow, rules);
  const patterns = [...rules.redact, ...SECRET_PATHS];
  const mismatched = redactDifferences(result.mismatched, patterns);
  const ignored = redactDifferences(result.ignored, patterns);
  const diff = result.outcome === 'mismatch' && primary.ok && shadow.ok ? unifiedBodyDiff(primary, shadow, { rules }) : '';
  return { outcome: result.outcome, mismatched, ignored, diff };
}
