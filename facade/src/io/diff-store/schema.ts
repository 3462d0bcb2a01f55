// The diff store's tables, in one place: comparisons (slim rows, with the unified diff for the
// newest samples), the differing fields of each comparison (facts, re-classified by readers),
// per-endpoint and per-field noise evidence (kept for ever, small), and outcome counts per minute,
// rolled up per hour and per day as they age (core/retention.ts). Databases from before the facts
// existed keep their old rows in `*_v1` tables. The PostgreSQL twin is pg-schema.ts.
import type Database from 'better-sqlite3';
import { FACT_COMPARISON_COLUMNS, FILL_FACT_COMPARISONS } from './fact-comparisons';
import { STAGE_HOURS_DDL, STAGE_HOURS_REBUILD } from './stage-hours';

/** Bumped whenever a table changes shape; stored in the `diff_store_version` table. */
export const DIFF_STORE_VERSION = 8;

const TABLES = `
CREATE TABLE IF NOT EXISTS comparisons (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  at             TEXT    NOT NULL,
  route          TEXT    NOT NULL,
  endpoint       TEXT    NOT NULL,
  stage          TEXT    NOT NULL,
  kind           TEXT    NOT NULL CHECK (kind IN ('read', 'write')),
  method         TEXT    NOT NULL,
  path           TEXT    NOT NULL,
  request_id     TEXT,
  primary_side   TEXT    NOT NULL,
  primary_status INTEGER,
  shadow_status  INTEGER,
  primary_ms     REAL,
  shadow_ms      REAL,
  outcome        TEXT    NOT NULL,
  reason         TEXT,
  reasked        INTEGER NOT NULL DEFAULT 0,
  self_fields    TEXT,
  diff           TEXT,
  detail         TEXT,
  replica        TEXT
);
CREATE INDEX IF NOT EXISTS comparisons_route ON comparisons(route, id);
CREATE INDEX IF NOT EXISTS comparisons_route_at ON comparisons(route, at);
-- The rows that still carry their unified diff (the newest diffsPerRoute per route): the writer finds the oldest to clear without walking the rest.
CREATE INDEX IF NOT EXISTS comparisons_diffs ON comparisons(route, id) WHERE diff IS NOT NULL;
CREATE TABLE IF NOT EXISTS comparison_fields (
  comparison_id INTEGER NOT NULL,
  route         TEXT    NOT NULL,
  endpoint      TEXT    NOT NULL,
  field         TEXT    NOT NULL,
  path          TEXT    NOT NULL,
  kind          TEXT    NOT NULL,
  primary_value TEXT,
  shadow_value  TEXT,
  primary_hash  TEXT    NOT NULL,
  generated     TEXT,
  generated_ms  REAL,
  echo          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS comparison_fields_comparison ON comparison_fields(comparison_id);
CREATE INDEX IF NOT EXISTS comparison_fields_route ON comparison_fields(route, comparison_id);
CREATE TABLE IF NOT EXISTS endpoint_stats (
  route       TEXT    NOT NULL,
  endpoint    TEXT    NOT NULL,
  comparisons INTEGER NOT NULL DEFAULT 0,
  reasks      INTEGER NOT NULL DEFAULT 0,
  first_seen  TEXT    NOT NULL,
  last_seen   TEXT    NOT NULL,
  PRIMARY KEY (route, endpoint)
);
CREATE TABLE IF NOT EXISTS endpoint_fields (
  route          TEXT    NOT NULL,
  endpoint       TEXT    NOT NULL,
  field          TEXT    NOT NULL,
  shadow_diffs   INTEGER NOT NULL DEFAULT 0,
  self_diffs     INTEGER NOT NULL DEFAULT 0,
  confirmed      INTEGER NOT NULL DEFAULT 0,
  shadow_self_diffs INTEGER NOT NULL DEFAULT 0,
  primary_hashes TEXT    NOT NULL DEFAULT '[]',
  first_seen     TEXT    NOT NULL,
  last_seen      TEXT    NOT NULL,
  PRIMARY KEY (route, endpoint, field)
);
CREATE TABLE IF NOT EXISTS comparison_minutes (
  route   TEXT    NOT NULL,
  minute  TEXT    NOT NULL,
  outcome TEXT    NOT NULL,
  count   INTEGER NOT NULL,
  PRIMARY KEY (route, minute, outcome)
);
CREATE TABLE IF NOT EXISTS comparison_hours (
  route   TEXT    NOT NULL,
  hour    TEXT    NOT NULL,
  outcome TEXT    NOT NULL,
  count   INTEGER NOT NULL,
  PRIMARY KEY (route, hour, outcome)
);
CREATE TABLE IF NOT EXISTS comparison_days (
  route   TEXT    NOT NULL,
  day     TEXT    NOT NULL,
  outcome TEXT    NOT NULL,
  count   INTEGER NOT NULL,
  PRIMARY KEY (route, day, outcome)
);
${STAGE_HOURS_DDL('TEXT   ', 'INTEGER', ' WITHOUT ROWID')}
`;

function version(db: Database.Database): number {
  db.exec('CREATE TABLE IF NOT EXISTS diff_store_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT MAX(version) AS v FROM diff_store_version').get() as { v: number | null };
  return row.v ?? 0;
}

function hasColumn(db: Database.Database, table: string, column: string): boolean {
  const cols = db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as Array<{ name: string }>;
  return cols.some((c) => c.name === column);
}

/**
 * Creates the tables, moving a version-1 store's tables aside (nothing is dropped); version 3 added
 * the hour and day counts, version 4 the replica that made each comparison (null on older rows),
 * version 5 the gate's counts per stage and hour (counted from the rows already there) and the index
 * of the rows that keep a diff, version 6 each fact's copy of its comparison's columns
 * (fact-comparisons.ts, filled from the rows already there), version 7 the gate's counts per day
 * instead of per hour (counted again), version 8 the times the shadow, asked again, disagreed with
 * itself at a field (0 on older rows). Idempotent.
 */
export function migrateDiffStore(db: Database.Database): void {
  db.transaction(() => {
    const v = version(db);
    if (v >= DIFF_STORE_VERSION) return;
    if (v < 2 && hasColumn(db, 'comparisons', 'mismatched')) {
      db.exec('ALTER TABLE comparisons RENAME TO comparisons_v1; DROP INDEX IF EXISTS comparisons_route;');
      for (const t of ['field_stats', 'route_stats', 'comparison_minutes']) {
        if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t)) db.exec(`ALTER TABLE ${t} RENAME TO ${t}_v1`);
      }
    }
    db.exec(TABLES);
    if (!hasColumn(db, 'comparisons', 'replica')) db.exec('ALTER TABLE comparisons ADD COLUMN replica TEXT');
    if (!hasColumn(db, 'endpoint_fields', 'shadow_self_diffs')) db.exec('ALTER TABLE endpoint_fields ADD COLUMN shadow_self_diffs INTEGER NOT NULL DEFAULT 0');
    for (const [name, type] of FACT_COMPARISON_COLUMNS) if (!hasColumn(db, 'comparison_fields', name)) db.exec(`ALTER TABLE comparison_fields ADD COLUMN ${name} ${type}`);
    if (v < 7) for (const st of STAGE_HOURS_REBUILD) db.exec(st);
    if (v < 6) db.exec(FILL_FACT_COMPARISONS);
    db.prepare('INSERT INTO diff_store_version (version) VALUES (?)').run(DIFF_STORE_VERSION);
  }).immediate();
}
