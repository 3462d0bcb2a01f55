// Route table: patterns compiled once at start-up (and on reload), matched per request on the normalized path.
// The most specific pattern wins; no match means the request belongs to the monolith. Literal segments
// match case-insensitively unless the route (or the table) is case-sensitive, as Express and most
// monoliths route; a trailing slash never changes the route (docs/reference/routing.md).
import { decodedSlashes, normalizePath, withoutParameters } from './paths';

/** What a route matches on, as written in config. */
export interface RouteMatch {
  /** `/api/products/**`: literal segments, `*` or `:name` (one segment), `**` (zero or more, last only). */
  readonly path: string;
  /** Uppercase method names; absent means every method. */
  readonly methods?: readonly string[];
  /** Exact host, compared case-insensitively with the port ignored; absent means every host. */
  readonly host?: string;
}

/** The least a route must carry to be compiled; config routes carry more and get it all back. */
export interface RouteLike {
  readonly name: string;
  readonly match: RouteMatch;
  /** Absent: the table's default (`routing.caseSensitive`, false). */
  readonly caseSensitive?: boolean;
}

/** Table-wide routing options. */
export interface RoutingOptions {
  /** Literal segments match with their case (default false: `/API/Orders` matches `/api/orders`). */
  readonly caseSensitive?: boolean;
}

/** The request facts routing needs: `path` must already be normalized (see `normalizePath`). */
export interface RoutingFacts {
  readonly method: string;
  readonly path: string;
  readonly host?: string;
}

type Segment = { readonly kind: 'literal'; readonly value: string } | { readonly kind: 'one' };

/** A route with its pattern parsed and its specificity computed. */
export interface CompiledRoute<R extends RouteLike = RouteLike> {
  readonly route: R;
  readonly segments: readonly Segment[];
  /** True when the pattern ends in `**`. */
  readonly rest: boolean;
  readonly methods: ReadonlySet<string> | null;
  readonly host: string | null;
  /** When false, `segments` hold lower-cased literals and are matched against the lower-cased path. */
  readonly caseSensitive: boolean;
  /** Position in config, the last tie-breaker. */
  readonly order: number;
}

/** Compiled routes, most specific first, indexed by first path segment. Immutable: reloads build a new one. */
export interface RouteTable<R extends RouteLike = RouteLike> {
  readonly routes: readonly CompiledRoute<R>[];
  /** Keyed by the lower-cased first literal (case-sensitive routes check the case themselves). */
  readonly byFirstSegment: ReadonlyMap<string, readonly CompiledRoute<R>[]>;
  /** Candidates for a path whose first segment is no route's literal first segment. */
  readonly wildcardFirst: readonly CompiledRoute<R>[];
}

/** Returns why `pattern` is not a valid route pattern, or null when it is. */
export function validatePattern(pattern: string): string | null {
  if (!pattern.startsWith('/')) return 'pattern must start with "/"';
  if (pattern === '/') return null;
  const segments = pattern.slice(1).split('/');
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if (seg === '') return `empty segment in "${pattern}" (no "//" and no trailing "/")`;
    if (seg === '**' && i !== segments.length - 1) return '"**" is allowed only as the last segment';
    if (seg === '**' || seg === '*') continue;
    if (seg.includes('*')) return `"${seg}": a wildcard must be a whole segment ("*" or "**")`;
    if (seg.startsWith(':') && !/^:[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) return `"${seg}": a parameter is ":" and a name`;
  }
  const literal = pattern.replace(/\/(\*\*|\*|:[A-Za-z_]\w*)(?=\/|$)/g, '/x');
  const normalized = normalizePath(literal);
  if (!normalized.ok) return `pattern is not a valid path: ${normalized.reason}`;
  if (normalized.path !== literal) {
    return 'pattern is not in normalized form (no dot segments, only needed escapes, uppercase hex)';
  }
  if (/%2F|%5C/.test(literal)) return 'an encoded slash or backslash (%2F, %5C) cannot be part of a pattern';
  return null;
}

/** Compiles routes once; throws on an invalid pattern (config validation reports those first). */
export function compileRoutes<R extends RouteLike>(routes: readonly R[], options: RoutingOptions = {}): RouteTable<R> {
  const compiled = routes.map((route, order) => compileOne(route, order, options.caseSensitive ?? false)).sort(bySpecificity);
  const firstLiteral = (c: CompiledRoute<R>) => (c.segments[0]?.kind === 'literal' ? c.segments[0].value.toLowerCase() : null);
  const wildcardFirst = compiled.filter((c) => firstLiteral(c) === null);
  const byFirstSegment = new Map<string, CompiledRoute<R>[]>();
  for (const c of compiled) {
    const first = firstLiteral(c);
    if (first === null || byFirstSegment.has(first)) continue;
    // Candidates for this first segment: routes starting with it plus wildcard-first ones, order kept.
    byFirstSegment.set(first, compiled.filter((o) => firstLiteral(o) === null || firstLiteral(o) === first));
  }
  return Object.freeze({ routes: Object.freeze(compiled), byFirstSegment, wildcardFirst: Object.freeze(wildcardFirst) });
}

/** The most specific route matching the request, or null (the monolith answers). */
export function matchRoute<R extends RouteLike>(table: RouteTable<R>, facts: RoutingFacts): CompiledRoute<R> | null {
  const parts = facts.path.split('/').slice(1);
  // A trailing slash does not change which route a path belongs to.
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  const lower = parts.map((p) => p.toLowerCase());
  const candidates = (lower.length > 0 && table.byFirstSegment.get(lower[0])) || table.wildcardFirst;
  const host = facts.host === undefined ? null : hostOnly(facts.host);
  for (const c of candidates) {
    if (c.methods !== null && !c.methods.has(facts.method)) continue;
    if (c.host !== null && c.host !== host) continue;
    if (segmentsMatch(c, c.caseSensitive ? parts : lower)) return c;
  }
  return null;
}

/**
 * The route for a normalized path that may hold path parameters (`;jsessionid=...`): first without
 * them, as a servlet container routes it; then as it is. Each reading may hold encoded slashes
 * (`%2F`, `%5C`): first as an
 * upstream that decodes them would read it, so an encoded slash never lets a request miss the route
 * of its decoded path; else as one segment (Express's reading: `/files/:name` takes `a%2Fb`).
 */
export function matchNormalized<R extends RouteLike>(table: RouteTable<R>, facts: RoutingFacts): CompiledRoute<R> | null {
  // Path parameters (`;jsessionid=...`) first, as a servlet container drops them (paths.ts withoutParameters).
  const plain = withoutParameters(facts.path);
  if (plain !== facts.path) {
    const route = matchSlashReadings(table, { ...facts, path: plain });
    if (route) return route;
  }
  return matchSlashReadings(table, facts);
}

function matchSlashReadings<R extends RouteLike>(table: RouteTable<R>, facts: RoutingFacts): CompiledRoute<R> | null {
  const decoded = decodedSlashes(facts.path);
  const first = matchRoute(table, decoded === facts.path ? facts : { ...facts, path: decoded });
  return first ?? (decoded === facts.path ? null : matchRoute(table, facts));
}

/**
 * The route for `OPTIONS *` (a question about the whole server): the most specific catch-all route
 * (`/**`) that takes OPTIONS for this host, or null (the monolith answers).
 */
export function matchAsterisk<R extends RouteLike>(table: RouteTable<R>, facts: Omit<RoutingFacts, 'path'>): CompiledRoute<R> | null {
  const host = facts.host === undefined ? null : hostOnly(facts.host);
  return table.wildcardFirst.find((c) => c.segments.length === 0 && c.rest && (c.methods === null || c.methods.has(facts.method)) && (c.host === null || c.host === host)) ?? null;
}

/** Lowercased host without its port (`Shop.Example:8080` → `shop.example`, `[::1]:80` → `[::1]`). */
export function hostOnly(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1 || h.length);
  const colon = h.lastIndexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

function segmentsMatch(c: CompiledRoute, parts: readonly string[]): boolean {
  if (c.rest ? parts.length < c.segments.length : parts.length !== c.segments.length) return false;
  for (let i = 0; i < c.segments.length; i++) {
    const seg = c.segments[i];
    if (seg.kind === 'literal' ? seg.value !== parts[i] : parts[i] === '') return false;
  }
  return true;
}

function compileOne<R extends RouteLike>(route: R, order: number, caseSensitiveByDefault: boolean): CompiledRoute<R> {
  const problem = validatePattern(route.match.path);
  if (problem !== null) throw new Error(`route "${route.name}": ${problem}`);
  const caseSensitive = route.caseSensitive ?? caseSensitiveByDefault;
  const raw = route.match.path === '/' ? [] : route.match.path.slice(1).split('/');
  const rest = raw[raw.length - 1] === '**';
  const segments: Segment[] = (rest ? raw.slice(0, -1) : raw).map((s) =>
    s === '*' || s.startsWith(':') ? { kind: 'one' } : { kind: 'literal', value: caseSensitive ? s : s.toLowerCase() },
  );
  const methods = route.match.methods ? new Set(route.match.methods.map((m) => m.toUpperCase())) : null;
  const host = route.match.host === undefined ? null : hostOnly(route.match.host);
  return Object.freeze({ route, segments: Object.freeze(segments), rest, methods, host, caseSensitive, order });
}

// More literal segments, then single-segment wildcards over `**`, then longer pattern, then config order.
function bySpecificity(a: CompiledRoute, b: CompiledRoute): number {
  const literals = (c: CompiledRoute) => c.segments.filter((s) => s.kind === 'literal').length;
  return (
    literals(b) - literals(a) ||
    Number(a.rest) - Number(b.rest) ||
    b.segments.length + Number(b.rest) - (a.segments.length + Number(a.rest)) ||
    a.order - b.order
  );
}

/**
 * A small bounded LRU of routing results keyed by a string the caller builds (method, host and raw
 * path): traffic repeats a few paths, and a hit skips normalizing and matching. A Map keeps insertion
 * order, so the oldest key is the first one; a hit moves its key to the end.
 */
export class RouteCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`route cache capacity must be a positive integer, got ${capacity}`);
  }

  get(key: string): V | undefined {
    const v = this.entries.get(key);
    if (v !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, v);
    }
    return v;
  }

  set(key: string, value: V): void {
    if (this.entries.has(key)) this.entries.delete(key);
    else if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, value);
  }

  get size(): number {
    return this.entries.size;
  }
}
