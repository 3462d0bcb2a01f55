// Times a page writes for people, to the minute (probes11: phpMyAdmin's `Last check: Dec 07, 2026 at
// 01:08 PM`, rendered either side of a minute's turn, was left unjudged): two renders a minute
// apart are each side's clock; an hour apart (another time zone on the service) is a difference.
import { parseInstant } from '../../../src/core/compare/timestamp';
import { differingWords } from '../../../src/core/compare/tokens';
import { generatedFact } from '../../../src/core/comparison';

const NOW = Date.parse('2026-12-07T13:08:20Z');

describe('times written for people', () => {
  it('are read in PHP\'s, WordPress\' and MediaWiki\'s forms, a 12-hour clock by its AM or PM', () => {
    expect(parseInstant('Dec 07, 2026 at 01:08 PM')).toEqual({ ms: Date.parse('2026-12-07T13:08:00Z'), precision: 60_000 });
    expect(parseInstant('December 7, 2026 at 1:08 am')).toEqual({ ms: Date.parse('2026-12-07T01:08:00Z'), precision: 60_000 });
    expect(parseInstant('Dec 7, 2026, 13:08:45')).toEqual({ ms: Date.parse('2026-12-07T13:08:45Z'), precision: 1000 });
    expect(parseInstant('13:09, 7 December 2026')).toEqual({ ms: Date.parse('2026-12-07T13:09:00Z'), precision: 60_000 });
    expect(parseInstant('Dec 07, 2026 at 13:08 PM')).toBeNull(); // no 13 o'clock on a 12-hour clock
    expect(parseInstant('Dec 07, 2026')).toBeNull();
  });

  it('a page line whose time a minute apart is the only difference is generated; an hour apart is a difference of an hour', () => {
    const line = (t: string): string => `<p>Last check: ${t}</p>`;
    expect(generatedFact(line('Dec 07, 2026 at 01:08 PM'), line('Dec 07, 2026 at 01:07 PM'), NOW)).toEqual({ kind: 'timestamp', deltaMs: 60_000 });
    expect(generatedFact(line('13:09, 7 December 2026'), line('14:09, 7 December 2026'), NOW)).toEqual({ kind: 'timestamp', deltaMs: 3_600_000 });
    expect(differingWords(line('December 7, 2026 at 1:08 pm'), line('December 7, 2026 at 1:07 pm'), NOW)).toEqual([]);
    // what stands beside the time is still read
    expect(generatedFact('Dec 07, 2026 at 01:08 PM: $10', 'Dec 07, 2026 at 01:08 PM: $11', NOW)).toBeNull();
  });
});
