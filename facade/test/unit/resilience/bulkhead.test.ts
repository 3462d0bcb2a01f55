// The bulkhead's bookkeeping (core/resilience/bulkhead.ts): slots up to maxConcurrent, then a FIFO
// queue up to maxQueue, then refusal; a freed slot goes to the oldest waiter; a waiter can give up.
import { Bulkhead } from '../../../src/core/resilience/bulkhead';

describe('Bulkhead', () => {
  it('takes slots up to maxConcurrent, queues up to maxQueue, and refuses beyond', () => {
    const b = new Bulkhead<string>({ maxConcurrent: 2, maxQueue: 1 });
    expect(b.tryEnter()).toBe(true);
    expect(b.tryEnter()).toBe(true);
    expect(b.tryEnter()).toBe(false);
    expect(b.enqueue('a')).toBe(true);
    expect(b.enqueue('b')).toBe(false);
    expect([b.inFlight, b.queued]).toEqual([2, 1]);
  });

  it('hands a freed slot to the oldest waiter, first come first served', () => {
    const b = new Bulkhead<string>({ maxConcurrent: 1, maxQueue: 3 });
    b.tryEnter();
    b.enqueue('a');
    b.enqueue('b');
    expect(b.leave()).toBe('a');
    expect([b.inFlight, b.queued]).toEqual([1, 1]);
    expect(b.leave()).toBe('b');
    expect(b.leave()).toBeUndefined();
    expect(b.inFlight).toBe(0);
  });

  it('lets no newcomer jump the queue while someone waits', () => {
    const b = new Bulkhead<string>({ maxConcurrent: 1, maxQueue: 1 });
    b.tryEnter();
    b.enqueue('a');
    expect(b.tryEnter()).toBe(false);
  });

  it('forgets a waiter that gave up', () => {
    const b = new Bulkhead<string>({ maxConcurrent: 1, maxQueue: 2 });
    b.tryEnter();
    b.enqueue('a');
    b.enqueue('b');
    expect(b.withdraw('a')).toBe(true);
    expect(b.withdraw('a')).toBe(false);
    expect(b.leave()).toBe('b');
  });
});
