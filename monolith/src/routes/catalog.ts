// Catalog API: product listing with paging, category filter and sort, and single products.
// This is the capability the demo migrates first, so its wire shape is the contract the
// extracted catalog service must reproduce (docs/reference/demo-shop.md).
import { Router } from 'express';
import { z } from 'zod';
import { parseId, parseOr400, sendNotFound } from '../http';
import { SORTS, toProductJson, type ProductStore } from '../store/products';

/** A query-string integer: digits only (no "1e3", " 2", "-1"), then range-checked. */
const queryInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const listQuery = z.object({
  page: queryInt(1, 999_999_999).optional(),
  per_page: queryInt(1, 100).optional(),
  category: z.string().max(100).optional(),
  sort: z.enum(SORTS).optional(),
});

export function catalogRoutes(products: ProductStore): Router {
  const router = Router();

  router.get('/api/products', (req, res) => {
    const query = parseOr400(listQuery, req.query, res, 'invalid_query');
    if (!query) return;
    const page = query.page ?? 1;
    const perPage = query.per_page ?? 20;
    const { rows, total } = products.list({ page, perPage, category: query.category, sort: query.sort ?? 'id' });
    res.json({ products: rows.map(toProductJson), page, per_page: perPage, total });
  });

  router.get('/api/products/:id', (req, res) => {
    const id = parseId(req.params.id);
    const row = id === null ? undefined : products.get(id);
    if (!row) return sendNotFound(req, res);
    res.json(toProductJson(row));
  });

  return router;
}
