// The sliding error-rate window behind auto-rollback: counts per key over the last windowMs (time is
// passed in, never read), slides bucket by bucket, resets per key, and breaches only past both thresholds.
import { breaches, ErrorWindow } from '../../src/core/error-window';

const T0 = 1_700_000_000_000;

describe('ErrorWindow', () => {
  it('counts requests and failures of a key, with the failure rate and the oldest request time', () => {
    const w = new ErrorWindow(1000, 10);
    w.record('catalog', false, T0);
    w.record('catalog', true, T0 + 150);
    const f = w.record('catalog', true, T0 + 420);
    expect(f).toEqual({ requests: 3, failures: 2, rate: 2 / 3, oldestAt: T0 });
  });

  it('slides: requests older than the window drop out, bucket by bucket', () => {
    const w = new ErrorWindow(1000, 10); // 100 ms buckets
    w.record('catalog', true, T0);        // bucket 0
    w.record('catalog', false, T0 + 500); // bucket 5
    expect(w.figures('catalog', T0 + 999)).toMatchObject({ requests: 2, failures: 1 });
    expect(w.figures('catalog', T0 + 1000)).toEqual({ requests: 1, failures: 0, rate: 0, oldestAt: T0 + 500 });
    expect(w.figures('catalog', T0 + 1500)).toEqual({ requests: 0, failures: 0, rate: 0, oldestAt: null });
  });

  it('reuses a bucket after a full turn of the ring without keeping its old counts', () => {
    const w = new ErrorWindow(1000, 10);
    w.record('catalog', true, T0);
    const f = w.record('catalog', false, T0 + 1000); // same ring slot, one window later
    expect(f).toEqual({ requests: 1, failures: 0, rate: 0, oldestAt: T0 + 1000 });
  });

  it('keeps memory bounded: a long stream only ever counts the last window', () => {
    const w = new ErrorWindow(1000, 10);
    let f = w.record('catalog', false, T0);
    for (let t = 1; t <= 10_000; t++) f = w.record('catalog', t % 4 === 0, T0 + t);
    // Buckets of 100 ms: the window as of T0 + 10 000 holds the ten buckets 9100..10 000 (901 requests).
    expect(f.requests).toBe(901);
    expect(f.failures).toBe(226);
  });

  it('keeps keys apart', () => {
    const w = new ErrorWindow(1000);
    w.record('catalog', true, T0);
    w.record('inventory', false, T0);
    expect(w.figures('catalog', T0)).toMatchObject({ requests: 1, failures: 1 });
    expect(w.figures('inventory', T0)).toMatchObject({ requests: 1, failures: 0 });
    expect(w.figures('orders', T0)).toEqual({ requests: 0, failures: 0, rate: 0, oldestAt: null });
  });

  it('reset forgets one key only', () => {
    const w = new ErrorWindow(1000);
    w.record('catalog', true, T0);
    w.record('inventory', true, T0);
    w.reset('catalog');
    expect(w.figures('catalog', T0).requests).toBe(0);
    expect(w.figures('inventory', T0).requests).toBe(1);
    expect(w.record('catalog', false, T0 + 1)).toEqual({ requests: 1, failures: 0, rate: 0, oldestAt: T0 + 1 });
  });

  it('a clock stepping back does not wipe newer counts', () => {
    const w = new ErrorWindow(1000, 10);
    w.record('catalog', true, T0 + 900);
    const f = w.record('catalog', true, T0 - 5000);
    expect(f).toMatchObject({ requests: 2, failures: 2 });
  });

  it('refuses a window that cannot slide', () => {
    expect(() => new ErrorWindow(0)).toThrow(RangeError);
    expect(() => new ErrorWindow(1000, 0)).toThrow(RangeError);
  });
});

describe('breaches', () => {
  const t = { minRequests: 20, maxErrorRate: 0.2 };
  it.each([
    [20, 5, true, '25 % of 20'],
    [20, 4, false, 'exactly 20 % is not above 20 %'],
    [19, 19, false, 'fewer requests than the minimum'],
    [100, 21, true, '21 % of 100'],
    [0, 0, false, 'an empty window'],
  ])('%i requests with %i failures -> %s (%s)', (requests, failures, expected) => {
    expect(breaches({ requests, failures, rate: requests > 0 ? failures / requests : 0, oldestAt: null }, t)).toBe(expected);
  });
});
