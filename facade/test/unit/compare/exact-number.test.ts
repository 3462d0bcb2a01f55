import { compileRules, diffObservations } from '../../../src/core/compare';
import type { Observation } from '../../../src/core/compare/types';
import { evaluate } from '../../../src/core/comparison';

const rules = compileRules({ headers: ['content-type'], cookies: [], ignore: [], normalizers: [], redact: [] });
const json = (side: 'monolith' | 'service', text: string): Observation => ({ ok: true, side, status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(text), ms: 1 });

describe('exact numbers', () => {
  it('two 64-bit ids a double cannot tell apart are a real difference at their path, shown as their literals', () => {
    const { facts } = evaluate(json('monolith', '{"id":9007199254740993,"n":1}'), json('service', '{"id":9007199254740992,"n":1}'), rules);
    expect(facts.map((f) => [f.path, f.kind, f.primary, f.shadow])).toEqual([['$.id', 'changed', '9007199254740993', '9007199254740992']]);
  });

  it('the same long literal on both sides is no difference, even when other fields differ', () => {
    const d = diffObservations(json('monolith', '{"id":12345678901234567890,"v":1}'), json('service', '{"id":12345678901234567890,"v":2}'), rules);
    expect(d.map((x) => x.path)).toEqual(['$.v']);
  });

  it('1.50 against 1.5 keeps the class the normal rules give it (equal numbers)', () => {
    expect(diffObservations(json('monolith', '{"p":1.50,"id":90071992547409931}'), json('service', '{"p":1.5,"id":90071992547409931}'), rules)).toEqual([]);
  });

  it('the unified diff prints the literals, not a marked string', () => {
    const { diff } = evaluate(json('monolith', '{"id":9007199254740993}'), json('service', '{"id":9007199254740992}'), rules);
    expect(diff).toContain('9007199254740993');
    expect(diff).not.toContain('num:');
  });
});
