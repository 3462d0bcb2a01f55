// Reading recorded breaker transitions (core/resilience/breaker-history.ts): state at the window's end
// across processes, times opened and time not closed inside the window, newest transitions first.
import { summarizeBreaker, type TransitionRecord } from '../../../src/core/resilience/breaker-history';

const T0 = Date.parse('2025-01-01T12:00:00.000Z');
const iso = (ms: number): string => new Date(T0 + ms).toISOString();
const row = (ms: number, process: string, from: TransitionRecord['from'], to: TransitionRecord['to']): TransitionRecord =>
  ({ at: iso(ms), upstream: 'catalog', process, from, to, requests: 0, failures: 0, reason: 'test' });

describe('summarizeBreaker', () => {
  it('with no transitions the breaker is closed and never opened', () => {
    expect(summarizeBreaker('catalog', [], T0, T0 + 60_000)).toMatchObject({ state: 'closed', opened: 0, notClosedMs: 0, lastOpenedAt: null, transitions: [] });
  });

  it('counts openings and the time until it closed again, clipped to the window', () => {
    const rows = [
      row(-30_000, 'p1', 'closed', 'open'), // before the window: open when the window starts
      row(10_000, 'p1', 'open', 'half-open'),
      row(12_000, 'p1', 'half-open', 'closed'),
      row(40_000, 'p1', 'closed', 'open'),
      row(45_000, 'p1', 'open', 'half-open'),
    ];
    const h = summarizeBreaker('catalog', rows, T0, T0 + 60_000);
    expect(h.opened).toBe(1);
    expect(h.notClosedMs).toBe(12_000 + 20_000);
    expect(h.state).toBe('half-open');
    expect(h.lastOpenedAt).toBe(iso(40_000));
    expect(h.transitions.map((t) => t.at)).toEqual([iso(45_000), iso(40_000), iso(12_000), iso(10_000)]);
  });

  it('takes the worst state over processes and the union of their open times', () => {
    const rows = [
      row(0, 'p1', 'closed', 'open'), row(10_000, 'p1', 'open', 'closed'),
      row(5_000, 'p2', 'closed', 'open'), row(20_000, 'p2', 'open', 'closed'),
      row(30_000, 'p3', 'closed', 'open'),
    ];
    const h = summarizeBreaker('catalog', rows, T0, T0 + 40_000);
    expect(h.state).toBe('open');
    expect(h.processes).toEqual({ closed: 2, 'half-open': 0, open: 1 });
    expect(h.opened).toBe(3);
    expect(h.notClosedMs).toBe(20_000 + 10_000);
  });
});
