// The CLI's local backend: the state database named by --db / STRANGLER_DB / the config's
// `state.db`, with routes from the config file. Running facades pick its changes up within a
// second (they poll the same SQLite file), so no restart and no admin API is needed.
import type { FacadeConfig, RouteConfig } from '../../facade/src/config';
import type { Report } from '../../facade/src/core/report-types';
import type { Stage } from '../../facade/src/core/stages';
import { ComparisonStore } from '../../facade/src/io/comparison-store';
import { loadGateInput } from '../../facade/src/io/gate-input';
import { loadReport } from '../../facade/src/io/report-query';
import { StageChangeError, StateStore, type AuditEntry } from '../../facade/src/io/state-store';
import { parseDuration } from '../../facade/src/core/duration';
import type { Backend, IgnoreView, ReportQuery, RouteView, StageChange } from './backend';
import { CliError, EXIT_FAILED, unknownRoute } from './context';
import type { GateInput, GateThresholds } from '../../facade/src/core/gate';

export interface LocalOptions {
  readonly config: FacadeConfig;
  readonly configFile: string;
  readonly db: string;
  readonly now: () => Date;
  readonly actor: string;
}

export class LocalBackend implements Backend {
  readonly kind = 'local';
  readonly gateThresholds: GateThresholds;
  private readonly store: StateStore;
  private readonly comparisons: ComparisonStore;
  private readonly routes: ReadonlyMap<string, RouteConfig>;

  constructor(private readonly opts: LocalOptions) {
    this.store = new StateStore(opts.db, opts.now);
    this.comparisons = new ComparisonStore(this.store.db);
    this.routes = new Map(opts.config.routes.map((r) => [r.name, r]));
    this.gateThresholds = { ...opts.config.gate };
  }

  async listRoutes(): Promise<RouteView[]> {
    return [...this.routes.keys()].map((name) => this.view(name));
  }

  async route(name: string): Promise<RouteView> {
    return this.view(this.known(name).name);
  }

  async setStage(change: StageChange): Promise<AuditEntry> {
    const route = this.known(change.route);
    if (this.opts.config.flags.provider === 'launchdarkly') {
      throw new CliError(`stages of ${this.opts.configFile} live in LaunchDarkly (flags.provider): change the flag "${route.flagKey}" there`, EXIT_FAILED);
    }
    try {
      return this.store.change({
        route: route.name, stage: change.stage, percent: change.percent, force: change.force, reason: change.reason,
        details: change.details, actor: this.opts.actor, defaultStage: route.defaultStage,
      });
    } catch (err) {
      if (err instanceof StageChangeError) throw new CliError(err.message);
      throw err;
    }
  }

  async history(route: string | undefined, limit: number): Promise<AuditEntry[]> {
    if (route !== undefined) this.known(route);
    return this.store.history(route, limit);
  }

  async addIgnore(route: string, path: string, reason: string): Promise<IgnoreView> {
    this.known(route);
    const rule = this.store.addIgnoreRule({ route, path, reason, actor: this.opts.actor });
    return { route, path, reason, source: 'state', actor: rule.actor, createdAt: rule.createdAt };
  }

  async listIgnore(route?: string): Promise<IgnoreView[]> {
    const names = route === undefined ? [...this.routes.keys()] : [this.known(route).name];
    return names.flatMap((name) => [
      ...this.routes.get(name)!.compare.ignore.map((r): IgnoreView => ({ route: name, path: r.path, reason: r.reason, source: 'config', actor: null, createdAt: null })),
      ...this.store.ignoreRules(name).map((r): IgnoreView => ({ route: name, path: r.path, reason: r.reason, source: 'state', actor: r.actor, createdAt: r.createdAt })),
    ]);
  }

  async removeIgnore(route: string, path: string): Promise<void> {
    const config = this.known(route);
    if (this.store.removeIgnoreRule({ route, path })) return;
    if (config.compare.ignore.some((r) => r.path === path)) {
      throw new CliError(`ignore rule "${path}" of route ${route} comes from ${this.opts.configFile}: remove it there`);
    }
    throw new CliError(`no stored ignore rule "${path}" on route ${route} (see: strangler ignore list ${route})`);
  }

  async report(query: ReportQuery): Promise<Report> {
    if (query.route !== undefined) this.known(query.route);
    const now = this.opts.now();
    const since = query.since === undefined ? undefined : new Date(now.getTime() - parseDuration(query.since));
    return loadReport(this.store.db, { route: query.route, since, now, routes: [...this.routes.keys()] });
  }

  async gateInput(route: string, stage: Stage, target: Stage): Promise<GateInput> {
    return loadGateInput(this.store.db, this.known(route).name, stage, target);
  }

  close(): void {
    this.store.close();
  }

  private known(name: string): RouteConfig {
    const route = this.routes.get(name);
    if (!route) throw unknownRoute(name, [...this.routes.keys()]);
    return route;
  }

  private view(name: string): RouteView {
    const config = this.routes.get(name)!;
    const state = this.store.state(name);
    const outcomes = this.comparisons.outcomeCounts(name);
    const mismatches = outcomes.mismatch ?? 0;
    const compared = (outcomes.match ?? 0) + mismatches + (outcomes.noise ?? 0);
    return {
      route: name, pattern: config.match.path, service: config.service,
      stage: state?.stage ?? config.defaultStage, rollout: state?.rollout ?? null,
      comparisons: compared, mismatchRate: compared > 0 ? mismatches / compared : null,
      lastChange: state?.updatedAt ?? null,
    };
  }
}
