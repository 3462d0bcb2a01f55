// Catalog API against a real server and a seeded SQLite file: paging, category filter,
// sort orders, query validation, and the legacy HTML 404 for missing products and paths.
import type { RunningMonolith } from '../src/server';
import { call, removeTempDirs, startSeeded } from './helpers/fixtures';

let shop: RunningMonolith;

beforeAll(async () => {
  shop = await startSeeded(60);
});

afterAll(async () => {
  await shop.close();
  removeTempDirs();
});

const cents = (price: string): number => Math.round(Number(price) * 100);

describe('GET /api/products', () => {
  it('answers the first 20 products by id with page, per_page and total by default', async () => {
    const res = await call(shop.url, 'GET', '/api/products');
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toMatch(/^W\/"/);
    expect(res.headers.get('date')).toBeTruthy();
    expect(res.body).toMatchObject({ page: 1, per_page: 20, total: 60 });
    expect(res.body.products.map((p: { id: number }) => p.id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('gives products in the legacy shape: snake_case, two-decimal price string, legacy timestamps', async () => {
    const { body } = await call(shop.url, 'GET', '/api/products?per_page=1');
    const product = body.products[0];
    expect(Object.keys(product)).toEqual([
      'id', 'sku', 'name', 'description', 'category', 'price', 'currency', 'created_at', 'updated_at',
    ]);
    expect(product).toMatchObject({ id: 1, sku: 'SKU-000001', currency: 'USD', created_at: '2024-01-01 00:00:00' });
    expect(product.price).toMatch(/^\d+\.\d{2}$/);
    expect(product.updated_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('pages through all products without gaps or repeats', async () => {
    const ids: number[] = [];
    for (let page = 1; page <= 4; page++) {
      const { body } = await call(shop.url, 'GET', `/api/products?page=${page}&per_page=17`);
      expect(body).toMatchObject({ page, per_page: 17, total: 60 });
      ids.push(...body.products.map((p: { id: number }) => p.id));
    }
    expect(ids).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('answers an empty page past the end', async () => {
    const { status, body } = await call(shop.url, 'GET', '/api/products?page=99');
    expect(status).toBe(200);
    expect(body).toMatchObject({ products: [], page: 99, total: 60 });
  });

  it('filters by category and counts only that category', async () => {
    const first = (await call(shop.url, 'GET', '/api/products/1')).body;
    const { body } = await call(shop.url, 'GET', `/api/products?category=${first.category}&per_page=100`);
    expect(body.total).toBe(body.products.length);
    expect(body.total).toBeGreaterThan(0);
    expect(body.products.every((p: { category: string }) => p.category === first.category)).toBe(true);
  });

  it('answers an unknown category with an empty list, not an error', async () => {
    const res = await call(shop.url, 'GET', '/api/products?category=no-such-thing');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ products: [], total: 0 });
  });

  it.each([
    ['price', (a: number, b: number) => a <= b],
    ['-price', (a: number, b: number) => a >= b],
  ])('sorts by %s', async (sort, ordered) => {
    const { body } = await call(shop.url, 'GET', `/api/products?sort=${sort}&per_page=100`);
    const prices = body.products.map((p: { price: string }) => cents(p.price));
    expect(prices.every((p: number, i: number) => i === 0 || ordered(prices[i - 1], p))).toBe(true);
  });

  it.each([
    ['name', 1],
    ['-name', -1],
  ])('sorts by %s', async (sort, direction) => {
    const { body } = await call(shop.url, 'GET', `/api/products?sort=${sort}&per_page=100`);
    const names: string[] = body.products.map((p: { name: string }) => p.name);
    const expected = [...names].sort((a, b) => (a < b ? -direction : a > b ? direction : 0));
    expect(names).toEqual(expected);
  });

  it('sorts by -id', async () => {
    const { body } = await call(shop.url, 'GET', '/api/products?sort=-id&per_page=3');
    expect(body.products.map((p: { id: number }) => p.id)).toEqual([60, 59, 58]);
  });

  it.each([
    'per_page=0', 'per_page=101', 'per_page=abc', 'page=0', 'page=-1', 'page=1.5', 'page=1e3',
    'sort=price_desc', 'page=1&page=2',
  ])('rejects %s with 400 invalid_query', async (query) => {
    const res = await call(shop.url, 'GET', `/api/products?${query}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_query', message: expect.any(String) });
  });
});

describe('GET /api/products/:id', () => {
  it('answers one product', async () => {
    const res = await call(shop.url, 'GET', '/api/products/17');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: 17, sku: 'SKU-000017' });
  });

  it.each(['/api/products/9999', '/api/products/abc', '/api/products/0', '/api/no-such-endpoint', '/nowhere'])(
    'answers %s with the HTML 404 page',
    async (path) => {
      const res = await call(shop.url, 'GET', path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.text).toContain('404 Not Found');
    },
  );

  it('answers a conditional GET with 304 when the ETag still matches', async () => {
    const first = await call(shop.url, 'GET', '/api/products/3');
    // fetch adds "cache-control: no-cache" (which defeats freshness) unless the caller sets one.
    const again = await call(shop.url, 'GET', '/api/products/3', undefined, {
      'if-none-match': first.headers.get('etag')!,
      'cache-control': 'max-age=0',
    });
    expect(again.status).toBe(304);
  });
});
