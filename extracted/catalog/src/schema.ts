// The catalog service's own database. Its model is the service's, not the monolith's:
// money in minor units with an explicit currency, "title"/"summary" instead of name/description.
import Database from 'better-sqlite3';

export const CATALOG_SCHEMA = `
CREATE TABLE IF NOT EXISTS catalog_items (
  item_id          INTEGER PRIMARY KEY,          -- the legacy product id, kept so URLs stay stable
  sku              TEXT    NOT NULL UNIQUE,
  title            TEXT    NOT NULL,
  summary          TEXT    NOT NULL,
  category_slug    TEXT    NOT NULL,
  unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0),
  currency         TEXT    NOT NULL DEFAULT 'USD',
  created_at       TEXT    NOT NULL,             -- ISO 8601
  updated_at       TEXT    NOT NULL              -- ISO 8601
);
CREATE INDEX IF NOT EXISTS catalog_items_category ON catalog_items(category_slug);

-- Backfill bookkeeping: bulk-copy cursor and change-log position, so a run resumes where it stopped.
CREATE TABLE IF NOT EXISTS backfill_state (
  capability      TEXT PRIMARY KEY,
  bulk_cursor     TEXT,               -- last legacy key copied in the bulk phase
  bulk_done       INTEGER NOT NULL DEFAULT 0,
  change_log_seq  INTEGER NOT NULL DEFAULT 0,
  updated_at      TEXT NOT NULL
);
`;

export function openCatalogDb(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(CATALOG_SCHEMA);
  return db;
}
