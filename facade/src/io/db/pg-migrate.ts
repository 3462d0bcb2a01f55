// Versioned schema migrations on PostgreSQL, run once per database however many replicas start at
// the same moment: under one advisory lock, each component (state, diff store) records the number
// of migrations applied in `strangler_schema` and applies only the ones after it, in one transaction.
import { migrateUnderLock, type PgSql } from './pg-sql';

/** The advisory lock every Strangler migration takes (one number for the whole schema). */
export const MIGRATION_LOCK = 0x5354_5247; // "STRG"

/**
 * Applies `migrations[n..]` for `component`, where n is how many were applied before. Migrations are
 * append-only: never edit one that has shipped, add the next. Returns the component's version.
 */
export async function migratePg(pg: PgSql, component: string, migrations: readonly string[]): Promise<number> {
  // Already current (every start but the first after an upgrade): one read, no lock, no transaction.
  const current = await pg.get<{ version: number }>('SELECT version FROM strangler_schema WHERE component = ?', [component]).catch(() => undefined);
  if (current?.version === migrations.length) return current.version;
  let version = 0;
  await migrateUnderLock(pg, MIGRATION_LOCK, async (tx) => {
    await tx.exec(`CREATE TABLE IF NOT EXISTS strangler_schema (
      component  TEXT PRIMARY KEY,
      version    INTEGER NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    )`);
    const row = await tx.get<{ version: number }>('SELECT version FROM strangler_schema WHERE component = ?', [component]);
    version = row?.version ?? 0;
    if (version > migrations.length) {
      throw new Error(`the ${component} schema is at version ${version}, newer than this build knows (${migrations.length}): upgrade this replica`);
    }
    for (let i = version; i < migrations.length; i++) await tx.exec(migrations[i]);
    if (version < migrations.length) {
      await tx.run(`INSERT INTO strangler_schema (component, version) VALUES (?, ?)
        ON CONFLICT (component) DO UPDATE SET version = excluded.version, updated_at = now()`, [component, migrations.length]);
      version = migrations.length;
    }
  });
  return version;
}
