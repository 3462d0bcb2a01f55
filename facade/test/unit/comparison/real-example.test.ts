// A field found real is shown by a path that made it differ, not by one of its generated values
// beside it: a Prometheus sample `[time, value]` whose value changed is shown by its value.
import { classifyComparison, EvidenceBook, type ClassifyRules, type ComparisonFacts, type FieldFact } from '../../../src/core/comparison';

const rules: ClassifyRules = { ignore: [], generated: { toleranceMs: 60_000, kinds: new Set(['timestamp']), exactFields: [] } };
const field = '$.data.result[*].value[*]';
const fact = (path: string, primary: unknown, shadow: unknown, generated: FieldFact['generated']): FieldFact =>
  ({ path, field, kind: 'changed', primary, shadow, primaryHash: `p:${String(primary)}`, shadowHash: `s:${String(shadow)}`, generated });
/** A read the primary was asked again about three times and repeated itself at every field. */
const sample = (value: string): ComparisonFacts => ({ route: 'ops', endpoint: 'GET /api/v1/query', reasked: true, reasks: 3, selfFields: [], facts: [
  fact('$.data.result[0].value[0]', 1796668398.519, 1796668399.819, { kind: 'timestamp', deltaMs: 1300 }),
  ...(value === '0.001' ? [] : [fact('$.data.result[0].value[1]', '0.001', value, null)]),
] });

it('shows a real field by the path that differs, not by the generated time beside it', () => {
  const book = new EvidenceBook();
  const c = sample('0.3');
  book.add(c);
  const [f] = classifyComparison(c, rules, book).fields;
  expect(f).toMatchObject({ field, class: 'real' });
  expect(f!.example).toMatchObject({ path: '$.data.result[0].value[1]', primary: '0.001', shadow: '0.3' });
});

it('still passes the field when only the time differs', () => {
  const book = new EvidenceBook();
  const c = sample('0.001');
  book.add(c);
  expect(classifyComparison(c, rules, book).fields[0]).toMatchObject({ class: 'generated', example: { path: '$.data.result[0].value[0]' } });
});
