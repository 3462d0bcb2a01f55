// Entry point of the facade process: the only file that reads argv/env and wires a config to
// a running facade. `--workers N` runs N worker processes on one port (node cluster) sharing the
// state database; the primary then serves the admin API with the whole cluster's metrics.
import cluster from 'node:cluster';
import { Command, InvalidArgumentError } from 'commander';
import pino from 'pino';
import { AggregatorRegistry } from 'prom-client';
import { DEFAULT_CONFIG_PATH, loadConfig, type FacadeConfig } from './config';
import { ConfigError } from './errors';
import { startFacade, type RunningFacade } from './server';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new InvalidArgumentError('must be an integer from 1 to 64');
  return n;
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

function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (): void => {
    if (stopping) return;
    stopping = true;
    stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

async function runPrimary(config: FacadeConfig, args: FacadeArgs, logger: pino.Logger): Promise<void> {
  const aggregator = new AggregatorRegistry();
  for (let i = 0; i < args.workers; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGINT') {
      logger.error({ pid: worker.process.pid, code, signal }, 'facade worker died; starting a new one');
      cluster.fork();
    }
  });
  // The primary proxies nothing; it serves only the admin API, so it starts no public listener.
  const facade: RunningFacade = await startFacade(config, {
    logger, serve: false,
    metricsSource: { contentType: aggregator.contentType, text: () => aggregator.clusterMetrics() },
  });
  stopOnSignals(async () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    await facade.close();
  });
}

export async function main(argv: string[] = process.argv): Promise<void> {
  const args = parseFacadeArgs(argv);
  const config = loadOrExit(args.config);
  const logger = pino({ name: cluster.isPrimary ? 'strangler-facade' : `strangler-worker-${process.pid}` });
  if (args.workers > 1 && cluster.isPrimary) return runPrimary(config, args, logger);
  if (args.workers > 1) {
    // prom-client answers the primary's metric requests only in a process that constructed an
    // AggregatorRegistry (its constructor adds the IPC listener); without it /metrics timed out.
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([]);
  }
  const facade = await startFacade(config, {
    logger, admin: args.workers === 1, exclusivePort: args.workers === 1,
  });
  if (args.workers > 1) AggregatorRegistry.setRegistries([facade.deps.metrics.registry]);
  stopOnSignals(() => facade.close());
}

if (require.main === module) {
  main().catch((err: unknown) => {
    const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
    const message = e.code === 'EADDRINUSE'
      ? `cannot listen on ${e.address}:${e.port}: the address is already in use (another facade or program?); choose another port with listen.port / admin.port in the config`
      : e.message;
    process.stderr.write(`strangler facade: ${message}\n`);
    process.exit(1);
  });
}
