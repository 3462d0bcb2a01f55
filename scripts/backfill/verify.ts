// The backfill's closing check: row counts on both sides, then a deterministic sample of
// monolith rows (evenly spread over the key order) compared field by field, through the
// mapping, with the rows the service database holds for the same keys.
import type { AnyMapping, FieldMismatch } from './mapping';
import type { Source } from './source';
import type { Target } from './target';

export interface Verification {
  sourceCount: number;
  targetCount: number;
  sampled: number;
  sampleMismatches: FieldMismatch[];
}

/**
 * Compares counts and `sampleSize` rows. The same data always yields the same sample.
 * While the monolith keeps taking writes a mismatch can be a change not yet applied:
 * follow mode (or a second run) settles it.
 */
export function verifySample(mapping: AnyMapping, source: Source, target: Target, sampleSize: number): Verification {
  const sourceCount = source.count();
  const targetCount = target.count();
  if (sampleSize <= 0) return { sourceCount, targetCount, sampled: 0, sampleMismatches: [] };

  const keys = source.sampleKeys(sampleSize);
  const sourceRows = source.byKeys(keys);
  const targetRows = new Map(target.byKeys(keys).map((row) => [mapping.targetKeyOf(row), row]));
  const sampleMismatches: FieldMismatch[] = [];
  for (const row of sourceRows) {
    const key = mapping.keyOf(row);
    const stored = targetRows.get(key);
    if (!stored) {
      sampleMismatches.push({ key, field: '*', expected: 'row', actual: undefined });
      continue;
    }
    try {
      sampleMismatches.push(...mapping.compare(row, stored));
    } catch (err) {
      // An unmappable monolith row cannot match anything; report it instead of aborting the check.
      sampleMismatches.push({ key, field: '*', expected: (err as Error).message, actual: stored });
    }
  }
  return { sourceCount, targetCount, sampled: sourceRows.length, sampleMismatches };
}

/** True when counts are equal and no sampled row differs. */
export function verified(v: Verification): boolean {
  return v.sourceCount === v.targetCount && v.sampleMismatches.length === 0;
}

/** Human-readable lines for a verification, as the CLI prints them. */
export function describeVerification(v: Verification, limit = 10): string[] {
  const lines = [
    `counts: monolith ${v.sourceCount}, service ${v.targetCount}` +
      (v.sourceCount === v.targetCount ? ' (equal)' : ` (DIFFER by ${v.targetCount - v.sourceCount})`),
    `sample check: ${v.sampled} rows compared, ${v.sampleMismatches.length} mismatching field(s)`,
  ];
  for (const m of v.sampleMismatches.slice(0, limit)) {
    lines.push(
      m.actual === undefined && m.field === '*'
        ? `  ${m.key}: missing in the service database`
        : `  ${m.key}.${m.field}: monolith ${JSON.stringify(m.expected)}, service ${JSON.stringify(m.actual)}`,
    );
  }
  if (v.sampleMismatches.length > limit) lines.push(`  ... and ${v.sampleMismatches.length - limit} more`);
  return lines;
}
