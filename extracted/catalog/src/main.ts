// Entry point of the catalog service process (`npm run service:catalog`): the only file that
// reads env. CATALOG_PORT (4001, 0 = any free port), HOST (127.0.0.1), CATALOG_DB
// (data/catalog.db), CATALOG_PRICE_ROUNDING (bankers|legacy). Shuts down on SIGINT/SIGTERM
// (the kit's process.ts runs the process: logging, signals, start failures).
import { parsePort, runService } from '../../kit/process';
import { parsePriceRounding, startCatalog } from './server';

export const DEFAULT_CATALOG_DB = 'data/catalog.db';
export const DEFAULT_CATALOG_PORT = 4001;

if (require.main === module) {
  runService('catalog', async (logger) => {
    const env = process.env;
    const dbPath = env.CATALOG_DB || DEFAULT_CATALOG_DB;
    const priceRounding = parsePriceRounding(env.CATALOG_PRICE_ROUNDING);
    const service = await startCatalog({
      dbPath,
      port: parsePort('CATALOG_PORT', env.CATALOG_PORT, DEFAULT_CATALOG_PORT),
      host: env.HOST || '127.0.0.1',
      priceRounding,
      logger,
    });
    return { service, settings: { dbPath, priceRounding } };
  });
}
