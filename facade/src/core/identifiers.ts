// Strings that are identifiers rather than names: in a URL path they make an endpoint's `:id`
// (core/comparison/endpoint.ts), and as a JSON object's key, when generated (a uuid, a hash, a
// ULID, a long token), they are counted under one field, `*`, as array indices are (a map keyed by
// session or request ids has new keys in every answer). Pure.

const NUMERIC = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^(?=.*\d)[0-9a-f]{8,}$/i;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/i;
// Long opaque tokens (base64url ids, slugs with a hash suffix) that carry at least two digits.
const TOKEN = /^(?=(?:.*\d){2})[A-Za-z0-9_-]{16,}$/;
// Business keys with a run of three or more digits (`SKU-000011`, `ord_1234`, `INV2024-77`).
const KEYED = /^[A-Za-z0-9_.~-]*\d{3,}[A-Za-z0-9_.~-]*$/;

/**
 * True for a value a program generated: a uuid, a hex hash of 8+ characters with a digit, a ULID,
 * an opaque token of 16+ characters with two digits. Not a number or a business key (`2024`,
 * `SKU-000011`): a map keyed by those has the same keys in every answer.
 */
export function isGeneratedId(s: string): boolean {
  if (!DIGIT.test(s)) return withoutDigits(s);
  return UUID.test(s) || HEX.test(s) || ULID.test(s) || TOKEN.test(s);
}

// Most path segments and JSON keys are words: without a digit, only a uuid or a ULID of their exact
// lengths can be an identifier (every other rule needs a digit), which spares the lookahead patterns
// on every request (~1.5 µs a path before).
const DIGIT = /\d/;
const withoutDigits = (s: string): boolean => (s.length === 36 && UUID.test(s)) || (s.length === 26 && ULID.test(s));

// A content address: a digest of 32 hex digits or more, alone, with its algorithm (a registry's
// `sha256:4f3c…`) or in a file name (git's `pack-9f3c….pack`, a build's `app.<sha256>.js`).
const DIGEST = /[0-9a-f]{32,}/i;

/** True when a path segment is an identifier rather than a resource name (generated, numeric, a business key or a digest). */
export function isIdSegment(segment: string): boolean {
  if (!DIGIT.test(segment)) return withoutDigits(segment);
  return NUMERIC.test(segment) || KEYED.test(segment) || isGeneratedId(segment) || DIGEST.test(segment);
}

/** Git's loose objects fan out by their name's first two hex digits: `objects/3f/<38 hex>`, one directory of 256, not 256 endpoints. */
export const isFanOut = (segment: string, next: string | undefined): boolean => segment.length === 2 && next !== undefined && /^[0-9a-f]{2}$/i.test(segment) && /^[0-9a-f]{38}$/i.test(next);
