// Test builders for the inventory service: a stock level builder and a real service on
// 127.0.0.1:0 over a fresh SQLite file in a temp dir, filled through the repository,
// with a pinned clock so written timestamps are exact.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { stockLevel, type OutOfStockWarehouse, type StockLevel } from '../src/domain';
import { createInventoryRepository, type InventoryRepository } from '../src/repository';
import { startInventory, type RunningService } from '../src/server';

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

export interface TestInventory {
  service: RunningService;
  repo: InventoryRepository;
  get(path: string): Promise<Response>;
  send(method: 'PUT' | 'POST', path: string, body: unknown, contentType?: string): Promise<Response>;
  close(): Promise<void>;
}

/** Starts an inventory service on a fresh database holding `levels`. */
export async function startTestInventory(
  levels: readonly StockLevel[],
  opts: { outOfStockWarehouse?: OutOfStockWarehouse } = {},
): Promise<TestInventory> {
  const dir = mkdtempSync(join(tmpdir(), 'inventory-test-'));
  const service = await startInventory({
    dbPath: join(dir, 'inventory.db'),
    port: 0,
    outOfStockWarehouse: opts.outOfStockWarehouse,
    clock: () => NOW,
    logger: pino({ level: 'silent' }),
  });
  const repo = createInventoryRepository(service.db);
  repo.saveAll(levels);
  return {
    service,
    repo,
    get: (path) => fetch(service.url + path),
    send: (method, path, body, contentType = 'application/json') =>
      fetch(service.url + path, {
        method,
        headers: { 'content-type': contentType },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
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
