// The gate's breaker check (core/gate.ts): a promotion is refused while the route's service breaker
// is open or half-open, or when it opened at this stage within gate.breakerWindowMs; rollbacks never.
import { evaluateGate, type BreakerFigures, type GateInput, type GateThresholds } from '../../../src/core/gate';

const thresholds: GateThresholds = { minComparisons: 100, maxMismatchRate: 0.01, confidence: 0.95, breakerWindowMs: 3_600_000 };
const NOW = '2025-03-01T12:00:00.000Z';
const SINCE = '2025-03-01T10:00:00.000Z';

function anInput(breaker: Partial<BreakerFigures> | null, overrides: Partial<GateInput> = {}): GateInput {
  return {
    route: 'inventory', stage: 'shadow', target: 'live', since: SINCE,
    comparisons: 500, mismatches: 0, divergences: 0, errors: 0, skipped: 0,
    service: { requests: 500, failures: 0, p99Ms: 20 }, monolith: { requests: 500, failures: 0, p99Ms: 15 },
    ...(breaker ? { breaker: { upstream: 'inventory', state: 'closed', lastOpenedAt: null, at: NOW, ...breaker } } : {}),
    ...overrides,
  };
}

const breakerCheck = (input: GateInput) => evaluateGate(input, thresholds).checks.find((c) => c.name === 'breaker');

describe('the gate and the circuit breaker', () => {
  it('passes when the breaker stayed closed', () => {
    const result = evaluateGate(anInput({}), thresholds);
    expect(result.pass).toBe(true);
    expect(breakerCheck(anInput({}))).toMatchObject({ pass: true, status: 'pass' });
  });

  it.each(['open', 'half-open'] as const)('refuses while the breaker is %s', (state) => {
    const result = evaluateGate(anInput({ state, lastOpenedAt: '2025-03-01T11:59:00.000Z' }), thresholds);
    expect(result.pass).toBe(false);
    expect(breakerCheck(anInput({ state }))!.message).toMatch(new RegExp(`breaker of inventory is ${state}`));
  });

  it('refuses when it opened within the window at this stage, though it is closed again', () => {
    const c = breakerCheck(anInput({ lastOpenedAt: '2025-03-01T11:30:00.000Z' }))!;
    expect(c).toMatchObject({ pass: false, status: 'fail' });
    expect(c.message).toMatch(/opened at 2025-03-01T11:30:00.000Z/);
  });

  it('passes when it last opened before the window, or before the route entered its stage', () => {
    expect(breakerCheck(anInput({ lastOpenedAt: '2025-03-01T10:30:00.000Z' }))!.pass).toBe(true); // > 1 h ago
    const recentStage = anInput({ lastOpenedAt: '2025-03-01T11:30:00.000Z' }, { since: '2025-03-01T11:45:00.000Z' });
    expect(breakerCheck(recentStage)!.pass).toBe(true); // opened at the earlier stage
  });

  it('checks a move out of off too, and never a rollback', () => {
    const fromOff = evaluateGate(anInput({ state: 'open' }, { stage: 'off', target: 'dualwrite' }), thresholds);
    expect(fromOff.pass).toBe(false);
    const rollback = evaluateGate(anInput({ state: 'open' }, { stage: 'live', target: 'shadow' }), thresholds);
    expect(rollback.pass).toBe(true);
    expect(rollback.checks.map((c) => c.name)).toEqual(['comparisons']);
  });

  it('leaves the check out when the caller knows nothing about breakers', () => {
    expect(breakerCheck(anInput(null))).toBeUndefined();
  });
});
