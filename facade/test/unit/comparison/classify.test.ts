// Stored facts are re-classified with today's rules and evidence: an ignore rule added later, or
// more noise evidence, changes yesterday's verdicts.
import { compilePattern } from '../../../src/core/compare';
import { compileIgnoreRules } from '../../../src/core/compare/classify';
import { classifyComparison, EvidenceBook, type ClassifyRules, type ComparisonFacts, type FieldFact } from '../../../src/core/comparison';

const noRules: ClassifyRules = { ignore: [], generated: { toleranceMs: 60_000, kinds: new Set(['timestamp', 'uuid', 'jwt', 'ulid', 'objectid']), exactFields: [] } };
const fact = (field: string, primary: unknown, shadow: unknown, over: Partial<FieldFact> = {}): FieldFact =>
  ({ path: field, field, kind: 'changed', primary, shadow, primaryHash: JSON.stringify(primary), generated: null, ...over });
const comparison = (facts: FieldFact[], over: Partial<ComparisonFacts> = {}): ComparisonFacts =>
  ({ route: 'r', endpoint: 'GET /a/:id', reasked: false, selfFields: [], facts, ...over });

describe('classifyComparison', () => {
  it('a field confirmed real by a re-ask makes the comparison a mismatch', () => {
    const book = new EvidenceBook();
    const c = comparison([fact('$.total', 10, 11)], { reasked: true });
    book.add(c);
    expect(classifyComparison(c, noRules, book)).toMatchObject({ verdict: 'mismatch', fields: [{ field: '$.total', class: 'real' }] });
  });

  it('a comparison first unjudged becomes noise once the primary is seen disagreeing with itself', () => {
    const book = new EvidenceBook();
    const first = comparison([fact('$.views', 5, 9)]);
    book.add(first);
    expect(classifyComparison(first, noRules, book).verdict).toBe('unjudged');
    book.add(comparison([fact('$.views', 6, 10, { primaryHash: '6' })], { reasked: true, selfFields: ['$.views'] }));
    expect(classifyComparison(first, noRules, book).verdict).toBe('noise');
  });

  it('a field judged once is judged again when another endpoint of the route learns it is noise there', () => {
    const book = new EvidenceBook();
    const here = comparison([fact('$.views', 5, 9)]);
    book.add(here);
    expect(classifyComparison(here, noRules, book).verdict).toBe('unjudged');
    expect(classifyComparison(here, noRules, book).verdict).toBe('unjudged');
    book.add(comparison([fact('$.views', 6, 10, { primaryHash: '6' })], { endpoint: 'GET /b', reasked: true, selfFields: ['$.views'] }));
    expect(classifyComparison(here, noRules, book)).toMatchObject({ verdict: 'noise', fields: [{ why: expect.stringMatching(/^noise on GET \/b/) }] });
  });

  it('an ignore rule added later moves a real field to ignored, with its reason', () => {
    const book = new EvidenceBook();
    const c = comparison([fact('$.meta.trace', 'a', 'b')], { reasked: true });
    book.add(c);
    expect(classifyComparison(c, noRules, book).verdict).toBe('mismatch');
    const rules = { ...noRules, ignore: compileIgnoreRules([{ path: '$.meta', reason: 'tracing differs by design' }]) };
    expect(classifyComparison(c, rules, book)).toMatchObject({ verdict: 'match', fields: [{ class: 'ignored', why: 'ignore rule $.meta: tracing differs by design' }] });
  });

  it('generated values within tolerance make a generated comparison; a real field next to them still wins', () => {
    const book = new EvidenceBook();
    const at = fact('$.createdAt', '2026-12-05T10:00:00Z', '2026-12-05T10:00:01Z', { generated: { kind: 'timestamp', deltaMs: 1000 } });
    const only = comparison([at], { reasked: true });
    book.add(only);
    expect(classifyComparison(only, noRules, book).verdict).toBe('generated');
    const mixed = comparison([at, fact('$.bio', null, undefined, { kind: 'removed' })], { reasked: true });
    book.add(mixed);
    expect(classifyComparison(mixed, noRules, book)).toMatchObject({ verdict: 'mismatch' });
    const strict = { ...noRules, generated: { ...noRules.generated, exactFields: [compilePattern('$.createdAt')] } };
    expect(classifyComparison(only, strict, book).fields[0].class).toBe('real');
  });

  it('a write field the primary echoed from the request while the shadow did not is real without a re-ask', () => {
    const book = new EvidenceBook();
    const c = comparison([fact('$.street', 'Long Street 1', 'Long Str', { echo: true, primaryHash: 'x1' })], { endpoint: 'PUT /a/:id' });
    book.add(c);
    expect(classifyComparison(c, noRules, book).fields[0]).toMatchObject({ class: 'real', why: expect.stringContaining('the value the client sent') });
  });
});
