// The per-route budget behind re-asks: a token bucket with its burst, a cap in flight, and low
// priority takes that leave half of both to the takes that decide something.
import { RouteBudget } from '../../src/io/route-budget';

function clock(): { now: () => number; advance(ms: number): void } {
  let t = 0;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

const takes = (b: RouteBudget, n: number, ...args: Parameters<RouteBudget['take']> extends [string, ...infer R] ? R : never): Array<ReturnType<RouteBudget['take']>> =>
  Array.from({ length: n }, () => b.take('r', ...args));

it('holds a burst of tokens, then grants perSecond per second', () => {
  const c = clock();
  const b = new RouteBudget(c.now);
  expect(takes(b, 21, 5, { burst: 20 }).filter((x) => x === true)).toHaveLength(20);
  expect(b.take('r', 5, { burst: 20 })).toBe('rate');
  c.advance(1000);
  expect(takes(b, 6, 5, { burst: 20 })).toEqual([true, true, true, true, true, 'rate']);
});

it('without a burst, a full bucket is one second of the rate; routes have their own buckets', () => {
  const b = new RouteBudget(clock().now);
  expect(takes(b, 4, 3)).toEqual([true, true, true, 'rate']);
  expect(b.take('other', 3)).toBe(true);
});

it('a low priority take leaves half the tokens to the others', () => {
  const b = new RouteBudget(clock().now);
  const low = takes(b, 10, 100, { burst: 10, lowPriority: true });
  expect(low.filter((x) => x === true)).toHaveLength(5);
  expect(takes(b, 6, 100, { burst: 10 })).toEqual([true, true, true, true, true, 'rate']);
});

it('a low priority take leaves half the in-flight slots; release gives a slot back', () => {
  const b = new RouteBudget(clock().now);
  expect(takes(b, 3, 100, { maxInFlight: 4, lowPriority: true })).toEqual([true, true, 'in_flight']);
  expect(takes(b, 3, 100, { maxInFlight: 4 })).toEqual([true, true, 'in_flight']);
  b.release('r');
  expect(b.take('r', 100, { maxInFlight: 4, lowPriority: true })).toBe('in_flight'); // 3 in flight, half kept
  expect(b.take('r', 100, { maxInFlight: 4 })).toBe(true);
});
