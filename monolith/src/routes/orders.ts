// Orders API: place, read and cancel orders. Not migrated in the demo, it is the tangle that
// keeps the monolith alive: it writes inventory and reads catalog prices and sessions.
import { Router } from 'express';
import { z } from 'zod';
import { parseId, parseOr400, sendError, sendNotFound } from '../http';
import { toOrderJson } from '../store/orders';
import type { Stores } from '../store';
import { sessionUser } from './users';

export const orderItem = z.object({
  sku: z.string().min(1).max(64),
  quantity: z.number().int().min(1).max(10_000),
});

const orderBody = z.object({
  items: z
    .array(orderItem)
    .min(1)
    .max(100)
    .refine((items) => new Set(items.map((i) => i.sku)).size === items.length, 'each sku may appear only once'),
});

export function orderRoutes({ orders, users }: Pick<Stores, 'orders' | 'users'>): Router {
  const router = Router();

  router.post('/api/orders', (req, res) => {
    const body = parseOr400(orderBody, req.body, res, 'invalid_body');
    if (!body) return;
    const result = orders.place(body.items, sessionUser(req, users)?.id ?? null);
    if (result.ok) return void res.status(201).json(toOrderJson(result.order));
    if (result.error === 'unknown_sku') {
      return sendError(res, 400, 'invalid_body', { message: `items: unknown sku ${result.sku}` });
    }
    sendError(res, 409, 'insufficient_stock', { sku: result.sku });
  });

  router.get('/api/orders/:id', (req, res) => {
    const id = parseId(req.params.id);
    const order = id === null ? undefined : orders.get(id);
    if (!order) return sendNotFound(req, res);
    res.json(toOrderJson(order));
  });

  router.post('/api/orders/:id/cancel', (req, res) => {
    const id = parseId(req.params.id);
    if (id === null) return sendNotFound(req, res);
    const result = orders.cancel(id);
    if (result.ok) return void res.json(toOrderJson(result.order));
    if (result.error === 'not_found') return sendNotFound(req, res);
    sendError(res, 409, 'already_cancelled');
  });

  return router;
}
