// Deadline arithmetic (core/resilience/deadline.ts): the client's header lowers the budget and never
// raises it, an attempt that cannot finish is not started, and the header says whole ms left.
import { budgetMs, canStartAttempt, deadlineHeaderValue, parseClientBudget, remainingMs } from '../../../src/core/resilience/deadline';

describe('deadline budget', () => {
  it.each([
    [undefined, { ok: true, ms: null }],
    ['1500', { ok: true, ms: 1500 }],
    ['0', { ok: true, ms: 0 }],
    ['900, 400', { ok: true, ms: 400 }], // repeated: the smallest wins
    [['700', '300'], { ok: true, ms: 300 }],
  ] as const)('reads %j as %j', (value, expected) => {
    expect(parseClientBudget(value as string | string[] | undefined)).toEqual(expected);
  });

  it.each(['1.5', '-3', '1e3', 'soon', '', '12345678901'])('refuses %j, saying what is expected', (value) => {
    const r = parseClientBudget(value);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toMatch(/whole milliseconds/);
  });

  it('lowers the budget with the client header, never raises it', () => {
    expect(budgetMs(10_000, null)).toBe(10_000);
    expect(budgetMs(10_000, 800)).toBe(800);
    expect(budgetMs(10_000, 60_000)).toBe(10_000);
  });

  it('counts the time left from when the budget started', () => {
    expect(remainingMs(1000, 5000, 5300)).toBe(700);
    expect(remainingMs(1000, 5000, 6200)).toBe(-200);
  });

  it('starts an attempt (or a retry after its delay) only with at least minAttemptMs left', () => {
    expect(canStartAttempt(300, 250, 50)).toBe(true);
    expect(canStartAttempt(299, 250, 50)).toBe(false);
    expect(canStartAttempt(0, 0, 0)).toBe(false); // nothing left is never enough
  });

  it('sends whole milliseconds, never negative', () => {
    expect(deadlineHeaderValue(1234.9)).toBe('1234');
    expect(deadlineHeaderValue(-5)).toBe('0');
  });
});
