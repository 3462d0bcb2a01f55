// What each differing field (comparison_fields) keeps of its comparison: the columns readers need
// to re-classify it (when, at which stage, which request, the verdict stored, the self-check), so
// the gate and the reports read a route's comparisons with facts from the facts table alone. The
// comparison rows themselves are spread over the whole comparisons table, and a fresh PostgreSQL
// connection pays for every page it touches first (1,403 lookups by id: ~30 ms of a 90-day soak
// gate). A comparison's columns never change once written (only its unified diff is cleared, and
// that stays in comparisons), so the copies cannot disagree with it.
import type { ComparisonRecord } from '../../core/comparison/record';
import type { SqlValue } from '../db/sql';

/** The copied columns: name, SQLite type, PostgreSQL type (nullable: rows from before them are filled by FILL_FACT_COMPARISONS). */
export const FACT_COMPARISON_COLUMNS: ReadonlyArray<readonly [string, string, string]> = [
  ['at', 'TEXT', 'TEXT COLLATE "C"'], ['stage', 'TEXT', 'TEXT'], ['method', 'TEXT', 'TEXT'], ['request_path', 'TEXT', 'TEXT'],
  ['outcome', 'TEXT', 'TEXT'], ['reason', 'TEXT', 'TEXT'], ['reasked', 'INTEGER', 'INTEGER'], ['self_fields', 'TEXT', 'TEXT'],
];

/** The column list, in the order of factComparisonValues. */
export const FACT_COMPARISON_NAMES = FACT_COMPARISON_COLUMNS.map(([name]) => name).join(', ');

/** The copied values of one comparison, in the order of FACT_COMPARISON_COLUMNS. */
export function factComparisonValues(r: ComparisonRecord, selfFields: string | null): SqlValue[] {
  return [r.at, r.stage, r.method, r.path, r.outcome, r.reason, r.reasked ? 1 : 0, selfFields];
}

/** A comparison's self-check fields as stored (JSON, or null when there are none). */
export const selfFieldsJson = (r: ComparisonRecord): string | null => (r.selfFields.length > 0 ? JSON.stringify(r.selfFields) : null);

/**
 * Fills the copies of facts written before the columns existed (a migration, or a copy from an
 * older store), from their comparison; the same SQL on both engines. A fact whose comparison is
 * gone keeps nulls, and readers skip it as they skipped it before (no comparison to join).
 */
export const FILL_FACT_COMPARISONS = `UPDATE comparison_fields SET ${FACT_COMPARISON_COLUMNS.map(([name]) => `${name} = c.${name === 'request_path' ? 'path' : name}`).join(', ')}
FROM comparisons c WHERE c.id = comparison_fields.comparison_id AND comparison_fields.outcome IS NULL`;
