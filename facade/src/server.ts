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
import { SqliteFlagProvider } from './flags/sqlite';
import { compileRules, CompareRulesError } from './core/compare';
import { ConfigError } from './errors';
import { RulesWatcher, rulesFor } from './io/compare-rules';
import { createAdminApp, type MetricsSource } from './io/admin';
import { createAutoRollback, type AutoRollback } from './io/auto-rollback';
import { ComparePool } from './io/compare-pool';
import { ComparisonRecorder } from './io/comparison-recorder';
import { ComparisonStore } from './io/comparison-store';
import { ShadowLimiter } from './pipeline/send-shadow';
import { Forwarder } from './io/forward';
import { createMetrics, type FacadeMetrics } from './io/metrics';
import { StateStore } from './io/state-store';
import { createUpstream, destroyUpstream, type Upstream } from './io/upstreams';
import { handleUpgrade } from './io/websocket';
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
  readonly store: StateStore;
  readonly comparisons: ComparisonStore;
  readonly recorder: ComparisonRecorder;
  /** Moves a failing route back one stage (live/rampdown); fed with every finished request. */
  readonly autoRollback: AutoRollback;
  close(): Promise<void>;
}

function createFlags(config: FacadeConfig, store: StateStore | null, runtimes: RouteRuntime[], logger: Logger, opts: StartOptions): FlagProvider {
  const f = config.flags;
  if (f.provider === 'sqlite') {
    return new SqliteFlagProvider({ store: store!, pollMs: f.pollMs, onError: (err) => logger.warn({ err }, 'flag reload failed; keeping the last snapshot') });
  }
  const dataSource: LaunchDarklyDataSource = opts.launchDarklySource ?? (f.dataFile ? { kind: 'file', path: f.dataFile } : { kind: 'cloud' });
  return createLaunchDarklyProvider({
    sdkKey: f.sdkKey ?? process.env.LAUNCHDARKLY_SDK_KEY ?? 'sdk-key-unset',
    routes: runtimes.map((r) => r.flag), dataSource, startWaitMs: f.startWaitMs,
    lastKnownPath: path.join(path.dirname(path.resolve(config.state.db)), 'launchdarkly-last-known.json'),
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

function listen(server: http.Server, port: number, host: string, exclusive: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startFacade(config: FacadeConfig, opts: StartOptions = {}): Promise<RunningFacade> {
  const logger = opts.logger ?? pino({ name: 'strangler-facade' });
  const metrics: FacadeMetrics = createMetrics();
  const monolith: Upstream = createUpstream('monolith', 'monolith', config.monolith);
  const services = new Map(Object.entries(config.services).map(([name, spec]) => [name, createUpstream(name, 'service', spec)]));
  const runtimes: RouteRuntime[] = config.routes.map((r: RouteConfig) => ({
    config: r, service: services.get(r.service)!, flag: { name: r.name, flagKey: r.flagKey, defaultStage: r.defaultStage },
  }));
  const store = new StateStore(config.state.db);
  const flags = createFlags(config, store, runtimes, logger, opts);
  const comparisonStore = new ComparisonStore(store.db);
  const recorder = new ComparisonRecorder(comparisonStore, metrics, logger);
  const pool = new ComparePool();
  checkConfigRules(config);
  const rulesWatcher = new RulesWatcher(config, store, pool, logger);
  rulesWatcher.refresh();
  flags.onChange(() => { metrics.flagReloads.inc(); logger.info('flag change picked up'); });
  const autoRollback = createAutoRollback({ config, store, metrics, logger, reloadFlags: () => { if (flags instanceof SqliteFlagProvider) flags.reload(); } });
  let ready = false;
  const deps: FacadeDeps = {
    config, table: compileRoutes(config.routes), routes: new Map(runtimes.map((r) => [r.config.name, r])),
    monolith, flags, forwarder: new Forwarder(), metrics, logger, sample: Math.random,
    onRequestDone: (ctx) => { autoRollback.observe(ctx); opts.onRequestDone?.(ctx); },
    shadows: new ShadowLimiter(), comparisons: { recorder, pool },
  };

  const server = http.createServer((req, res) => { void handleRequest(req, res, deps); });
  // Longer than common client/load-balancer idle timeouts, so the facade is not the side that
  // closes an idle keep-alive socket a client is about to reuse.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('upgrade', (req, socket, head) => { void handleUpgrade(req, socket, head, deps); });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"error":"BAD_REQUEST"}');
    else socket.destroy();
  });

  let admin: http.Server | null = null;
  let adminUrl: string | null = null;
  if (opts.admin !== false) {
    const metricsSource = opts.metricsSource ?? { contentType: metrics.registry.contentType, text: () => metrics.registry.metrics() };
    const app = createAdminApp({
      routes: deps.routes, flags, store: flags.kind === 'sqlite' ? store : null, state: store, gate: config.gate, comparisons: comparisonStore, metrics: metricsSource, token: opts.adminToken ?? process.env.STRANGLER_ADMIN_TOKEN,
      isReady: () => ready, onStageChanged: () => { if (flags instanceof SqliteFlagProvider) flags.reload(); },
    });
    admin = http.createServer(app);
    const adminPort = await listen(admin, opts.adminPort ?? config.admin.port, config.admin.host, true);
    adminUrl = `http://${config.admin.host}:${adminPort}`;
  }
  await flags.ready();
  let url = '';
  if (opts.serve !== false) {
    const port = await listen(server, opts.port ?? config.listen.port, config.listen.host, opts.exclusivePort ?? true);
    url = `http://${config.listen.host}:${port}`;
  }
  ready = true;
  logger.info({ url, adminUrl, provider: flags.kind, routes: runtimes.map((r) => r.config.name) }, 'facade listening');

  return {
    url, adminUrl, deps, store, comparisons: comparisonStore, recorder, autoRollback,
    async close() {
      ready = false;
      await new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); });
      if (admin) await new Promise<void>((r) => { admin!.close(() => r()); admin!.closeAllConnections(); });
      deps.forwarder.close();
      destroyUpstream(monolith);
      for (const s of services.values()) destroyUpstream(s);
      await flags.close();
      rulesWatcher.close();
      autoRollback.close();
      recorder.close();
      await pool.close();
      store.close();
    },
  };
}
