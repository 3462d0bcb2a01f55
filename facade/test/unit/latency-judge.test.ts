// The latency judge's Mann-Whitney U test: average ranks for ties, whatever the order or split of
// the samples, equal to the textbook computation over one ranked pool of both samples.
import { judgeLatency, mannWhitneyGreater, normalUpperTail } from '../../src/core/latency-judge';

/** The textbook form: pool both samples, rank them (ties averaged), sum x's ranks. */
function reference(x: readonly number[], y: readonly number[]): number {
  const all = [...x.map((v) => ({ v, g: 0 })), ...y.map((v) => ({ v, g: 1 }))].sort((a, b) => a.v - b.v);
  let rankSumX = 0;
  let tieTerm = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    const t = j - i + 1;
    tieTerm += t ** 3 - t;
    for (let k = i; k <= j; k++) if (all[k]!.g === 0) rankSumX += (i + j) / 2 + 1;
    i = j + 1;
  }
  const n1 = x.length;
  const n2 = y.length;
  const n = n1 + n2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  return sigma === 0 ? 1 : normalUpperTail((rankSumX - (n1 * (n1 + 1)) / 2 - (n1 * n2) / 2 - 0.5) / sigma);
}

describe('mannWhitneyGreater', () => {
  let seed = 11;
  const rand = (): number => { seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648; return seed / 2_147_483_648; };

  it('equals the pooled-rank computation on samples with many ties, shifted or not', () => {
    for (let round = 0; round < 40; round++) {
      const coarse = round % 2 === 0; // whole milliseconds: ties everywhere
      const sample = (n: number, shift: number): number[] => Array.from({ length: n }, () => {
        const v = 3 + rand() * 20 + shift;
        return coarse ? Math.round(v) : v;
      });
      const x = sample(20 + Math.floor(rand() * 300), round % 3);
      const y = sample(20 + Math.floor(rand() * 300), 0);
      expect(mannWhitneyGreater(x, y)).toBeCloseTo(reference(x, y), 12);
    }
  });

  it('tells a clearly slower sample from an equal one, and all-equal samples are never slower', () => {
    const base = Array.from({ length: 500 }, (_, i) => 5 + (i % 50) / 10);
    expect(mannWhitneyGreater(base.map((v) => v + 20), base)).toBeLessThan(1e-9);
    expect(mannWhitneyGreater(base, base)).toBeGreaterThan(0.4);
    expect(mannWhitneyGreater(Array(60).fill(7), Array(80).fill(7))).toBe(1);
  });

  it('judgeLatency takes medians and the margin as before', () => {
    const monolith = Array.from({ length: 200 }, (_, i) => 10 + (i % 10));
    expect(judgeLatency(monolith.map((v) => v + 40), monolith)).toMatchObject({ judged: true, slower: true, monolithMedian: 14.5, serviceMedian: 54.5, marginMs: 14.5 });
    expect(judgeLatency(monolith, monolith)).toMatchObject({ judged: true, slower: false });
    expect(judgeLatency(monolith.slice(0, 10), monolith)).toMatchObject({ judged: false, p: null });
  });
});
