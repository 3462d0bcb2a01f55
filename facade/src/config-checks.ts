// Config problem reporting for config.ts: zod issues turned into `<field path>: <why>` lines, and the
// checks that span fields (service references, duplicates, port clashes), run on the raw input.
import type { z } from 'zod';
import { hostOnly, validatePattern } from './core/routing';

/** Route and service names: lowercase, digits, `-` and `_`, starting with a letter or digit. */
export const NAME = /^[a-z0-9][a-z0-9-_]*$/;

type Problems = string[];

/** One zod issue as problem lines (an unknown-keys issue gives one line per key). */
export function describeIssue(issue: z.core.$ZodIssue): string[] {
  const at = fieldPath(issue.path);
  const items = 'origin' in issue && issue.origin === 'array' ? ' items' : '';
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => `${fieldPath([...issue.path, k])}: unknown key`);
    case 'invalid_type':
      if (issue.input === undefined) return [`${at}: required`];
      if (issue.expected === 'int') return [`${at}: must be an integer`];
      return [`${at}: expected ${issue.expected}, got ${typeOf(issue.input)}`];
    case 'too_small':
      if (issue.origin === 'string' && issue.minimum === 1) return [`${at}: must not be empty`];
      return [`${at}: must be ${issue.inclusive ? '>=' : '>'} ${issue.minimum}${items}`];
    case 'too_big':
      return [`${at}: must be ${issue.inclusive ? '<=' : '<'} ${issue.maximum}${items}`];
    case 'invalid_value':
      return [`${at}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`];
    case 'invalid_union':
      // A discriminated union with an unknown discriminator lists its options.
      if ('options' in issue && Array.isArray(issue.options)) {
        return [`${at}: must be one of ${issue.options.map((v) => JSON.stringify(v)).join(', ')}`];
      }
      return [`${at}: ${issue.message}`];
    default:
      return [`${at}: ${issue.message}`];
  }
}

/**
 * Checks that span fields, on the raw input so that they are reported even when the schema fails
 * elsewhere. Values of the wrong type are skipped here: the schema reports those.
 */
export function crossFieldProblems(raw: unknown): string[] {
  if (!isRecord(raw)) return [];
  const problems: Problems = [];
  // null: `services` is not an object, so route references cannot be checked.
  const services = isRecord(raw.services) ? Object.keys(raw.services) : raw.services === undefined ? [] : null;
  for (const name of services ?? []) {
    if (!NAME.test(name)) problems.push(`${fieldPath(['services', name])}: service name must match ${NAME}`);
    if (name === 'monolith') problems.push('services.monolith: "monolith" names the monolith; choose another service name');
  }
  if (Array.isArray(raw.routes)) routeProblems(raw.routes, services, problems);
  const listen = portOf(raw.listen, 8080);
  if (listen !== null && listen !== 0 && listen === portOf(raw.admin, 8081)) {
    problems.push(`admin.port: same port as listen.port (${listen})`);
  }
  return problems;
}

interface SeenMatch {
  readonly i: number;
  readonly path: string;
  readonly host: string | null;
  readonly methods: readonly string[] | null;
}

function routeProblems(routes: readonly unknown[], services: readonly string[] | null, problems: Problems): void {
  const names = new Map<string, number>();
  const flagKeys = new Map<string, number>();
  const matches: SeenMatch[] = [];
  routes.forEach((r, i) => {
    if (!isRecord(r)) return;
    if (services !== null && typeof r.service === 'string' && !services.includes(r.service)) {
      problems.push(`routes[${i}].service: unknown service "${r.service}" (known: ${services.join(', ') || 'none'})`);
    }
    const name = typeof r.name === 'string' ? r.name : null;
    const flagKey = typeof r.flagKey === 'string' ? r.flagKey : name !== null ? `strangler-${name}` : null;
    const nameTaken =
      name !== null && noteDuplicate(names, name, i, `routes[${i}].name: duplicate route name "${name}"`, problems);
    // A duplicate name already implies a duplicate derived flag key: report the cause once.
    if (flagKey !== null && !nameTaken) {
      noteDuplicate(flagKeys, flagKey, i, `routes[${i}].flagKey: flag key "${flagKey}" is already used`, problems);
    }
    const match = seenMatch(r.match, i);
    if (match === null) return;
    const same = matches.find(
      (o) => o.path === match.path && o.host === match.host && methodsOverlap(o.methods, match.methods),
    );
    if (same) {
      problems.push(`routes[${i}].match.path: same pattern "${match.path}" as routes[${same.i}] for overlapping methods and host`);
    }
    matches.push(match);
  });
}

function seenMatch(m: unknown, i: number): SeenMatch | null {
  if (!isRecord(m) || typeof m.path !== 'string' || validatePattern(m.path) !== null) return null;
  const host = typeof m.host === 'string' ? hostOnly(m.host) : null;
  const methods = Array.isArray(m.methods)
    ? m.methods.filter((x): x is string => typeof x === 'string').map((x) => x.toUpperCase())
    : null;
  return { i, path: m.path, host, methods };
}

function methodsOverlap(a: readonly string[] | null, b: readonly string[] | null): boolean {
  return a === null || b === null || a.some((x) => b.includes(x));
}

function noteDuplicate(seen: Map<string, number>, key: string, i: number, message: string, problems: Problems): boolean {
  const first = seen.get(key);
  if (first === undefined) seen.set(key, i);
  else problems.push(`${message} (also routes[${first}])`);
  return first !== undefined;
}

function portOf(section: unknown, byDefault: number): number | null {
  if (section === undefined) return byDefault;
  if (!isRecord(section)) return null;
  if (section.port === undefined) return byDefault;
  return typeof section.port === 'number' ? section.port : null;
}

/** `['routes', 1, 'service']` → `routes[1].service`; odd keys are quoted (`services["a b"]`). */
function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((k, i) => segment(k, i === 0)).join('');
}

function segment(key: PropertyKey, first: boolean): string {
  if (typeof key === 'number') return `[${key}]`;
  const s = String(key);
  return /^[A-Za-z_$][\w$]*$/.test(s) ? `${first ? '' : '.'}${s}` : `[${JSON.stringify(s)}]`;
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
