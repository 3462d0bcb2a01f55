// A reusable launcher for the demo stack: the monolith (seeding an empty database), the backfill
// of each service's database, both services, the facade, and optionally the follow-mode backfill.
// `npm start` runs it on fixed ports; the walkthrough and tests run it on free ports in a temp dir.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../facade/src/config';
import { followBackfill, runBackfill, type BackfillResult } from './backfill/engine';
import type { CapabilityName } from './backfill/mapping';
import { Children } from './stack/children';
import { resolvePorts, writeFacadeConfig, type Ports } from './stack/ports';

export type { Ports } from './stack/ports';
export type ServiceName = 'catalog' | 'inventory';
type Part = 'monolith' | ServiceName | 'facade';

export interface StackOptions {
  /** Databases (and the written facade config) live here. */
  dataDir: string;
  /** Missing: the default port (3000, 4001, 4002, 8080, 8081); 0: a free port picked beforehand. */
  ports?: Partial<Ports>;
  /** Products the monolith seeds into an empty database (its default: 10,000). */
  seedProducts?: number;
  /** Extra environment per process, e.g. `{ inventory: { INVENTORY_OUT_OF_STOCK_WAREHOUSE: 'keep' } }`. */
  serviceEnv?: Partial<Record<Part, Record<string, string>>>;
  adminToken: string;
  /** Keep copying the monolith's changes into the services' databases until stop(). */
  follow?: boolean;
  /** Capabilities backfilled before the services start; default both. */
  backfill?: readonly CapabilityName[];
  /** Use this facade config as is (its ports and state database); default: write one into dataDir. */
  config?: string;
  /** Database files; default `<dataDir>/<part>.db`. */
  dbs?: Partial<Record<'monolith' | ServiceName, string>>;
  host?: string;
  log?: (line: string) => void;
  onBackfill?: (result: BackfillResult) => void;
  /** A process died while the stack was running (default: logged). */
  onUnexpectedExit?: (name: string, code: number | null, signal: string | null) => void;
  /** Aborting stops a start-up in progress; startStack then rejects after cleaning up. */
  signal?: AbortSignal;
}

export interface Stack {
  readonly urls: Readonly<Record<keyof Ports, string>>;
  readonly ports: Readonly<Ports>;
  readonly configPath: string;
  readonly stateDb: string;
  readonly dbs: Readonly<Record<'monolith' | ServiceName, string>>;
  readonly backfills: readonly BackfillResult[];
  /** Every PID the stack spawned, restarted processes included. */
  pids(): number[];
  /** Starts the follow-mode backfill for these capabilities (default both); idempotent. */
  startFollow(capabilities?: readonly CapabilityName[]): void;
  /** Restarts only that service's process, with `env` added to its environment, and waits until it answers. */
  restartService(name: ServiceName, env: Record<string, string>): Promise<void>;
  /** Stops the follow mode and every process the stack started; safe to call twice. */
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '..');
const SCRIPTS: Record<Part, string> = {
  monolith: 'monolith/src/main.ts',
  catalog: 'extracted/catalog/src/main.ts',
  inventory: 'extracted/inventory/src/main.ts',
  facade: 'facade/src/main.ts',
};

/** Starts the whole stack; on any failure it stops what it had started and rethrows. */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => undefined);
  const dataDir = path.resolve(opts.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const dbs = {
    monolith: path.resolve(opts.dbs?.monolith ?? path.join(dataDir, 'monolith.db')),
    catalog: path.resolve(opts.dbs?.catalog ?? path.join(dataDir, 'catalog.db')),
    inventory: path.resolve(opts.dbs?.inventory ?? path.join(dataDir, 'inventory.db')),
  };
  let ports = await resolvePorts(host, opts.ports);
  let configPath: string;
  if (opts.config) {
    configPath = path.resolve(opts.config);
    const config = loadConfig(configPath);
    ports = { ...ports, facade: config.listen.port, admin: config.admin.port };
  } else {
    configPath = writeFacadeConfig(ROOT, dataDir, host, ports);
  }
  const stateDb = loadConfig(configPath).state.db;
  const url = (port: number) => `http://${host}:${port}`;
  const urls = {
    monolith: url(ports.monolith), catalog: url(ports.catalog), inventory: url(ports.inventory),
    facade: url(ports.facade), admin: url(ports.admin),
  };
  const children = new Children({
    root: ROOT, log, signal: opts.signal,
    onUnexpectedExit: opts.onUnexpectedExit ?? ((name, code, signal) => log(`${name} exited unexpectedly (code ${code}, signal ${signal})`)),
  });
  const follows = new AbortController();
  const following = new Map<CapabilityName, Promise<unknown>>();
  const serviceEnv = (name: ServiceName, extra: Record<string, string> = {}): Record<string, string> => ({
    HOST: host, [`${name.toUpperCase()}_PORT`]: String(ports[name]), [`${name.toUpperCase()}_DB`]: dbs[name],
    ...opts.serviceEnv?.[name], ...extra,
  });
  const restartEnv: Partial<Record<ServiceName, Record<string, string>>> = {};
  const backfills: BackfillResult[] = [];
  let stopped = false;

  const stack: Stack = {
    urls, ports, configPath, stateDb, dbs, backfills,
    pids: () => children.pids(),
    startFollow(capabilities = ['catalog', 'inventory']) {
      for (const capability of capabilities) {
        if (following.has(capability) || stopped) continue;
        // The monolith keeps changing this data (an order decrements stock): keep copying until stopped.
        const run = followBackfill({ capability, monolithDb: dbs.monolith, serviceDb: dbs[capability], signal: follows.signal })
          .catch((err: Error) => { if (!stopped) log(`backfill follow ${capability} stopped: ${err.message}`); });
        following.set(capability, run);
      }
    },
    async restartService(name, env) {
      await children.stop(name);
      restartEnv[name] = { ...restartEnv[name], ...env };
      await children.start({ name, script: SCRIPTS[name], env: serviceEnv(name, restartEnv[name]), readyUrl: `${urls[name]}/healthz` });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      follows.abort();
      await children.stopAll();
      await Promise.all(following.values());
    },
  };

  try {
    const seed: Record<string, string> = opts.seedProducts === undefined ? {} : { SEED_PRODUCTS: String(opts.seedProducts) };
    await children.start({
      name: 'monolith', script: SCRIPTS.monolith, readyUrl: `${urls.monolith}/api/products?per_page=1`,
      env: { HOST: host, MONOLITH_PORT: String(ports.monolith), MONOLITH_DB: dbs.monolith, ...seed, ...opts.serviceEnv?.monolith },
    });
    for (const capability of opts.backfill ?? ['catalog', 'inventory']) {
      const result = await runBackfill({ capability, monolithDb: dbs.monolith, serviceDb: dbs[capability], signal: opts.signal });
      backfills.push(result);
      opts.onBackfill?.(result);
    }
    await Promise.all((['catalog', 'inventory'] as const).map((name) =>
      children.start({ name, script: SCRIPTS[name], env: serviceEnv(name), readyUrl: `${urls[name]}/healthz` })));
    if (opts.follow) stack.startFollow();
    await children.start({
      name: 'facade', script: SCRIPTS.facade, args: ['--config', configPath], readyUrl: `${urls.admin}/readyz`,
      env: { STRANGLER_ADMIN_TOKEN: opts.adminToken, ...opts.serviceEnv?.facade },
    });
    return stack;
  } catch (err) {
    await stack.stop();
    throw err;
  }
}
