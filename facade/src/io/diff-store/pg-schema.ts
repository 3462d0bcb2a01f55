// The diff store's tables on PostgreSQL, the twin of schema.ts (same tables, columns and meanings,
// so readers share their SQL): comparisons with the replica that made each, their facts, the noise
// evidence, outcome counts per minute/hour/day, and the divergences. Migrations are append-only and
// run once per database under the advisory lock (io/db/pg-migrate.ts), however many replicas start.
import { migratePg } from '../db/pg-migrate';
import { FACT_COMPARISON_COLUMNS, FILL_FACT_COMPARISONS } from './fact-comparisons';
import type { PgSql } from '../db/pg-sql';
import { STAGE_HOURS_DDL, STAGE_HOURS_REBUILD } from './stage-hours';

/** Component name in `strangler_schema`. */
export const PG_DIFF_STORE = 'diff_store';

// Times and minute keys are ISO text compared as bytes (COLLATE "C"), as in SQLite: the same
// `at >= ?` works in both, whatever collation the database was created with.
const V1 = `
CREATE TABLE IF NOT EXISTS comparisons (
  id             BIGSERIAL PRIMARY KEY,
  at             TEXT COLLATE "C" NOT NULL,
  route          TEXT NOT NULL,
  endpoint       TEXT NOT NULL,
  stage          TEXT NOT NULL,
  kind           TEXT NOT NULL CHECK (kind IN ('read', 'write')),
  method         TEXT NOT NULL,
  path           TEXT NOT NULL,
  request_id     TEXT,
  primary_side   TEXT NOT NULL,
  primary_status INTEGER,
  shadow_status  INTEGER,
  primary_ms     DOUBLE PRECISION,
  shadow_ms      DOUBLE PRECISION,
  outcome        TEXT NOT NULL,
  reason         TEXT,
  reasked        INTEGER NOT NULL DEFAULT 0,
  self_fields    TEXT,
  diff           TEXT,
  detail         TEXT,
  replica        TEXT
);
CREATE INDEX IF NOT EXISTS comparisons_route ON comparisons(route, id);
CREATE INDEX IF NOT EXISTS comparisons_route_at ON comparisons(route, at);
CREATE TABLE IF NOT EXISTS comparison_fields (
  comparison_id BIGINT NOT NULL,
  route         TEXT NOT NULL,
  endpoint      TEXT NOT NULL,
  field         TEXT NOT NULL,
  path          TEXT NOT NULL,
  kind          TEXT NOT NULL,
  primary_value TEXT,
  shadow_value  TEXT,
  primary_hash  TEXT NOT NULL,
  generated     TEXT,
  generated_ms  DOUBLE PRECISION,
  echo          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS comparison_fields_comparison ON comparison_fields(comparison_id);
CREATE INDEX IF NOT EXISTS comparison_fields_route ON comparison_fields(route, comparison_id);
CREATE TABLE IF NOT EXISTS endpoint_stats (
  route       TEXT NOT NULL,
  endpoint    TEXT NOT NULL,
  comparisons BIGINT NOT NULL DEFAULT 0,
  reasks      BIGINT NOT NULL DEFAULT 0,
  first_seen  TEXT COLLATE "C" NOT NULL,
  last_seen   TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (route, endpoint)
);
CREATE TABLE IF NOT EXISTS endpoint_fields (
  route          TEXT NOT NULL,
  endpoint       TEXT NOT NULL,
  field          TEXT NOT NULL,
  shadow_diffs   BIGINT NOT NULL DEFAULT 0,
  self_diffs     BIGINT NOT NULL DEFAULT 0,
  confirmed      BIGINT NOT NULL DEFAULT 0,
  primary_hashes TEXT NOT NULL DEFAULT '[]',
  first_seen     TEXT COLLATE "C" NOT NULL,
  last_seen      TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (route, endpoint, field)
);
CREATE TABLE IF NOT EXISTS comparison_minutes (
  route   TEXT NOT NULL,
  minute  TEXT COLLATE "C" NOT NULL,
  outcome TEXT NOT NULL,
  count   BIGINT NOT NULL,
  PRIMARY KEY (route, minute, outcome)
);
CREATE TABLE IF NOT EXISTS comparison_hours (
  route   TEXT NOT NULL,
  hour    TEXT COLLATE "C" NOT NULL,
  outcome TEXT NOT NULL,
  count   BIGINT NOT NULL,
  PRIMARY KEY (route, hour, outcome)
);
CREATE TABLE IF NOT EXISTS comparison_days (
  route   TEXT NOT NULL,
  day     TEXT COLLATE "C" NOT NULL,
  outcome TEXT NOT NULL,
  count   BIGINT NOT NULL,
  PRIMARY KEY (route, day, outcome)
);
CREATE TABLE IF NOT EXISTS divergences (
  id               BIGSERIAL PRIMARY KEY,
  at               TEXT COLLATE "C" NOT NULL,
  route            TEXT NOT NULL,
  stage            TEXT NOT NULL,
  request_id       TEXT,
  side             TEXT NOT NULL CHECK (side IN ('monolith', 'service')),
  upstream         TEXT NOT NULL,
  reason           TEXT NOT NULL,
  method           TEXT NOT NULL,
  path             TEXT NOT NULL,
  content_type     TEXT,
  content_encoding TEXT,
  body_bytes       BIGINT,
  body_kept        INTEGER NOT NULL,
  primary_status   INTEGER,
  second_status    INTEGER,
  second_error     TEXT,
  sealed           BYTEA NOT NULL,
  stored_bytes     BIGINT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'repaired', 'resolved')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  last_attempt_at  TEXT COLLATE "C",
  last_outcome     TEXT,
  claimed_until    BIGINT,
  settled_at       TEXT COLLATE "C",
  settled_by       TEXT,
  settle_reason    TEXT
);
CREATE INDEX IF NOT EXISTS divergences_by_route ON divergences(route, status, at, id);
`;

// Version 2: the gate's counts per stage and hour (stage-hours.ts), counted from the rows already there,
// and the index of the rows that keep a diff (the writer clears the oldest without walking the rest).
// fillfactor: every batch updates its hour's counts; room in each page keeps the new versions there
// (HOT updates, pruned in place) instead of growing the table the gate reads.
const V2 = `${STAGE_HOURS_DDL('TEXT COLLATE "C"', 'BIGINT', ' WITH (fillfactor = 70)')}
${STAGE_HOURS_REBUILD.join(';\n')};
CREATE INDEX IF NOT EXISTS comparisons_diffs ON comparisons(route, id) WHERE diff IS NOT NULL;`;

// Version 3: each fact keeps its comparison's columns (fact-comparisons.ts), filled from the rows already there.
const V3 = `${FACT_COMPARISON_COLUMNS.map(([name, , type]) => `ALTER TABLE comparison_fields ADD COLUMN IF NOT EXISTS ${name} ${type}`).join(';\n')};
${FILL_FACT_COMPARISONS};`;

// Version 4: the gate's counts per day instead of per hour (stage-hours.ts), counted again from the rows.
// (V2's rebuild uses the same statements, so a store created at V2 today counts per day from the start.)
const V4 = `${STAGE_HOURS_REBUILD.join(';\n')};`;

// Version 5: the times the shadow, asked again, disagreed with itself at a field (noise-model.ts).
const V5 = 'ALTER TABLE endpoint_fields ADD COLUMN IF NOT EXISTS shadow_self_diffs BIGINT NOT NULL DEFAULT 0';

// Version 6: each side's own location for what a write created, shared by the replicas (io/own-location-store.ts).
const V6 = `CREATE TABLE IF NOT EXISTS own_locations (
  upstream   TEXT NOT NULL,
  answered   TEXT NOT NULL,
  other      TEXT NOT NULL,
  params     TEXT NOT NULL,
  learned_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (upstream, answered)
);
CREATE INDEX IF NOT EXISTS own_locations_by_age ON own_locations(upstream, learned_at);`;

/** Append-only: a shipped migration is never edited; the next change is a new entry. */
export const PG_DIFF_STORE_MIGRATIONS: readonly string[] = [V1, V2, V3, V4, V5, V6];

const migrated = new WeakSet<PgSql>();

/** Brings the diff store's tables to the current version (once per pool; safe across replicas). */
export async function migratePgDiffStore(pg: PgSql): Promise<void> {
  if (migrated.has(pg)) return;
  await migratePg(pg, PG_DIFF_STORE, PG_DIFF_STORE_MIGRATIONS);
  migrated.add(pg);
}
