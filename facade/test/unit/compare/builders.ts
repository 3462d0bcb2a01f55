// Tiny builders for the comparison tests: observations with a JSON, text or binary body, and
// compare rules with the defaults a route gets, compiled once as the facade does at start-up.
import { compileRules, type CompiledRules } from '../../../src/core/compare/rules';
import type { CompareRules, Observation, Side } from '../../../src/core/compare/types';

type Headers = Record<string, string | string[]>;

/** A successful observation; `body` as string or Buffer, headers as given. */
export function anObservation(spec: { status?: number; headers?: Headers; body?: string | Buffer; side?: Side } = {}): Observation {
  const { status = 200, headers = {}, body = '', side = 'monolith' } = spec;
  return { ok: true, side, status, headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body), ms: 5 };
}

/** An observation whose body is `value` as JSON (`application/json`), plus extra headers. */
export function aJsonObservation(value: unknown, headers: Headers = {}, status = 200): Observation {
  return anObservation({ status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(value) });
}

/** A text/plain observation. */
export function aTextObservation(text: string, headers: Headers = {}): Observation {
  return anObservation({ headers: { 'content-type': 'text/plain', ...headers }, body: text });
}

/** A failed observation (the side could not be reached). */
export function aFailure(code = 'ECONNREFUSED', side: Side = 'service'): Observation {
  return { ok: false, side, error: `connect ${code} 127.0.0.1:4001`, code, ms: 1 };
}

/** Compare rules with the default header list and nothing else, overridden per test. */
export function someRules(overrides: Partial<CompareRules> = {}): CompareRules {
  return { headers: ['content-type', 'location', 'cache-control'], cookies: [], ignore: [], normalizers: [], redact: [], ...overrides };
}

/** `someRules(overrides)` compiled. */
export function compiled(overrides: Partial<CompareRules> = {}): CompiledRules {
  return compileRules(someRules(overrides));
}

/** Paths of a list of differences, for compact assertions. */
export function pathsOf(diffs: readonly { path: string }[]): string[] {
  return diffs.map((d) => d.path);
}
