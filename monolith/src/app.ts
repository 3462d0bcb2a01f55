// The legacy shop as one Express app over one SQLite database: catalog, inventory, orders,
// users and HTML pages, all in one process and one file, the way the facade first meets it.
// Wiring only: stores are built once here, each route module owns one domain.
import type Database from 'better-sqlite3';
import express from 'express';
import pino, { type Logger } from 'pino';
import { errorHandler, notFoundHandler } from './http';
import { catalogRoutes } from './routes/catalog';
import { inventoryRoutes } from './routes/inventory';
import { orderRoutes } from './routes/orders';
import { pageRoutes } from './routes/pages';
import { userRoutes } from './routes/users';
import { createStores } from './store';
import type { OrderHooks } from './store/orders';

export interface MonolithAppOptions {
  /** Source of `created_at`/`updated_at`; tests pin it. Defaults to the wall clock. */
  clock?: () => Date;
  /** Where unexpected (500) errors are logged. Defaults to pino at level "error" on stdout. */
  logger?: Logger;
  /** Largest accepted JSON/form body (body-parser syntax). Default "100kb". */
  bodyLimit?: string;
  /** Test seams inside the order transaction (see OrderHooks); never set in production. */
  orderHooks?: OrderHooks;
}

/** Builds the monolith app on an open database (see `openMonolithDb`); starts no listener. */
export function createMonolithApp(db: Database.Database, opts: MonolithAppOptions = {}): express.Express {
  const stores = createStores(db, opts.clock, opts.orderHooks);
  const logger = opts.logger ?? pino({ name: 'monolith', level: 'error' });
  const limit = opts.bodyLimit ?? '100kb';

  const app = express();
  // Express defaults, stated because they are part of the wire contract: weak ETags on
  // JSON/HTML bodies, `simple` query parsing (repeated keys become arrays, then a 400).
  app.set('etag', 'weak');
  app.set('query parser', 'simple');

  app.use(express.json({ limit }));
  app.use(express.urlencoded({ extended: false, limit }));

  app.use(catalogRoutes(stores.products));
  app.use(inventoryRoutes(stores.inventory));
  app.use(orderRoutes(stores));
  app.use(userRoutes(stores.users));
  app.use(pageRoutes(stores));

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
