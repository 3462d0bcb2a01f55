// One comparison, end to end and pure: primary and shadow observations in, a redacted result
// out (outcome, mismatched and ignored differences, unified body diff). Runs on the event loop
// for small bodies and in the compare worker thread for large ones, with the same code.
import { compare, unifiedBodyDiff, type CompiledRules } from './compare';
import type { Difference, IgnoredDifference, Observation } from './compare/types';

export interface Evaluated {
  readonly outcome: 'match' | 'mismatch';
  readonly mismatched: readonly Difference[];
  readonly ignored: readonly IgnoredDifference[];
  /** Unified diff of the (redacted, canonical) bodies; '' when the bodies print the same. */
  readonly diff: string;
}

export function evaluate(primary: Observation, shadow: Observation, rules: CompiledRules): Evaluated {
  // compare() returns differences already redacted (credential headers, cookie values, the rules' redact paths).
  const result = compare(primary, shadow, rules);
  const diff = result.outcome === 'mismatch' && primary.ok && shadow.ok ? unifiedBodyDiff(primary, shadow, { rules }) : '';
  return { outcome: result.outcome, mismatched: result.mismatched, ignored: result.ignored, diff };
}
