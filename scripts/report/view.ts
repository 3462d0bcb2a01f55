// The reading order of one route's findings, shared by the text, Markdown and HTML renderers so
// the three lead with the same truth: endpoints as ranked (with their real fields), then the
// unjudged fields, the generated values, the noise with its evidence, and the ignored fields last.
// Long lists are capped (every endpoint with real or unjudged differences is always listed) so a
// route with many endpoints stays readable; the JSON keeps everything. Pure data shaping over the
// report contract; each renderer formats and escapes.
import type { EndpointFindings, FieldFinding, RouteReport } from '../../facade/src/core/report-types';

/** A field finding with the endpoint it belongs to and that endpoint's rank (1 = most real differences). */
export interface FieldRow {
  readonly endpoint: string;
  readonly rank: number;
  readonly finding: FieldFinding;
}

/** One noise field: its evidence (`why`) and, when it differed in the window, its count and rate. */
export interface NoiseRow {
  readonly endpoint: string;
  readonly field: string;
  readonly count: number;
  readonly rate: number | null;
  readonly why: string;
}

/** Endpoints without real or unjudged differences listed after those that have some. */
export const OTHER_ENDPOINTS = 10;
/** Rows listed per class table (unjudged, generated, noise, ignored) and of divergences. */
export const MAX_ROWS = 25;

export interface RouteView {
  /**
   * Endpoints to list, in the report's order (ranked by real-difference rate, then count): every one
   * with real or unjudged differences, then up to OTHER_ENDPOINTS others.
   */
  readonly endpoints: readonly { readonly rank: number; readonly endpoint: EndpointFindings; readonly real: readonly FieldFinding[] }[];
  /** Endpoints left out of `endpoints`, and their comparisons. */
  readonly moreEndpoints: { readonly count: number; readonly compared: number };
  readonly unjudged: readonly FieldRow[];
  readonly generated: readonly FieldRow[];
  readonly noise: readonly NoiseRow[];
  readonly ignored: readonly FieldRow[];
}

function rowsOf(route: RouteReport, cls: FieldFinding['class']): FieldRow[] {
  return route.endpoints.flatMap((e, i) => e.fields.filter((f) => f.class === cls).map((finding) => ({ endpoint: e.endpoint, rank: i + 1, finding })));
}

/**
 * Noise fields of the window (with counts) joined with the lifetime evidence of `route.noise`
 * (which names fields that did not differ in the window too), endpoint rank first.
 */
function noiseRows(route: RouteReport): NoiseRow[] {
  const rank = new Map(route.endpoints.map((e, i) => [e.endpoint, i + 1]));
  const rows = new Map<string, NoiseRow>();
  for (const r of rowsOf(route, 'noise')) {
    rows.set(`${r.endpoint}\u0000${r.finding.field}`, { endpoint: r.endpoint, field: r.finding.field, count: r.finding.count, rate: r.finding.rate, why: r.finding.why });
  }
  for (const n of route.noise) {
    const key = `${n.endpoint}\u0000${n.field}`;
    const seen = rows.get(key);
    // The evidence sentence is the lifetime one; the window's count stays.
    rows.set(key, seen ? { ...seen, why: n.why } : { endpoint: n.endpoint, field: n.field, count: 0, rate: null, why: n.why });
  }
  const order = (endpoint: string): number => rank.get(endpoint) ?? Number.MAX_SAFE_INTEGER;
  return [...rows.values()].sort((a, b) => order(a.endpoint) - order(b.endpoint) || a.endpoint.localeCompare(b.endpoint)
    || b.count - a.count || a.field.localeCompare(b.field));
}

/** The first `limit` rows and how many were left out. */
export function capped<T>(rows: readonly T[], limit = MAX_ROWS): { readonly shown: readonly T[]; readonly more: number } {
  return { shown: rows.slice(0, limit), more: Math.max(0, rows.length - limit) };
}

/** The route's findings in reading order. */
export function routeView(route: RouteReport): RouteView {
  const all = route.endpoints.map((endpoint, i) => ({ rank: i + 1, endpoint, real: endpoint.fields.filter((f) => f.class === 'real') }));
  const judged = (e: EndpointFindings): boolean => e.verdicts.mismatch > 0 || e.verdicts.unjudged > 0;
  const others = all.filter((e) => !judged(e.endpoint));
  const listedOthers = new Set(others.slice(0, OTHER_ENDPOINTS));
  const endpoints = all.filter((e) => judged(e.endpoint) || listedOthers.has(e));
  const left = others.slice(OTHER_ENDPOINTS);
  return {
    endpoints,
    moreEndpoints: { count: left.length, compared: left.reduce((n, e) => n + e.endpoint.compared, 0) },
    unjudged: rowsOf(route, 'unjudged'),
    generated: rowsOf(route, 'generated'),
    noise: noiseRows(route),
    ignored: rowsOf(route, 'ignored'),
  };
}

/**
 * Names of the two sides in examples: `monolith`/`service` when every comparison of the window had
 * the same primary side (so every example did too), else `primary`/`shadow`.
 */
export function exampleSides(route: RouteReport): { readonly primary: string; readonly shadow: string } {
  const sides = new Set(route.statusPairs.map((p) => p.primarySide));
  if (sides.size !== 1) return { primary: 'primary', shadow: 'shadow' };
  const [primary] = [...sides];
  return { primary, shadow: primary === 'monolith' ? 'service' : 'monolith' };
}
