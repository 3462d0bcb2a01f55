// Starts the inventory service on a real socket over its own database (created if missing) and
// hands back a handle whose close() drops open connections and closes the database; the kit's
// serve.ts does the socket work. main.ts reads env and calls this; tests call it with port 0.
import type { Logger } from 'pino';
import { parseChoice } from '../../kit/process';
import { serve, type RunningService } from '../../kit/serve';
import { createInventoryApp } from './app';
import { DEFAULT_OUT_OF_STOCK_WAREHOUSE, OUT_OF_STOCK_WAREHOUSE_MODES, type OutOfStockWarehouse } from './domain';
import { openInventoryDb } from './schema';

export interface StartInventoryOptions {
  dbPath: string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  outOfStockWarehouse?: OutOfStockWarehouse;
  /** Source of write timestamps; tests pin it. */
  clock?: () => Date;
  logger?: Logger;
}

/** Reads `INVENTORY_OUT_OF_STOCK_WAREHOUSE`; unset or empty means the default, anything unknown throws. */
export function parseOutOfStockWarehouse(value: string | undefined): OutOfStockWarehouse {
  return parseChoice('INVENTORY_OUT_OF_STOCK_WAREHOUSE', value, OUT_OF_STOCK_WAREHOUSE_MODES, DEFAULT_OUT_OF_STOCK_WAREHOUSE);
}

export function startInventory(opts: StartInventoryOptions): Promise<RunningService> {
  return serve({
    dbPath: opts.dbPath,
    openDb: openInventoryDb,
    createApp: (db) =>
      createInventoryApp(db, {
        outOfStockWarehouse: opts.outOfStockWarehouse,
        clock: opts.clock,
        logger: opts.logger,
      }),
    port: opts.port,
    host: opts.host,
  });
}
