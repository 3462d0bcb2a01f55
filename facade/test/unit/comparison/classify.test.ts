// Stored facts are re-classified with today's rules and evidence: an ignore rule added later, or
// more noise evidence, changes yesterday's verdicts.
import { compilePattern } from '../../../src/core/compare';
import { compileIgnoreRules } from '../../../src/core/compare/classify';
import { classifyComparison, EvidenceBook, reaskPriority, type ClassifyRules, type ComparisonFacts, type FieldFact } from '../../../src/core/comparison';

const noRules: ClassifyRules = { ignore: [], generated: { toleranceMs: 60_000, kinds: new Set(['timestamp', 'uuid', 'jwt', 'ulid', 'objectid']), exactFields: [] } };
const fact = (field: string, primary: unknown, shadow: unknown, over: Partial<FieldFact> = {}): FieldFact =>
  ({ path: field, field, kind: 'changed', primary, shadow, primaryHash: JSON.stringify(primary), generated: null, ...over });
const comparison = (facts: FieldFact[], over: Partial<ComparisonFacts> = {}): ComparisonFacts =>
  ({ route: 'r', endpoint: 'GET /a/:id', reasked: false, selfFields: [], facts, ...over });

describe('classifyComparison', () => {
  it('a field the primary answered the same at on three re-asks, while the shadow differed, is real: fewer leave it unjudged', () => {
    const book = new EvidenceBook();
    const c = comparison([fact('$.total', 10, 11)], { reasked: true, reasks: 2 });
    book.add(c);
    expect(classifyComparison(c, noRules, book)).toMatchObject({ verdict: 'unjudged', fields: [{ field: '$.total', why: expect.stringContaining('asked again 2 of 2 times') }] });
    book.add(comparison([fact('$.total', 12, 13, { primaryHash: '12' })], { reasked: true }));
    expect(classifyComparison(c, noRules, book)).toMatchObject({ verdict: 'mismatch', fields: [{ field: '$.total', class: 'real' }] });
  });

  it('a field whose shadow values are all values the primary gives too needs five agreeing re-asks', () => {
    const book = new EvidenceBook();
    const hit = fact('$.cache', 'HIT', 'MISS', { primaryHash: 'H', shadowHash: 'M' });
    const miss = fact('$.cache', 'MISS', 'HIT', { primaryHash: 'M', shadowHash: 'H' });
    book.add(comparison([hit], { reasked: true, reasks: 3 }));
    book.add(comparison([miss], { reasked: true, reasks: 1 }));
    expect(classifyComparison(comparison([hit]), noRules, book)).toMatchObject({ verdict: 'unjudged', fields: [{ why: expect.stringContaining('values the primary gives too') }] });
    book.add(comparison([miss], { reasked: true, reasks: 1 }));
    expect(classifyComparison(comparison([hit]), noRules, book).verdict).toBe('mismatch');
  });

  it('a field taking one of a few values at random (cache HIT/MISS) is noise although one re-ask happened to agree', () => {
    const book = new EvidenceBook();
    const hit = comparison([fact('$.cache', 'HIT', 'MISS')], { reasked: true });
    book.add(hit);
    book.add(comparison([fact('$.cache', 'MISS', 'HIT', { primaryHash: 'MISS' })], { reasked: true, selfFields: ['$.cache'] }));
    expect(classifyComparison(hit, noRules, book)).toMatchObject({ verdict: 'noise', fields: [{ why: expect.stringContaining('disagreed with itself 1 of 2') }] });
  });

  it('three agreeing re-asks leave a field unjudged when the shadow, asked again, did not repeat its own value (HIT 90 % of the time)', () => {
    const book = new EvidenceBook();
    const c = comparison([fact('$.cache', 'HIT', 'MISS')], { reasked: true, reasks: 3, shadowSelfFields: ['$.cache'] });
    book.add(c);
    expect(classifyComparison(c, noRules, book)).toMatchObject({ verdict: 'unjudged', fields: [{ why: expect.stringContaining('the shadow disagreed with itself') }] });
    expect(reaskPriority(c, noRules, book, 5)).toBe('first'); // the primary is asked again: its rare value makes it noise
    book.add(comparison([fact('$.cache', 'HIT', 'MISS')], { reasked: true, reasks: 1, selfFields: ['$.cache'] }));
    expect(classifyComparison(c, noRules, book).verdict).toBe('noise');
  });

  it('three re-asks counted on one comparison decide a field as three comparisons would', () => {
    const book = new EvidenceBook();
    const c = comparison([fact('$.price', 10, 11)], { reasked: true, reasks: 3 });
    book.add(c);
    expect(classifyComparison(c, noRules, book).verdict).toBe('mismatch');
  });

  it('re-asking is wanted first for a field not decided yet, then only to add evidence, then not at all', () => {
    const book = new EvidenceBook();
    const c = comparison([fact('$.total', 10, 11)], { reasked: true });
    expect(reaskPriority(c, noRules, book, 4)).toBe('first');
    book.add({ ...c, reasks: 2 });
    expect(reaskPriority(c, noRules, book, 4)).toBe('first'); // two agreeing re-asks decide nothing
    book.add(c);
    expect(reaskPriority(c, noRules, book, 4)).toBe('more');
    book.add(c);
    expect(reaskPriority(c, noRules, book, 4)).toBeNull();
    const noisy = comparison([fact('$.views', 1, 2)], { reasked: true, selfFields: ['$.views'] });
    book.add(noisy);
    expect(reaskPriority(noisy, noRules, book, 4)).toBe('more'); // noise once the primary disagreed with itself
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

  it('a status or a page line that is noise on another endpoint is not carried over: they are each endpoint\'s own', () => {
    const book = new EvidenceBook();
    // GET /b answers 429 now and then, and its page's line 3 is a clock.
    book.add(comparison([fact('status', 200, 429), fact('text[3]', 'a', 'b')], { endpoint: 'GET /b', reasked: true, selfFields: ['status', 'text[3]'] }));
    const here = comparison([fact('status', 404, 200), fact('text[3]', 'x', 'y'), fact('$.views', 5, 9)], { endpoint: 'GET /a' });
    book.add(comparison([fact('$.views', 6, 10, { primaryHash: '6' })], { endpoint: 'GET /b', reasked: true, selfFields: ['$.views'] }));
    book.add(here);
    const classes = Object.fromEntries(classifyComparison(here, noRules, book).fields.map((f) => [f.field, f.class]));
    expect(classes).toEqual({ status: 'unjudged', 'text[3]': 'unjudged', '$.views': 'noise' });
  });

  it('a write does not take noise from a read: a basket\'s live total moving says nothing of the total adding a line answers', () => {
    const book = new EvidenceBook();
    book.add(comparison([fact('$.total', 37.5, 36.15)], { endpoint: 'GET /basket', reasked: true, selfFields: ['$.total'] }));
    const added = comparison([fact('$.total', 50, 48.2)], { endpoint: 'POST /basket/lines' });
    book.add(added);
    expect(classifyComparison(added, noRules, book)).toMatchObject({ verdict: 'unjudged', fields: [{ field: '$.total', class: 'unjudged' }] });
    // A POST of the route the facade reads as a query (a quote), asked again, whose total moved: that is a POST's evidence.
    book.add(comparison([fact('$.total', 12.5, 12.05)], { endpoint: 'POST /basket/quote', reasked: true, selfFields: ['$.total'] }));
    expect(classifyComparison(added, noRules, book)).toMatchObject({ verdict: 'noise', fields: [{ why: expect.stringMatching(/^noise on POST \/basket\/quote/) }] });
  });

  it('an ignore rule added later moves a real field to ignored, with its reason', () => {
    const book = new EvidenceBook();
    const c = comparison([fact('$.meta.trace', 'a', 'b')], { reasked: true, reasks: 3 });
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
    const mixed = comparison([at, fact('$.bio', null, undefined, { kind: 'removed' })], { reasked: true, reasks: 3 });
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

describe("a record's ids the service minted again (probes15: Alertmanager's silences, ids each side mints)", () => {
  const uuid = (n: number, side: string): string => `${side}${String(n).padStart(7, '0')}-1111-4111-8111-111111111111`;
  const ids = (n: number, side: string, over: Partial<FieldFact> = {}): FieldFact =>
    fact('$[*].id', uuid(n, side), uuid(n, side === 'a' ? 'b' : 'a'), { path: `$[${n}].id`, primaryHash: uuid(n, side), generated: { kind: 'uuid', deltaMs: null }, ...over });

  it('a listing of two records whose ids the primary gives the same every time is real, as one record is', () => {
    for (const records of [1, 2, 3]) {
      const book = new EvidenceBook();
      const listing = (): ComparisonFacts => comparison(Array.from({ length: records }, (_, i) => ids(i, 'a')), { endpoint: 'GET /api/v2/silences' });
      for (let i = 0; i < 3 * records; i++) book.add(listing());
      expect([records, classifyComparison(listing(), noRules, book).verdict]).toEqual([records, 'mismatch']);
    }
  });

  it('ids minted per answer (a new one each comparison) stay generated, one or two per answer', () => {
    for (const perAnswer of [1, 2]) {
      const book = new EvidenceBook();
      let n = 0;
      const answer = (): ComparisonFacts => comparison(Array.from({ length: perAnswer }, () => ids(n++, 'a')), { endpoint: 'GET /api/v2/events' });
      let last = answer();
      for (let i = 0; i < 12; i++) { book.add(last); last = answer(); }
      book.add(last);
      expect([perAnswer, classifyComparison(last, noRules, book).verdict]).toEqual([perAnswer, 'generated']);
    }
  });
});
