// Compiles a route's compare config once at start-up: header names lower-cased, every path
// pattern parsed, normalizers validated. All problems are reported together in one error, so
// a bad rule fails the start-up with its field named and never throws during a comparison.
import { sha256, type BodyHash } from './body';
import { compileNormalizers, type CompiledNormalizers } from './normalize';
import { CompareRulesError, compileIgnoreInto, type CompiledIgnoreRule } from './classify';
import { compilePattern } from './path-pattern';
import type { RedactionOptions } from './secrets';
import type { CompareRules } from './types';

export { CompareRulesError };

/** A route's compare rules, compiled once; pass to `compare` / `diffObservations`. */
export interface CompiledRules {
  /** Lower-cased header names to compare, without `date` and `set-cookie`. */
  readonly headers: readonly string[];
  readonly cookies: readonly string[];
  readonly ignore: readonly CompiledIgnoreRule[];
  readonly normalizers: CompiledNormalizers;
  /** Redaction patterns as configured (redaction compiles and applies them). */
  readonly redact: readonly string[];
  /** Redaction lists and fingerprint key: pass as the last argument of redactDifferences / redactBody. */
  readonly redaction: RedactionOptions;
  readonly hash: BodyHash;
}

function attempt<T>(problems: string[], field: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (err) {
    problems.push(`${field}: ${(err as Error).message}`);
    return undefined;
  }
}

/** Options for {@link compileRules}. */
export interface CompileOptions {
  /** Hash for bodies compared by hash; defaults to sha256 hex. */
  readonly hash?: BodyHash;
}

/**
 * Compiles a route's compare rules once (at start-up). Throws {@link CompareRulesError} listing
 * every invalid pattern, normalizer or redaction path.
 */
export function compileRules(rules: CompareRules, options: CompileOptions = {}): CompiledRules {
  const problems: string[] = [];
  const headers = [...new Set(rules.headers.map((h) => h.trim().toLowerCase()))].filter(
    (h) => h !== '' && h !== 'date' && h !== 'set-cookie',
  );
  const cookies = [...new Set(rules.cookies.map((c) => c.trim()))].filter((c) => c !== '');
  const ignore = compileIgnoreInto(rules.ignore, problems);
  rules.normalizers.forEach((n, i) => attempt(problems, `normalizers[${i}]`, () => compileNormalizers([n])));
  rules.redact.forEach((p, i) => attempt(problems, `redact[${i}]`, () => compilePattern(p)));
  if (problems.length > 0) throw new CompareRulesError(problems);
  const normalizers = compileNormalizers(rules.normalizers);
  return Object.freeze({
    headers: Object.freeze(headers),
    cookies: Object.freeze(cookies),
    ignore: Object.freeze(ignore),
    normalizers,
    redact: Object.freeze([...rules.redact]),
    redaction: Object.freeze({ ...rules.redaction }),
    hash: options.hash ?? sha256,
  });
}
