// The CLI's admin backend (`--admin URL`): the same verbs over a running facade's admin API,
// token from STRANGLER_ADMIN_TOKEN. Used when the state database is on another machine or the
// stages live in LaunchDarkly. The gate's figures come from `GET /routes/:name/gate`.
import { parseConfig, type FacadeConfig } from '../../facade/src/config';
import type { Report } from '../../facade/src/core/report-types';
import type { Stage } from '../../facade/src/core/stages';
import type { AuditEntry } from '../../facade/src/io/state-store';
import type { Backend, DivergenceList, IgnoreView, ReportQuery, RouteView, StageChange } from './backend';
import type { Divergence, DivergenceStatus } from '../../facade/src/io/divergence-store';
import type { DivergenceDetail, ReplayOptions, ReplayReport } from '../../facade/src/io/divergence-repair';
import { CliError, EXIT_FAILED, EXIT_USAGE, unknownRoute } from './context';
import type { GateInput, GateThresholds } from '../../facade/src/core/gate';
import type { BreakerState } from '../../facade/src/core/resilience/breaker';
import type { UpstreamView } from '../../facade/src/io/upstream-view';

export interface AdminOptions {
  readonly url: string;
  readonly token: string | undefined;
  readonly fetch: typeof fetch;
  readonly now: () => Date;
  /** Local config, if any: only its gate thresholds are used. */
  readonly config: FacadeConfig | null;
  readonly actor: string;
}

interface AdminRoute { name: string; pattern: string; service: string; stage: Stage; rollout: RouteView['rollout']; updatedAt: string | null; breaker?: BreakerState | null }
interface AdminRule { route?: string; path: string; reason: string; source?: 'config' | 'state'; actor?: string; createdAt?: string }

/** Admin API error codes that mean the user asked for something wrong (exit 2), not that it failed. */
const USAGE_CODES = new Set(['ROUTE_UNKNOWN', 'STAGE_SKIP', 'PERCENT_INVALID', 'BODY_INVALID', 'PATTERN_INVALID', 'RULE_UNKNOWN', 'QUERY_INVALID', 'DIVERGENCE_UNKNOWN', 'HEADER_INVALID']);

const DEFAULT_GATE = parseConfig({ monolith: { url: 'http://127.0.0.1' } }, 'defaults').gate;

export class AdminBackend implements Backend {
  readonly kind = 'admin';
  readonly gateThresholds: GateThresholds;
  private names: string[] | null = null;

  constructor(private readonly opts: AdminOptions) {
    this.gateThresholds = { ...(opts.config?.gate ?? DEFAULT_GATE) };
  }

  async listRoutes(): Promise<RouteView[]> {
    const { routes } = await this.call<{ routes: AdminRoute[] }>('GET', '/routes');
    this.names = routes.map((r) => r.name);
    return Promise.all(routes.map((r) => this.view(r)));
  }

  async route(name: string): Promise<RouteView> {
    await this.known(name);
    return this.view(await this.call<AdminRoute>('GET', `/routes/${enc(name)}`));
  }

  async setStage(change: StageChange): Promise<AuditEntry> {
    await this.known(change.route);
    const details = change.details === undefined ? undefined : (change.details as Record<string, unknown>);
    const body = { stage: change.stage, percent: change.percent, force: change.force, reason: change.reason?.slice(0, 500), actor: this.opts.actor, details };
    const answer = await this.call<{ audit: AuditEntry }>('PUT', `/routes/${enc(change.route)}`, body);
    return answer.audit;
  }

  async history(route: string | undefined, limit: number): Promise<AuditEntry[]> {
    const names = route === undefined ? await this.allNames() : [await this.known(route)];
    const lists = await Promise.all(names.map((n) => this.call<{ history: AuditEntry[] }>('GET', `/routes/${enc(n)}/history`)));
    // The admin API has no all-routes history: merge the per-route logs, newest first.
    return lists.flatMap((l) => l.history).sort((a, b) => b.at.localeCompare(a.at) || b.id - a.id).slice(0, limit);
  }

  async addIgnore(route: string, path: string, reason: string): Promise<IgnoreView> {
    await this.known(route);
    const rule = await this.call<AdminRule>('POST', `/routes/${enc(route)}/ignore`, { path, reason, actor: this.opts.actor });
    return { route, path: rule.path, reason: rule.reason, source: 'state', actor: rule.actor ?? null, createdAt: rule.createdAt ?? null };
  }

  async listIgnore(route?: string): Promise<IgnoreView[]> {
    const names = route === undefined ? await this.allNames() : [await this.known(route)];
    const lists = await Promise.all(names.map((n) => this.call<{ rules: AdminRule[] }>('GET', `/routes/${enc(n)}/ignore`)));
    return lists.flatMap((l, i) => l.rules.map((r): IgnoreView => ({
      route: names[i], path: r.path, reason: r.reason, source: r.source ?? 'state', actor: r.actor ?? null, createdAt: r.createdAt ?? null,
    })));
  }

  async removeIgnore(route: string, path: string): Promise<void> {
    await this.known(route);
    await this.call('DELETE', `/routes/${enc(route)}/ignore?path=${enc(path)}`);
  }

  async report(query: ReportQuery): Promise<Report> {
    if (query.route !== undefined) await this.known(query.route);
    const params = new URLSearchParams();
    if (query.route !== undefined) params.set('route', query.route);
    if (query.since !== undefined) params.set('since', query.since);
    const qs = params.size > 0 ? `?${params.toString()}` : '';
    return this.call<Report>('GET', `/report${qs}`);
  }

  async gateInput(route: string, stage: Stage, target: Stage): Promise<GateInput> {
    await this.known(route);
    // The facade computes the figures from its own diff store, exactly as a local promote would.
    const q = new URLSearchParams({ stage, target });
    return (await this.call<{ input: GateInput }>('GET', `/routes/${enc(route)}/gate?${q.toString()}`)).input;
  }

  async listDivergences(route: string, status: DivergenceStatus | undefined): Promise<DivergenceList> {
    await this.known(route);
    return this.call<DivergenceList>('GET', `/routes/${enc(route)}/divergences?status=${status ?? 'all'}&limit=10000`);
  }

  async showDivergence(route: string, id: number): Promise<DivergenceDetail> {
    await this.known(route);
    return this.call<DivergenceDetail>('GET', `/routes/${enc(route)}/divergences/${id}`);
  }

  async replayDivergences(route: string, opts: Omit<ReplayOptions, 'actor'>): Promise<ReplayReport> {
    await this.known(route);
    return this.call<ReplayReport>('POST', `/routes/${enc(route)}/divergences/replay`, { ...opts, actor: this.opts.actor });
  }

  async resolveDivergence(route: string, id: number, reason: string): Promise<Divergence> {
    await this.known(route);
    return this.call<Divergence>('POST', `/routes/${enc(route)}/divergences/${id}/resolve`, { reason: reason.slice(0, 500), actor: this.opts.actor });
  }

  async upstreams(windowMs: number): Promise<UpstreamView[]> {
    return (await this.call<{ upstreams: UpstreamView[] }>('GET', `/upstreams?window=${Math.max(1, Math.round(windowMs / 1000))}s`)).upstreams;
  }

  close(): void {
    // Nothing held open: fetch keeps no connection this process has to end.
  }

  private async view(r: AdminRoute): Promise<RouteView> {
    const c = await this.call<{ outcomes: Record<string, number> }>('GET', `/routes/${enc(r.name)}/comparisons?limit=1`);
    const mismatches = c.outcomes.mismatch ?? 0;
    const compared = (c.outcomes.match ?? 0) + mismatches + (c.outcomes.noise ?? 0);
    return {
      route: r.name, pattern: r.pattern, service: r.service, stage: r.stage, rollout: r.rollout,
      comparisons: compared, mismatchRate: compared > 0 ? mismatches / compared : null, lastChange: r.updatedAt,
      breaker: r.breaker ?? null,
    };
  }

  private async allNames(): Promise<string[]> {
    if (this.names === null) this.names = (await this.call<{ routes: AdminRoute[] }>('GET', '/routes')).routes.map((r) => r.name);
    return this.names;
  }

  /** Checks the name against GET /routes, so a typo lists the known routes whatever the endpoint. */
  private async known(name: string): Promise<string> {
    const names = await this.allNames();
    if (!names.includes(name)) throw unknownRoute(name, names);
    return name;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    // Sent on reads too: traffic data (comparisons, divergences) needs the token.
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    let res: Response;
    try {
      res = await this.opts.fetch(`${this.opts.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (err as Error).message;
      throw new CliError(`cannot reach the admin API at ${this.opts.url} (${why})`, EXIT_FAILED);
    }
    const text = await res.text();
    const parsed = parseJson(text);
    if (res.ok && parsed !== undefined) return parsed as T;
    throw adminError(method, path, res.status, parsed);
  }
}

function adminError(method: string, path: string, status: number, body: unknown): CliError {
  const { error, message } = (body ?? {}) as { error?: string; message?: string };
  const what = message ?? error ?? `HTTP ${status}`;
  if (status === 401 || status === 403) {
    return new CliError(`admin API refused ${method} ${path.split('?')[0]}: ${what} (the token comes from STRANGLER_ADMIN_TOKEN)`, EXIT_FAILED);
  }
  if (status === 404 && error === 'NOT_FOUND') {
    return new CliError(`the admin API has no ${method} ${path.split('?')[0]} (is the facade older than this CLI?)`, EXIT_FAILED);
  }
  return new CliError(what, error !== undefined && USAGE_CODES.has(error) ? EXIT_USAGE : EXIT_FAILED);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const enc = encodeURIComponent;
