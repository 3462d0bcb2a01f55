// The twelfth noise corpus: a device's status shows its clock to the minute (Shelly's `sys.time`,
// `17:54`); read a second apart across a minute's turn, two sides show the next minute. A slot or an
// opening hour away from now, a track's `3:45`, or a clock an hour off stays a difference.
import { generatedFact, withinPolicy, GENERATED_KINDS } from '../../../src/core/comparison';

const NOW = Date.parse('2026-12-07T17:55:00.600Z');
const policy = { kinds: new Set(GENERATED_KINDS), toleranceMs: 60_000, exactFields: [] };
const judged = (a: string, b: string, now = NOW): boolean => withinPolicy(generatedFact(a, b, now), '$.sys.time', policy);

describe('a clock time to the minute', () => {
  it('near the comparison in some zone, a minute apart, is each side\'s clock', () => {
    expect(generatedFact('17:54', '17:55', NOW)).toEqual({ kind: 'timestamp', deltaMs: 60_000 });
    expect(judged('17:54', '17:55')).toBe(true);
    expect(judged('18:54', '18:55')).toBe(true); // Europe/Berlin
  });

  it('stays a difference away from now, further apart, or without two hour digits', () => {
    expect(judged('09:00', '09:01')).toBe(false); // opening hours read at 17:55
    expect(judged('17:54', '17:57')).toBe(false);
    expect(judged('3:45', '3:46', Date.parse('2026-12-07T03:45:10Z'))).toBe(false); // a track's length
    expect(generatedFact('17:54', '18:54', NOW)).not.toBeNull(); // an hour apart: a time, too far
    expect(judged('17:54', '18:54')).toBe(false);
  });
});
