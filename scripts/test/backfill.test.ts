// Backfill engine against real SQLite files: full copy and verification for both capabilities,
// idempotent re-runs, resuming an interrupted copy, and carrying over monolith changes made
// during and after the bulk copy.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openMonolithDb } from '../../monolith/src/schema';
import { runBackfill, type BackfillOptions } from '../backfill/engine';
import { createMonolithFixture, dumpTable, fixtureSku, fixtureTimestamp, insertFixtureProducts } from '../backfill/fixtures';

const PRODUCTS = 2500;
const TABLE = { catalog: 'catalog_items', inventory: 'stock_levels' } as const;
const CAPS = ['catalog', 'inventory'] as const;
type Cap = (typeof CAPS)[number];

let dir: string;
let monolithDb: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'backfill-'));
  monolithDb = join(dir, 'monolith.db');
  createMonolithFixture(monolithDb, PRODUCTS);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const opts = (capability: Cap, serviceDb = join(dir, `${capability}.db`)): BackfillOptions => ({
  capability,
  monolithDb,
  serviceDb,
  batchSize: 500,
});

/** Writes to the monolith the way the shop does (its own read-write connection). */
function monolith(fn: (db: Database.Database) => void): void {
  const db = openMonolithDb(monolithDb);
  try {
    fn(db);
  } finally {
    db.close();
  }
}

/** An order for 2 of `sku`, a new product with stock, a deleted product and a price change. */
function changeMonolith(db: Database.Database): void {
  db.prepare('UPDATE inventory SET on_hand = on_hand - 2, updated_at = ? WHERE sku = ?').run(
    fixtureTimestamp(999_999),
    fixtureSku(7),
  );
  insertFixtureProducts(db, PRODUCTS + 1, PRODUCTS + 1);
  db.prepare('DELETE FROM inventory WHERE sku = ?').run(fixtureSku(1500));
  db.prepare('DELETE FROM products WHERE sku = ?').run(fixtureSku(1500));
  db.prepare('UPDATE products SET price_cents = 1234, updated_at = ? WHERE id = 2000').run(fixtureTimestamp(999_999));
}

/** The service table a fresh, uninterrupted backfill of the current monolith produces. */
async function freshDump(capability: Cap): Promise<unknown[]> {
  const serviceDb = join(dir, `fresh-${capability}.db`);
  await runBackfill(opts(capability, serviceDb));
  return dumpTable(serviceDb, TABLE[capability]);
}

describe.each(CAPS)('the %s backfill', (capability) => {
  it('copies every row and the counts and sampled rows match', async () => {
    const r = await runBackfill(opts(capability));
    expect(r).toMatchObject({ capability, copied: PRODUCTS, changesApplied: 0, resumedFrom: null, bulkSkipped: false });
    expect(r).toMatchObject({ sourceCount: PRODUCTS, targetCount: PRODUCTS, sampled: 100, sampleMismatches: [] });
  });

  it('a second run changes nothing, not even versions or timestamps', async () => {
    await runBackfill(opts(capability));
    const before = dumpTable(join(dir, `${capability}.db`), TABLE[capability]);
    const again = await runBackfill(opts(capability));
    expect(again).toMatchObject({ copied: 0, changesApplied: 0, bulkSkipped: true, sampleMismatches: [] });
    expect(dumpTable(join(dir, `${capability}.db`), TABLE[capability])).toEqual(before);
  });

  it('an aborted run resumes from its cursor and ends identical to an uninterrupted run', async () => {
    const controller = new AbortController();
    const first = runBackfill({ ...opts(capability), signal: controller.signal, onProgress: (done) => done >= 1000 && controller.abort() });
    await expect(first).rejects.toMatchObject({ code: 'ABORTED' });
    // Two whole batches, each committed with its cursor; nothing of the third.
    expect(dumpTable(join(dir, `${capability}.db`), TABLE[capability])).toHaveLength(1000);

    const resumed = await runBackfill(opts(capability));
    expect(resumed.resumedFrom).toBe(capability === 'catalog' ? '1000' : fixtureSku(1000));
    expect(resumed.copied).toBe(PRODUCTS - 1000);
    expect(dumpTable(join(dir, `${capability}.db`), TABLE[capability])).toEqual(await freshDump(capability));
  });

  it('a run stopped by a throwing progress callback resumes the same way', async () => {
    let calls = 0;
    const stop = () => {
      if (++calls === 3) throw new Error('operator gave up');
    };
    await expect(runBackfill({ ...opts(capability), onProgress: stop })).rejects.toThrow('operator gave up');
    expect(dumpTable(join(dir, `${capability}.db`), TABLE[capability])).toHaveLength(1500);

    const resumed = await runBackfill(opts(capability));
    expect(resumed).toMatchObject({ copied: PRODUCTS - 1500, targetCount: PRODUCTS, sampleMismatches: [] });
    expect(dumpTable(join(dir, `${capability}.db`), TABLE[capability])).toEqual(await freshDump(capability));
  });

  it('changes made in the monolith during the bulk copy are applied from the checkpoint', async () => {
    let changed = false;
    const r = await runBackfill({
      ...opts(capability),
      onProgress: () => {
        if (!changed) monolith(changeMonolith); // SKU-000007 is already copied, 1500 and 2000 are not yet
        changed = true;
      },
    });
    expect(r.changesApplied).toBeGreaterThan(0);
    expect(r).toMatchObject({ sourceCount: PRODUCTS, targetCount: PRODUCTS, sampleMismatches: [] });
    const strip = (rows: unknown[]) => rows.map((row) => ({ ...(row as object), version: undefined }));
    expect(strip(dumpTable(join(dir, `${capability}.db`), TABLE[capability]))).toEqual(strip(await freshDump(capability)));
  });
});

describe('changes after the bulk copy', () => {
  it('an order, an insert and a delete in the monolith are carried over by the next run', async () => {
    await runBackfill(opts('inventory'));
    await runBackfill(opts('catalog'));
    monolith(changeMonolith);

    const inv = await runBackfill(opts('inventory'));
    expect(inv).toMatchObject({ copied: 0, bulkSkipped: true, targetCount: PRODUCTS, sampleMismatches: [] });
    expect(inv.changesApplied).toBe(3); // update SKU-000007, insert SKU-002501, delete SKU-001500
    const stock = dumpTable(join(dir, 'inventory.db'), 'stock_levels') as Array<Record<string, unknown>>;
    const bySku = new Map(stock.map((row) => [row.sku, row]));
    expect(bySku.get(fixtureSku(7))).toMatchObject({ version: 2, quantity_on_hand: 15, last_changed_at: '2025-11-25T10:39:00.000Z' });
    expect(bySku.get(fixtureSku(PRODUCTS + 1))).toMatchObject({ version: 1 });
    expect(bySku.has(fixtureSku(1500))).toBe(false);
    expect(stock.filter((row) => row.version !== 1)).toHaveLength(1);

    const cat = await runBackfill(opts('catalog'));
    expect(cat.changesApplied).toBe(3); // insert 2501, delete 1500, price of 2000
    expect(dumpTable(join(dir, 'catalog.db'), 'catalog_items')).toEqual(await freshDump('catalog'));
  });

  it('the sample check reports service rows that drifted from the monolith', async () => {
    await runBackfill(opts('catalog'));
    const svc = new Database(join(dir, 'catalog.db'));
    svc.exec('UPDATE catalog_items SET unit_price_minor = unit_price_minor + 1');
    svc.close();
    const r = await runBackfill(opts('catalog'));
    expect(r.sampled).toBe(100);
    expect(r.sampleMismatches).toHaveLength(100);
    expect(r.sampleMismatches[0]).toMatchObject({ field: 'unit_price_minor', expected: expect.any(Number) });
  });
});
