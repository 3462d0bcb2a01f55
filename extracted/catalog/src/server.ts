// Starts the catalog service on a real socket: opens (and creates) its own database, builds
// the app, listens, and hands back a handle whose close() drops open connections and closes
// the database. main.ts reads env and calls this; tests call it with port 0.
import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { createCatalogApp } from './app';
import { DEFAULT_PRICE_ROUNDING, PRICE_ROUNDINGS, type PriceRounding } from './domain';
import { openCatalogDb } from './schema';

export interface StartCatalogOptions {
  dbPath: string;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  priceRounding?: PriceRounding;
  logger?: Logger;
}

export interface RunningService {
  url: string;
  port: number;
  db: Database.Database;
  close(): Promise<void>;
}

/** Reads `CATALOG_PRICE_ROUNDING`; unset or empty means the default, anything unknown throws. */
export function parsePriceRounding(value: string | undefined): PriceRounding {
  if (value === undefined || value === '') return DEFAULT_PRICE_ROUNDING;
  const found = PRICE_ROUNDINGS.find((mode) => mode === value.trim().toLowerCase());
  if (!found) {
    throw new Error(`CATALOG_PRICE_ROUNDING must be one of ${PRICE_ROUNDINGS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return found;
}

export async function startCatalog(opts: StartCatalogOptions): Promise<RunningService> {
  if (opts.dbPath !== ':memory:') mkdirSync(dirname(opts.dbPath), { recursive: true });
  const db = openCatalogDb(opts.dbPath);
  const app = createCatalogApp(db, { priceRounding: opts.priceRounding, logger: opts.logger });
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
