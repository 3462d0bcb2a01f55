// Ignore rules, compiled once and applied as step two of a comparison: they move differences
// from `mismatched` to `ignored`, each keeping the reason of the first rule that matched. Nothing
// is dropped, so a report can show what was hidden and why (as Scientist keeps `ignored`).
import { compilePattern, type PathPattern } from './path-pattern';
import type { Difference, IgnoreRule, IgnoredDifference } from './types';

/** An ignore rule ready to match: it ignores the matched path and everything below it. */
export interface CompiledIgnoreRule {
  readonly path: string;
  readonly reason: string;
  readonly pattern: PathPattern;
}

/** Thrown by `compileRules` with every problem found; `problems` name the field (`ignore[2].path: ...`). */
export class CompareRulesError extends Error {
  readonly code = 'INVALID_COMPARE_RULES';
  constructor(readonly problems: readonly string[]) {
    super(`invalid compare rules: ${problems.join('; ')}`);
    this.name = 'CompareRulesError';
  }
}

/**
 * Compiles ignore rules; throws {@link CompareRulesError} naming each bad rule (bad pattern,
 * empty reason).
 */
export function compileIgnoreRules(rules: readonly IgnoreRule[]): CompiledIgnoreRule[] {
  const problems: string[] = [];
  const out = compileIgnoreInto(rules, problems);
  if (problems.length > 0) throw new CompareRulesError(problems);
  return out;
}

/** Compiles ignore rules, pushing problems (`ignore[i].path: ...`) instead of throwing. */
export function compileIgnoreInto(rules: readonly IgnoreRule[], problems: string[]): CompiledIgnoreRule[] {
  const out: CompiledIgnoreRule[] = [];
  rules.forEach((rule, i) => {
    if (typeof rule.reason !== 'string' || rule.reason.trim() === '') problems.push(`ignore[${i}].reason: a reason is required`);
    try {
      out.push(Object.freeze({ path: rule.path, reason: rule.reason, pattern: compilePattern(rule.path) }));
    } catch (err) {
      problems.push(`ignore[${i}].path: ${(err as Error).message}`);
    }
  });
  return out;
}

/** Differences split by the ignore rules. */
export interface Classified {
  readonly mismatched: readonly Difference[];
  readonly ignored: readonly IgnoredDifference[];
}

/** The first rule that covers `path` (a rule that throws matches nothing). */
export function firstMatch(path: string, rules: readonly CompiledIgnoreRule[]): CompiledIgnoreRule | undefined {
  for (const rule of rules) {
    try {
      if (rule.pattern.covers(path)) return rule;
    } catch {
      // a rule that throws matches nothing: comparison must go on (the rule was validated at start-up)
    }
  }
  return undefined;
}

/**
 * Splits differences into mismatched and ignored. A rule ignores the difference at its path and
 * every difference below it (`$.meta` also ignores `$.meta.trace.id`; `headers.x-request-id`
 * the header). Order within each list follows the input. Never throws.
 */
export function classify(differences: readonly Difference[], ignoreRules: readonly CompiledIgnoreRule[]): Classified {
  const mismatched: Difference[] = [];
  const ignored: IgnoredDifference[] = [];
  for (const d of differences) {
    const rule = ignoreRules.length === 0 ? undefined : firstMatch(d.path, ignoreRules);
    if (rule) ignored.push(Object.freeze({ ...d, reason: rule.reason }));
    else mismatched.push(d);
  }
  return Object.freeze({ mismatched: Object.freeze(mismatched), ignored: Object.freeze(ignored) });
}
