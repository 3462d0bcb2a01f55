// Starts the inventory service on a real socket: opens (and creates) its own database, builds
// the app, listens, and hands back a handle whose close() drops open connections and closes
// the database. main.ts reads env and calls this; tests call it with port 0.
import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
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

export interface RunningService {
  url: string;
  port: number;
  db: Database.Database;
  close(): Promise<void>;
}

/** Reads `INVENTORY_OUT_OF_STOCK_WAREHOUSE`; unset or empty means the default, anything unknown throws. */
export function parseOutOfStockWarehouse(value: string | undefined): OutOfStockWarehouse {
  if (value === undefined || value === '') return DEFAULT_OUT_OF_STOCK_WAREHOUSE;
  const found = OUT_OF_STOCK_WAREHOUSE_MODES.find((mode) => mode === value.trim().toLowerCase());
  if (!found) {
    throw new Error(`INVENTORY_OUT_OF_STOCK_WAREHOUSE must be one of ${OUT_OF_STOCK_WAREHOUSE_MODES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return found;
}

export async function startInventory(opts: StartInventoryOptions): Promise<RunningService> {
  if (opts.dbPath !== ':memory:') mkdirSync(dirname(opts.dbPath), { recursive: true });
  const db = openInventoryDb(opts.dbPath);
  const app = createInventoryApp(db, {
    outOfStockWarehouse: opts.outOfStockWarehouse,
    clock: opts.clock,
    logger: opts.logger,
  });
  const host = opts.host ?? '127.0.0.1';
  const server = app.listen(opts.port ?? 0, host);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (err) {
    db.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    db,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          db.close();
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
