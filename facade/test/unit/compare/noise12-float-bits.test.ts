// The twelfth noise corpus: a GeoJSON centroid each side's geometry library computes, apart in the
// last bits of a double (52.37335063325 against 52.37335063324999), is one figure; an amount a side
// forgot to round, a changed digit, or a 64-bit id is not.
import { diffJson } from '../../../src/core/compare/json-diff';
import { parseJson } from '../../../src/core/compare/exact-number';

const paths = (a: string, b: string): string[] => diffJson(parseJson(a), parseJson(b)).map((d) => d.path);

describe('two doubles apart only in their last bits', () => {
  it('are the same computed figure', () => {
    expect(paths('{"centroid":[4.90436095675,52.37335063325]}', '{"centroid":[4.904360956750001,52.37335063324999]}')).toEqual([]);
    expect(paths('{"r":0.30000000000000004}', '{"r":0.29999999999999993}')).toEqual([]);
    expect(paths('{"r":1.234567890123457e-7}', '{"r":1.234567890123458e-7}')).toEqual([]);
  });

  it('stay a difference when one is a short figure, a digit changed, they are whole numbers, or kept exact', () => {
    expect(paths('{"total":0.3}', '{"total":0.30000000000000004}')).toEqual(['$.total']);
    expect(paths('{"total":49.5}', '{"total":49.50000000000001}')).toEqual(['$.total']);
    expect(paths('{"c":52.37335063325}', '{"c":52.37335063326}')).toEqual(['$.c']);
    expect(paths('{"id":9007199254740993}', '{"id":9007199254740992}')).toEqual(['$.id']);
    expect(paths('{"a":12345678901234567.89}', '{"a":12345678901234567.88}')).toEqual(['$.a']); // kept exact (a decimal's digits): compared as written
  });
});
