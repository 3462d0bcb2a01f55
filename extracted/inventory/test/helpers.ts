// Test builders for the inventory service: a stock level builder and a real service on
// 127.0.0.1:0 over a fresh SQLite file in a temp dir (the kit's testing.ts), filled through
// the repository, with a pinned clock so written timestamps are exact.
import { join } from 'node:path';
import pino from 'pino';
import { startInTempDir, type TestService } from '../../kit/testing';
import { stockLevel, type OutOfStockWarehouse, type StockLevel } from '../src/domain';
import { createInventoryRepository, type InventoryRepository } from '../src/repository';
import { startInventory } from '../src/server';

export { jsonOf } from '../../kit/testing';

/** Every write in these tests happens "now": 2024-06-01 12:30:45.678 UTC. */
export const NOW = new Date('2024-06-01T12:30:45.678Z');
export const NOW_LEGACY = '2024-06-01 12:30:45';

export function aLevel(overrides: Partial<StockLevel> & { sku: string }): StockLevel {
  return stockLevel({
    quantityOnHand: 12,
    quantityReserved: 2,
    locationCode: 'AMS-1',
    lastChangedAt: '2024-01-01T00:00:00.000Z',
    ...overrides,
  });
}

export interface TestInventory extends TestService {
  repo: InventoryRepository;
}

/** Starts an inventory service on a fresh database holding `levels`. */
export async function startTestInventory(
  levels: readonly StockLevel[],
  opts: { outOfStockWarehouse?: OutOfStockWarehouse } = {},
): Promise<TestInventory> {
  const shop = await startInTempDir('inventory-test-', (dir) =>
    startInventory({
      dbPath: join(dir, 'inventory.db'),
      port: 0,
      outOfStockWarehouse: opts.outOfStockWarehouse,
      clock: () => NOW,
      logger: pino({ level: 'silent' }),
    }),
  );
  const repo = createInventoryRepository(shop.service.db);
  repo.saveAll(levels);
  return { ...shop, repo };
}
