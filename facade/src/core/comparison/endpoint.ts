// Endpoint = method + path template: the unit comparisons, noise and findings are counted by.
// Segments that look like identifiers (numbers, uuids, hex, ulids, long tokens, keys with 3+ digits) become
// `:id`; a route's own endpoint patterns (`/api/profiles/:username`) win over the automatic rule.

/** An endpoint pattern from config, compiled once: literal segments (lower-cased) or `:name`. */
export interface EndpointPattern {
  readonly source: string;
  readonly segments: readonly ({ readonly literal: string } | { readonly param: string })[];
}

const NUMERIC = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^(?=.*\d)[0-9a-f]{8,}$/i;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/i;
// Long opaque tokens (base64url ids, slugs with a hash suffix) that carry at least two digits.
const TOKEN = /^(?=(?:.*\d){2})[A-Za-z0-9_-]{16,}$/;
// Business keys with a run of three or more digits (`SKU-000011`, `ord_1234`, `INV2024-77`).
const KEYED = /^[A-Za-z0-9_.~-]*\d{3,}[A-Za-z0-9_.~-]*$/;

/** True when a path segment is an identifier rather than a resource name. */
export function isIdSegment(segment: string): boolean {
  return NUMERIC.test(segment) || UUID.test(segment) || HEX.test(segment) || ULID.test(segment) || TOKEN.test(segment) || KEYED.test(segment);
}

/** Compiles `/api/users/:id/orders` (a leading method is not part of it). Throws on a pattern not starting with `/`. */
export function compileEndpointPattern(source: string): EndpointPattern {
  if (!source.startsWith('/')) throw new Error(`endpoint pattern ${JSON.stringify(source)} must start with "/"`);
  const parts = source === '/' ? [] : source.slice(1).split('/');
  return Object.freeze({
    source,
    segments: Object.freeze(parts.map((p) => (p.startsWith(':') && p.length > 1 ? { param: p } : { literal: p.toLowerCase() }))),
  });
}

function fits(pattern: EndpointPattern, segments: readonly string[]): boolean {
  if (pattern.segments.length !== segments.length) return false;
  return pattern.segments.every((s, i) => !('literal' in s) || s.literal === segments[i]!.toLowerCase());
}

/**
 * The endpoint of a request: `GET /api/orders/:id`. `path` is the normalized path without query.
 * The first configured pattern that fits wins; otherwise identifier-like segments become `:id`.
 */
export function endpointOf(method: string, path: string, patterns: readonly EndpointPattern[] = []): string {
  const segments = path === '/' || path === '' ? [] : path.replace(/^\//, '').replace(/\/$/, '').split('/');
  for (const p of patterns) if (fits(p, segments)) return `${method} ${p.source}`;
  const template = segments.map((s) => (isIdSegment(s) ? ':id' : s)).join('/');
  return `${method} /${template}`;
}
