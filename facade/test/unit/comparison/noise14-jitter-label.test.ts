// noise14: an array field whose numbers the primary moves only in their last digits (a tensor of
// probabilities a GPU sums in another order) also holds, in another member, a value that is data (the
// predicted label). A label the shadow changes must stay a difference the primary repeats.
import { compileRules } from '../../../src/core/compare';
import type { Observation } from '../../../src/core/compare/types';
import { classifyComparison, evaluate, EvidenceBook, selfDifferingFields, type ClassifyRules, type ComparisonFacts, type FieldFact } from '../../../src/core/comparison';

const rules: ClassifyRules = { ignore: [], generated: { toleranceMs: 60_000, kinds: new Set(['timestamp', 'instance', 'uuid']), exactFields: [] } };
const compiled = compileRules({ headers: [], cookies: [], ignore: [], normalizers: [], redact: [] });
// KServe / Triton v2: one output a FP32 tensor, the other the label
const infer = (p: number[], label: string | number): Observation => ({ ok: true, side: 'monolith', status: 200, ms: 1, headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify({ model_name: 'churn', outputs: [{ name: 'probabilities', datatype: 'FP32', data: p }, { name: 'label', datatype: 'BYTES', data: [label] }] })) });
const selfDiffering = (first: Observation, shadow: Observation, again: Observation): string[] => {
  const against = evaluate(first, shadow, compiled, false).facts;
  return selfDifferingFields(evaluate(first, again, compiled, false).facts, against, rules, new Set(against.map((f) => f.field)));
};
const P = [0.8734152317047119, 0.09123370051383972, 0.035351116210222244];
const P2 = [0.8734151721000671, 0.09123370796442032, 0.035351112484931946]; // one float32 ulp away
const P3 = [0.8734153509140015, 0.09123369306325912, 0.035351116210222244];

describe('a label among a tensor\'s jittering floats', () => {
  it('the shadow\'s other label is a difference the primary repeats, though its floats moved', () => {
    expect(selfDiffering(infer(P, 'stay'), infer(P2, 'churn'), infer(P3, 'stay'))).toEqual([]);
  });

  it('a number moved further than the jitter (another probability) is one too', () => {
    expect(selfDiffering(infer(P, 'stay'), infer([0.61, P[1]!, P[2]!], 'stay'), infer(P3, 'stay'))).toEqual([]);
  });

  it('stays noise where the shadow differs only by the same jitter', () => {
    expect(selfDiffering(infer(P, 'stay'), infer(P2, 'stay'), infer(P3, 'stay'))).toEqual(['$.outputs[*].data[*]']);
  });

  it('stays noise where the primary itself changes more than last digits (a random sample)', () => {
    expect(selfDiffering(infer(P, 'stay'), infer(P2, 'churn'), infer([0.2, 0.5, 0.3], 'stay'))).toEqual(['$.outputs[*].data[*]']);
    expect(selfDiffering(infer(P, 'stay'), infer(P2, 'churn'), infer(P3, 'churn'))).toEqual(['$.outputs[*].data[*]']);
  });
});

describe('the example a real field is shown by', () => {
  it('is the label that differs, not a float beside it that moved only in its last digits', () => {
    const field = '$.outputs[*].data[*]';
    const fact = (path: string, primary: unknown, shadow: unknown): FieldFact => ({ path, field, kind: 'changed', primary, shadow, primaryHash: `p:${String(primary)}`, shadowHash: `s:${String(shadow)}`, generated: null });
    const c: ComparisonFacts = { route: 'ml', endpoint: 'GET /v2/models/churn/infer', reasked: true, reasks: 3, selfFields: [], facts: [
      fact('$.outputs[0].data[0]', P[0], P2[0]), fact('$.outputs[0].data[2]', P[2], P2[2]), fact('$.outputs[1].data[0]', 'stay', 'churn')] };
    const book = new EvidenceBook();
    book.add(c);
    const [f] = classifyComparison(c, rules, book).fields;
    expect(f).toMatchObject({ field, class: 'real' });
    expect(f!.example).toMatchObject({ path: '$.outputs[1].data[0]', primary: 'stay', shadow: 'churn' });
    // a field whose every path only jitters is shown by its first
    const d: ComparisonFacts = { ...c, facts: c.facts.slice(0, 2) };
    const book2 = new EvidenceBook();
    book2.add(d);
    expect(classifyComparison(d, rules, book2).fields[0]!.example).toMatchObject({ path: '$.outputs[0].data[0]' });
  });
});
