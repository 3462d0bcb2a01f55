// The facts a comparison leaves behind: which fields differed (path, kind, both values redacted
// and truncated, whether the primary also disagreed with itself there, whether the values are
// generated values) rather than only a verdict, so ignore rules, tolerances and more noise
// evidence added later re-classify past comparisons (classify.ts does it, for live and reports).
import type { GeneratedFact } from './generated';
import type { Outcome } from './outcome';
import { canonicalJson, isJsonObject } from '../compare/canonical';
import { exactText, isExactNumber, sentString } from '../compare/exact-number';

/** One differing path of one comparison. */
export interface FieldFact {
  /** Exact path (`$.items[3].at`) and its field (`$.items[*].at`). */
  readonly path: string;
  readonly field: string;
  readonly kind: 'changed' | 'added' | 'removed' | 'type';
  /** Redacted, truncated values; undefined on the side that lacks the field. */
  readonly primary: unknown;
  readonly shadow: unknown;
  /** Short fingerprint of the primary's raw value (tells a stable field from a changing one). */
  readonly primaryHash: string;
  /** The same of the shadow's value (not stored with the fact: it only feeds the field's evidence). */
  readonly shadowHash?: string;
  readonly generated: GeneratedFact | null;
  /** Writes only: the primary answered the value the client sent at this path and the shadow did not. */
  readonly echo?: boolean;
  /**
   * Two strings: the words they differ at, ids and times not counted (core/compare/tokens.ts
   * differingWords); null when their words do not line up. Not stored: it only tells, when a side
   * is asked again, whether its second answer repeated what the other side got wrong (repeats.ts).
   */
  readonly words?: readonly number[] | null;
}

/** What a comparison of one request established. */
export interface ComparisonFacts {
  readonly route: string;
  readonly endpoint: string;
  /** The primary was asked again and answered: `selfFields` are where it disagreed with itself. */
  readonly reasked: boolean;
  readonly selfFields: readonly string[];
  /**
   * Times the primary was asked again (1 when absent: the facade asks once per comparison, and
   * stores no count); a field it agreed at every time is that many confirmations.
   */
  readonly reasks?: number;
  /**
   * Fields the primary agreed with itself at where the shadow, asked again too, disagreed with its
   * own first answer (absent: the shadow was not asked again).
   */
  readonly shadowSelfFields?: readonly string[];
  readonly facts: readonly FieldFact[];
}

/** A stored comparison record (facts plus the request and both sides' figures). */
export interface ComparisonRecord extends ComparisonFacts {
  readonly at: string;
  readonly stage: string;
  readonly kind: 'read' | 'write';
  readonly method: string;
  readonly path: string;
  readonly requestId: string;
  readonly primarySide: string;
  readonly primaryStatus: number | null;
  readonly shadowStatus: number | null;
  readonly primaryMs: number | null;
  readonly shadowMs: number | null;
  /** The verdict when recorded (re-computed by readers from the facts) or why nothing was compared. */
  readonly outcome: Outcome;
  readonly reason: string | null;
  /** Unified diff of the (redacted) bodies; '' when none. */
  readonly diff: string;
  /** Free-form redacted detail (e.g. a divergence's repair request); null when none. */
  readonly detail: unknown;
}

/** Longest stored value (characters of its JSON); longer ones are cut with a marker. */
export const MAX_VALUE_CHARS = 300;

/** A value as stored: long strings and structures truncated so one comparison stays small. */
export function truncateValue(value: unknown): unknown {
  if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (isExactNumber(value)) return exactText(value); // shown as its literal text
  if (typeof value === 'string') value = sentString(value);
  if (typeof value === 'string') return value.length > MAX_VALUE_CHARS ? `${value.slice(0, MAX_VALUE_CHARS)}… (${value.length} chars)` : value;
  const json = canonicalJson(value);
  return json.length > MAX_VALUE_CHARS ? `${json.slice(0, MAX_VALUE_CHARS)}… (${json.length} chars of JSON)` : withLiterals(value);
}

/** A copy with exact numbers (kept as marked text) shown as their literal text. */
function withLiterals(value: unknown): unknown {
  if (isExactNumber(value)) return exactText(value);
  if (typeof value === 'string') return sentString(value);
  if (Array.isArray(value)) return value.map(withLiterals);
  if (!isJsonObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withLiterals(v)]));
}
