// Inventory API: read, set and reserve/release stock per SKU. Second capability the demo
// migrates; the extracted inventory service reproduces these answers, errors included.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { parseOr400, sendError, sendNotFound } from '../http';
import { toInventoryJson, type InventoryResult, type InventoryStore } from '../store/inventory';

const MAX_STOCK = 1_000_000_000;

const setBody = z.object({ on_hand: z.number().int().min(0).max(MAX_STOCK) });
const quantityBody = z.object({ quantity: z.number().int().min(1).max(MAX_STOCK) });

/** Maps a store result to the contract's statuses and bodies. */
function answer(req: Request, res: Response, sku: string, result: InventoryResult): void {
  if (result.ok) {
    res.json(toInventoryJson(result.row));
    return;
  }
  switch (result.error) {
    case 'not_found':
      return sendNotFound(req, res);
    case 'below_reserved':
      return sendError(res, 400, 'invalid_body', {
        message: `on_hand: must be >= reserved (${result.reserved})`,
      });
    case 'insufficient_stock':
      return sendError(res, 409, 'insufficient_stock', { sku, available: result.available });
    case 'over_release':
      return sendError(res, 409, 'over_release');
  }
}

export function inventoryRoutes(inventory: InventoryStore): Router {
  const router = Router();

  router.get('/api/inventory/:sku', (req, res) => {
    const row = inventory.get(req.params.sku);
    if (!row) return sendNotFound(req, res);
    res.json(toInventoryJson(row));
  });

  router.put('/api/inventory/:sku', (req, res) => {
    const body = parseOr400(setBody, req.body, res, 'invalid_body');
    if (!body) return;
    answer(req, res, req.params.sku, inventory.setOnHand(req.params.sku, body.on_hand));
  });

  router.post('/api/inventory/:sku/reserve', (req, res) => {
    const body = parseOr400(quantityBody, req.body, res, 'invalid_body');
    if (!body) return;
    answer(req, res, req.params.sku, inventory.reserve(req.params.sku, body.quantity));
  });

  router.post('/api/inventory/:sku/release', (req, res) => {
    const body = parseOr400(quantityBody, req.body, res, 'invalid_body');
    if (!body) return;
    answer(req, res, req.params.sku, inventory.release(req.params.sku, body.quantity));
  });

  return router;
}
