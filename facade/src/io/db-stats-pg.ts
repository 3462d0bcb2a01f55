// Rows and bytes per table of a PostgreSQL state database (`strangler db stats`): the tables of the
// current schema only (not pg_catalog, not other schemas sharing the database), exact COUNT(*)s and
// pg_total_relation_size (table, indexes and TOAST), read in one read-only snapshot.
import type { PgSql } from './db/pg-sql';
import { redactUrl } from './db/sql';
import type { TableStats } from './db-stats';

export interface PgDbStats {
  readonly engine: 'postgres';
  /** The URL it was read from, password redacted. */
  readonly location: string;
  readonly database: string;
  /** The schema whose tables are listed (current_schema(); null when search_path names none). */
  readonly schema: string | null;
  /** server_version without the packager's note, e.g. `15.8`. */
  readonly server: string;
  /** Largest first; bytes include the table's indexes and TOAST. */
  readonly tables: readonly TableStats[];
  /** pg_database_size: every schema of the database, the system catalog included. */
  readonly databaseBytes: number;
  /** Rows are exact COUNT(*)s (not planner estimates), all from one snapshot. */
  readonly rowCounts: 'exact';
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The figures of the database `pg` is connected to (`url` only names it, redacted). */
export async function pgDbStats(pg: PgSql, url: string): Promise<PgDbStats> {
  return pg.transaction(async (tx) => {
    // One snapshot: the counts of all tables belong together even while replicas write; and nothing can change.
    await tx.exec('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const head = (await tx.get<{ database: string; schema: string | null; server: string; bytes: number }>(
      "SELECT current_database() AS database, current_schema() AS schema, split_part(current_setting('server_version'), ' ', 1) AS server, pg_database_size(current_database()) AS bytes",
    ))!;
    // relkind r: ordinary tables, p: partitioned ones (their size is their partitions'; we make none today).
    const rels = await tx.all<{ name: string; bytes: number }>(`SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname`);
    const tables: TableStats[] = [];
    for (const r of rels) {
      const n = await tx.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${quote(head.schema!)}.${quote(r.name)}`);
      tables.push({ table: r.name, rows: Number(n!.n), bytes: Number(r.bytes) });
    }
    tables.sort((a, b) => (b.bytes ?? 0) - (a.bytes ?? 0) || b.rows - a.rows || a.table.localeCompare(b.table));
    return {
      engine: 'postgres', location: redactUrl(url), database: head.database, schema: head.schema, server: head.server,
      tables, databaseBytes: Number(head.bytes), rowCounts: 'exact',
    };
  });
}
