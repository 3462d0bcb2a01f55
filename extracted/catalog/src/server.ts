// Starts the catalog service on a real socket over its own database (created if missing) and
// hands back a handle whose close() drops open connections and closes the database; the kit's
// serve.ts does the socket work. main.ts reads env and calls this; tests call it with port 0.
import type { Logger } from 'pino';
import { parseChoice } from '../../kit/process';
import { serve, type RunningService } from '../../kit/serve';
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

/** Reads `CATALOG_PRICE_ROUNDING`; unset or empty means the default, anything unknown throws. */
export function parsePriceRounding(value: string | undefined): PriceRounding {
  return parseChoice('CATALOG_PRICE_ROUNDING', value, PRICE_ROUNDINGS, DEFAULT_PRICE_ROUNDING);
}

export function startCatalog(opts: StartCatalogOptions): Promise<RunningService> {
  return serve({
    dbPath: opts.dbPath,
    openDb: openCatalogDb,
    createApp: (db) => createCatalogApp(db, { priceRounding: opts.priceRounding, logger: opts.logger }),
    port: opts.port,
    host: opts.host,
  });
}
