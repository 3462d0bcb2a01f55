// The legacy shop's single database: every domain (catalog, inventory, users, orders)
// lives in one SQLite file, joined freely, the way a real monolith's tables are.
// The change_log table (filled by triggers) is the seam the backfill's follow mode reads.
import Database from 'better-sqlite3';

export const MONOLITH_SCHEMA_VERSION = 1;

export const MONOLITH_SCHEMA = `
CREATE TABLE IF NOT EXISTS products (
  id          INTEGER PRIMARY KEY,
  sku         TEXT    NOT NULL UNIQUE,
  name        TEXT    NOT NULL,
  description TEXT    NOT NULL,
  category    TEXT    NOT NULL,
  price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
  created_at  TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS products_category ON products(category);

CREATE TABLE IF NOT EXISTS inventory (
  sku        TEXT    PRIMARY KEY REFERENCES products(sku),
  on_hand    INTEGER NOT NULL CHECK (on_hand >= 0),
  reserved   INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  warehouse  TEXT    NOT NULL,
  updated_at TEXT    NOT NULL
);

CREATE TABLE IF NOT EXISTS users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  full_name     TEXT NOT NULL,
  password_salt TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at    TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS sessions (
  token      TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS orders (
  id          INTEGER PRIMARY KEY,
  user_id     INTEGER REFERENCES users(id),
  status      TEXT    NOT NULL CHECK (status IN ('placed', 'cancelled')),
  total_cents INTEGER NOT NULL,
  created_at  TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL
);

CREATE TABLE IF NOT EXISTS order_items (
  order_id         INTEGER NOT NULL REFERENCES orders(id),
  sku              TEXT    NOT NULL REFERENCES products(sku),
  quantity         INTEGER NOT NULL CHECK (quantity > 0),
  unit_price_cents INTEGER NOT NULL,
  PRIMARY KEY (order_id, sku)
);

-- Every write to a migrating capability's tables, in commit order; read by the backfill's follow mode.
CREATE TABLE IF NOT EXISTS change_log (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  entity     TEXT NOT NULL CHECK (entity IN ('product', 'inventory')),
  entity_key TEXT NOT NULL,
  op         TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
  changed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now'))
);

CREATE TRIGGER IF NOT EXISTS products_ai AFTER INSERT ON products
  BEGIN INSERT INTO change_log (entity, entity_key, op) VALUES ('product', NEW.sku, 'insert'); END;
CREATE TRIGGER IF NOT EXISTS products_au AFTER UPDATE ON products
  BEGIN INSERT INTO change_log (entity, entity_key, op) VALUES ('product', NEW.sku, 'update'); END;
CREATE TRIGGER IF NOT EXISTS products_ad AFTER DELETE ON products
  BEGIN INSERT INTO change_log (entity, entity_key, op) VALUES ('product', OLD.sku, 'delete'); END;
CREATE TRIGGER IF NOT EXISTS inventory_ai AFTER INSERT ON inventory
  BEGIN INSERT INTO change_log (entity, entity_key, op) VALUES ('inventory', NEW.sku, 'insert'); END;
CREATE TRIGGER IF NOT EXISTS inventory_au AFTER UPDATE ON inventory
  BEGIN INSERT INTO change_log (entity, entity_key, op) VALUES ('inventory', NEW.sku, 'update'); END;
CREATE TRIGGER IF NOT EXISTS inventory_ad AFTER DELETE ON inventory
  BEGIN INSERT INTO change_log (entity, entity_key, op) VALUES ('inventory', OLD.sku, 'delete'); END;
`;

/** Legacy timestamp format ("2024-05-01 12:00:00"), kept because clients parse it. */
export function legacyNow(now: Date = new Date()): string {
  return now.toISOString().replace('T', ' ').slice(0, 19);
}

/** Opens (and creates if needed) the monolith database in WAL mode with the schema applied. */
export function openMonolithDb(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.exec(MONOLITH_SCHEMA);
  db.pragma(`user_version = ${MONOLITH_SCHEMA_VERSION}`);
  return db;
}
