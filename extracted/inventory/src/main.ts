// Entry point of the inventory service process (`npm run service:inventory`): the only file that
// reads env. INVENTORY_PORT (4002, 0 = any free port), HOST (127.0.0.1), INVENTORY_DB
// (data/inventory.db), INVENTORY_OUT_OF_STOCK_WAREHOUSE (omit|keep). Shuts down on SIGINT/SIGTERM.
import pino from 'pino';
import { parseOutOfStockWarehouse, startInventory } from './server';

export const DEFAULT_INVENTORY_DB = 'data/inventory.db';
export const DEFAULT_INVENTORY_PORT = 4002;

function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`INVENTORY_PORT must be an integer 0..65535, got ${JSON.stringify(value)}`);
  }
  return port;
}

async function main(): Promise<void> {
  const logger = pino({ name: 'inventory' });
  const env = process.env;
  const dbPath = env.INVENTORY_DB || DEFAULT_INVENTORY_DB;
  const outOfStockWarehouse = parseOutOfStockWarehouse(env.INVENTORY_OUT_OF_STOCK_WAREHOUSE);
  const service = await startInventory({
    dbPath,
    port: parsePort(env.INVENTORY_PORT, DEFAULT_INVENTORY_PORT),
    host: env.HOST || '127.0.0.1',
    outOfStockWarehouse,
    logger,
  });
  logger.info({ url: service.url, port: service.port, dbPath, outOfStockWarehouse }, `inventory service listening on ${service.url}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'inventory service shutting down');
    service.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'inventory service did not close cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(`inventory service failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
