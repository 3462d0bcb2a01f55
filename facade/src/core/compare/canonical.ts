// Canonical JSON: the same value always prints the same way (object keys sorted), so arrays can
// be sorted by their items, and the human-readable diff shows only real changes, never key order.
import { isExactNumber } from './exact-number';

/** The JSON type of a parsed value; `type` differences are reported when these differ. */
export type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

/** JSON type of a parsed value (anything unexpected counts as `object`). */
export function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (isExactNumber(value)) return 'number'; // a literal kept exact (exact-number.ts)
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'boolean' || t === 'number' || t === 'string' ? t : 'object';
}

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy with object keys in sorted order (arrays keep their order). */
export function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalize);
  if (!isJsonObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    // defineProperty: a "__proto__" key from JSON.parse must stay an own data property
    Object.defineProperty(out, key, { value: canonicalize(value[key]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Canonical JSON text: sorted keys; `indent` 2 for the pretty form used in unified diffs. */
export function canonicalJson(value: unknown, indent = 0): string {
  // Exact numbers print as the literal the side sent, not as a marked string.
  return (JSON.stringify(canonicalize(value), null, indent) ?? 'undefined').replace(EXACT_IN_JSON, '$1');
}

const EXACT_IN_JSON = /"\\u0000num:([-+0-9.eE]+)"/g;

/**
 * Total order over JSON values used to sort arrays: numbers numerically, strings by code
 * unit, anything else (or mixed types) by canonical JSON.
 */
export function compareJsonValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const ca = canonicalJson(a);
  const cb = canonicalJson(b);
  return ca < cb ? -1 : ca > cb ? 1 : 0;
}
