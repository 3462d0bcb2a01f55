// The promotion gate: each check passes and fails with its exact figures; the mismatch rate is judged
// on the upper bound of a Wilson interval (0 of 12 is not 0 %); rollbacks and leaving `off` pass.
import { cleanComparisonsNeeded, evaluateGate, formatPercent, zForConfidence, type GateCheck, type GateInput, type GateThresholds } from '../../src/core/gate';

const thresholds: GateThresholds = { minComparisons: 100, maxMismatchRate: 0.01, confidence: 0.95 };
const SINCE = '2025-03-01T10:00:00.000Z';

/** A route at shadow with plenty of clean evidence; override what the test is about. */
function anInput(overrides: Partial<GateInput> = {}): GateInput {
  return {
    route: 'inventory', stage: 'shadow', target: 'live', since: SINCE,
    comparisons: 500, mismatches: 0, divergences: 0, errors: 0, skipped: 0,
    service: { requests: 500, failures: 0, p99Ms: 20 }, monolith: { requests: 500, failures: 0, p99Ms: 15 },
    ...overrides,
  };
}

function check(input: GateInput, name: GateCheck['name'], t = thresholds): GateCheck {
  const found = evaluateGate(input, t).checks.find((c) => c.name === name);
  if (!found) throw new Error(`no ${name} check`);
  return found;
}

describe('evaluateGate', () => {
  it('a route with enough clean evidence passes all seven checks, in a fixed order', () => {
    const result = evaluateGate(anInput(), thresholds);
    expect(result).toMatchObject({ pass: true, route: 'inventory', from: 'shadow', to: 'live' });
    expect(result.checks.map((c) => [c.name, c.pass])).toEqual([
      ['comparisons', true], ['mismatch_rate', true], ['endpoints', true], ['unjudged', true], ['divergences', true], ['error_rate', true], ['latency', true],
    ]);
    expect(Object.isFrozen(result)).toBe(true);
  });

  it('one failing check fails the gate', () => {
    const result = evaluateGate(anInput({ divergences: 1 }), thresholds);
    expect(result.pass).toBe(false);
    expect(result.checks.filter((c) => !c.pass).map((c) => c.name)).toEqual(['divergences']);
  });

  describe('comparisons', () => {
    it('99 of the 100 needed fails, saying how many and since when', () => {
      const c = check(anInput({ comparisons: 99, errors: 2, skipped: 3 }), 'comparisons');
      expect(c.pass).toBe(false);
      expect(c.figures).toBe(`99 comparisons at shadow since ${SINCE} (need 100); 2 errors and 3 skipped not counted`);
      expect(c.message).toBe('only 99 of the 100 comparisons needed at shadow: send more traffic, then try again');
    });

    it('exactly the minimum passes', () => {
      expect(check(anInput({ comparisons: 100 }), 'comparisons').pass).toBe(true);
    });
  });

  describe('mismatch_rate', () => {
    it('0 mismatches in 12 comparisons is not 0 %: its upper bound of 24.2 % fails a 1 % threshold', () => {
      const c = check(anInput({ comparisons: 12 }), 'mismatch_rate');
      expect(c.pass).toBe(false);
      expect(c.figures).toBe('0 mismatches in 12 comparisons: 0 %, upper bound 24.2 % > 1 %');
      expect(c.message).toBe('with 95 % confidence the mismatch rate may be as high as 24.2 %; no mismatch yet, but showing ≤ 1 % takes about 381 comparisons without one');
    });

    it('3 mismatches in 250 comparisons (1.2 %) fails on its upper bound of 3.5 %', () => {
      const c = check(anInput({ comparisons: 250, mismatches: 3 }), 'mismatch_rate');
      expect(c.pass).toBe(false);
      expect(c.figures).toBe('3 mismatches in 250 comparisons: 1.2 %, upper bound 3.5 % > 1 %');
      expect(c.message).toContain('read the report');
    });

    it('0 mismatches in 400 comparisons passes 1 %: upper bound 0.95 %', () => {
      const c = check(anInput({ comparisons: 400 }), 'mismatch_rate');
      expect(c.pass).toBe(true);
      expect(c.figures).toBe('0 mismatches in 400 comparisons: 0 %, upper bound 0.95 % ≤ 1 %');
      expect(c.message).toBe('with 95 % confidence the mismatch rate is at most 0.95 %');
    });

    it('a higher confidence widens the interval: 0 of 400 fails 1 % at 99 %', () => {
      const c = check(anInput({ comparisons: 400 }), 'mismatch_rate', { ...thresholds, confidence: 0.99 });
      expect(c.pass).toBe(false);
      expect(c.figures).toBe('0 mismatches in 400 comparisons: 0 %, upper bound 1.6 % > 1 %');
    });

    it('with no comparisons at all the upper bound is 100 %', () => {
      expect(check(anInput({ comparisons: 0 }), 'mismatch_rate').figures).toBe('0 mismatches in 0 comparisons: 0 %, upper bound 100 % > 1 %');
    });
  });

  describe('divergences', () => {
    it.each([
      [0, true, '0 divergences at shadow'],
      [1, false, '1 divergence at shadow'],
      [4, false, '4 divergences at shadow'],
    ])('%i divergences: pass is %s', (divergences, pass, figures) => {
      expect(check(anInput({ divergences }), 'divergences')).toMatchObject({ pass, figures });
    });
  });

  describe('error_rate', () => {
    it('fails when the service is clearly worse: its lower bound is above the monolith\'s upper bound', () => {
      const c = check(anInput({ service: { requests: 200, failures: 10, p99Ms: 20 }, monolith: { requests: 200, failures: 0, p99Ms: 15 } }), 'error_rate');
      expect(c.pass).toBe(false);
      expect(c.figures).toBe('service 10 of 200 failed (5 %, lower bound 2.7 %) > monolith 0 of 200 (0 %, upper bound 1.9 %)');
      expect(c.message).toContain('fails clearly more often');
    });

    it('passes when the difference could be chance', () => {
      const c = check(anInput({ service: { requests: 200, failures: 2, p99Ms: 20 }, monolith: { requests: 200, failures: 1, p99Ms: 15 } }), 'error_rate');
      expect(c.pass).toBe(true);
      expect(c.figures).toBe('service 2 of 200 failed (1 %, lower bound 0.27 %) ≤ monolith 1 of 200 (0.5 %, upper bound 2.8 %)');
    });

    it('is not judged when one side has no answers', () => {
      const c = check(anInput({ service: { requests: 0, failures: 0, p99Ms: null } }), 'error_rate');
      expect(c).toMatchObject({ pass: true, figures: 'service 0 of 0 failed; monolith 0 of 500' });
      expect(c.message).toContain('not judged');
    });
  });

  describe('latency', () => {
    const times = (n: number, base: number, spread: number): number[] => Array.from({ length: n }, (_, i) => base + ((i * 7919) % 100) / 100 * spread);

    it('fails when the service is clearly slower than the monolith plus the margin, and says the test', () => {
      const c = check(anInput({ service: { requests: 200, failures: 0, p99Ms: 60, latenciesMs: times(200, 60, 10) },
        monolith: { requests: 200, failures: 0, p99Ms: 15, latenciesMs: times(200, 10, 5) } }), 'latency');
      expect(c).toMatchObject({ pass: false, status: 'fail' });
      expect(c.figures).toContain('Mann-Whitney');
    });

    it('passes when the service is slower by less than the margin (CPU noise does not refuse a promotion)', () => {
      const c = check(anInput({ service: { requests: 200, failures: 0, p99Ms: 16, latenciesMs: times(200, 11, 5) },
        monolith: { requests: 200, failures: 0, p99Ms: 15, latenciesMs: times(200, 10, 5) } }), 'latency');
      expect(c).toMatchObject({ pass: true, status: 'pass' });
    });

    it('is not judged (and does not refuse) with fewer than 50 answer times on a side', () => {
      const c = check(anInput({ service: { requests: 19, failures: 0, p99Ms: 900, latenciesMs: times(19, 900, 10) } }), 'latency');
      expect(c).toMatchObject({ pass: true, status: 'not_judged' });
      expect(c.figures).toContain('need 50 each');
    });
  });

  describe('endpoints and unjudged', () => {
    it('refuses when one endpoint has real differences, naming it and its field', () => {
      const c = check(anInput({ endpoints: [{ endpoint: 'GET /api/users/:id', compared: 40, mismatches: 40, unjudged: 0, topField: '$.bio' },
        { endpoint: 'GET /api/tags', compared: 400, mismatches: 0, unjudged: 0, topField: null }] }), 'endpoints');
      expect(c).toMatchObject({ pass: false, status: 'fail' });
      expect(c.message).toContain('GET /api/users/:id (40 of 40, $.bio)');
    });

    it('shows unjudged comparisons as not judged, never as a pass', () => {
      const c = check(anInput({ unjudged: 3 }), 'unjudged');
      expect(c).toMatchObject({ pass: false, status: 'not_judged' });
    });
  });

  it.each([
    ['live', 'shadow'], ['complete', 'rampdown'], ['shadow', 'off'],
  ] as const)('moving backwards (%s → %s) passes without evidence, with one check saying why', (stage, target) => {
    const result = evaluateGate(anInput({ stage, target, comparisons: 0, mismatches: 0, divergences: 3 }), thresholds);
    expect(result.pass).toBe(true);
    expect(result.checks).toEqual([{ name: 'comparisons', pass: true, status: 'pass', figures: `0 comparisons at ${stage}; ${stage} → ${target}`, message: `${stage} → ${target} moves backwards: a rollback is never gated` }]);
  });

  it('leaving off passes: nothing is compared there', () => {
    const result = evaluateGate(anInput({ stage: 'off', target: 'dualwrite', comparisons: 0 }), thresholds);
    expect(result.pass).toBe(true);
    expect(result.checks).toHaveLength(1);
    expect(result.checks[0].message).toBe('nothing is compared at off, so leaving it needs no evidence');
  });

  it('staying at the same stage (a larger rollout share) is judged like a promotion', () => {
    expect(evaluateGate(anInput({ stage: 'live', target: 'live', comparisons: 5 }), thresholds).pass).toBe(false);
  });
});

describe('gate helpers', () => {
  it.each([[0.9, 1.6449], [0.95, 1.96], [0.99, 2.5758], [0.999, 3.2905]])('z for %s confidence is %s', (confidence, z) => {
    expect(zForConfidence(confidence)).toBeCloseTo(z, 3);
  });

  it('with no mismatch at all, 381 comparisons show ≤ 1 % at 95 %, and 73 show ≤ 5 %', () => {
    expect(cleanComparisonsNeeded(0.01, 0.95)).toBe(381);
    expect(cleanComparisonsNeeded(0.05, 0.95)).toBe(73);
    expect(cleanComparisonsNeeded(0, 0.95)).toBeNull();
  });

  it.each([[0.012, '1.2 %'], [0.01, '1 %'], [0.1, '10 %'], [0.0035, '0.35 %'], [0, '0 %'], [1, '100 %']])('formats %s as %s', (x, text) => {
    expect(formatPercent(x)).toBe(text);
  });
});
