// Entry point of the inventory service process (`npm run service:inventory`): the only file that
// reads env. INVENTORY_PORT (4002, 0 = any free port), HOST (127.0.0.1), INVENTORY_DB
// (data/inventory.db), INVENTORY_OUT_OF_STOCK_WAREHOUSE (omit|keep). Shuts down on SIGINT/SIGTERM
// (the kit's process.ts runs the process: logging, signals, start failures).
import { parsePort, runService } from '../../kit/process';
import { parseOutOfStockWarehouse, startInventory } from './server';

export const DEFAULT_INVENTORY_DB = 'data/inventory.db';
export const DEFAULT_INVENTORY_PORT = 4002;

if (require.main === module) {
  runService('inventory', async (logger) => {
    const env = process.env;
    const dbPath = env.INVENTORY_DB || DEFAULT_INVENTORY_DB;
    const outOfStockWarehouse = parseOutOfStockWarehouse(env.INVENTORY_OUT_OF_STOCK_WAREHOUSE);
    const service = await startInventory({
      dbPath,
      port: parsePort('INVENTORY_PORT', env.INVENTORY_PORT, DEFAULT_INVENTORY_PORT),
      host: env.HOST || '127.0.0.1',
      outOfStockWarehouse,
      logger,
    });
    return { service, settings: { dbPath, outOfStockWarehouse } };
  });
}
