// Route matching: the most specific pattern wins, filters on method and host, and everything
// unmatched (or any spelling that normalizes outside a route) belongs to the monolith.
import { normalizePath } from '../../src/core/paths';
import { compileRoutes, hostOnly, matchAsterisk, matchNormalized, matchRoute, validatePattern } from '../../src/core/routing';
import { aRequest, aRoute } from '../helpers/builders';

const demo = compileRoutes([
  aRoute({ name: 'catalog', path: '/api/products/**' }),
  aRoute({ name: 'inventory', path: '/api/inventory/**', service: 'inventory' }),
]);

function routeFor(table: ReturnType<typeof compileRoutes>, method: string, path: string, host?: string): string | null {
  return matchRoute(table, aRequest(method, path, host))?.route.name ?? null;
}

describe('matchRoute on the demo routes', () => {
  it.each([
    ['/api/products', 'catalog'],
    ['/api/products/', 'catalog'],
    ['/api/products/17', 'catalog'],
    ['/api/products/17/reviews', 'catalog'],
    ['/api/inventory/SKU-000017', 'inventory'],
    ['/api/inventory/SKU-000017/reserve', 'inventory'],
    ['/api/orders', null],
    ['/api/productsx', null],
    ['/api', null],
    ['/', null],
    ['/products/1', null],
  ])('%s goes to %s (null: the monolith)', (path, expected) => {
    expect(routeFor(demo, 'GET', path)).toBe(expected);
  });

  it.each([
    ['/api/products/../orders', null],
    ['/api/%70roducts/1', 'catalog'],
    ['//api/inventory', 'inventory'],
    ['/api/./products', 'catalog'],
    ['/api/inventory/%2e%2e/products/1', 'catalog'],
    ['/api/%2e%2e/api/orders', null],
  ])('after normalization %s goes to %s, so no spelling bypasses a route', (raw, expected) => {
    const normalized = normalizePath(raw);
    if (!normalized.ok) throw new Error(normalized.reason);
    expect(routeFor(demo, 'GET', normalized.path)).toBe(expected);
  });
});

/** The route for a raw path, as the pipeline finds it: normalized, then encoded slashes both ways. */
function routeForRaw(table: ReturnType<typeof compileRoutes>, method: string, raw: string): string | null {
  const normalized = normalizePath(raw);
  if (!normalized.ok) throw new Error(normalized.reason);
  return matchNormalized(table, aRequest(method, normalized.path))?.route.name ?? null;
}

describe('case', () => {
  it.each([
    ['/API/Products/1', 'catalog'],
    ['/api/PRODUCTS', 'catalog'],
    ['/Api/Inventory/sku-1', 'inventory'],
    ['/API/ORDERS', null],
  ])('by default %s goes to %s, as Express routes it', (path, expected) => {
    expect(routeFor(demo, 'POST', path)).toBe(expected);
  });

  it('a case-sensitive route (or table) matches only its own spelling', () => {
    const perRoute = compileRoutes([{ ...aRoute({ name: 'exact', path: '/API/Exact/**' }), caseSensitive: true }, aRoute({ name: 'loose', path: '/api/loose/**' })]);
    expect(routeFor(perRoute, 'GET', '/API/Exact/1')).toBe('exact');
    expect(routeFor(perRoute, 'GET', '/api/exact/1')).toBeNull();
    expect(routeFor(perRoute, 'GET', '/API/LOOSE/1')).toBe('loose');
    const table = compileRoutes([aRoute({ name: 'catalog', path: '/api/products/**' })], { caseSensitive: true });
    expect(routeFor(table, 'GET', '/API/products/1')).toBeNull();
    expect(routeFor(table, 'GET', '/api/products/1')).toBe('catalog');
  });

  it('case folding stays inside a literal segment: escapes match whatever their hex case', () => {
    const table = compileRoutes([aRoute({ name: 'cafe', path: '/search/caf%C3%A9/**' })]);
    expect(routeForRaw(table, 'GET', '/SEARCH/caf%c3%a9/x')).toBe('cafe');
  });
});

describe('encoded slashes', () => {
  it.each([
    ['/api%2Fproducts/1', 'catalog'],
    ['/api/products%2F1', 'catalog'],
    ['/api%2fPRODUCTS%2f1', 'catalog'],
    ['/api/orders%2F..%2F..%2Fapi%2Fproducts%2F1', 'catalog'],
    ['/api%5Cinventory%5Cx', 'inventory'],
    ['/api\\inventory\\x', 'inventory'],
  ])('%s goes to %s: an encoded slash never makes a request miss the route of its decoded path', (raw, expected) => {
    expect(routeForRaw(demo, 'PUT', raw)).toBe(expected);
  });

  it('a path whose decoded form matches no route is matched with the slash inside its segment', () => {
    const table = compileRoutes([aRoute({ name: 'file', path: '/files/:name' })]);
    expect(routeForRaw(table, 'GET', '/files/a%2Fb')).toBe('file');
    expect(routeForRaw(table, 'GET', '/files/a/b')).toBeNull();
    // Decoded it is /orders (no route); as Express reads it, it is a product named "../../orders".
    expect(routeForRaw(demo, 'PUT', '/api/products/..%2F..%2Forders')).toBe('catalog');
  });
});

describe('OPTIONS *', () => {
  it('follows a catch-all route that takes OPTIONS, and only such a route', () => {
    const catchAll = compileRoutes([aRoute({ name: 'api', path: '/api/**' }), aRoute({ name: 'all', path: '/**' })]);
    expect(matchAsterisk(catchAll, { method: 'OPTIONS' })?.route.name).toBe('all');
    expect(matchAsterisk(demo, { method: 'OPTIONS' })).toBeNull();
    const getOnly = compileRoutes([aRoute({ name: 'all', path: '/**', methods: ['GET'] })]);
    expect(matchAsterisk(getOnly, { method: 'OPTIONS' })).toBeNull();
  });
});

describe('specificity', () => {
  it.each([
    ['more literal segments beat a wildcard', ['/api/**', '/api/products/**'], '/api/products/1', '/api/products/**'],
    ['a literal beats a parameter', ['/api/products/:id', '/api/products/featured'], '/api/products/featured', '/api/products/featured'],
    ['a parameter still matches other values', ['/api/products/:id', '/api/products/featured'], '/api/products/7', '/api/products/:id'],
    ['a single-segment wildcard beats ** at equal literals', ['/api/products/**', '/api/*/1'], '/api/products/1', '/api/*/1'],
    ['a longer ** pattern beats a shorter one at equal literals', ['/api/**', '/api/*/**'], '/api/x/y', '/api/*/**'],
    ['config order breaks a full tie', ['/api/*/x', '/api/:p/x'], '/api/a/x', '/api/*/x'],
    ['** matches zero segments', ['/api/**'], '/api', '/api/**'],
    ['/** matches everything', ['/**', '/api/products/**'], '/other/thing', '/**'],
    ['/ matches only the root', ['/', '/api/**'], '/', '/'],
  ])('%s', (_behaviour, patterns, path, winner) => {
    const table = compileRoutes(patterns.map((p, i) => aRoute({ name: `r${i}`, path: p })));
    expect(matchRoute(table, aRequest('GET', path))?.route.match.path ?? null).toBe(winner);
  });

  it('does not depend on the order routes are listed in, except for full ties', () => {
    const routes = [aRoute({ name: 'a', path: '/api/**' }), aRoute({ name: 'b', path: '/api/products/*' }), aRoute({ name: 'c', path: '/api/products/1' })];
    for (const order of [routes, [...routes].reverse()]) {
      const table = compileRoutes(order);
      expect(routeFor(table, 'GET', '/api/products/1')).toBe('c');
      expect(routeFor(table, 'GET', '/api/products/2')).toBe('b');
      expect(routeFor(table, 'GET', '/api/orders/2')).toBe('a');
    }
  });

  it('a single-segment wildcard never matches an empty segment', () => {
    const table = compileRoutes([aRoute({ name: 'one', path: '/api/products/*' })]);
    expect(routeFor(table, 'GET', '/api/products/')).toBeNull();
    expect(routeFor(table, 'GET', '/api/products/1/2')).toBeNull();
  });
});

describe('method and host filters', () => {
  const table = compileRoutes([
    aRoute({ name: 'reads', path: '/api/inventory/**', methods: ['get', 'HEAD'] }),
    aRoute({ name: 'shop-host', path: '/api/orders/**', host: 'Shop.Example:8443' }),
  ]);

  it.each([
    ['GET', '/api/inventory/1', undefined, 'reads'],
    ['HEAD', '/api/inventory/1', undefined, 'reads'],
    ['POST', '/api/inventory/1', undefined, null],
    ['GET', '/api/orders/1', 'shop.example', 'shop-host'],
    ['GET', '/api/orders/1', 'SHOP.EXAMPLE:80', 'shop-host'],
    ['GET', '/api/orders/1', 'other.example', null],
    ['GET', '/api/orders/1', undefined, null],
  ])('%s %s with host %s goes to %s', (method, path, host, expected) => {
    expect(routeFor(table, method, path, host)).toBe(expected);
  });

  it('falls through to a less specific route whose filters match', () => {
    const t = compileRoutes([aRoute({ name: 'writes', path: '/api/inventory/:sku', methods: ['PUT'] }), aRoute({ name: 'all', path: '/api/inventory/**' })]);
    expect(routeFor(t, 'PUT', '/api/inventory/7')).toBe('writes');
    expect(routeFor(t, 'GET', '/api/inventory/7')).toBe('all');
  });
});

describe('hostOnly', () => {
  it.each([
    ['Shop.Example:8080', 'shop.example'], ['shop.example', 'shop.example'], ['[::1]:8080', '[::1]'], ['[::1]', '[::1]'],
  ])('%s is compared as %s', (host, expected) => {
    expect(hostOnly(host)).toBe(expected);
  });
});

describe('validatePattern', () => {
  it.each(['/', '/api/products/**', '/**', '/api/*/reviews', '/api/products/:id', '/search/caf%C3%A9'])('accepts %s', (p) => {
    expect(validatePattern(p)).toBeNull();
  });

  it.each([
    ['api/products', 'must start with "/"'],
    ['/api/**/reviews', 'only as the last segment'],
    ['/api//products', 'empty segment'],
    ['/api/products/', 'empty segment'],
    ['/api/prod*', 'whole segment'],
    ['/api/:', 'parameter'],
    ['/api/./products', 'normalized form'],
    ['/api/%70roducts', 'normalized form'],
    ['/api/%2F', 'encoded slash'],
    ['/api/a%5Cb', 'encoded slash'],
  ])('refuses %s (%s)', (p, why) => {
    expect(validatePattern(p)).toContain(why);
  });

  it('compileRoutes throws on an invalid pattern, naming the route', () => {
    expect(() => compileRoutes([{ name: 'bad', match: { path: '/a/**/b' } }])).toThrow('route "bad"');
  });
});
