// Rows and bytes per table of the state database (`strangler db stats`, the soak): bytes from
// SQLite's `dbstat` virtual table (a table's own pages plus its indexes'), or, in a SQLite built
// without it, only the file's page counts. Read-only. A PostgreSQL state has its own: db-stats-pg.ts.
import fs from 'node:fs';
import type Database from 'better-sqlite3';

export interface TableStats {
  readonly table: string;
  readonly rows: number;
  /** Pages of the table and its indexes, in bytes; null without `dbstat`. */
  readonly bytes: number | null;
}

export interface DbStats {
  readonly engine: 'sqlite';
  readonly file: string;
  readonly tables: readonly TableStats[];
  readonly pageSize: number;
  /** Pages in the database file, and of those the free ones (reused by new rows; the file does not shrink). */
  readonly pages: number;
  readonly freePages: number;
  /** Sizes on disk of the database file and its write-ahead log (0 when absent or in memory). */
  readonly fileBytes: number;
  readonly walBytes: number;
  /** Whether per-table bytes came from `dbstat`. */
  readonly dbstat: boolean;
}

const sizeOf = (file: string): number => {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
};

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Bytes per table (indexes counted with their table), or null when this SQLite has no `dbstat`. */
function bytesPerTable(db: Database.Database): Map<string, number> | null {
  let rows: Array<{ name: string; bytes: number }>;
  try {
    // aggregate = TRUE: one row per table or index, without visiting each page's cells.
    rows = db.prepare("SELECT name, pgsize AS bytes FROM dbstat WHERE aggregate = TRUE").all() as Array<{ name: string; bytes: number }>;
  } catch {
    return null;
  }
  const owner = new Map((db.prepare("SELECT name, tbl_name AS tbl FROM sqlite_master WHERE type IN ('table', 'index')").all() as
    Array<{ name: string; tbl: string }>).map((r) => [r.name, r.tbl]));
  const out = new Map<string, number>();
  for (const r of rows) {
    const table = owner.get(r.name) ?? r.name; // sqlite_autoindex_* names are in sqlite_master too
    out.set(table, (out.get(table) ?? 0) + r.bytes);
  }
  return out;
}

/** Every table of `db` (SQLite's own `sqlite_*` tables left out), largest first. */
export function dbStats(db: Database.Database): DbStats {
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  const bytes = bytesPerTable(db);
  const tables = names.map((table) => ({
    table,
    rows: db.prepare(`SELECT COUNT(*) FROM ${quote(table)}`).pluck().get() as number,
    bytes: bytes?.get(table) ?? (bytes ? 0 : null),
  })).sort((a, b) => (b.bytes ?? 0) - (a.bytes ?? 0) || b.rows - a.rows || a.table.localeCompare(b.table));
  const file = db.name;
  const memory = file === ':memory:' || file === '';
  return {
    engine: 'sqlite', file, tables, dbstat: bytes !== null,
    pageSize: db.pragma('page_size', { simple: true }) as number,
    pages: db.pragma('page_count', { simple: true }) as number,
    freePages: db.pragma('freelist_count', { simple: true }) as number,
    fileBytes: memory ? 0 : sizeOf(file),
    walBytes: memory ? 0 : sizeOf(`${file}-wal`),
  };
}
