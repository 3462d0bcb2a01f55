// The service side of a backfill: opens (and creates) the service database with its schema,
// keeps the backfill_state row, and writes each batch together with its cursor or checkpoint
// in ONE transaction, so an interrupted run never leaves rows without the position that covers them.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { BackfillError, guard } from './errors';
import type { AnyMapping } from './mapping';

export interface BackfillState {
  bulkCursor: string | null;
  bulkDone: boolean;
  /** change_log position: entries up to this seq are reflected in the service database. */
  changeLogSeq: number;
}

export interface Target {
  readonly path: string;
  /** The stored state, or null before the first run. */
  state(): BackfillState | null;
  /** Starts (or restarts) a backfill: empty cursor, bulk not done, checkpoint at `seq`. */
  begin(seq: number): void;
  /** Upserts one bulk batch and moves the cursor (done = no rows left) atomically; returns rows changed. */
  writeBulk(rows: readonly unknown[], cursor: string | null, done: boolean): number;
  /** Upserts present keys, deletes absent ones, and moves the checkpoint to `seq` atomically. */
  writeChanges(present: readonly unknown[], absentKeys: readonly string[], seq: number): number;
  count(): number;
  byKeys(keys: readonly string[]): Record<string, unknown>[];
  close(): void;
}

/** Opens the service database, creating its directory, file and schema if needed. */
export function openTarget(path: string, mapping: AnyMapping, busyTimeoutMs: number): Target {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (err) {
    throw new BackfillError('SERVICE_DB_UNWRITABLE', `cannot create the directory of service database ${path}: ${(err as Error).message}`, { cause: err });
  }
  const db = guard('service', path, () => mapping.openTarget(path));
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    return prepareTarget(db, path, mapping);
  } catch (err) {
    db.close();
    throw err;
  }
}

interface StateRow {
  bulk_cursor: string | null;
  bulk_done: number;
  change_log_seq: number;
}

function prepareTarget(db: Database.Database, path: string, mapping: AnyMapping): Target {
  const q = mapping.sql;
  const run = <T>(fn: () => T): T => guard('service', path, fn);
  const stmt = (sql: string) => run(() => db.prepare(sql));
  const name = mapping.name;
  const readState = stmt('SELECT bulk_cursor, bulk_done, change_log_seq FROM backfill_state WHERE capability = ?');
  const writeState = stmt(`INSERT INTO backfill_state (capability, bulk_cursor, bulk_done, change_log_seq, updated_at)
    VALUES (@name, @cursor, @done, @seq, @now)
    ON CONFLICT (capability) DO UPDATE SET bulk_cursor = excluded.bulk_cursor, bulk_done = excluded.bulk_done,
      change_log_seq = excluded.change_log_seq, updated_at = excluded.updated_at`);
  const evict = q.targetEvict ? stmt(q.targetEvict) : null;
  const upsert = stmt(q.targetUpsert);
  const remove = stmt(q.targetDelete);
  const count = stmt(q.targetCount).pluck();
  const byKeys = stmt(q.targetByKeys);

  const current = (): BackfillState | null => {
    const row = readState.get(name) as StateRow | undefined;
    return row ? { bulkCursor: row.bulk_cursor, bulkDone: row.bulk_done === 1, changeLogSeq: row.change_log_seq } : null;
  };
  const save = (s: BackfillState) =>
    writeState.run({ name, cursor: s.bulkCursor, done: s.bulkDone ? 1 : 0, seq: s.changeLogSeq, now: new Date().toISOString() });
  const upsertAll = (rows: readonly unknown[]) => {
    let changed = 0;
    for (const row of rows) {
      const params = mapping.toTarget(row) as Record<string, unknown>;
      if (evict) changed += evict.run(params).changes;
      changed += upsert.run(params).changes;
    }
    return changed;
  };
  // IMMEDIATE: take the write lock up front, so a busy database fails before any row is written.
  const bulkTx = db.transaction((rows: readonly unknown[], cursor: string | null, done: boolean) => {
    const changed = upsertAll(rows);
    save({ ...current()!, bulkCursor: cursor, bulkDone: done });
    return changed;
  });
  const changesTx = db.transaction((present: readonly unknown[], absent: readonly string[], seq: number) => {
    let changed = upsertAll(present);
    for (const key of absent) changed += remove.run({ key }).changes;
    save({ ...current()!, changeLogSeq: seq });
    return changed;
  });

  return {
    path,
    state: () => run(current),
    begin: (seq) => run(() => db.transaction(() => save({ bulkCursor: null, bulkDone: false, changeLogSeq: seq })).immediate()),
    writeBulk: (rows, cursor, done) => run(() => bulkTx.immediate(rows, cursor, done)),
    writeChanges: (present, absent, seq) => run(() => changesTx.immediate(present, absent, seq)),
    count: () => run(() => count.get() as number),
    byKeys: (keys) => run(() => byKeys.all({ keys: JSON.stringify(keys) }) as Record<string, unknown>[]),
    close: () => db.close(),
  };
}
