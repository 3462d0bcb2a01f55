// What the backfill engine needs to know about one capability: where its rows live in the
// monolith, how they map onto the service's model, and how to compare the two. Each capability
// (catalog.ts, inventory.ts) is one plain `Mapping` object; the engine prepares its SQL once.
import type Database from 'better-sqlite3';
import { BackfillError } from './errors';

export const CAPABILITIES = ['catalog', 'inventory'] as const;
export type CapabilityName = (typeof CAPABILITIES)[number];

/** One field that differs between a monolith row (mapped) and the service row. */
export interface FieldMismatch {
  key: string;
  field: string;
  expected: unknown; // the monolith row, mapped to the service model
  actual: unknown; // what the service database holds (undefined: row missing)
}

/**
 * A capability's mapping. SQL strings run against the monolith (`source*`) or the service
 * database (`target*`); the engine prepares them once per run.
 * - `sourceBatchAfter(@cursor, @limit)`: rows after the bulk cursor, in cursor order (cursor NULL = start)
 * - `sourceCountUpTo(@cursor)`: rows at or before the cursor (progress on resume)
 * - `sourceByKeys(@keys)` / `targetByKeys(@keys)`: rows whose change-log key is in a JSON array
 * - `sourceSampleKeys(@stride, @limit)`: every stride-th key in key order (deterministic sample)
 * - `targetUpsert(row)`: insert or update; must change nothing (changes = 0) when the row is identical
 * - `targetEvict(row)`: optional, runs first: removes stale rows that would collide on a unique column
 */
export interface Mapping<S, W> {
  readonly name: CapabilityName;
  /** `change_log.entity` value for this capability's rows. */
  readonly entity: 'product' | 'inventory';
  /** Monolith tables and columns the mapping reads; checked before anything is written. */
  readonly requiredSource: Readonly<Record<string, readonly string[]>>;
  readonly openTarget: (path: string) => Database.Database;
  readonly sql: {
    sourceCount: string;
    sourceBatchAfter: string;
    sourceCountUpTo: string;
    sourceByKeys: string;
    sourceSampleKeys: string;
    targetCount: string;
    targetUpsert: string;
    targetEvict?: string;
    targetDelete: string;
    targetByKeys: string;
  };
  /** Change-log key of a monolith row (the SKU for both demo capabilities). */
  keyOf(row: S): string;
  /** Bulk-phase cursor of a monolith row, stored as text in backfill_state.bulk_cursor. */
  cursorOf(row: S): string;
  /** Key of a service row, to pair it with its monolith row. */
  targetKeyOf(row: Record<string, unknown>): string;
  /** The monolith row in the service's model: exactly the named parameters of `targetUpsert`. */
  toTarget(row: S): W;
  /** Field-by-field comparison of one monolith row with the service row stored for it. */
  compare(source: S, target: Record<string, unknown>): FieldMismatch[];
}

/** A mapping with its row types erased, as the engine handles it (methods are bivariant). */
export type AnyMapping = Mapping<unknown, unknown>;

const LEGACY_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?$/;

/**
 * Legacy "YYYY-MM-DD HH:MM:SS" (UTC, optional fraction) → ISO 8601 as `Date#toISOString` writes it
 * ("2024-01-01T00:00:00.000Z"), the format the services use for their own writes.
 * Throws BAD_SOURCE_ROW naming the row when the value is not a real legacy timestamp.
 */
export function legacyToIso(value: unknown, where: { table: string; key: string; field: string }): string {
  const m = typeof value === 'string' ? LEGACY_TIMESTAMP.exec(value) : null;
  if (m) {
    const [, y, mo, d, h, mi, s, frac] = m;
    const ms = frac ? Math.round(Number(frac) * 1000) : 0;
    const date = new Date(Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, ms));
    // Date.UTC rolls "02-30" over to March; a round trip catches impossible dates.
    if (date.getUTCMonth() === +mo! - 1 && date.getUTCDate() === +d! && date.getUTCHours() === +h!) {
      return date.toISOString();
    }
  }
  throw new BackfillError(
    'BAD_SOURCE_ROW',
    `${where.table} row ${where.key}: ${where.field} ${JSON.stringify(value)} is not a legacy timestamp "YYYY-MM-DD HH:MM:SS"`,
  );
}

/** Compares every field of the mapped row with the stored one (undefined target: row missing). */
export function diffFields(
  key: string,
  expected: object,
  target: Record<string, unknown> | undefined,
): FieldMismatch[] {
  if (!target) return [{ key, field: '*', expected: 'row', actual: undefined }];
  return Object.entries(expected)
    .filter(([field, value]) => target[field] !== value)
    .map(([field, value]) => ({ key, field, expected: value, actual: target[field] }));
}
