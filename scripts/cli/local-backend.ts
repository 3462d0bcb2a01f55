// The CLI's local backend: the state database named by --db / STRANGLER_DB / STRANGLER_DATABASE_URL /
// the config's `state.db` (a SQLite file or a postgres:// URL), with routes from the config file.
// Running facades pick its changes up within a second (they poll the SQLite file, or are notified
// by PostgreSQL), so no restart and no admin API is needed.
import type { FacadeConfig, RouteConfig } from '../../facade/src/config';
import type { Report } from '../../facade/src/core/report-types';
import type { Stage } from '../../facade/src/core/stages';
import { routeFindings, storedIgnoreRules } from '../../facade/src/io/findings-query';
import { loadGateInput } from '../../facade/src/io/gate-input';
import { loadReport } from '../../facade/src/io/report-query';
import { sqlOf } from '../../facade/src/io/db/sqlite-sql';
import { breakerGateFigures } from '../../facade/src/io/breaker-log';
import { loadUpstreamViews, upstreamSpecs, type UpstreamView } from '../../facade/src/io/upstream-view';
import type { BreakerState } from '../../facade/src/core/resilience/breaker';
import type { Sql } from '../../facade/src/io/db/sql';
import fs from 'node:fs';
import { NotADatabaseError, StageChangeError, StateStore, StateStoreMissingError, type AuditEntry } from '../../facade/src/io/state-store';
import type { RouteStateStore } from '../../facade/src/io/state-api';
import type { PgSql } from '../../facade/src/io/db/pg-sql';
import { isPostgresUrl, redactUrl } from '../../facade/src/io/db/sql';
import type { PgStateStore } from '../../facade/src/io/pg-state-store';
import { localStateFile } from '../../facade/src/io/replica';
import { parseDuration } from '../../facade/src/core/duration';
import type { Backend, DivergenceList, IgnoreView, ReportQuery, RouteView, StageChange } from './backend';
import type { Divergence, DivergenceStatus } from '../../facade/src/io/divergence-store';
import type { DivergenceDetail, ReplayOptions, ReplayReport } from '../../facade/src/io/divergence-repair';
import type { LocalDivergences } from './local-divergences';
import { CliError, EXIT_FAILED, unknownRoute } from './context';
import type { GateInput, GateThresholds } from '../../facade/src/core/gate';

export interface LocalOptions {
  readonly config: FacadeConfig;
  readonly configFile: string;
  readonly db: string;
  readonly now: () => Date;
  readonly actor: string;
  /** For STRANGLER_DIVERGENCE_KEY; defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** `--create`: make the state database when it does not exist (else that is a usage error naming the path). */
  readonly create?: boolean;
}

export class LocalBackend implements Backend {
  readonly kind = 'local';
  readonly gateThresholds: GateThresholds;
  /** The SQLite state store (null on PostgreSQL, whose store opens on first use: it may migrate). */
  private readonly sqliteStore: StateStore | null;
  private readonly pg: PgSql | null;
  private pgStore: Promise<RouteStateStore> | null = null;
  private readonly routes: ReadonlyMap<string, RouteConfig>;
  private divergenceVerbs: LocalDivergences | null = null;

  /** True when this backend made the state database (removed again if the command fails). */
  private readonly created: boolean;

  constructor(private readonly opts: LocalOptions) {
    this.created = opts.create === true && !isPostgresUrl(opts.db) && !fs.existsSync(opts.db);
    // The PostgreSQL driver and the divergence verbs (upstream clients) load only when used: a report on SQLite needs neither.
    this.pg = isPostgresUrl(opts.db)
      ? new (require('../../facade/src/io/db/pg-sql') as typeof import('../../facade/src/io/db/pg-sql')).PgSql(opts.db, { max: 2, applicationName: 'strangler cli' })
      : null;
    try {
      this.sqliteStore = this.pg ? null : new StateStore(opts.db, opts.now, { create: opts.create === true });
    } catch (err) {
      if (err instanceof NotADatabaseError) throw new CliError(`--db ${opts.db}: ${err.message}`);
      if (!(err instanceof StateStoreMissingError)) throw err;
      throw new CliError(`state database ${opts.db} does not exist (a typo in --db, STRANGLER_DB or state.db?): start the facade once, run \`strangler init\`, or pass --create to make it`);
    }
    this.routes = new Map(opts.config.routes.map((r) => [r.name, r]));
    this.gateThresholds = { ...opts.config.gate };
  }

  async listRoutes(): Promise<RouteView[]> {
    const views: RouteView[] = [];
    for (const name of this.routes.keys()) views.push(await this.view(name));
    return views;
  }

  async route(name: string): Promise<RouteView> {
    return this.view(this.known(name).name);
  }

  /** The state database for the readers of comparisons (every replica's, on PostgreSQL). */
  private get sql(): Sql {
    return this.pg ?? sqlOf(this.sqliteStore!.db);
  }

  /** Route states, audit log and ignore rules; a PostgreSQL one is migrated on first use, once. */
  private async store(): Promise<RouteStateStore> {
    if (this.sqliteStore) return this.sqliteStore;
    const { PgStateStore: Store } = require('../../facade/src/io/pg-state-store') as { PgStateStore: typeof PgStateStore };
    this.pgStore ??= Store.open(this.pg!, this.opts.now).catch((err: Error) => {
      throw new CliError(`cannot reach the state database ${redactUrl(this.opts.db)}: ${err.message}`, EXIT_FAILED);
    });
    return this.pgStore;
  }

  async setStage(change: StageChange): Promise<AuditEntry> {
    const route = this.known(change.route);
    if (this.opts.config.flags.provider === 'launchdarkly') {
      throw new CliError(`stages of ${this.opts.configFile} live in LaunchDarkly (flags.provider): change the flag "${route.flagKey}" there`, EXIT_FAILED);
    }
    try {
      return await (await this.store()).change({
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
    return (await this.store()).history(route, limit);
  }

  async addIgnore(route: string, path: string, reason: string): Promise<IgnoreView> {
    this.known(route);
    const rule = await (await this.store()).addIgnoreRule({ route, path, reason, actor: this.opts.actor });
    return { route, path, reason, source: 'state', actor: rule.actor, createdAt: rule.createdAt };
  }

  async listIgnore(route?: string): Promise<IgnoreView[]> {
    const names = route === undefined ? [...this.routes.keys()] : [this.known(route).name];
    const store = await this.store();
    const stored = new Map<string, Awaited<ReturnType<RouteStateStore['ignoreRules']>>>();
    for (const name of names) stored.set(name, await store.ignoreRules(name));
    return names.flatMap((name) => [
      ...this.routes.get(name)!.compare.ignore.map((r): IgnoreView => ({ route: name, path: r.path, reason: r.reason, source: 'config', actor: null, createdAt: null })),
      ...stored.get(name)!.map((r): IgnoreView => ({ route: name, path: r.path, reason: r.reason, source: 'state', actor: r.actor, createdAt: r.createdAt })),
    ]);
  }

  async removeIgnore(route: string, path: string): Promise<void> {
    const config = this.known(route);
    if (await (await this.store()).removeIgnoreRule({ route, path })) return;
    if (config.compare.ignore.some((r) => r.path === path)) {
      throw new CliError(`ignore rule "${path}" of route ${route} comes from ${this.opts.configFile}: remove it there`);
    }
    throw new CliError(`no stored ignore rule "${path}" on route ${route} (see: strangler ignore list ${route})`);
  }

  async report(query: ReportQuery): Promise<Report> {
    if (query.route !== undefined) this.known(query.route);
    const now = this.opts.now();
    const since = query.since === undefined ? undefined : new Date(now.getTime() - parseDuration(query.since));
    return loadReport(this.sql, { route: query.route, since, now, routes: [...this.routes.keys()], configs: this.routes });
  }

  async gateInput(route: string, stage: Stage, target: Stage): Promise<GateInput> {
    return loadGateInput(this.sql, this.known(route).name, stage, target, this.known(route));
  }

  async listDivergences(route: string, status: DivergenceStatus | undefined): Promise<DivergenceList> {
    return (await this.divergences(route)).list(route, status);
  }

  async showDivergence(route: string, id: number): Promise<DivergenceDetail> {
    return (await this.divergences(route)).show(route, id);
  }

  async replayDivergences(route: string, opts: Omit<ReplayOptions, 'actor'>): Promise<ReplayReport> {
    return (await this.divergences(route)).replay(route, opts);
  }

  async resolveDivergence(route: string, id: number, reason: string): Promise<Divergence> {
    return (await this.divergences(route)).resolve(route, id, reason);
  }

  close(failed = false): void {
    this.divergenceVerbs?.close();
    this.sqliteStore?.close();
    if (this.pg) void this.pg.close().catch(() => undefined);
    if (failed && this.created) for (const f of [this.opts.db, `${this.opts.db}-wal`, `${this.opts.db}-shm`]) fs.rmSync(f, { force: true });
  }

  /** The divergence verbs, opened on first use; checks the route name. */
  private async divergences(route: string): Promise<LocalDivergences> {
    this.known(route);
    // Stages as of this command (a CLI run is short): the repair records the stage each divergence was replayed at.
    const states = await (await this.store()).states();
    const { LocalDivergences: Verbs } = require('./local-divergences') as { LocalDivergences: typeof LocalDivergences };
    this.divergenceVerbs ??= new Verbs({
      sql: this.sql, dbPath: localStateFile(this.opts.config, this.opts.db), config: this.opts.config, env: this.opts.env ?? process.env, now: this.opts.now,
      actor: this.opts.actor, stageOf: (name) => states.get(name)?.stage ?? this.routes.get(name)!.defaultStage,
    });
    return this.divergenceVerbs;
  }

  async upstreams(windowMs: number): Promise<UpstreamView[]> {
    return loadUpstreamViews(this.sql, upstreamSpecs(this.opts.config), null, this.opts.now(), windowMs);
  }

  /** A service's breaker as recorded in the state database (no facade is asked), null when it has none. */
  private async breakerOf(service: string): Promise<BreakerState | null> {
    if (!this.opts.config.services[service]?.breaker.enabled) return null;
    return (await breakerGateFigures(this.sql, service, this.opts.now())).state;
  }

  private known(name: string): RouteConfig {
    const route = this.routes.get(name);
    if (!route) throw unknownRoute(name, [...this.routes.keys()]);
    return route;
  }

  private async view(name: string): Promise<RouteView> {
    const config = this.routes.get(name)!;
    const state = await (await this.store()).state(name);
    // Verdicts re-classified with today's rules and evidence, as the report and the gate count them.
    const found = await routeFindings(this.sql, { route: name, config, stored: await storedIgnoreRules(this.sql) });
    const compared = found.endpoints.reduce((n, e) => n + e.compared, 0);
    const mismatches = found.endpoints.reduce((n, e) => n + e.verdicts.mismatch, 0);
    return {
      route: name, pattern: config.match.path, service: config.service,
      stage: state?.stage ?? config.defaultStage, rollout: state?.rollout ?? null,
      comparisons: compared, mismatchRate: compared > 0 ? mismatches / compared : null,
      lastChange: state?.updatedAt ?? null,
      breaker: await this.breakerOf(config.service),
    };
  }
}
