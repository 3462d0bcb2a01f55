// The diff store's writer for whichever engine holds the state database (io/db/open.ts): the
// SQLite one on the file's connection (or on a thread of its own), the PostgreSQL one (migrated
// first) on the pool.
import type Database from 'better-sqlite3';
import type { PgSql } from '../db/pg-sql';
import { PgDiffStoreWriter } from './pg-writer';
import { ThreadedDiffStoreWriter } from './thread-writer';
import { DEFAULT_LIMITS, DiffStoreWriter, type ComparisonWriter, type DiffStoreLimits } from './writer';

/** Where the diff store lives: exactly one of the two handles is set. */
export interface DiffStoreHandles {
  readonly sqlite: Database.Database | null;
  readonly pg: PgSql | null;
}

/**
 * A writer stamping `replica` on every comparison it stores. On a SQLite file, with `thread`, it
 * writes on a thread of its own (thread-writer.ts); in memory (`:memory:`) on the main connection.
 */
export async function openDiffStoreWriter(db: DiffStoreHandles, limits: DiffStoreLimits = DEFAULT_LIMITS, replica: string | null = null, thread = false): Promise<ComparisonWriter> {
  if (db.pg) return PgDiffStoreWriter.open(db.pg, limits, replica);
  if (!db.sqlite) throw new Error('openDiffStoreWriter: neither a SQLite connection nor a PostgreSQL pool');
  if (thread && !db.sqlite.memory) return new ThreadedDiffStoreWriter(db.sqlite, limits, replica);
  return new DiffStoreWriter(db.sqlite, limits, replica);
}
