// The inventory service's HTTP app: the same public paths as the monolith's inventory
// (GET/PUT /api/inventory/:sku, POST .../reserve and .../release) over the service's own
// database through the anti-corruption layer, plus GET /healthz. Everything else: HTML 404.
import type Database from 'better-sqlite3';
import type { Express, Request, Response } from 'express';
import pino, { type Logger } from 'pino';
import { z } from 'zod';
import { createLegacyApp, describeIssues, sendError, sendNotFound, useLegacyFallbacks } from '../../kit/legacy-http';
import { DEFAULT_OUT_OF_STOCK_WAREHOUSE, type OutOfStockWarehouse, type StockChange } from './domain';
import { sendRefusal, toLegacyStock } from './legacy-wire';
import { createInventoryRepository } from './repository';

export interface InventoryAppOptions {
  /** Seeded difference: `omit` (default) drops `warehouse` from out-of-stock records. */
  outOfStockWarehouse?: OutOfStockWarehouse;
  /** Source of `last_changed_at` for writes; tests pin it. Defaults to the wall clock. */
  clock?: () => Date;
  logger?: Logger;
  /** Largest accepted JSON/form body (body-parser syntax). Default "100kb", as the monolith. */
  bodyLimit?: string;
}

const MAX_STOCK = 1_000_000_000;
const setBody = z.object({ on_hand: z.number().int().min(0).max(MAX_STOCK) });
const quantityBody = z.object({ quantity: z.number().int().min(1).max(MAX_STOCK) });

/** Builds the inventory app over an open inventory database (see schema.ts `openInventoryDb`). */
export function createInventoryApp(db: Database.Database, opts: InventoryAppOptions = {}): Express {
  const warehouseMode = opts.outOfStockWarehouse ?? DEFAULT_OUT_OF_STOCK_WAREHOUSE;
  const clock = opts.clock ?? (() => new Date());
  const logger = opts.logger ?? pino({ name: 'inventory' });
  const repo = createInventoryRepository(db);

  // Form bodies are parsed too, so a form-encoded write fails validation exactly as in the monolith.
  const app = createLegacyApp({ bodyLimit: opts.bodyLimit });

  /** Validates the body, applies the change, answers with the record or the legacy error. */
  const write = <S extends z.ZodType>(schema: S, toChange: (body: z.output<S>) => StockChange) => {
    return (req: Request<{ sku: string }>, res: Response): void => {
      const parsed = schema.safeParse(req.body);
      if (!parsed.success) {
        return sendError(res, 400, 'invalid_body', { message: describeIssues(parsed.error) });
      }
      const sku = req.params.sku;
      const outcome = repo.change(sku, toChange(parsed.data), clock().toISOString());
      if (outcome.ok) {
        res.json(toLegacyStock(outcome.level, warehouseMode));
      } else if (outcome.error === 'not_found') {
        sendNotFound(req, res);
      } else if (outcome.error === 'version_conflict') {
        // Not in the legacy contract: another process changed the row mid-write; the client may retry.
        sendError(res, 409, 'version_conflict', { sku });
      } else {
        sendRefusal(res, sku, outcome);
      }
    };
  };

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: 'inventory', out_of_stock_warehouse: warehouseMode, levels: repo.count() });
  });

  app.get('/api/inventory/:sku', (req, res) => {
    const level = repo.get(req.params.sku);
    if (!level) return sendNotFound(req, res);
    res.json(toLegacyStock(level, warehouseMode));
  });

  app.put('/api/inventory/:sku', write(setBody, (body) => ({ kind: 'set_on_hand', onHand: body.on_hand })));
  app.post('/api/inventory/:sku/reserve', write(quantityBody, (body) => ({ kind: 'reserve', quantity: body.quantity })));
  app.post('/api/inventory/:sku/release', write(quantityBody, (body) => ({ kind: 'release', quantity: body.quantity })));

  useLegacyFallbacks(app, logger);
  return app;
}
