// The comparison vocabulary in one place: what a comparison's outcome can be, how each differing
// field is classed, and how field classes make a comparison's verdict. Reports, the gate, the CLI,
// the admin API and the diff store all use these names; nothing else defines them.

/** Verdicts of a comparison that was made (both sides answered and were compared). */
export const VERDICTS = ['match', 'mismatch', 'unjudged', 'noise', 'generated'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Every outcome a comparison record can have, in the order reports list them. */
export const OUTCOMES = [...VERDICTS, 'skipped', 'error', 'divergence'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/**
 * How one differing field is classed:
 * - `real`: the shadow differs where the primary is stable (a finding);
 * - `noise`: the primary disagrees with itself at this field (evidence kept);
 * - `generated`: a value each side makes for itself (timestamp, JWT, uuid...) within tolerance;
 * - `ignored`: an ignore rule covers it (with its reason);
 * - `unjudged`: not enough evidence either way; never a pass and never a mismatch.
 */
export const FIELD_CLASSES = ['real', 'unjudged', 'noise', 'generated', 'ignored'] as const;
export type FieldClass = (typeof FIELD_CLASSES)[number];

/** Why a comparison was not made (stored in `reason` of a `skipped` record). */
export const SKIP_REASONS = {
  too_large: 'a body was larger than compare.maxBodyBytes',
  write_in_flight: 'a write to this route was in flight while the read ran, so the two sides could differ legitimately',
  fallback: 'the service failed and the monolith answered instead',
  request_too_large: 'the request body was too large to send a copy',
  compare_queue_full: 'the comparison queue was full',
  conditional: "the primary answered from the client's validators (304, 412, or a whole body for a stale If-Range); the shadow, asked without them, has no like answer",
  primary_as_slow: 'the shadow ran into compare.shadowTimeoutMs while the primary had not answered either (a long poll that waits for news, as Syncthing\'s /rest/events or a blocking query): nothing to compare, and no failure of the service',
  writes_overlapped: 'another write of the same resource was in flight at the same time, and the answers differ: each side answered from the order it applied the two in (the write reached both sides; only its answers are not judged)',
  long_poll: 'the endpoint\'s last copies ran into compare.shadowTimeoutMs while the primary had not answered either: a long poll, answered by the primary alone for 10 minutes (its copies held the route\'s shadow slots), then asked again',
  digest_nonce: "the client's Digest credentials answer the primary's nonce; the shadow, another server, answered 401 stale=true (its nonces are its own) and has no like answer",
} as const;

/** True for outcomes that count as a comparison made (the denominator of rates). */
export function isVerdict(outcome: string): outcome is Verdict {
  return (VERDICTS as readonly string[]).includes(outcome);
}

/** The verdict of a comparison from the classes of its differing fields (none: `match`). */
export function verdictOf(classes: Iterable<FieldClass>): Verdict {
  let seen = 0;
  let unjudged = false;
  let noise = false;
  let generated = false;
  for (const c of classes) {
    seen++;
    if (c === 'real') return 'mismatch';
    if (c === 'unjudged') unjudged = true;
    else if (c === 'noise') noise = true;
    else if (c === 'generated') generated = true;
  }
  if (seen === 0) return 'match';
  if (unjudged) return 'unjudged';
  if (noise) return 'noise';
  return generated ? 'generated' : 'match';
}

/** Verdicts that count against a route (the gate refuses on them). */
export const isFinding = (v: string): boolean => v === 'mismatch';
