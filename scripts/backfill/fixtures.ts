// Deterministic monolith data for backfill tests and timing runs: the same count always gives
// the same rows (no PRNG state, no clock), written straight into a monolith schema with SQL.
// Not the demo seed (monolith/src/seed.ts): this one only fills what the backfill reads.
import Database from 'better-sqlite3';
import { openMonolithDb } from '../../monolith/src/schema';

const CATEGORIES = ['kitchen', 'garden', 'toys', 'books', 'office', 'outdoor', 'bath'];
const WAREHOUSES = ['AMS-1', 'FRA-2', 'DUB-1'];
const BASE = Date.UTC(2024, 0, 1);

/** Legacy "YYYY-MM-DD HH:MM:SS" for `minutes` after 2024-01-01 00:00 UTC. */
export function fixtureTimestamp(minutes: number): string {
  return new Date(BASE + minutes * 60_000).toISOString().replace('T', ' ').slice(0, 19);
}

export function fixtureSku(id: number): string {
  return `SKU-${String(id).padStart(6, '0')}`;
}

/** Inserts products `from..to` and one inventory row each, in one transaction. */
export function insertFixtureProducts(db: Database.Database, from: number, to: number): void {
  const product = db.prepare(`INSERT INTO products (id, sku, name, description, category, price_cents, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const stock = db.prepare(`INSERT INTO inventory (sku, on_hand, reserved, warehouse, updated_at) VALUES (?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (let id = from; id <= to; id++) {
      const sku = fixtureSku(id);
      const created = fixtureTimestamp(id);
      const updated = fixtureTimestamp(id * 3 + 7);
      const name = id % 97 === 0 ? `Café "Crème" set ${id}` : `Product ${id}`;
      product.run(id, sku, name, `Description of product ${id}, it's fine`, CATEGORIES[id % CATEGORIES.length]!,
        (id * 7919) % 100_000, created, updated);
      const onHand = id % 20 === 0 ? 0 : (id * 31) % 200;
      const reserved = onHand > 10 && id % 9 === 0 ? 3 : 0;
      stock.run(sku, onHand, reserved, WAREHOUSES[id % WAREHOUSES.length]!, updated);
    }
  })();
}

/** Creates a monolith database at `path` with `products` products (ids 1..n) and their stock. */
export function createMonolithFixture(path: string, products: number): void {
  const db = openMonolithDb(path);
  try {
    insertFixtureProducts(db, 1, products);
  } finally {
    db.close();
  }
}

/** Every row of `table` in key order, read through a fresh read-only connection (for comparisons). */
export function dumpTable(path: string, table: 'catalog_items' | 'stock_levels' | 'backfill_state'): unknown[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(`SELECT * FROM ${table} ORDER BY 1`).all();
  } finally {
    db.close();
  }
}
