// The catalog service's HTTP app: the same public paths as the monolith's catalog
// (GET /api/products, GET /api/products/:id) served from the service's own database through
// the anti-corruption layer, plus GET /healthz. Everything else is the legacy HTML 404.
import type Database from 'better-sqlite3';
import type { Express } from 'express';
import pino, { type Logger } from 'pino';
import { z } from 'zod';
import { createLegacyApp, describeIssues, sendError, sendNotFound, useLegacyFallbacks } from '../../kit/legacy-http';
import { DEFAULT_PRICE_ROUNDING, ITEM_SORTS, type PriceRounding } from './domain';
import { toLegacyProduct, toLegacyProductPage } from './legacy-wire';
import { createCatalogRepository } from './repository';

export interface CatalogAppOptions {
  /** Seeded difference: `bankers` (default) rounds some prices differently from the monolith. */
  priceRounding?: PriceRounding;
  logger?: Logger;
}

/** A query-string integer: digits only (no "1e3", " 2", "-1"), then range-checked, as the monolith does. */
const queryInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** Query string of GET /api/products; a repeated key arrives as an array and fails (400). */
const listQuerySchema = z.object({
  page: queryInt(1, 999_999_999).default(1),
  per_page: queryInt(1, 100).default(20),
  category: z.string().max(100).optional(),
  sort: z.enum(ITEM_SORTS).default('id'),
});

/** Positive integer id, or null: a malformed id is a missing record (HTML 404), as in the monolith. */
function parseItemId(raw: unknown): number | null {
  if (typeof raw !== 'string' || !/^[1-9]\d{0,15}$/.test(raw)) return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) ? id : null;
}

/** Builds the catalog app over an open catalog database (see schema.ts `openCatalogDb`). */
export function createCatalogApp(db: Database.Database, opts: CatalogAppOptions = {}): Express {
  const rounding = opts.priceRounding ?? DEFAULT_PRICE_ROUNDING;
  const logger = opts.logger ?? pino({ name: 'catalog' });
  const repo = createCatalogRepository(db);
  // The catalog takes no bodies, but the legacy app parses them on every path, as the monolith
  // does: a malformed JSON body is a 400 there before it is a 404, so it must be here too.
  const app = createLegacyApp();

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: 'catalog', price_rounding: rounding, items: repo.count() });
  });

  app.get('/api/products', (req, res) => {
    const parsed = listQuerySchema.safeParse(req.query);
    if (!parsed.success) {
      return sendError(res, 400, 'invalid_query', { message: describeIssues(parsed.error) });
    }
    const { page, per_page: perPage, category, sort } = parsed.data;
    const result = repo.list({ page, perPage, sort, categorySlug: category });
    res.json(toLegacyProductPage(result.items, { page, perPage, total: result.total }, rounding));
  });

  app.get('/api/products/:id', (req, res) => {
    const id = parseItemId(req.params.id);
    const item = id === null ? undefined : repo.get(id);
    if (!item) return sendNotFound(req, res);
    res.json(toLegacyProduct(item, rounding));
  });

  useLegacyFallbacks(app, logger);
  return app;
}
