// Entry point of the catalog service process (`npm run service:catalog`): the only file that
// reads env. CATALOG_PORT (4001, 0 = any free port), HOST (127.0.0.1), CATALOG_DB
// (data/catalog.db), CATALOG_PRICE_ROUNDING (bankers|legacy). Shuts down on SIGINT/SIGTERM.
import pino from 'pino';
import { parsePriceRounding, startCatalog } from './server';

export const DEFAULT_CATALOG_DB = 'data/catalog.db';
export const DEFAULT_CATALOG_PORT = 4001;

function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`CATALOG_PORT must be an integer 0..65535, got ${JSON.stringify(value)}`);
  }
  return port;
}

async function main(): Promise<void> {
  const logger = pino({ name: 'catalog' });
  const env = process.env;
  const dbPath = env.CATALOG_DB || DEFAULT_CATALOG_DB;
  const priceRounding = parsePriceRounding(env.CATALOG_PRICE_ROUNDING);
  const service = await startCatalog({
    dbPath,
    port: parsePort(env.CATALOG_PORT, DEFAULT_CATALOG_PORT),
    host: env.HOST || '127.0.0.1',
    priceRounding,
    logger,
  });
  logger.info({ url: service.url, port: service.port, dbPath, priceRounding }, `catalog service listening on ${service.url}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'catalog service shutting down');
    service.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'catalog service did not close cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`catalog service failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
