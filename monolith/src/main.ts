// Process entry point for the legacy shop (`npm run monolith`): reads env, seeds an empty
// database, listens, and shuts down cleanly on SIGINT/SIGTERM. The only file that reads env.
import pino from 'pino';
import { startMonolith } from './server';

const logger = pino({ name: 'monolith' });

function envInt(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

async function main(): Promise<void> {
  const port = envInt('MONOLITH_PORT', 3000, 0, 65535);
  const seedProducts = envInt('SEED_PRODUCTS', 10000, 0, 1_000_000);
  const host = process.env.HOST || '127.0.0.1';
  const dbPath = process.env.MONOLITH_DB || 'data/monolith.db';

  const monolith = await startMonolith({ dbPath, port, host, seedProducts, logger });
  // One line with the real URL (port 0 resolved), which launchers and tests read.
  logger.info({ url: monolith.url, db: dbPath }, `monolith listening on ${monolith.url}`);

  const shutdown = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'monolith shutting down');
    monolith.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'monolith shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  logger.error({ err }, `monolith failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
