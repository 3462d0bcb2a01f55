// The rules that classify stored comparison facts for one route: its ignore rules (config plus
// those stored by `strangler ignore add`) and its generated-value policy. Built by the recorder,
// reports and the gate alike, so a rule added today re-classifies yesterday's comparisons.
import type { RouteConfig } from '../config';
import { compilePattern } from '../core/compare';
import { compileIgnoreRules, type CompiledIgnoreRule } from '../core/compare/classify';
import { GENERATED_KINDS, type ClassifyRules, type GeneratedKind } from '../core/comparison';
import { validIgnorePattern } from './compare-rules';

export interface StoredRule { readonly route: string; readonly path: string; readonly reason: string }

/** Defaults when a route has no config (a route seen only in the store). */
export const DEFAULT_GENERATED = { toleranceMs: 60_000, kinds: [...GENERATED_KINDS] as GeneratedKind[], exact: [] as string[] };

/** Classification rules of `route` from its config (if known) and the stored ignore rules. */
export function classifyRulesFor(route: string, config: RouteConfig | undefined, stored: readonly StoredRule[]): ClassifyRules {
  const ignore: CompiledIgnoreRule[] = compileIgnoreRules([
    ...(config?.compare.ignore ?? []).map((r) => ({ path: r.path, reason: r.reason })),
    ...stored.filter((r) => r.route === route && validIgnorePattern(r.path) === null).map((r) => ({ path: r.path, reason: r.reason })),
  ]);
  const g = config?.compare.generated ?? DEFAULT_GENERATED;
  return {
    ignore,
    generated: { toleranceMs: g.toleranceMs, kinds: new Set(g.kinds), exactFields: g.exact.map((p) => compilePattern(p)) },
  };
}
