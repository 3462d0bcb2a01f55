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

  it('a string the answer began with an escaped NUL and the marker is a string, not the number it spells', () => {
    for (const long of ['', ',"id":12345678901234567890']) { // parsed by JSON.parse and by lossless-json alike
      const { facts } = evaluate(json('monolith', `{"v":"\\u0000num:5"${long}}`), json('service', `{"v":5${long}}`), rules);
      expect(facts.map((f) => [f.path, f.kind, f.primary, f.shadow])).toEqual([['$.v', 'type', '\u0000num:5', 5]]);
      expect(diffObservations(json('monolith', `{"v":"\\u0000num:5"${long}}`), json('service', `{"v":"\\u0000num:5"${long}}`), rules)).toEqual([]);
      expect(diffObservations(json('monolith', `{"v":"\\u0000str:x"${long}}`), json('service', `{"v":"\\u0000str:y"${long}}`), rules).map((d) => d.path)).toEqual(['$.v']);
    }
    expect(diffObservations(json('monolith', '{"id":12345678901234567890,"s":"\\u0000"}'), json('service', '{"id":12345678901234567891,"s":"\\u0000"}'), rules).map((d) => d.path)).toEqual(['$.id']);
  });

  it('numbers past a double\'s range are compared by their literals, not as the Infinity both read as', () => {
    expect(diffObservations(json('monolith', '{"a":1e400,"b":-1e99999999999,"c":1e300}'), json('service', '{"a":2e400,"b":-1e99999999998,"c":1e300}'), rules).map((d) => d.path)).toEqual(['$.a', '$.b']);
    expect(diffObservations(json('monolith', '{"a":1e400,"b":1E+400}'), json('service', '{"a":10e399,"b":1e400}'), rules)).toEqual([]);
  });

  it('the unified diff prints the literals, not a marked string', () => {
    const { diff } = evaluate(json('monolith', '{"id":9007199254740993}'), json('service', '{"id":9007199254740992}'), rules);
    expect(diff).toContain('9007199254740993');
    expect(diff).not.toContain('num:');
  });
});

describe('a fraction printed with more digits than its double holds', () => {
  const paths = (a: string, b: string): string[] => diffObservations(json('monolith', a), json('service', b), rules).map((d) => d.path);

  it('equals the same double printed shortest, however many digits (17 significant, a BigDecimal expansion)', () => {
    expect(paths('{"p":0.10000000000000001,"q":2}', '{"p":0.1,"q":2}')).toEqual([]);
    expect(paths('{"p":0.1000000000000000055511151231257827021181583404541015625}', '{"p":0.1}')).toEqual([]);
    expect(paths('{"p":19.989999999999998}', '{"p":19.99}')).toEqual([]); // too few digits to be kept exact: always equal
  });

  it('but another double, or an integer a double cannot hold, is still a difference', () => {
    expect(paths('{"p":0.30000000000000004}', '{"p":0.3}')).toEqual(['$.p']);
    expect(paths('{"p":0.10000000000000002}', '{"p":0.1}')).toEqual(['$.p']);
    expect(paths('{"id":9007199254740993}', '{"id":9007199254740992}')).toEqual(['$.id']);
    expect(paths('{"a":12345678901234567.89}', '{"a":12345678901234567.88}')).toEqual(['$.a']); // both kept exact: compared as written
  });

  it('one number in exponent and in positional notation is no difference, when a long digit run keeps either exact', () => {
    expect(paths('{"views":1e21}', '{"views":1000000000000000000000}')).toEqual([]);
    expect(paths('{"id":12345678901234567,"n":1.5e16}', '{"id":12345678901234567,"n":15000000000000000}')).toEqual([]);
    expect(paths('{"n":1.0E21,"id":12345678901234567}', '{"n":1e+21,"id":12345678901234567}')).toEqual([]);
    expect(paths('{"n":-2.50e-3,"id":12345678901234567}', '{"n":-0.0025,"id":12345678901234567}')).toEqual([]);
  });

  it('but another value in another notation still differs', () => {
    expect(paths('{"views":1e21}', '{"views":1000000000000000000001}')).toEqual(['$.views']);
    expect(paths('{"id":12345678901234567,"n":1.5e16}', '{"id":12345678901234567,"n":15000000000000001}')).toEqual(['$.n']);
  });
});
