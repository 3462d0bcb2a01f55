// Test builders for the catalog service: a catalog item builder and a real service on
// 127.0.0.1:0 over a fresh SQLite file in a temp dir, filled through the repository.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { money, type CatalogItem, type PriceRounding } from '../src/domain';
import { createCatalogRepository, type CatalogRepository } from '../src/repository';
import { startCatalog, type RunningService } from '../src/server';

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

export interface TestCatalog {
  service: RunningService;
  repo: CatalogRepository;
  get(path: string): Promise<Response>;
  close(): Promise<void>;
}

/** Starts a catalog service on a fresh database holding `items`. */
export async function startTestCatalog(
  items: readonly CatalogItem[],
  opts: { priceRounding?: PriceRounding } = {},
): Promise<TestCatalog> {
  const dir = mkdtempSync(join(tmpdir(), 'catalog-test-'));
  const service = await startCatalog({
    dbPath: join(dir, 'catalog.db'),
    port: 0,
    priceRounding: opts.priceRounding,
    logger: pino({ level: 'silent' }),
  });
  const repo = createCatalogRepository(service.db);
  repo.saveAll(items);
  return {
    service,
    repo,
    get: (path) => fetch(service.url + path),
    async close() {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The JSON body of a response, typed by the caller (fetch types it as unknown). */
export async function jsonOf<T>(res: Response | Promise<Response>): Promise<T> {
  return (await (await res).json()) as T;
}
