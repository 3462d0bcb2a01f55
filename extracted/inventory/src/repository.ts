// Stock levels over the inventory service's own SQLite database (schema.ts). Statements are
// prepared once. A change is read -> domain rule -> conditional write (`WHERE version = ?`),
// run as BEGIN IMMEDIATE so a second process on the same WAL file cannot interleave.
import type Database from 'better-sqlite3';
import { applyChange, type ChangeOutcome, type StockChange, type StockLevel } from './domain';

interface StockRow {
  sku: string;
  quantity_on_hand: number;
  quantity_reserved: number;
  location_code: string;
  version: number;
  last_changed_at: string;
}

export type RepositoryOutcome =
  | ChangeOutcome
  | { readonly ok: false; readonly error: 'not_found' }
  /** Another writer changed the row between read and write (optimistic version check failed). */
  | { readonly ok: false; readonly error: 'version_conflict'; readonly version: number };

export interface InventoryRepository {
  get(sku: string): StockLevel | undefined;
  /** Applies a change under the optimistic version check; `nowIso` becomes the new timestamp. */
  change(sku: string, change: StockChange, nowIso: string): RepositoryOutcome;
  /** Inserts or replaces one level as given, version included (tests and tooling). */
  save(level: StockLevel): void;
  saveAll(levels: readonly StockLevel[]): void;
  count(): number;
}

const COLUMNS = 'sku, quantity_on_hand, quantity_reserved, location_code, version, last_changed_at';

function toLevel(row: StockRow): StockLevel {
  return Object.freeze({
    sku: row.sku,
    quantityOnHand: row.quantity_on_hand,
    quantityReserved: row.quantity_reserved,
    locationCode: row.location_code,
    version: row.version,
    lastChangedAt: row.last_changed_at,
  });
}

export function createInventoryRepository(db: Database.Database): InventoryRepository {
  const bySku = db.prepare<[string], StockRow>(`SELECT ${COLUMNS} FROM stock_levels WHERE sku = ?`);
  const countAll = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM stock_levels');
  const upsert = db.prepare<[StockRow]>(
    `INSERT OR REPLACE INTO stock_levels (${COLUMNS})
     VALUES (@sku, @quantity_on_hand, @quantity_reserved, @location_code, @version, @last_changed_at)`,
  );
  const updateIfVersion = db.prepare<[{ sku: string; on_hand: number; reserved: number; version: number; at: string; expected: number }]>(
    `UPDATE stock_levels
        SET quantity_on_hand = @on_hand, quantity_reserved = @reserved, version = @version, last_changed_at = @at
      WHERE sku = @sku AND version = @expected`,
  );

  const changeTx = db.transaction((sku: string, change: StockChange, nowIso: string): RepositoryOutcome => {
    const row = bySku.get(sku);
    if (!row) return { ok: false, error: 'not_found' };
    const current = toLevel(row);
    const outcome = applyChange(current, change, nowIso);
    if (!outcome.ok) return outcome;
    const { level } = outcome;
    const written = updateIfVersion.run({
      sku,
      on_hand: level.quantityOnHand,
      reserved: level.quantityReserved,
      version: level.version,
      at: level.lastChangedAt,
      expected: current.version,
    });
    if (written.changes === 0) return { ok: false, error: 'version_conflict', version: current.version };
    return outcome;
  });

  const save = (level: StockLevel): void => {
    upsert.run({
      sku: level.sku,
      quantity_on_hand: level.quantityOnHand,
      quantity_reserved: level.quantityReserved,
      location_code: level.locationCode,
      version: level.version,
      last_changed_at: level.lastChangedAt,
    });
  };
  const saveAllTx = db.transaction((levels: readonly StockLevel[]) => levels.forEach(save));

  return {
    get: (sku) => {
      const row = bySku.get(sku);
      return row ? toLevel(row) : undefined;
    },
    change: (sku, change, nowIso) => changeTx.immediate(sku, change, nowIso),
    save,
    saveAll: (levels) => saveAllTx(levels),
    count: () => countAll.get()!.n,
  };
}
