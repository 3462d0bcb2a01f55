// Which tables a database has, on either engine: readers of the diff store and the state tables
// answer "empty" on a database where a table was never created (a fresh state file, a facade
// that never compared anything) instead of failing. SQLite lists sqlite_master; PostgreSQL the
// catalog of the current schema.
import type { Sql } from './sql';

/** The names of the tables of the database `sql` is connected to. */
export async function tableNames(sql: Sql): Promise<Set<string>> {
  const rows = sql.engine === 'sqlite'
    ? await sql.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
    : await sql.all<{ name: string }>('SELECT tablename AS name FROM pg_catalog.pg_tables WHERE schemaname = current_schema()');
  return new Set(rows.map((r) => r.name));
}

// The tables of each database as last listed: Strangler never drops one, so a table listed is not
// asked about again (a gate on PostgreSQL asked about seven, a round trip each); a name not listed
// lists them again, since a writer may have made it meanwhile.
const listed = new WeakMap<Sql, Set<string>>();

/** The database a connection belongs to: a pool's connection knows what its pool knows. */
const ownerOf = (sql: Sql): Sql => (sql as { owner?: Sql }).owner ?? sql;

/** True when the database has table `name`. */
export async function hasTable(sql: Sql, name: string): Promise<boolean> {
  const db = ownerOf(sql);
  if (listed.get(db)?.has(name)) return true;
  const names = await tableNames(sql);
  listed.set(db, names);
  return names.has(name);
}

// The columns of each table as last listed: Strangler adds columns and never drops one, so a column
// listed is not asked about again.
const columns = new WeakMap<Sql, Map<string, Set<string>>>();

/** True when table `table` has column `column` (false when the table does not exist). */
export async function hasColumn(sql: Sql, table: string, column: string): Promise<boolean> {
  const db = ownerOf(sql);
  const known = columns.get(db) ?? new Map<string, Set<string>>();
  columns.set(db, known);
  if (known.get(table)?.has(column)) return true;
  const rows = sql.engine === 'sqlite'
    ? await sql.all<{ name: string }>('SELECT name FROM pragma_table_info(?)', [table])
    : await sql.all<{ name: string }>('SELECT attname AS name FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass(?) AND attnum > 0 AND NOT attisdropped', [table]);
  const names = new Set(rows.map((r) => r.name));
  known.set(table, names);
  return names.has(column);
}
