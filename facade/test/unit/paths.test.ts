// Path normalization for routing: every spelling of a path (escapes, `//`, dot segments, encoded
// slashes) normalizes to one form, so no spelling bypasses a route.
import { decodedSlashes, normalizePath, splitTarget } from '../../src/core/paths';

describe('normalizePath', () => {
  it.each([
    ['/api/products/../orders', '/api/orders'],
    ['/api/%70roducts/1', '/api/products/1'],
    ['//api/inventory', '/api/inventory'],
    ['/api/./products', '/api/products'],
    ['/api/%2e%2e/x', '/x'],
    ['/api/%2E/products', '/api/products'],
    ['/api/.%2e/orders', '/orders'],
    ['/api/products/', '/api/products/'],
    ['/api/products/.', '/api/products/'],
    ['/api/products/..', '/api/'],
    ['/api/..', '/'],
    ['/', '/'],
    ['/api///products//1', '/api/products/1'],
    ['/a/b/c/./../../g', '/a/g'],
    ['/api/products/%7e%41', '/api/products/~A'],
    ['/search/caf%c3%a9', '/search/caf%C3%A9'],
    ['/search/a%20b', '/search/a%20b'],
    ['/search/a b', '/search/a%20b'],
    ['/q/{x}', '/q/%7Bx%7D'],
    ['/api/products/SKU-1:2;v=3', '/api/products/SKU-1:2;v=3'],
    ['/api/.well-known/x', '/api/.well-known/x'],
    ['/api/products/a..b', '/api/products/a..b'],
    ['/api/%3F', '/api/%3F'],
    ['/api/products%2f1', '/api/products%2F1'],
    ['/api/products%2F..%2Forders', '/api/products%2F..%2Forders'],
    ['/api/a%5cb', '/api/a%5Cb'],
    ['/api\\products', '/api%5Cproducts'],
  ])('%s becomes %s', (raw, expected) => {
    expect(normalizePath(raw)).toEqual({ ok: true, path: expected });
  });

  it.each([
    ['api/products', 'start with "/"'],
    ['*', 'start with "/"'],
    ['', 'start with "/"'],
    ['/api/%', 'malformed percent-escape'],
    ['/api/%2', 'malformed percent-escape'],
    ['/api/%G1', 'malformed percent-escape'],
    ['/api/%1g', 'malformed percent-escape'],
    ['/api/%00', 'NUL'],
    ['/api/\x00', 'control character'],
    ['/api/a\r\nb', 'control character'],
    ['/api/\x7f', 'control character'],
    ['/../x', 'climbs above the root'],
    ['/api/../../x', 'climbs above the root'],
    ['/%2e%2e/etc/passwd', 'climbs above the root'],
    ['/api/\u2028', 'outside the byte range'],
  ])('%j is refused (%s)', (raw, reason) => {
    const result = normalizePath(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('returns an already-canonical path unchanged', () => {
    expect(normalizePath('/api/products/17')).toEqual({ ok: true, path: '/api/products/17' });
  });

  it('is idempotent: normalizing a normalized path changes nothing', () => {
    for (const raw of ['/a/%2e%2e/b/%7E', '//x//y/', '/caf%c3%a9/./', '/q/{x} y']) {
      const once = normalizePath(raw);
      if (!once.ok) throw new Error(`unexpected refusal of ${raw}`);
      expect(normalizePath(once.path)).toEqual(once);
    }
  });
});

describe('decodedSlashes', () => {
  it.each([
    ['/api%2Fproducts%2F1', '/api/products/1'],
    ['/api/products%2F..%2Forders', '/api/orders'],
    ['/a%5Cb%5C', '/a/b/'],
    ['/a%2F%2F%2Fb', '/a/b'],
    ['/a%2F..%2F..%2F..%2Fb', '/b'],
    ['/api/products/1', '/api/products/1'],
  ])('%s reads as %s to an upstream that decodes encoded slashes', (normalized, expected) => {
    expect(decodedSlashes(normalized)).toBe(expected);
  });
});

describe('splitTarget', () => {
  it.each([
    ['/api/products?page=2&per_page=5', '/api/products', '?page=2&per_page=5'],
    ['/api/products', '/api/products', ''],
    ['/api/products?', '/api/products', '?'],
    ['/a?b=%2F&c=?d', '/a', '?b=%2F&c=?d'],
  ])('%s splits into %s and %s, query kept verbatim', (url, path, query) => {
    expect(splitTarget(url)).toEqual({ path, query });
  });
});
