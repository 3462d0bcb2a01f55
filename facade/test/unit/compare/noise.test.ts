// Noise, measured: a field is noise when its mismatch rate against the shadow is not clearly
// above the rate at which two answers of the primary itself differ; small counts say so.
import { compare, diffObservations } from '../../../src/core/compare/compare';
import { classifyField, fieldOf, noiseFieldsFrom, wilsonInterval } from '../../../src/core/compare/noise';
import { aJsonObservation, compiled } from './builders';

describe('wilsonInterval', () => {
  it.each([
    [0, 10, 0, 0.2775],
    [5, 10, 0.2366, 0.7634],
    [10, 10, 0.7225, 1],
    [30, 100, 0.2189, 0.3958],
  ])('%i of %i lies in [%f, %f]', (k, n, low, high) => {
    const interval = wilsonInterval(k, n);
    expect(interval.low).toBeCloseTo(low, 3);
    expect(interval.high).toBeCloseTo(high, 3);
  });

  it('no trials means nothing is known: [0, 1]', () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });
});

describe('classifyField', () => {
  it.each([
    ['a field that differs in every primary-vs-primary sample is noise', { shadowComparisons: 100, shadowDiffs: 100, noiseSamples: 20, noiseDiffs: 20 }, 'noise'],
    ['a field that differs always between primaries and half the time against the shadow is noise', { shadowComparisons: 100, shadowDiffs: 50, noiseSamples: 40, noiseDiffs: 40 }, 'noise'],
    ['a field with 0 noise and 30 % mismatch is a mismatch', { shadowComparisons: 100, shadowDiffs: 30, noiseSamples: 50, noiseDiffs: 0 }, 'mismatch'],
    ['a field with 0 noise and a rare mismatch is still a mismatch', { shadowComparisons: 1000, shadowDiffs: 1, noiseSamples: 50, noiseDiffs: 0 }, 'mismatch'],
    ['a field with 4 % noise and 60 % mismatch is a mismatch', { shadowComparisons: 100, shadowDiffs: 60, noiseSamples: 50, noiseDiffs: 2 }, 'mismatch'],
    ['a field with 20 % noise and 25 % mismatch is noise (not clearly above)', { shadowComparisons: 100, shadowDiffs: 25, noiseSamples: 50, noiseDiffs: 10 }, 'noise'],
    ['few primary-vs-primary samples are insufficient', { shadowComparisons: 100, shadowDiffs: 100, noiseSamples: 5, noiseDiffs: 5 }, 'insufficient'],
    ['few shadow comparisons are insufficient', { shadowComparisons: 3, shadowDiffs: 3, noiseSamples: 50, noiseDiffs: 0 }, 'insufficient'],
    ['a field that never differed is insufficient', { shadowComparisons: 100, shadowDiffs: 0, noiseSamples: 50, noiseDiffs: 0 }, 'insufficient'],
  ])('%s', (_name, counts, expected) => {
    expect(classifyField(counts).class).toBe(expected);
  });

  it('reports both rates and a sentence with the figures', () => {
    const result = classifyField({ shadowComparisons: 100, shadowDiffs: 30, noiseSamples: 50, noiseDiffs: 0 });
    expect(result).toMatchObject({ class: 'mismatch', mismatchRate: 0.3, noiseRate: 0 });
    expect(result.why).toContain('30/100 shadow comparisons differ (30.0 %)');
    expect(result.why).toContain('0/50 primary-vs-primary samples differ (0.0 %)');
  });

  it('explains a noise verdict with the two bounds', () => {
    expect(classifyField({ shadowComparisons: 100, shadowDiffs: 100, noiseSamples: 20, noiseDiffs: 20 }).why).toMatch(/lower bound 96\.3 % is not above the noise rate's upper bound 100\.0 %/);
  });
});

describe('noise fields', () => {
  it.each([
    ['$.items[3].updated_at', '$.items[*].updated_at'],
    ['$.a[0].b[12]', '$.a[*].b[*]'],
    ['$["odd [1] key"]', '$["odd [1] key"]'],
    ['headers.etag', 'headers.etag'],
    ['text[12]', 'text[12]'],
  ])('%s counts under the field %s', (path, field) => {
    expect(fieldOf(path)).toBe(field);
  });

  it('noiseFieldsFrom lists each differing field once, sorted', () => {
    const diffs = [{ path: '$.items[1].at' }, { path: '$.items[0].at' }, { path: '$.generated' }];
    expect(noiseFieldsFrom(diffs)).toEqual(['$.generated', '$.items[*].at']);
  });

  it('a timestamp differing on every answer is learned as noise while a real difference stays a mismatch', () => {
    const rules = compiled();
    const answer = (n: number, price: number) => aJsonObservation({ generated_at: `2024-03-01T12:00:${String(n % 60).padStart(2, '0')}Z`, price });
    const noise = new Map<string, number>();
    const samples = 25;
    for (let i = 0; i < samples; i++) {
      for (const field of noiseFieldsFrom(diffObservations(answer(i, 10), answer(i + 1, 10), rules))) noise.set(field, (noise.get(field) ?? 0) + 1);
    }
    const mismatches = new Map<string, number>();
    const comparisons = 40;
    for (let i = 0; i < comparisons; i++) {
      for (const d of compare(answer(i, 10), answer(i + 7, i % 2 === 0 ? 11 : 10), rules).mismatched) {
        mismatches.set(fieldOf(d.path), (mismatches.get(fieldOf(d.path)) ?? 0) + 1);
      }
    }
    const verdict = (field: string) =>
      classifyField({ shadowComparisons: comparisons, shadowDiffs: mismatches.get(field) ?? 0, noiseSamples: samples, noiseDiffs: noise.get(field) ?? 0 }).class;
    expect(verdict('$.generated_at')).toBe('noise');
    expect(verdict('$.price')).toBe('mismatch');
  });
});
