// The stores the soak writes through, on the engine its config names (a SQLite file, or a
// postgres:// URL): the state store, the diff store's writer, the divergence store and retention,
// opened as the facade opens them (io/db/open.ts), plus the store's size and rows per table.
import fs from 'node:fs';
import path from 'node:path';
import type { FacadeConfig } from '../../facade/src/config';
import { openDatabase, type OpenedDatabase } from '../../facade/src/io/db/open';
import { dbStats, type TableStats } from '../../facade/src/io/db-stats';
import { openDiffStoreWriter } from '../../facade/src/io/diff-store/open-writer';
import { DiffStoreRetention } from '../../facade/src/io/diff-store/retention';
import type { ComparisonWriter } from '../../facade/src/io/diff-store/writer';
import { loadKey } from '../../facade/src/io/divergence-seal';
import { DivergenceStore } from '../../facade/src/io/divergence-store';
import type { RouteStateStore } from '../../facade/src/io/state-api';
import { openStateStore } from '../../facade/src/io/state-open';

export interface SoakStore {
  readonly db: OpenedDatabase;
  readonly state: RouteStateStore;
  readonly writer: ComparisonWriter;
  readonly divergences: DivergenceStore;
  readonly retention: DiffStoreRetention;
  close(): Promise<void>;
}

/** Opens every store on the config's state database; `now` is the history's accelerated clock. */
export async function openSoakStore(config: FacadeConfig, dir: string, now: () => Date): Promise<SoakStore> {
  const db = await openDatabase(config.state.db);
  const state = await openStateStore(db, now);
  // The key file beside the SQLite file; on PostgreSQL in the soak's own folder (replicas would share STRANGLER_DIVERGENCE_KEY).
  const keyBeside = db.sqlite ? config.state.db : path.join(dir, 'soak-keys', 'state');
  fs.mkdirSync(path.dirname(path.resolve(keyBeside)), { recursive: true });
  const key = loadKey(keyBeside, {}, true);
  return {
    db, state,
    writer: await openDiffStoreWriter(db, config.diffStore, 'soak'),
    divergences: new DivergenceStore(db.sql, () => key),
    retention: new DiffStoreRetention(db.sql, config.retention),
    close: () => db.close(),
  };
}

/** Bytes the store takes: the SQLite file and its write-ahead log, or the PostgreSQL database. */
export async function storeBytes(db: OpenedDatabase): Promise<number> {
  if (db.pg) return Number((await db.pg.get<{ n: number }>('SELECT pg_database_size(current_database()) AS n'))!.n);
  const file = db.location;
  return [file, `${file}-wal`].reduce((n, f) => n + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
}

/** Rows and bytes (with indexes) per table, largest first. */
export async function tableStats(db: OpenedDatabase): Promise<readonly TableStats[]> {
  if (db.sqlite) return dbStats(db.sqlite).tables;
  const tables = await db.pg!.all<{ name: string; bytes: number }>(`SELECT tablename AS name, pg_total_relation_size(quote_ident(tablename)) AS bytes
    FROM pg_catalog.pg_tables WHERE schemaname = current_schema()`);
  const out: TableStats[] = [];
  for (const t of tables) {
    const rows = Number((await db.pg!.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t.name}`))!.n);
    out.push({ table: t.name, rows, bytes: Number(t.bytes) });
  }
  return out.sort((a, b) => (b.bytes ?? 0) - (a.bytes ?? 0));
}
