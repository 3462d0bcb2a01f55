// Builds a running facade from a parsed config: upstream pools, flag provider, route table,
// the request pipeline on the public port and the admin API on its own port.
// `startFacade` is what main.ts, `npm start`, the CLI and the integration tests all call.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { FacadeConfig, RouteConfig } from './config';
import { compileRoutes } from './core/routing';
import { createLaunchDarklyProvider, type LaunchDarklyDataSource } from './flags/launchdarkly';
import type { FlagProvider } from './flags/provider';
import { compileRules, CompareRulesError } from './core/compare';
import { ConfigError, ListenError, type Listener } from './errors';
import { RulesWatcher, rulesFor } from './io/compare-rules';
import { createAdminApp, type MetricsSource } from './io/admin';
import { resolveAdminTokens } from './io/admin-auth';
import { redactingLogger, redactionOptions } from './io/redaction';
import { configWarnings } from './config-checks';
import type { AutoRollback } from './io/auto-rollback';
import { ComparePool } from './io/compare-pool';
import { ComparisonRecorder } from './io/comparison-recorder';
import type { ComparisonWriter } from './io/diff-store/writer';
import { openDiffStoreWriter } from './io/diff-store/open-writer';
import { RetentionTimer } from './io/retention-timer';
import { loadEvidence } from './io/diff-store/queries';
import { classifyRulesFor } from './io/classify-rules';
import { RouteBudget } from './io/route-budget';
import { WriteTracker } from './io/write-tracker';
import { WriteOrder } from './io/write-order';
import { EndpointCap } from './io/endpoint-cap';
import { DivergenceRecorder, divergenceMetrics } from './io/divergence-recorder';
import type { RepairDeps } from './io/divergence-repair';
import { loadKey } from './io/divergence-seal';
import { HeldReads } from './core/long-poll';
import { OwnLocationStore } from './io/own-location-store';
import { keepOwnLocationsIn } from './io/replay';
import { DivergenceStore } from './io/divergence-store';
import { CaseRecorder } from './io/case-recorder';
import { CaseStore } from './io/case-store';
import { classifyComparison } from './core/comparison';
import { ALWAYS_REDACTED } from './io/compare-rules';
import { releaseShadowSlot, ShadowLimiter } from './pipeline/send-shadow';
import { Forwarder } from './io/forward';
import { createMetrics, watchUpstreams, type FacadeMetrics } from './io/metrics';
import { recordBreakerEvents } from './io/breaker-events';
import { upstreamSpecs } from './io/upstream-view';
import { StateStore } from './io/state-store';
import type { RouteStateStore } from './io/state-api';
import type { OpenedDatabase } from './io/db/open';
import { stateFileCheck } from './io/db/sqlite-file';
import { openStateRuntime, reloadFlags, rollbackWatcher, stateFlags, stateHealth, type StateRuntime } from './io/state-runtime';
import { watchStateHealth } from './io/state-health';
import { PostgresFlagProvider } from './flags/postgres';
import { createUpstream, destroyUpstream, type Upstream } from './io/upstreams';
import { handleUpgrade } from './io/websocket';
import { ForwardedTrust } from './io/forwarded-trust';
import { createPublicServer, type DrainOutcome } from './io/public-server';
import type { FacadeDeps, RequestContext, RouteRuntime } from './pipeline/context';
import { handleRequest } from './pipeline';

export interface StartOptions {
  readonly logger?: Logger;
  /** Admin token; defaults to STRANGLER_ADMIN_TOKEN. */
  readonly adminToken?: string;
  /** Start the admin API in this process (false in cluster workers: the primary serves it). */
  readonly admin?: boolean;
  /** Override listen ports (tests pass 0). */
  readonly port?: number;
  readonly adminPort?: number;
  /** For tests and offline use: the LaunchDarkly SDK's own TestData or file source. */
  readonly launchDarklySource?: LaunchDarklyDataSource;
  readonly onRequestDone?: (ctx: RequestContext) => void;
  /** Metrics of the whole cluster (primary process); defaults to this process's registry. */
  readonly metricsSource?: MetricsSource;
  readonly exclusivePort?: boolean;
  /** False: no public listener (the cluster primary serves only the admin API). */
  readonly serve?: boolean;
}

export interface RunningFacade {
  readonly url: string;
  readonly adminUrl: string | null;
  readonly deps: FacadeDeps;
  /** The SQLite state store (throws when the state is in PostgreSQL: use `state`). */
  readonly store: StateStore;
  /** The state store on whichever engine (route states, audit log, ignore rules). */
  readonly state: RouteStateStore;
  /** The state database as opened (engine, Sql, handles). */
  readonly database: OpenedDatabase;
  /** This process's replica id (config replica.id, default <hostname>:<port>). */
  readonly replica: string;
  /** The diff store's writer (SQLite or PostgreSQL), stamping this replica on every comparison. */
  readonly comparisons: ComparisonWriter;
  readonly recorder: ComparisonRecorder;
  readonly divergences: DivergenceStore;
  /** Moves a failing route back one stage (live/rampdown); fed with every finished request. */
  readonly autoRollback: AutoRollback;
  /** Rolls up and prunes old history (config `retention`) on a timer; null where the admin API does not run (cluster workers). */
  readonly retention: RetentionTimer | null;
  /** Stops at once: connections closed, requests in flight abandoned (tests). */
  close(): Promise<void>;
  /**
   * Graceful stop (SIGTERM): stop accepting, let requests in flight finish (second writes and
   * comparisons included) within `deadlineMs` (default shutdown.drainTimeoutMs), then close.
   */
  drain(deadlineMs?: number): Promise<DrainOutcome>;
}

function createFlags(config: FacadeConfig, rt: StateRuntime, runtimes: RouteRuntime[], logger: Logger, opts: StartOptions): FlagProvider {
  const f = config.flags;
  if (f.provider === 'sqlite') return stateFlags(rt, f.pollMs, logger);
  const dataSource: LaunchDarklyDataSource = opts.launchDarklySource ?? (f.dataFile ? { kind: 'file', path: f.dataFile } : { kind: 'cloud' });
  return createLaunchDarklyProvider({
    sdkKey: f.sdkKey ?? process.env.LAUNCHDARKLY_SDK_KEY ?? 'sdk-key-unset',
    routes: runtimes.map((r) => r.flag), dataSource, startWaitMs: f.startWaitMs,
    lastKnownPath: path.join(path.dirname(path.resolve(rt.localFile)), 'launchdarkly-last-known.json'),
    logger: { info: (m) => logger.info(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
  });
}

/** A config compare rule that does not compile stops start-up, naming the route. */
function checkConfigRules(config: FacadeConfig): void {
  const problems: string[] = [];
  config.routes.forEach((route, i) => {
    try {
      compileRules(rulesFor(route, []));
    } catch (err) {
      if (!(err instanceof CompareRulesError)) throw err;
      problems.push(`routes[${i}].compare: ${err.message}`);
    }
  });
  if (problems.length > 0) throw new ConfigError('config', problems);
}

/** Listens, or rejects with a ListenError naming the address and the config field to change. */
function listen(server: http.Server, port: number, host: string, exclusive: boolean, listener: Listener): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      reject(new ListenError(listener, `${host}:${port}`, err.code ?? 'UNKNOWN', { cause: err }));
    };
    server.once('error', onError);
    server.listen({ port, host, exclusive }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startFacade(config: FacadeConfig, opts: StartOptions = {}): Promise<RunningFacade> {
  // Every log line goes through the same redaction as the diff store (keyed fingerprints included).
  const redaction = redactionOptions(config);
  const logger = redactingLogger(opts.logger ?? pino({ name: 'strangler-facade' }), redaction);
  for (const warning of configWarnings(config)) logger.warn(warning);
  const adminTokens = resolveAdminTokens(config.admin.tokens, process.env, opts.adminToken ?? process.env.STRANGLER_ADMIN_TOKEN);
  const metrics: FacadeMetrics = createMetrics();
  const monolith: Upstream = createUpstream('monolith', 'monolith', config.monolith);
  const services = new Map(Object.entries(config.services).map(([name, spec]) => [name, createUpstream(name, 'service', spec)]));
  const runtimes: RouteRuntime[] = config.routes.map((r: RouteConfig) => ({
    config: r, service: services.get(r.service)!, flag: { name: r.name, flagKey: r.flagKey, defaultStage: r.defaultStage },
  }));
  const rt = await openStateRuntime(config, opts.port, logger);
  // Circuit breakers and bulkheads (io/upstream-guard.ts): seen in /metrics, transitions logged and stored.
  const upstreams = [monolith, ...services.values()];
  watchUpstreams(metrics, upstreams);
  for (const u of upstreams) {
    u.parsing.onLenient((reason) => logger.warn({ upstream: u.name, reason },
      `${u.name} sent an answer that breaks HTTP/1.1 framing (${reason}); its answers are read leniently from now on, as nginx reads them. Set parser: "lenient" on it to read its first answers so too, or "strict" to refuse them`));
  }
  recordBreakerEvents(upstreams, { logger, metrics, sql: rt.db.sql, keepDays: config.retention.comparisonDays });
  const flags = createFlags(config, rt, runtimes, logger, opts);
  if (flags instanceof PostgresFlagProvider) watchStateHealth(metrics.registry, () => flags.health());
  const comparisonStore = await openDiffStoreWriter(rt.db, config.diffStore, rt.replica, config.diffStore.writerThread);
  const routeConfigs = new Map(config.routes.map((r) => [r.name, r]));
  const recorder = new ComparisonRecorder(comparisonStore, await loadEvidence(rt.db.sql), metrics, logger, (route) => ({
    generated: classifyRulesFor(route, routeConfigs.get(route), []).generated,
    maxFields: routeConfigs.get(route)?.compare.maxFieldsPerEndpoint ?? 1000,
  }));
  const endpoints = new EndpointCap(logger, metrics.endpointOverflow);
  for (const route of recorder.evidence.routeNames()) endpoints.seed(route, recorder.evidence.endpoints(route).keys());
  // The key file sits beside the state file, or in the replica's local dir (replicas share one key through STRANGLER_DIVERGENCE_KEY).
  const divergenceKey = loadKey(rt.localFile, process.env, true);
  const divergenceStore = new DivergenceStore(rt.db.sql, () => divergenceKey);
  // Each side's own location for what a write created, shared by workers and replicas and kept over restarts.
  const ownLocationStore = new OwnLocationStore(rt.db.sql, logger);
  for (const u of upstreams) keepOwnLocationsIn(u, ownLocationStore);
  // One pruner per facade: the process serving the admin API (a cluster's workers leave it to the primary).
  const retention = opts.admin === false ? null : new RetentionTimer({ sql: rt.db.sql, policy: config.retention, logger }).start();
  const cases = new CaseRecorder({
    store: new CaseStore(rt.local.sqlite!), config: config.cases, redaction, logger,
    redactPaths: (route) => [...(routeConfigs.get(route)?.compare.redact ?? []), ...ALWAYS_REDACTED],
    classify: (record) => classifyComparison(record, recorder.rulesFor(record.route), recorder.evidence),
  });
  // On PostgreSQL, what the shared database cannot take before shutdown is kept in the replica's own file, sealed.
  const spill = rt.local === rt.db ? null : { store: new DivergenceStore(rt.local.sql, () => divergenceKey), where: rt.localFile };
  const divergences = new DivergenceRecorder(divergenceStore, divergenceMetrics(metrics.registry, divergenceStore, runtimes.map((r) => r.config.name)), logger, undefined, undefined, spill);
  // Divergences waiting in memory are stored as soon as the database is back, not at the next backed-off round.
  if (flags instanceof PostgresFlagProvider) flags.onReachableAgain(() => divergences.retryNow());
  // One process per facade moves them (a cluster's workers share the local file and leave it to the primary).
  if (opts.admin !== false) {
    await divergences.recoverSpilled(runtimes.map((r) => r.config.name)).catch((err: Error) =>
      logger.error({ err: err.message, localFile: rt.localFile }, 'divergences kept on local disk could not be moved to the state database yet; they stay there until the next start'));
  }
  const pool = new ComparePool({
    threads: config.comparePool.threads, maxQueued: config.comparePool.maxQueued,
    onSkip: (route, reason) => metrics.shadowDrops.inc({ route, reason }),
    onOffLoop: (route) => metrics.compareOffLoop.inc({ route }),
  });
  checkConfigRules(config);
  // Ignore rules reach the comparison engine and the recorder's live classification alike.
  const rulesWatcher = new RulesWatcher(config, rt.state, { setRules: (route, compiled, raw) => { pool.setRules(route, compiled, raw); recorder.setRules(route, compiled); } }, logger, 1000, redaction);
  await rulesWatcher.refresh();
  flags.onChange(() => { metrics.flagReloads.inc(); logger.info('flag change picked up'); });
  const autoRollback = rollbackWatcher(rt, { config, flags, runtimes, metrics, logger });
  let ready = false;
  // A state file removed or replaced under the running facade: not ready, said once (io/db/sqlite-file.ts).
  const stateFile = rt.db.engine === 'sqlite' && rt.db.location !== ':memory:' ? stateFileCheck(path.resolve(rt.db.location)) : null;
  let stateFileProblem: string | null = null;
  const stateFileOk = (): boolean => {
    const problem = stateFile?.() ?? null;
    if (problem !== null && problem !== stateFileProblem) logger.error({ file: rt.db.location }, problem);
    stateFileProblem = problem;
    return problem === null;
  };
  const deps: FacadeDeps = {
    config, table: compileRoutes(config.routes, config.routing), routes: new Map(runtimes.map((r) => [r.config.name, r])),
    monolith, flags, forwarder: new Forwarder(), forwardedTrust: new ForwardedTrust(config.listen.trustForwardedFrom), metrics, logger, sample: Math.random, replica: rt.replica,
    // The comparison step gives the shadow slot back; this catches a request whose pipeline threw before it.
    onRequestDone: (ctx) => { releaseShadowSlot(ctx, deps); autoRollback.observe(ctx); opts.onRequestDone?.(ctx); },
    shadows: new ShadowLimiter(), comparisons: { recorder, pool, reask: new RouteBudget(), shadowReask: new RouteBudget(), firstAsks: new Map(), diffs: new RouteBudget(), writes: new WriteTracker(), endpoints, held: new HeldReads() }, divergences, writeOrder: new WriteOrder(), redaction, cases,
  };
  const repair: RepairDeps = {
    store: divergenceStore,
    upstreamFor: (route, side) => (side === 'service' ? deps.routes.get(route)!.service : monolith),
    stageOf: (route) => flags.describe(deps.routes.get(route)!.flag).stage,
    redactPaths: (route) => [...deps.routes.get(route)!.config.compare.redact, ...ALWAYS_REDACTED],
    deadlineHeader: config.deadline.header || null,
  };

  const publicServer = createPublicServer(config.listen, (req, res) => handleRequest(req, res, deps), (req, socket, head) => { void handleUpgrade(req, socket, head, deps); },
    (code) => deps.metrics.badRequests.inc({ code }));
  const server = publicServer.server;

  let admin: http.Server | null = null;
  let adminUrl: string | null = null;
  if (opts.admin !== false) {
    const metricsSource = opts.metricsSource ?? { contentType: metrics.registry.contentType, text: () => metrics.registry.metrics() };
    const app = createAdminApp({
      routes: deps.routes, flags, store: flags.kind === 'launchdarkly' ? null : rt.state, state: rt.state, sql: rt.db.sql, health: stateHealth(flags), gate: config.gate, metrics: metricsSource, tokens: adminTokens, authFailures: config.admin.authFailures,
      isReady: () => ready && stateFileOk(), onStageChanged: () => reloadFlags(flags),
      divergences: { repair, routes: runtimes.map((r) => r.config.name) },
      onRecorded: (listener) => recorder.onRecorded(() => listener()),
      upstreams: upstreamSpecs(config),
    });
    admin = http.createServer(app);
    admin.once('close', () => app.emit('close')); // the console stops its worker thread
  }
  const cutUpstreams = (): void => {
    destroyUpstream(monolith);
    for (const s of services.values()) destroyUpstream(s);
  };
  /** Drains the public server (0: at once), then closes everything else; the stores last, after the final writes. */
  const shutdown = async (deadlineMs: number): Promise<DrainOutcome> => {
    ready = false;
    const drained = await publicServer.drain(deadlineMs, cutUpstreams);
    if (drained.cut > 0) logger.warn({ cut: drained.cut, deadlineMs }, 'drain deadline passed: requests still in flight were cut (shutdown.drainTimeoutMs)');
    if (admin?.listening) await new Promise<void>((r) => { admin!.close(() => r()); admin!.closeAllConnections(); });
    deps.forwarder.close();
    cutUpstreams();
    await flags.close();
    rulesWatcher.close();
    autoRollback.close();
    retention?.close();
    // Writes first: divergences still being stored, or waiting for a retry, go before the comparisons
    // (evidence), whose writer thread could still take the process down as it stops (better-sqlite3).
    await divergences.close();
    await ownLocationStore.close(); // pairs that met a lock: a last try
    await recorder.close(); // the last batch is committed before the store closes
    await comparisonStore.close?.(); // its thread, once the last batch is in
    cases.close();
    await pool.close();
    await rt.close();
    return drained;
  };

  let url = '';
  try {
    if (admin) {
      const adminPort = await listen(admin, opts.adminPort ?? config.admin.port, config.admin.host, true, 'admin');
      adminUrl = `http://${config.admin.host}:${adminPort}`;
    }
    await flags.ready();
    if (opts.serve !== false) {
      const port = await listen(server, opts.port ?? config.listen.port, config.listen.host, opts.exclusivePort ?? true, 'listen');
      url = `http://${config.listen.host}:${port}`;
    }
  } catch (err) {
    await shutdown(0); // nothing may keep a facade that failed to start alive (or "healthy")
    throw err;
  }
  ready = true;
  logger.info({ url, adminUrl, provider: flags.kind, routes: runtimes.map((r) => r.config.name) }, 'facade listening');

  const running = {
    url, adminUrl, deps, state: rt.state, database: rt.db, replica: rt.replica,
    comparisons: comparisonStore, recorder, autoRollback, retention, divergences: divergenceStore,
    async close() { await shutdown(0); },
    async drain(deadlineMs = config.shutdown.drainTimeoutMs) {
      logger.info({ inFlight: publicServer.inFlight(), deadlineMs }, 'draining: no new connections; finishing requests in flight');
      const drained = await shutdown(deadlineMs);
      logger.info({ ms: Math.round(drained.ms), cut: drained.cut }, 'drained');
      return drained;
    },
  };
  return withSqliteStore(running, rt.state);
}

/**
 * `store`: the SQLite state store, as a plain property (callers and tests copy the object); on
 * PostgreSQL a hidden accessor that throws, pointing to `state`.
 */
function withSqliteStore(running: Omit<RunningFacade, 'store'>, state: RouteStateStore): RunningFacade {
  if (state instanceof StateStore) return { ...running, store: state };
  return Object.defineProperty(running, 'store', {
    enumerable: false,
    get(): never { throw new Error('the state is in PostgreSQL: use RunningFacade.state'); },
  }) as RunningFacade;
}
