// The twelfth noise corpus: a Japanese (or Chinese, Korean) API writes its times as its locale does,
// `2026年12月8日 2時49分08秒`: two such times a second apart are each side's clock; another day is data.
import { generatedFact, withinPolicy, GENERATED_KINDS } from '../../../src/core/comparison';
import { parseInstant } from '../../../src/core/compare';

const NOW = Date.parse('2026-12-07T17:49:08Z');
const policy = { kinds: new Set(GENERATED_KINDS), toleranceMs: 60_000, exactFields: [] };
const judged = (a: string, b: string): boolean => withinPolicy(generatedFact(a, b, NOW), '$["更新日時"]', policy);

describe('an East Asian locale\'s date and time', () => {
  it('parses in the long form, with a clock, in Korean, and as a date alone', () => {
    expect(parseInstant('2026年12月8日 2時49分08秒')).toEqual({ ms: Date.parse('2026-12-08T02:49:08Z'), precision: 1000 });
    expect(parseInstant('2026年12月8日 02:49:08')).toEqual({ ms: Date.parse('2026-12-08T02:49:08Z'), precision: 1000 });
    expect(parseInstant('2026년 12월 8일 2시 49분 8초')).toEqual({ ms: Date.parse('2026-12-08T02:49:08Z'), precision: 1000 });
    expect(parseInstant('2026年12月8日')).toEqual({ ms: Date.parse('2026-12-08T00:00:00Z'), precision: 86_400_000 });
    expect(parseInstant('2026年2月30日')).toBeNull();
  });

  it('two of them a second apart are each side\'s clock', () => {
    expect(generatedFact('2026年12月8日 2時49分08秒', '2026年12月8日 2時49分09秒', NOW)).toEqual({ kind: 'timestamp', deltaMs: 1000 });
    expect(judged('2026年12月8日 2時49分08秒', '2026年12月8日 2時49分09秒')).toBe(true);
  });

  it('another day, another hour, or an amount beside it stays a difference', () => {
    expect(judged('2026年12月7日', '2026年12月9日')).toBe(false);
    expect(judged('2026年12月8日 2時49分08秒', '2026年12月8日 3時49分08秒')).toBe(false);
    expect(judged('¥12,345', '¥12,354')).toBe(false);
  });
});
