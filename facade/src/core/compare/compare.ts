// One comparison, start to finish: diff the two observations (status, listed headers and
// cookies, body), classify by ignore rules, redact secrets. Runs off the response path (after
// the client's answer has finished, possibly in a worker); rules come from `compileRules`.
import { diffBodies } from './body';
import { classify } from './classify';
import { diffCookies, diffHeaders, diffStatus, headerValue } from './headers';
import { redactDifferences } from './redact';
import type { CompiledRules } from './rules';
import type { ComparisonResult, Difference, Observation } from './types';

function diffFailures(primary: Observation, shadow: Observation): Difference[] {
  const a = primary.ok ? undefined : primary.code;
  const b = shadow.ok ? undefined : shadow.code;
  if (a === b) return [];
  const kind = a === undefined ? 'added' : b === undefined ? 'removed' : 'changed';
  return [Object.freeze({ path: 'error', kind, primary: a, shadow: b })];
}

/**
 * All differences between two observations under compiled rules, in a stable order: `status`,
 * `headers.*`, `cookies.*`, then body paths. When either side failed, the only possible
 * difference is `error` (the failure code; `added` = only the shadow failed, `removed` = only
 * the primary failed); two failures with the same code are no difference.
 */
export function diffObservations(primary: Observation, shadow: Observation, rules: CompiledRules, bodiesEqual = false): Difference[] {
  if (!primary.ok || !shadow.ok) return diffFailures(primary, shadow);
  return [
    ...diffStatus(primary.status, shadow.status),
    ...diffHeaders(primary.headers, shadow.headers, rules.headers, rules.normalizers, primary.origins),
    ...diffCookies(primary.headers, shadow.headers, rules.cookies),
    // Bodies the caller found byte-equal (as received, same encoding) differ nowhere: not read at all.
    ...(bodiesEqual ? [] : diffBodies(
      {
        primary: primary.body,
        shadow: shadow.body,
        primaryType: headerValue(primary.headers, 'content-type'),
        shadowType: headerValue(shadow.headers, 'content-type'),
      },
      rules.normalizers,
      rules.hash,
    )),
  ];
}

/**
 * Compares the primary's observation with the shadow's under a route's compiled rules and
 * returns a frozen result: `match` when no difference is left after the ignore rules.
 * Differences (mismatched and ignored) are already redacted (secret headers, every Set-Cookie
 * value, the route's `redact` paths), so the result can be stored as is.
 * A failed side yields an `error` difference; callers record such a comparison as `error`.
 */
export function compare(primary: Observation, shadow: Observation, rules: CompiledRules): ComparisonResult {
  const { mismatched, ignored } = classify(diffObservations(primary, shadow, rules), rules.ignore);
  return Object.freeze({
    outcome: mismatched.length === 0 ? 'match' : 'mismatch',
    mismatched: Object.freeze(redactDifferences(mismatched, rules.redact)),
    ignored: Object.freeze(redactDifferences(ignored, rules.redact)),
  });
}
