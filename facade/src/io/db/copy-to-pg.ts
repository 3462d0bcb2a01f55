// `strangler db migrate --to postgres://…`: copies a SQLite state database into an empty PostgreSQL
// one. Each component (the state store here; the diff store adds its own) names its tables and makes
// them on the target; the rows are read from one SQLite snapshot and written in one PostgreSQL
// transaction, so the copy is all or nothing, and ids (audit entries, comparisons) are kept.
import type Database from 'better-sqlite3';
import type { PgSql } from './pg-sql';
import type { Sql, SqlValue } from './sql';

export interface CopiedTable {
  readonly name: string;
  /** An identity column whose sequence continues after the copied ids (`id`). */
  readonly identity?: string;
}

/** One component's part of the copy: its tables, in an order that satisfies their references. */
export interface TableCopier {
  readonly component: string;
  /** Makes the component's tables on the target (its versioned migrations). */
  prepare(target: PgSql): Promise<void>;
  readonly tables: readonly CopiedTable[];
  /** Tables counted from the copied ones, made again on the target once they are there (in the copy's transaction). */
  derive?(target: Sql): Promise<void>;
}

export interface CopiedCount {
  readonly component: string;
  readonly table: string;
  /** Rows copied; null when the source has no such table (nothing to copy). */
  readonly rows: number | null;
}

/** The target already holds data: a copy never merges into it. */
export class MigrateTargetNotEmptyError extends Error {
  readonly code = 'MIGRATE_TARGET_NOT_EMPTY';
  constructor(readonly tables: ReadonlyArray<{ table: string; rows: number }>) {
    super(`the target database is not empty (${tables.map((t) => `${t.table}: ${t.rows} rows`).join(', ')}): migrate into an empty database`);
    this.name = 'MigrateTargetNotEmptyError';
  }
}

const BATCH = 500;
const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

function sourceColumns(source: Database.Database, table: string): string[] | null {
  const cols = source.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as Array<{ name: string }>;
  return cols.length > 0 ? cols.map((c) => c.name) : null;
}

async function targetColumns(tx: Sql, table: string): Promise<Set<string>> {
  const rows = await tx.all<{ name: string }>(
    'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?', [table]);
  return new Set(rows.map((r) => r.name));
}

async function insertBatch(tx: Sql, table: string, columns: readonly string[], rows: readonly SqlValue[][]): Promise<void> {
  const one = `(${columns.map(() => '?').join(', ')})`;
  await tx.run(`INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES ${rows.map(() => one).join(', ')}`, rows.flat());
}

/** Copies one table; every source column must exist on the target (nothing is dropped silently). */
async function copyTable(source: Database.Database, tx: Sql, t: CopiedTable): Promise<number | null> {
  const columns = sourceColumns(source, t.name);
  if (columns === null) return null;
  const target = await targetColumns(tx, t.name);
  const missing = columns.filter((c) => !target.has(c));
  if (missing.length > 0) throw new Error(`${t.name}: the target has no column ${missing.join(', ')} (is it an older schema?)`);
  let rows = 0;
  let batch: SqlValue[][] = [];
  // One statement streams the table; nothing else runs on this SQLite connection meanwhile.
  for (const row of source.prepare(`SELECT ${columns.map(quote).join(', ')} FROM ${quote(t.name)}`).raw().iterate() as Iterable<SqlValue[]>) {
    batch.push(row);
    if (batch.length === BATCH) { await insertBatch(tx, t.name, columns, batch); rows += batch.length; batch = []; }
  }
  if (batch.length > 0) { await insertBatch(tx, t.name, columns, batch); rows += batch.length; }
  if (t.identity) {
    await tx.get(`SELECT setval(pg_get_serial_sequence(?, ?), COALESCE(MAX(${quote(t.identity)}), 0) + 1, false) FROM ${quote(t.name)}`, [t.name, t.identity]);
  }
  return rows;
}

/**
 * Copies every component's tables from `source` (a SQLite state, possibly in use by a running
 * facade: one read snapshot) into `target`, which must hold none of their rows yet.
 */
export async function copyToPostgres(source: Database.Database, target: PgSql, copiers: readonly TableCopier[]): Promise<CopiedCount[]> {
  for (const c of copiers) await c.prepare(target);
  return target.transaction(async (tx) => {
    const full: Array<{ table: string; rows: number }> = [];
    for (const c of copiers) {
      for (const t of c.tables) {
        const row = await tx.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${quote(t.name)}`);
        if (Number(row?.n ?? 0) > 0) full.push({ table: t.name, rows: Number(row!.n) });
      }
    }
    if (full.length > 0) throw new MigrateTargetNotEmptyError(full);
    const counts: CopiedCount[] = [];
    source.exec('BEGIN'); // a read snapshot (WAL): writes of a running facade after it are not part of the copy
    try {
      for (const c of copiers) {
        for (const t of c.tables) counts.push({ component: c.component, table: t.name, rows: await copyTable(source, tx, t) });
        await c.derive?.(tx);
      }
    } finally {
      source.exec('COMMIT');
    }
    await tx.run("SELECT pg_notify('strangler_state', '*')"); // replicas already on it re-read their stages
    return counts;
  });
}
