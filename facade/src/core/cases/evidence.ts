// Noise evidence for a replay when the diff store is not at hand (CI, a laptop): the fields each
// case's own comparison classed as noise, or where the primary disagreed with itself when asked
// again, become noise evidence of that endpoint, as if the facade had re-asked once. Pure.
import { EvidenceBook, type FieldCounts } from '../comparison/evidence';
import type { RecordedCase } from './case';

/** An evidence book holding only the noise the cases themselves recorded. */
export function evidenceFromCases(cases: readonly RecordedCase[]): EvidenceBook {
  const book = new EvidenceBook();
  for (const c of cases) {
    if (c.comparison === null) continue;
    const noisy = new Set([...c.comparison.selfFields, ...c.comparison.fields.filter((f) => f.class === 'noise').map((f) => f.field)]);
    if (noisy.size === 0) continue;
    const fields = [...noisy].map((field): [string, FieldCounts] => [field, { shadowDiffs: 1, selfDiffs: 1, confirmed: 0, shadowSelfDiffs: 0, valueHashes: [] }]);
    book.load(c.route, c.endpoint, 1, 1, fields);
  }
  return book;
}
