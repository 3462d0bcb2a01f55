// Test builders for the catalog service: a catalog item builder and a real service on
// 127.0.0.1:0 over a fresh SQLite file in a temp dir (the kit's testing.ts), filled through
// the repository.
import { join } from 'node:path';
import pino from 'pino';
import { startInTempDir, type TestService } from '../../kit/testing';
import { money, type CatalogItem, type PriceRounding } from '../src/domain';
import { createCatalogRepository, type CatalogRepository } from '../src/repository';
import { startCatalog } from '../src/server';

export { jsonOf } from '../../kit/testing';

export function anItem(overrides: Partial<CatalogItem> & { itemId: number }): CatalogItem {
  const id = overrides.itemId;
  return {
    sku: `SKU-${String(id).padStart(6, '0')}`,
    title: `Item ${id}`,
    summary: `The item number ${id}.`,
    categorySlug: 'kitchen',
    unitPrice: money(1000 + id),
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-02T03:04:05.678Z',
    ...overrides,
  };
}

export interface TestCatalog extends TestService {
  repo: CatalogRepository;
}

/** Starts a catalog service on a fresh database holding `items`. */
export async function startTestCatalog(
  items: readonly CatalogItem[],
  opts: { priceRounding?: PriceRounding } = {},
): Promise<TestCatalog> {
  const shop = await startInTempDir('catalog-test-', (dir) =>
    startCatalog({
      dbPath: join(dir, 'catalog.db'),
      port: 0,
      priceRounding: opts.priceRounding,
      logger: pino({ level: 'silent' }),
    }),
  );
  const repo = createCatalogRepository(shop.service.db);
  repo.saveAll(items);
  return { ...shop, repo };
}
