// Structural diff of two parsed JSON bodies: objects by key, arrays by index, one Difference per
// differing leaf or missing/extra member, with paths like `$.items[3].price`. Runs after the
// array-order normalizer; numeric/timestamp equivalences are checked at each node. Two spellings of
// one number (`12.0`, `12`) or of one ISO 8601 instant (`.000Z`, `Z`, `+00:00`) are never differences.
import { isJsonObject, jsonType } from './canonical';
import { sameComputedFloat, sameDouble } from './exact-number';
import { equivalent, hasEquivalences, NO_NORMALIZERS, type CompiledNormalizers } from './normalize';
import { formatPath, type PathSegment } from './path-pattern';
import { sameIsoInstant } from './timestamp';
import type { Difference, DifferenceKind } from './types';

/**
 * Differences one comparison lists at most: two answers apart at thousands of paths (80,000 keys,
 * half of them other values) are one mismatch, and listing each path cost the facade a gigabyte
 * and a minute of CPU for 40 such requests. The first ones, in document order, are listed.
 */
export const MAX_DIFFERENCES = 200;

interface Walk {
  readonly path: PathSegment[];
  readonly out: Difference[];
  readonly normalizers: CompiledNormalizers;
  readonly checkEquivalence: boolean;
}

function emit(w: Walk, kind: DifferenceKind, primary: unknown, shadow: unknown): void {
  if (w.out.length < MAX_DIFFERENCES) w.out.push(Object.freeze({ path: formatPath(w.path), kind, primary, shadow }));
}

const full = (w: Walk): boolean => w.out.length >= MAX_DIFFERENCES;

function child(w: Walk, seg: PathSegment, a: unknown, b: unknown): void {
  w.path.push(seg);
  walk(w, a, b);
  w.path.pop();
}

function walkObject(w: Walk, a: Record<string, unknown>, b: Record<string, unknown>): void {
  for (const key of Object.keys(a)) {
    if (full(w)) return;
    if (Object.hasOwn(b, key)) child(w, key, a[key], b[key]);
    else {
      w.path.push(key);
      emit(w, 'removed', a[key], undefined);
      w.path.pop();
    }
  }
  for (const key of Object.keys(b)) {
    if (full(w)) return;
    if (Object.hasOwn(a, key)) continue;
    w.path.push(key);
    emit(w, 'added', undefined, b[key]);
    w.path.pop();
  }
}

function walkArray(w: Walk, a: readonly unknown[], b: readonly unknown[]): void {
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common && !full(w); i++) child(w, i, a[i], b[i]);
  for (let i = common; i < Math.max(a.length, b.length) && !full(w); i++) {
    w.path.push(i);
    if (i < a.length) emit(w, 'removed', a[i], undefined);
    else emit(w, 'added', undefined, b[i]);
    w.path.pop();
  }
}

function walk(w: Walk, a: unknown, b: unknown): void {
  if (a === b) return;
  if (w.checkEquivalence && equivalent(w.path, a, b, w.normalizers)) return;
  const ta = jsonType(a);
  const tb = jsonType(b);
  if (ta !== tb) {
    // `12.5` vs `"12.51"` under a numericString normalizer is a changed number, not a type change
    const numericPair = ta !== 'object' && ta !== 'array' && tb !== 'object' && tb !== 'array' && w.normalizers.numericString.some((p) => p.matches(w.path));
    emit(w, numericPair ? 'changed' : 'type', a, b);
  } else if (ta === 'array') walkArray(w, a as unknown[], b as unknown[]);
  else if (ta === 'object' && isJsonObject(a) && isJsonObject(b)) walkObject(w, a, b);
  else if (ta === 'number' ? !(sameDouble(a, b) || sameComputedFloat(a, b)) : !(ta === 'string' && sameIsoInstant(a as string, b as string))) emit(w, 'changed', a, b);
}

/**
 * Differences between two parsed JSON values, in document order (primary's keys first, then
 * keys only the shadow has). Both values should already have gone through `normalize`.
 */
export function diffJson(primary: unknown, shadow: unknown, normalizers: CompiledNormalizers = NO_NORMALIZERS): Difference[] {
  const w: Walk = { path: ['$'], out: [], normalizers, checkEquivalence: hasEquivalences(normalizers) };
  walk(w, primary, shadow);
  return w.out;
}
