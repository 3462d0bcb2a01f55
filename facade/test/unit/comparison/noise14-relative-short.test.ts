// noise14: a page says how old its cached fragment is in a unit's short form ("Cached 12 s ago",
// "3h ago", "5 min. ago"), read from each side's clock; a second of skew says 13 on one side, 14 on
// the other. Spelt so, as "12 seconds ago" already was, it is a time each side said. Another unit,
// other words, or a short form not followed by "ago" (a duration, a setting) stay differences.
import { generatedFact, withinPolicy, GENERATED_KINDS } from '../../../src/core/comparison';

const NOW = Date.parse('2026-12-07T17:55:00.600Z');
const policy = { kinds: new Set(GENERATED_KINDS), toleranceMs: 60_000, exactFields: [] };
const judged = (a: string, b: string): boolean => withinPolicy(generatedFact(a, b, NOW), 'text[23]', policy);

describe('a relative time in a unit\'s short form', () => {
  it('a second or a minute apart is each side\'s clock', () => {
    expect(generatedFact('Cached 13 s ago · refreshes every 60 s', 'Cached 15 s ago · refreshes every 60 s', NOW)).toEqual({ kind: 'timestamp', deltaMs: 2000 });
    expect(judged('Cached 13 s ago · refreshes every 60 s', 'Cached 15 s ago · refreshes every 60 s')).toBe(true);
    expect(judged('Last sync: 12s ago', 'Last sync: 13s ago')).toBe(true);
    expect(judged('edited 4 min. ago', 'edited 5 min. ago')).toBe(true);
  });

  it('stays a difference in another unit, with other words, too far apart, or without "ago"', () => {
    expect(judged('Cached 12 s ago', 'Cached 3 min ago')).toBe(false);
    expect(judged('updated 3h ago', 'updated 3h ago by ops')).toBe(false);
    expect(judged('Cached 12 s ago · refreshes every 60 s', 'Cached 13 s ago · refreshes every 30 s')).toBe(false);
    expect(judged('Cached 12 s ago · € 129,00', 'Cached 13 s ago · € 139,00')).toBe(false);
    expect(judged('updated 2h ago', 'updated 5h ago')).toBe(false); // three hours: beyond the tolerance
    expect(judged('timeout 30 s', 'timeout 31 s')).toBe(false); // a setting, not a time ago
    expect(judged('Build took 12 s', 'Build took 13 s')).toBe(false);
  });
});
