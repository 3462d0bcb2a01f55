// The circuit breaker state machine (core/resilience/breaker.ts), with the clock passed in: it opens
// on the failure rate over the window once enough requests were seen, refuses during the cool-down,
// lets a few trial requests through in half-open, and closes or opens again on what they say.
import { CircuitBreaker, REJECTED, type BreakerSettings, type BreakerTransition } from '../../../src/core/resilience/breaker';

const T0 = 1_700_000_000_000;
const settings: BreakerSettings = { windowMs: 10_000, minRequests: 4, failureRate: 0.5, coolDownMs: 5000, halfOpenProbes: 2 };

function aBreaker(s: Partial<BreakerSettings> = {}): { b: CircuitBreaker; moves: BreakerTransition[] } {
  const moves: BreakerTransition[] = [];
  return { b: new CircuitBreaker({ ...settings, ...s }, (t) => moves.push(t), T0), moves };
}

/** Admits and records one request at `at` with the verdict. */
function request(b: CircuitBreaker, at: number, verdict: 'success' | 'failure' | 'none'): number {
  const ticket = b.admit(at);
  if (ticket !== REJECTED) b.record(ticket, verdict, at);
  return ticket;
}

describe('CircuitBreaker', () => {
  it('stays closed below the minimum request count, even when every request fails', () => {
    const { b, moves } = aBreaker();
    for (let i = 0; i < 3; i++) request(b, T0 + i, 'failure');
    expect(b.current).toBe('closed');
    expect(moves).toEqual([]);
  });

  it('opens once the window holds minRequests and the failure rate reaches failureRate', () => {
    const { b, moves } = aBreaker();
    request(b, T0, 'success');
    request(b, T0 + 1, 'success');
    request(b, T0 + 2, 'failure');
    expect(b.current).toBe('closed'); // 1 of 3: below the minimum anyway
    request(b, T0 + 3, 'failure'); // 2 of 4 = 50 %
    expect(b.current).toBe('open');
    expect(moves).toEqual([{ from: 'closed', to: 'open', at: T0 + 3, requests: 4, failures: 2, reason: '2 of 4 requests failed within 10000 ms' }]);
  });

  it('forgets failures older than the window', () => {
    const { b } = aBreaker();
    request(b, T0, 'failure');
    request(b, T0 + 1, 'failure');
    request(b, T0 + 2, 'failure');
    // 11 s later the three failures are out of the 10 s window: one failure of one request is below the minimum.
    request(b, T0 + 11_000, 'failure');
    expect(b.current).toBe('closed');
  });

  it('does not count requests that said nothing about the upstream', () => {
    const { b } = aBreaker();
    for (let i = 0; i < 10; i++) request(b, T0 + i, 'none');
    request(b, T0 + 20, 'failure');
    expect(b.current).toBe('closed');
  });

  it('refuses every request during the cool-down, with the time left as Retry-After (at least 1 s)', () => {
    const { b } = aBreaker();
    for (let i = 0; i < 4; i++) request(b, T0 + i, 'failure');
    expect(b.admit(T0 + 10)).toBe(REJECTED);
    expect(b.retryAfterMs(T0 + 1003)).toBe(4000);
    expect(b.retryAfterMs(T0 + 4900)).toBe(1000);
  });

  it('after the cool-down lets halfOpenProbes trial requests through, and closes when all succeed', () => {
    const { b, moves } = aBreaker();
    for (let i = 0; i < 4; i++) request(b, T0 + i, 'failure');
    const t = T0 + 3 + 5000;
    const p1 = b.admit(t);
    const p2 = b.admit(t);
    expect(b.current).toBe('half-open');
    expect(p1).not.toBe(REJECTED);
    expect(p2).not.toBe(REJECTED);
    expect(b.admit(t)).toBe(REJECTED); // a third is refused while the two are out
    b.record(p1, 'success', t + 5);
    expect(b.current).toBe('half-open');
    b.record(p2, 'success', t + 6);
    expect(b.current).toBe('closed');
    expect(moves.map((m) => m.to)).toEqual(['open', 'half-open', 'closed']);
    expect(b.admit(t + 7)).not.toBe(REJECTED);
  });

  it('opens again when a trial request fails, for a fresh cool-down', () => {
    const { b, moves } = aBreaker();
    for (let i = 0; i < 4; i++) request(b, T0 + i, 'failure');
    const t = T0 + 3 + 5000;
    const p1 = b.admit(t);
    b.record(p1, 'failure', t + 100);
    expect(b.current).toBe('open');
    expect(b.admit(t + 4000)).toBe(REJECTED);
    expect(b.admit(t + 100 + 5000)).not.toBe(REJECTED);
    expect(moves.map((m) => m.to)).toEqual(['open', 'half-open', 'open', 'half-open']);
  });

  it('gives a trial slot back when its request said nothing (the client left)', () => {
    const { b } = aBreaker({ halfOpenProbes: 1 });
    for (let i = 0; i < 4; i++) request(b, T0 + i, 'failure');
    const t = T0 + 5003;
    const p = b.admit(t);
    expect(b.admit(t)).toBe(REJECTED);
    b.record(p, 'none', t + 1);
    expect(b.admit(t + 2)).not.toBe(REJECTED);
  });

  it('ignores verdicts of requests admitted before a transition', () => {
    const { b } = aBreaker({ minRequests: 2 });
    const old = b.admit(T0); // admitted while closed, answers late
    request(b, T0 + 1, 'failure');
    request(b, T0 + 2, 'failure');
    expect(b.current).toBe('open');
    const probe = b.admit(T0 + 2 + 5000);
    b.record(old, 'failure', T0 + 5003); // the late closed-era failure must not reopen the half-open breaker
    expect(b.current).toBe('half-open');
    b.record(probe, 'success', T0 + 5004);
    b.record(b.admit(T0 + 5005), 'success', T0 + 5006);
    expect(b.current).toBe('closed');
  });

  it('starts closed again from fresh evidence', () => {
    const { b } = aBreaker({ halfOpenProbes: 1 });
    for (let i = 0; i < 4; i++) request(b, T0 + i, 'failure');
    request(b, T0 + 5003, 'success');
    expect(b.current).toBe('closed');
    request(b, T0 + 5004, 'failure'); // one failure of one: the old failures are not counted again
    expect(b.current).toBe('closed');
  });
});
