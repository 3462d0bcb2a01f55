// Entry point of the facade process: the only file that reads argv/env and wires a config to
// a running facade. `--workers N` runs N worker processes on one port (node cluster) sharing the
// state database; the primary then serves the admin API with the whole cluster's metrics.
// SIGTERM/SIGINT drain (shutdown.drainTimeoutMs) and exit 0; with workers, SIGHUP reloads them.
import cluster from 'node:cluster';
import { Command, InvalidArgumentError } from 'commander';
import pino from 'pino';
import { AggregatorRegistry } from 'prom-client';
import { reportFatal, WorkerSupervisor } from './cluster';
import { DEFAULT_CONFIG_PATH, loadConfig, type FacadeConfig } from './config';
import { ConfigError } from './errors';
import { parseStrictInt } from './core/strict-int';
import { startFacade, type RunningFacade } from './server';

function positiveInt(value: string): number {
  const parsed = parseStrictInt(value, 1, 64);
  if (!parsed.ok) throw new InvalidArgumentError(parsed.message);
  return parsed.value;
}

export interface FacadeArgs { config: string; workers: number }

export function parseFacadeArgs(argv: string[]): FacadeArgs {
  const program = new Command('strangler-facade')
    .option('-c, --config <file>', 'config file', process.env.STRANGLER_CONFIG ?? DEFAULT_CONFIG_PATH)
    .option('-w, --workers <n>', 'worker processes sharing the port', positiveInt, 1)
    .showHelpAfterError();
  program.parse(argv);
  return program.opts<FacadeArgs>();
}

function loadOrExit(file: string): FacadeConfig {
  try {
    return loadConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(err.exitCode);
    }
    throw err;
  }
}

/** The first SIGTERM/SIGINT drains and exits 0; a second one exits at once (1). */
function stopOnSignals(stop: () => Promise<void>, logger: pino.Logger): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting for the drain');
      process.exit(1);
    }
    stopping = true;
    stop().then(() => process.exit(0), (err: unknown) => {
      logger.error({ err: (err as Error).message }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

async function runPrimary(config: FacadeConfig, args: FacadeArgs, logger: pino.Logger): Promise<void> {
  const aggregator = new AggregatorRegistry();
  // The primary proxies nothing; it serves only the admin API, so it starts no public listener.
  // It starts first: a taken admin port stops the facade before any worker is forked.
  const facade: RunningFacade = await startFacade(config, {
    logger, serve: false,
    metricsSource: { contentType: aggregator.contentType, text: () => aggregator.clusterMetrics() },
  });
  const supervisor = new WorkerSupervisor(args.workers, config.shutdown.drainTimeoutMs, logger, (message) => {
    // A worker that cannot start after a crash (the port was taken meanwhile): nothing can serve.
    process.stderr.write(`strangler facade: ${message}\n`);
    void supervisor.stop().then(() => facade.close()).finally(() => process.exit(1));
  });
  try {
    await supervisor.start();
  } catch (err) {
    await supervisor.stop();
    await facade.close();
    throw err;
  }
  process.on('SIGHUP', () => { void supervisor.reload(); });
  stopOnSignals(async () => {
    await supervisor.stop();
    await facade.close();
  }, logger);
}

/** A worker's own start: a failure is told to the primary, which prints it and stops the facade. */
async function startWorker(config: FacadeConfig, logger: pino.Logger): Promise<RunningFacade> {
  // prom-client answers the primary's metric requests only in a process that constructed an
  // AggregatorRegistry (its constructor adds the IPC listener); without it /metrics timed out.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([]);
  try {
    const facade = await startFacade(config, { logger, admin: false, exclusivePort: false });
    AggregatorRegistry.setRegistries([facade.deps.metrics.registry]);
    return facade;
  } catch (err) {
    await reportFatal((err as Error).message);
    process.exit(1);
  }
}

export async function main(argv: string[] = process.argv): Promise<void> {
  const args = parseFacadeArgs(argv);
  const config = loadOrExit(args.config);
  const logger = pino({ name: cluster.isPrimary ? 'strangler-facade' : `strangler-worker-${process.pid}` });
  if (args.workers > 1 && cluster.isPrimary) return runPrimary(config, args, logger);
  const facade = args.workers > 1 ? await startWorker(config, logger) : await startFacade(config, { logger });
  // One process cannot replace itself without a gap, and a worker is replaced by the primary: SIGHUP
  // (a terminal hang-up reaches every process of the group) must not kill either, as it would by default.
  process.on('SIGHUP', () => {
    if (args.workers === 1) logger.warn('SIGHUP ignored: a reload without downtime needs --workers 2 or more');
  });
  stopOnSignals(async () => { await facade.drain(); }, logger);
}

if (require.main === module) {
  // A ListenError names the address and the config field to change; nothing is left running.
  main().catch((err: unknown) => {
    process.stderr.write(`strangler facade: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
