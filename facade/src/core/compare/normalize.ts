// Normalizers, compiled once per route. `arrayOrder` rewrites both parsed bodies before the diff
// (sorted copies); numeric tolerance, numeric strings and timestamps are diff-time equivalences,
// so a difference that survives still shows the original values, not normalized ones.
import { compareJsonValues, canonicalJson, isJsonObject } from './canonical';
import { compilePattern, type PathPattern, type PathSegment } from './path-pattern';
import { sameInstant } from './timestamp';
import type { Normalizer } from './types';

/** Normalizers ready for use: pattern-compiled, validated. */
export interface CompiledNormalizers {
  readonly arrayOrder: readonly { readonly pattern: PathPattern; readonly key?: string }[];
  readonly tolerance: readonly { readonly pattern: PathPattern; readonly tolerance: number }[];
  readonly numericString: readonly PathPattern[];
  readonly timestamp: readonly PathPattern[];
}

/** No normalizers at all. */
export const NO_NORMALIZERS: CompiledNormalizers = Object.freeze({ arrayOrder: [], tolerance: [], numericString: [], timestamp: [] });

/**
 * Compiles normalizers; throws (PathPatternError, or Error saying what is wrong) on a bad
 * pattern, an unknown kind, an empty `key` or a tolerance that is not a finite number >= 0.
 */
export function compileNormalizers(normalizers: readonly Normalizer[]): CompiledNormalizers {
  const out = { arrayOrder: [] as CompiledNormalizers['arrayOrder'][number][], tolerance: [] as CompiledNormalizers['tolerance'][number][], numericString: [] as PathPattern[], timestamp: [] as PathPattern[] };
  for (const n of normalizers) {
    const pattern = compilePattern(n.path);
    if (n.kind === 'arrayOrder') {
      if (n.key !== undefined && (typeof n.key !== 'string' || n.key === '')) throw new Error('arrayOrder key must be a non-empty string');
      out.arrayOrder.push(n.key === undefined ? { pattern } : { pattern, key: n.key });
    } else if (n.kind === 'numericTolerance') {
      if (typeof n.tolerance !== 'number' || !Number.isFinite(n.tolerance) || n.tolerance < 0) {
        throw new Error(`numericTolerance tolerance must be a finite number >= 0, got ${String(n.tolerance)}`);
      }
      out.tolerance.push({ pattern, tolerance: n.tolerance });
    } else if (n.kind === 'numericString') out.numericString.push(pattern);
    else if (n.kind === 'timestamp') out.timestamp.push(pattern);
    else throw new Error(`unknown normalizer kind ${JSON.stringify((n as { kind: unknown }).kind)}`);
  }
  return Object.freeze(out);
}

function sortItems(items: unknown[], key: string | undefined): unknown[] {
  if (key !== undefined) return items.sort(byKey(key));
  // decorate once: canonical JSON per item, not per comparison
  return items
    .map((item) => [canonicalJson(item), item] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, item]) => item);
}

function byKey(key: string): (a: unknown, b: unknown) => number {
  return (a, b) => {
    const ka = isJsonObject(a) && Object.hasOwn(a, key) ? a[key] : undefined;
    const kb = isJsonObject(b) && Object.hasOwn(b, key) ? b[key] : undefined;
    // items without the key sort last; ties fall back to the whole item so the order is total
    if (ka === undefined || kb === undefined) {
      if (ka !== kb) return ka === undefined ? 1 : -1;
    } else {
      const byField = compareJsonValues(ka, kb);
      if (byField !== 0) return byField;
    }
    return compareJsonValues(canonicalJson(a), canonicalJson(b));
  };
}

function sortArrays(value: unknown, path: PathSegment[], rules: CompiledNormalizers['arrayOrder']): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item, i) => {
      path.push(i);
      const normalized = sortArrays(item, path, rules);
      path.pop();
      return normalized;
    });
    const rule = rules.find((r) => r.pattern.matches(path));
    return rule ? sortItems(items, rule.key) : items;
  }
  if (!isJsonObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    path.push(key);
    Object.defineProperty(out, key, { value: sortArrays(value[key], path, rules), enumerable: true, writable: true, configurable: true });
    path.pop();
  }
  return out;
}

/**
 * Applies the value-rewriting normalizers (array order) to a parsed JSON body and returns a
 * new value; the input is not modified. Apply it to both sides before diffing.
 */
export function normalize(value: unknown, normalizers: CompiledNormalizers): unknown {
  return normalizers.arrayOrder.length === 0 ? value : sortArrays(value, ['$'], normalizers.arrayOrder);
}

const NUMERIC_STRING = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

function asNumber(v: unknown): unknown {
  return typeof v === 'string' && NUMERIC_STRING.test(v) ? Number(v) : v;
}

/** True when any comparator normalizer applies somewhere; lets the differ skip the per-node check. */
export function hasEquivalences(n: CompiledNormalizers): boolean {
  return n.tolerance.length + n.numericString.length + n.timestamp.length > 0;
}

/**
 * Diff-time equivalence at `path`: numeric strings (when a numericString normalizer matches),
 * numbers within tolerance, same instant. False means "compare as usual".
 */
export function equivalent(path: readonly PathSegment[], a: unknown, b: unknown, n: CompiledNormalizers): boolean {
  let x = a;
  let y = b;
  if (n.numericString.some((p) => p.matches(path))) {
    x = asNumber(a);
    y = asNumber(b);
    if (typeof x === 'number' && x === y) return true;
  }
  if (typeof x === 'number' && typeof y === 'number') {
    const rule = n.tolerance.find((r) => r.pattern.matches(path));
    const slack = 4 * Number.EPSILON * Math.max(1, Math.abs(x), Math.abs(y));
    if (rule && Math.abs(x - y) <= rule.tolerance + slack) return true;
  }
  return n.timestamp.some((p) => p.matches(path)) && sameInstant(a, b);
}
