// The diff store's writer for whichever engine holds the state database (io/db/open.ts): the
// SQLite one on the file's connection, the PostgreSQL one (migrated first) on the pool.
import type Database from 'better-sqlite3';
import type { PgSql } from '../db/pg-sql';
import { PgDiffStoreWriter } from './pg-writer';
import { DEFAULT_LIMITS, DiffStoreWriter, type ComparisonWriter, type DiffStoreLimits } from './writer';

/** Where the diff store lives: exactly one of the two handles is set. */
export interface DiffStoreHandles {
  readonly sqlite: Database.Database | null;
  readonly pg: PgSql | null;
}

/** A writer stamping `replica` on every comparison it stores. */
export async function openDiffStoreWriter(db: DiffStoreHandles, limits: DiffStoreLimits = DEFAULT_LIMITS, replica: string | null = null): Promise<ComparisonWriter> {
  if (db.pg) return PgDiffStoreWriter.open(db.pg, limits, replica);
  if (!db.sqlite) throw new Error('openDiffStoreWriter: neither a SQLite connection nor a PostgreSQL pool');
  return new DiffStoreWriter(db.sqlite, limits, replica);
}
