// Stock levels over the `inventory` table and the legacy inventory JSON shape. Every
// write runs as BEGIN IMMEDIATE (check and write under one write lock, so a second
// process on the same WAL file can't interleave) and bumps `updated_at`.
import type Database from 'better-sqlite3';

export interface InventoryRow {
  sku: string;
  on_hand: number;
  reserved: number;
  warehouse: string;
  updated_at: string;
}

export interface InventoryJson extends InventoryRow {
  available: number;
}

/** Wire shape: field order sku, on_hand, reserved, available, warehouse, updated_at. */
export function toInventoryJson(row: InventoryRow): InventoryJson {
  return {
    sku: row.sku,
    on_hand: row.on_hand,
    reserved: row.reserved,
    available: row.on_hand - row.reserved,
    warehouse: row.warehouse,
    updated_at: row.updated_at,
  };
}

export type InventoryResult =
  | { ok: true; row: InventoryRow }
  | { ok: false; error: 'not_found' }
  | { ok: false; error: 'below_reserved'; reserved: number }
  | { ok: false; error: 'insufficient_stock'; available: number }
  | { ok: false; error: 'over_release'; reserved: number };

export interface InventoryStore {
  get(sku: string): InventoryRow | undefined;
  /** Sets on_hand; refused below what is already reserved. */
  setOnHand(sku: string, onHand: number): InventoryResult;
  /** Moves `quantity` from available to reserved. */
  reserve(sku: string, quantity: number): InventoryResult;
  /** Gives back up to what is reserved. */
  release(sku: string, quantity: number): InventoryResult;
}

export function createInventoryStore(db: Database.Database, now: () => string): InventoryStore {
  const bySku = db.prepare<[string], InventoryRow>(
    'SELECT sku, on_hand, reserved, warehouse, updated_at FROM inventory WHERE sku = ?',
  );
  const updateOnHand = db.prepare<[number, string, string]>(
    'UPDATE inventory SET on_hand = ?, updated_at = ? WHERE sku = ?',
  );
  const updateReserved = db.prepare<[number, string, string]>(
    'UPDATE inventory SET reserved = reserved + ?, updated_at = ? WHERE sku = ?',
  );

  const setOnHandTx = db.transaction((sku: string, onHand: number): InventoryResult => {
    const row = bySku.get(sku);
    if (!row) return { ok: false, error: 'not_found' };
    if (onHand < row.reserved) return { ok: false, error: 'below_reserved', reserved: row.reserved };
    updateOnHand.run(onHand, now(), sku);
    return { ok: true, row: bySku.get(sku)! };
  });

  const reserveTx = db.transaction((sku: string, quantity: number): InventoryResult => {
    const row = bySku.get(sku);
    if (!row) return { ok: false, error: 'not_found' };
    const available = row.on_hand - row.reserved;
    if (available < quantity) return { ok: false, error: 'insufficient_stock', available };
    updateReserved.run(quantity, now(), sku);
    return { ok: true, row: bySku.get(sku)! };
  });

  const releaseTx = db.transaction((sku: string, quantity: number): InventoryResult => {
    const row = bySku.get(sku);
    if (!row) return { ok: false, error: 'not_found' };
    if (quantity > row.reserved) return { ok: false, error: 'over_release', reserved: row.reserved };
    updateReserved.run(-quantity, now(), sku);
    return { ok: true, row: bySku.get(sku)! };
  });

  return {
    get: (sku) => bySku.get(sku),
    setOnHand: (sku, onHand) => setOnHandTx.immediate(sku, onHand),
    reserve: (sku, quantity) => reserveTx.immediate(sku, quantity),
    release: (sku, quantity) => releaseTx.immediate(sku, quantity),
  };
}
