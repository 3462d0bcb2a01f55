// The monolith side of a backfill: opens the legacy database read-only, checks that the
// tables and columns a mapping reads are there, and reads rows and change_log entries.
// Nothing here can write to the monolith: the connection itself is read-only.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { BackfillError, guard } from './errors';
import type { AnyMapping } from './mapping';

/** One change_log entry of the capability's entity. */
export interface ChangeEntry {
  seq: number;
  entity_key: string;
  op: 'insert' | 'update' | 'delete';
}

export interface Source {
  readonly path: string;
  count(): number;
  countUpTo(cursor: string): number;
  batchAfter(cursor: string | null, limit: number): unknown[];
  byKeys(keys: readonly string[]): unknown[];
  sampleKeys(size: number): string[];
  maxSeq(): number;
  /** Highest seq after `after` committed at or before `cutoff` (change_log's "YYYY-MM-DD HH:MM:SS.SSS", UTC), else `after`. */
  settledSeq(after: number, cutoff: string): number;
  /** The keys among `keys` that have change_log entries after `seq`. */
  keysChangedAfter(seq: number, keys: readonly string[]): string[];
  changesAfter(seq: number, upTo: number, limit: number): ChangeEntry[];
  close(): void;
}

/** Opens the monolith database read-only and checks its schema; throws a BackfillError if unusable. */
export function openSource(path: string, mapping: AnyMapping, busyTimeoutMs: number): Source {
  if (!existsSync(path)) {
    throw new BackfillError('MONOLITH_DB_MISSING', `monolith database ${path} does not exist (set MONOLITH_DB or --monolith-db)`);
  }
  const db = guard('monolith', path, () => new Database(path, { readonly: true, fileMustExist: true }));
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    guard('monolith', path, () => checkSchema(db, path, mapping));
    return prepareSource(db, path, mapping);
  } catch (err) {
    db.close();
    throw err;
  }
}

function checkSchema(db: Database.Database, path: string, mapping: AnyMapping): void {
  for (const [table, columns] of Object.entries(mapping.requiredSource)) {
    const present = new Set(
      (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]),
    );
    if (present.size === 0) {
      throw new BackfillError(
        'WRONG_SCHEMA',
        `monolith database ${path} has no table "${table}" (the ${mapping.name} backfill reads it)`,
      );
    }
    const missing = columns.filter((c) => !present.has(c));
    if (missing.length > 0) {
      throw new BackfillError(
        'WRONG_SCHEMA',
        `monolith table "${table}" in ${path} lacks column(s) ${missing.map((c) => `"${c}"`).join(', ')}`,
      );
    }
  }
}

function prepareSource(db: Database.Database, path: string, mapping: AnyMapping): Source {
  const q = mapping.sql;
  const stmt = (sql: string) => guard('monolith', path, () => db.prepare(sql));
  const count = stmt(q.sourceCount).pluck();
  const countUpTo = stmt(q.sourceCountUpTo).pluck();
  const batchAfter = stmt(q.sourceBatchAfter);
  const byKeys = stmt(q.sourceByKeys);
  const sampleKeys = stmt(q.sourceSampleKeys).pluck();
  const maxSeq = stmt('SELECT COALESCE(MAX(seq), 0) FROM change_log').pluck();
  const settled = stmt('SELECT COALESCE(MAX(seq), @after) FROM change_log WHERE seq > @after AND changed_at <= @cutoff').pluck();
  const changedAfter = stmt(`SELECT DISTINCT entity_key FROM change_log
    WHERE seq > @seq AND entity = @entity AND entity_key IN (SELECT value FROM json_each(@keys))`).pluck();
  const changes = stmt(`SELECT seq, entity_key, op FROM change_log
    WHERE seq > @after AND seq <= @upTo AND entity = @entity ORDER BY seq LIMIT @limit`);
  const run = <T>(fn: () => T): T => guard('monolith', path, fn);
  return {
    path,
    count: () => run(() => count.get() as number),
    countUpTo: (cursor) => run(() => countUpTo.get({ cursor }) as number),
    batchAfter: (cursor, limit) => run(() => batchAfter.all({ cursor, limit })),
    byKeys: (keys) => run(() => byKeys.all({ keys: JSON.stringify(keys) })),
    sampleKeys(size) {
      const total = this.count();
      const stride = Math.max(1, Math.floor(total / Math.max(1, size)));
      return run(() => sampleKeys.all({ stride, limit: size }) as string[]);
    },
    maxSeq: () => run(() => maxSeq.get() as number),
    settledSeq: (after, cutoff) => run(() => settled.get({ after, cutoff }) as number),
    keysChangedAfter: (seq, keys) =>
      run(() => changedAfter.all({ seq, entity: mapping.entity, keys: JSON.stringify(keys) }) as string[]),
    changesAfter: (after, upTo, limit) =>
      run(() => changes.all({ after, upTo, limit, entity: mapping.entity }) as ChangeEntry[]),
    close: () => db.close(),
  };
}
