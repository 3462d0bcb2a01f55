// Inventory mapping: monolith `inventory` → inventory service `stock_levels`.
// on_hand→quantity_on_hand, reserved→quantity_reserved, warehouse→location_code,
// updated_at→last_changed_at (ISO 8601); the service's optimistic `version` goes up only when a row changes.
import { openInventoryDb } from '../../extracted/inventory/src/schema';
import type { InventoryRow } from '../../monolith/src/store/inventory';
import { diffFields, legacyToIso, type Mapping } from './mapping';

export type { InventoryRow } from '../../monolith/src/store/inventory';

export interface StockLevelWrite {
  sku: string;
  quantity_on_hand: number;
  quantity_reserved: number;
  location_code: string;
  last_changed_at: string;
}

const INVENTORY_COLUMNS = ['sku', 'on_hand', 'reserved', 'warehouse', 'updated_at'];
const STOCK_FIELDS = ['quantity_on_hand', 'quantity_reserved', 'location_code', 'last_changed_at'] as const;

export const inventoryMapping: Mapping<InventoryRow, StockLevelWrite> = {
  name: 'inventory',
  entity: 'inventory',
  requiredSource: {
    inventory: INVENTORY_COLUMNS,
    change_log: ['seq', 'entity', 'entity_key', 'op'],
  },
  openTarget: openInventoryDb,
  sql: {
    sourceCount: 'SELECT COUNT(*) FROM inventory',
    // '' sorts before every SKU, so a NULL cursor means "from the start".
    sourceBatchAfter: `SELECT ${INVENTORY_COLUMNS.join(', ')} FROM inventory
      WHERE sku > COALESCE(@cursor, '') ORDER BY sku LIMIT @limit`,
    sourceCountUpTo: 'SELECT COUNT(*) FROM inventory WHERE sku <= @cursor',
    sourceByKeys: `SELECT ${INVENTORY_COLUMNS.join(', ')} FROM inventory
      WHERE sku IN (SELECT value FROM json_each(@keys))`,
    sourceSampleKeys: `SELECT sku FROM (SELECT sku, ROW_NUMBER() OVER (ORDER BY sku) AS rn FROM inventory)
      WHERE rn % @stride = 0 LIMIT @limit`,
    targetCount: 'SELECT COUNT(*) FROM stock_levels',
    // version starts at 1 (column default) and is bumped only when a field really changes,
    // so re-running the backfill over identical rows leaves the service's versions alone.
    targetUpsert: `INSERT INTO stock_levels (sku, ${STOCK_FIELDS.join(', ')})
      VALUES (@sku, ${STOCK_FIELDS.map((f) => '@' + f).join(', ')})
      ON CONFLICT (sku) DO UPDATE SET ${STOCK_FIELDS.map((f) => `${f} = excluded.${f}`).join(', ')},
        version = version + 1
      WHERE (${STOCK_FIELDS.join(', ')}) IS NOT (${STOCK_FIELDS.map((f) => 'excluded.' + f).join(', ')})`,
    targetDelete: 'DELETE FROM stock_levels WHERE sku = @key',
    targetByKeys: 'SELECT * FROM stock_levels WHERE sku IN (SELECT value FROM json_each(@keys))',
  },
  keyOf: (row) => row.sku,
  cursorOf: (row) => row.sku,
  targetKeyOf: (row) => String(row.sku),
  toTarget(row) {
    return {
      sku: row.sku,
      quantity_on_hand: row.on_hand,
      quantity_reserved: row.reserved,
      location_code: row.warehouse,
      last_changed_at: legacyToIso(row.updated_at, { table: 'inventory', key: row.sku, field: 'updated_at' }),
    };
  },
  compare(source, target) {
    // version is the service's own bookkeeping, not monolith data, so it is not compared.
    return diffFields(source.sku, inventoryMapping.toTarget(source), target);
  },
};
