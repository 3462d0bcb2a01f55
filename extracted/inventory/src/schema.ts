// The inventory service's own database: stock levels per SKU with an optimistic version,
// in the service's own vocabulary (quantities, location codes), ISO timestamps.
import Database from 'better-sqlite3';

export const INVENTORY_SCHEMA = `
CREATE TABLE IF NOT EXISTS stock_levels (
  sku               TEXT    PRIMARY KEY,
  quantity_on_hand  INTEGER NOT NULL CHECK (quantity_on_hand >= 0),
  quantity_reserved INTEGER NOT NULL DEFAULT 0 CHECK (quantity_reserved >= 0),
  location_code     TEXT    NOT NULL,
  version           INTEGER NOT NULL DEFAULT 1,
  last_changed_at   TEXT    NOT NULL      -- ISO 8601
);

-- Backfill bookkeeping: bulk-copy cursor and change-log position, so a run resumes where it stopped.
CREATE TABLE IF NOT EXISTS backfill_state (
  capability      TEXT PRIMARY KEY,
  bulk_cursor     TEXT,
  bulk_done       INTEGER NOT NULL DEFAULT 0,
  change_log_seq  INTEGER NOT NULL DEFAULT 0,
  updated_at      TEXT NOT NULL
);
`;

export function openInventoryDb(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(INVENTORY_SCHEMA);
  return db;
}
