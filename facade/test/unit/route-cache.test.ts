// The route decision cache: a bounded LRU, so a path already seen skips matching and a flood of
// distinct paths cannot grow it past its capacity.
import { RouteCache } from '../../src/core/routing';

describe('RouteCache', () => {
  it('returns what was stored for a key and nothing for an unknown key', () => {
    const c = new RouteCache<string>(4);
    c.set('GET\0shop\0h\0/api/orders/7', 'orders');
    expect(c.get('GET\0shop\0h\0/api/orders/7')).toBe('orders');
    expect(c.get('POST\0shop\0h\0/api/orders/7')).toBeUndefined();
  });

  it('never holds more than its capacity, evicting the least recently used key', () => {
    const c = new RouteCache<number>(3);
    c.set('a', 1); c.set('b', 2); c.set('c', 3);
    expect(c.get('a')).toBe(1); // a is now the most recent; b is the oldest
    c.set('d', 4);
    expect(c.size).toBe(3);
    expect(c.get('b')).toBeUndefined();
    expect([c.get('a'), c.get('c'), c.get('d')]).toEqual([1, 3, 4]);
    for (let i = 0; i < 1000; i++) c.set(`flood-${i}`, i);
    expect(c.size).toBe(3);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RouteCache(0)).toThrow(/positive integer/);
  });
});
