// Config problem reporting for config.ts: zod issues turned into `<field path>: <why>` lines, and the
// checks that span fields (service references, duplicates, equivalent routes, port clashes), run on
// the raw input, and the warnings (non-loopback admin API) the facade logs at start-up.
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
  const routing = isRecord(raw.routing) ? raw.routing : {};
  const caseSensitive = routing.caseSensitive === true;
  if (Array.isArray(raw.routes)) routeProblems(raw.routes, services, problems, caseSensitive);
  if (isRecord(raw.admin) && Array.isArray(raw.admin.tokens)) tokenProblems(raw.admin.tokens, problems);
  const listen = portOf(raw.listen, 8080);
  if (listen !== null && listen !== 0 && listen === portOf(raw.admin, 8081)) {
    problems.push(`admin.port: same port as listen.port (${listen})`);
  }
  return problems;
}

interface SeenMatch {
  readonly i: number;
  readonly name: string;
  readonly path: string;
  /** The pattern as routing sees it: parameters and `*` alike, lower-cased unless case-sensitive. */
  readonly shape: string;
  readonly caseSensitive: boolean;
  readonly host: string | null;
  readonly methods: readonly string[] | null;
}

function tokenProblems(tokens: readonly unknown[], problems: Problems): void {
  const names = new Map<string, number>();
  const values = new Map<string, number>();
  tokens.forEach((t, i) => {
    if (!isRecord(t)) return;
    if (typeof t.name === 'string') noteDuplicate(names, t.name, i, `admin.tokens[${i}].name: duplicate token name "${t.name}"`, problems, 'admin.tokens');
    if (typeof t.token === 'string') noteDuplicate(values, t.token, i, `admin.tokens[${i}].token: the same token as another entry`, problems, 'admin.tokens');
  });
}

function routeProblems(routes: readonly unknown[], services: readonly string[] | null, problems: Problems, caseSensitiveByDefault: boolean): void {
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
    const match = seenMatch(r, i, caseSensitiveByDefault);
    if (match === null) return;
    const same = matches.find((o) => equivalent(o, match) && o.host === match.host && methodsOverlap(o.methods, match.methods));
    if (same) {
      const what = same.path === match.path ? `same pattern "${match.path}"` : `pattern "${match.path}" is equivalent to "${same.path}"`;
      problems.push(
        `routes[${i}].match.path: route "${match.name}": ${what} of route "${same.name}" (routes[${same.i}]) for overlapping methods and host; a request would match either`,
      );
    }
    matches.push(match);
  });
}

function seenMatch(r: Record<string, unknown>, i: number, caseSensitiveByDefault: boolean): SeenMatch | null {
  const m = r.match;
  if (!isRecord(m) || typeof m.path !== 'string' || validatePattern(m.path) !== null) return null;
  const host = typeof m.host === 'string' ? hostOnly(m.host) : null;
  const methods = Array.isArray(m.methods)
    ? m.methods.filter((x): x is string => typeof x === 'string').map((x) => x.toUpperCase())
    : null;
  const caseSensitive = typeof r.caseSensitive === 'boolean' ? r.caseSensitive : caseSensitiveByDefault;
  const shape = m.path.replace(/\/:[A-Za-z_]\w*(?=\/|$)/g, '/*');
  const name = typeof r.name === 'string' ? r.name : `#${i}`;
  return { i, name, path: m.path, shape, caseSensitive, host, methods };
}

/** Two patterns match the same requests: same shape, ignoring case when either route ignores it. */
function equivalent(a: SeenMatch, b: SeenMatch): boolean {
  if (a.shape === b.shape) return true;
  return !(a.caseSensitive && b.caseSensitive) && a.shape.toLowerCase() === b.shape.toLowerCase();
}

/** Warnings that do not stop start-up (the facade logs them): an admin API reachable from other machines. */
export function configWarnings(config: {
  readonly admin: { readonly host: string; readonly port?: number };
  readonly listen?: { readonly host: string; readonly port: number };
  readonly monolith?: { readonly url: string };
  readonly services?: Readonly<Record<string, { readonly url: string }>>;
}): string[] {
  const out: string[] = [];
  const host = config.admin.host.replace(/^\[|\]$/g, '').toLowerCase();
  if (!isLoopback(host)) out.push(`admin.host is "${config.admin.host}": the admin API (stages, comparisons, audit log) is reachable from other machines; keep it on loopback (127.0.0.1) or behind a firewall, with tokens`);
  // One application on both sides: every write a stage sends to both runs twice on it (two orders, two logins).
  const monolith = config.monolith ? sameTarget(config.monolith.url) : null;
  for (const [name, s] of Object.entries(config.services ?? {})) {
    if (monolith !== null && sameTarget(s.url) === monolith) {
      out.push(`services.${name}.url is the monolith's own address (${s.url}): at dualwrite, shadow, live and rampdown every write would run twice on the same application`);
    }
  }
  // An upstream at the facade's own address: each request loops through the facade until the
  // upstream's bulkhead refuses it, and the client sees 503 UPSTREAM_BULKHEAD_FULL naming no cause.
  const upstreams: Array<[string, string]> = [
    ...(config.monolith ? [['monolith.url', config.monolith.url] as [string, string]] : []),
    ...Object.entries(config.services ?? {}).map(([name, s]): [string, string] => [`services.${name}.url`, s.url]),
  ];
  const own: Array<[string, { host: string; port?: number } | undefined]> = [['listen', config.listen], ['admin', config.admin]];
  for (const [field, url] of upstreams) {
    for (const [which, addr] of own) {
      if (addr?.port && reachesOwn(url, addr.host, addr.port)) {
        out.push(`${field} (${url}) is the facade's own ${which} address (${which}.host ${addr.host}, ${which}.port ${addr.port}): every request sent there would come back to the facade`);
      }
    }
  }
  return out;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** True when `url` reaches host:port of this machine where the facade listens (loopback reaches a wildcard or loopback listener). */
function reachesOwn(url: string, host: string, port: number): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const urlPort = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  if (urlPort !== port) return false;
  const target = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const listen = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (target === listen) return true;
  const wildcard = listen === '0.0.0.0' || listen === '::' || listen === '';
  return isLoopback(target) && (wildcard || isLoopback(listen));
}

/** A URL's origin and path, as an upstream is reached (trailing slashes aside); the URL itself when it does not parse. */
function sameTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return url;
  }
}

function methodsOverlap(a: readonly string[] | null, b: readonly string[] | null): boolean {
  return a === null || b === null || a.some((x) => b.includes(x));
}

function noteDuplicate(seen: Map<string, number>, key: string, i: number, message: string, problems: Problems, list = 'routes'): boolean {
  const first = seen.get(key);
  if (first === undefined) seen.set(key, i);
  else problems.push(`${message} (also ${list}[${first}])`);
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
