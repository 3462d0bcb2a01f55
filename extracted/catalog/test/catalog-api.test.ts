// The catalog service answers the monolith's public catalog paths in the legacy wire format:
// listing with paging, category and sort, single products, validation errors, HTML 404s.
import { notFoundPage } from '../../kit/legacy-http';
import { money } from '../src/domain';
import type { LegacyProductPage } from '../src/legacy-wire';
import { anItem, jsonOf, startTestCatalog, type TestCatalog } from './helpers';

const CATEGORIES = ['kitchen', 'garden', 'office'];
// 30 items: categories round-robin, titles out of id order, prices out of id order (none ends in 5).
const ITEMS = Array.from({ length: 30 }, (_, i) => {
  const itemId = i + 1;
  return anItem({
    itemId,
    title: `${String.fromCharCode(65 + ((itemId * 7) % 26))} item ${itemId}`,
    categorySlug: CATEGORIES[i % 3]!,
    unitPrice: money(((itemId * 37) % 50) * 100 + 99),
  });
});

let shop: TestCatalog;
beforeEach(async () => {
  shop = await startTestCatalog(ITEMS, { priceRounding: 'legacy' });
});
afterEach(async () => {
  await shop.close();
});

const ids = (body: { products: Array<{ id: number }> }) => body.products.map((p) => p.id);

describe('GET /api/products', () => {
  it('by default answers page 1 of 20 products in id order with the total', async () => {
    const res = await shop.get('/api/products');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('etag')).toMatch(/^W\/"/);
    expect(res.headers.get('date')).toBeTruthy();
    const body = await jsonOf<LegacyProductPage>(res);
    expect(Object.keys(body)).toEqual(['products', 'page', 'per_page', 'total']);
    expect(body).toMatchObject({ page: 1, per_page: 20, total: 30 });
    expect(ids(body)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('writes every product as the legacy PRODUCT, field for field', async () => {
    const body = await jsonOf<LegacyProductPage>(shop.get('/api/products?per_page=1'));
    expect(JSON.stringify(body.products[0])).toBe(
      JSON.stringify({
        id: 1,
        sku: 'SKU-000001',
        name: 'H item 1',
        description: 'The item number 1.',
        category: 'kitchen',
        price: '37.99',
        currency: 'USD',
        created_at: '2024-01-01 00:00:00',
        updated_at: '2024-01-02 03:04:05',
      }),
    );
  });

  it('pages with page and per_page', async () => {
    const body = await jsonOf<LegacyProductPage>(shop.get('/api/products?page=3&per_page=7'));
    expect(body).toMatchObject({ page: 3, per_page: 7, total: 30 });
    expect(ids(body)).toEqual([15, 16, 17, 18, 19, 20, 21]);
    const past = await jsonOf<LegacyProductPage>(shop.get('/api/products?page=9&per_page=7'));
    expect(past).toEqual({ products: [], page: 9, per_page: 7, total: 30 });
  });

  it('filters by category and counts only that category', async () => {
    const body = await jsonOf<LegacyProductPage>(shop.get('/api/products?category=garden&per_page=100'));
    expect(body.total).toBe(10);
    expect(ids(body)).toEqual([2, 5, 8, 11, 14, 17, 20, 23, 26, 29]);
  });

  it('answers an unknown category with an empty list, not an error', async () => {
    const res = await shop.get('/api/products?category=nope');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ products: [], page: 1, per_page: 20, total: 0 });
  });

  it.each([
    ['id', (a: number, b: number) => a - b],
    ['-id', (a: number, b: number) => b - a],
  ] as const)('sorts by %s', async (sort, compare) => {
    const body = await jsonOf<LegacyProductPage>(shop.get(`/api/products?sort=${sort}&per_page=100`));
    expect(ids(body)).toEqual([...ids(body)].sort(compare));
  });

  it.each([
    ['name', 'name', 1],
    ['-name', 'name', -1],
    ['price', 'price', 1],
    ['-price', 'price', -1],
  ] as const)('sorts by %s, ties broken by id', async (sort, field, direction) => {
    const body = await jsonOf<LegacyProductPage>(shop.get(`/api/products?sort=${sort}&per_page=100`));
    const key = (p: { name: string; price: string }) => (field === 'price' ? Number(p.price) : p.name);
    const expected = [...body.products].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka !== kb) return (ka < kb ? -1 : 1) * direction;
      return (a.id - b.id) * direction;
    });
    expect(ids(body)).toEqual(expected.map((p) => p.id));
    expect(ids(body)).not.toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it.each([
    ['per_page=0', 'per_page'],
    ['per_page=101', 'per_page'],
    ['per_page=abc', 'per_page'],
    ['page=0', 'page'],
    ['page=-1', 'page'],
    ['page=1.5', 'page'],
    ['page=1e3', 'page'],
    ['sort=cheapest', 'sort'],
    ['page=1&page=2', 'page'],
    [`category=${'x'.repeat(101)}`, 'category'],
  ])('rejects %s with 400 invalid_query naming the field', async (query, field) => {
    const res = await shop.get(`/api/products?${query}`);
    expect(res.status).toBe(400);
    const body = await jsonOf<{ error: string; message: string }>(res);
    expect(Object.keys(body)).toEqual(['error', 'message']);
    expect(body.error).toBe('invalid_query');
    expect(body.message).toMatch(new RegExp(`^${field}: `));
  });

  it('words a range error as the monolith does', async () => {
    const body = await jsonOf<unknown>(shop.get('/api/products?per_page=101'));
    expect(body).toEqual({ error: 'invalid_query', message: 'per_page: Too big: expected number to be <=100' });
  });
});

describe('GET /api/products/:id', () => {
  it('answers one PRODUCT', async () => {
    const res = await shop.get('/api/products/17');
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toMatch(/^W\/"/);
    expect(await res.json()).toEqual({
      id: 17,
      sku: 'SKU-000017',
      name: 'P item 17',
      description: 'The item number 17.',
      category: 'garden',
      price: '29.99',
      currency: 'USD',
      created_at: '2024-01-01 00:00:00',
      updated_at: '2024-01-02 03:04:05',
    });
  });

  it.each(['/api/products/999', '/api/products/abc', '/api/products/0', '/api/products/01'])(
    'answers %s with the legacy HTML 404 page',
    async (path) => {
      const res = await shop.get(path);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toBe(notFoundPage(path));
    },
  );
});

describe('everything else', () => {
  it('answers unknown paths, even under /api/, with the HTML 404 page', async () => {
    for (const path of ['/api/nope', '/', '/api/inventory/SKU-000001']) {
      const res = await shop.get(path);
      expect(res.status).toBe(404);
      expect(await res.text()).toBe(notFoundPage(path));
    }
  });

  it('answers a write to the read-only catalog with the HTML 404 page', async () => {
    const res = await fetch(`${shop.service.url}/api/products/1`, { method: 'DELETE' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('a malformed JSON body is 400 invalid_body before it is a 404, as in the monolith', async () => {
    const res = await fetch(`${shop.service.url}/api/products`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_body', message: 'request body is not valid JSON' });
  });

  it('the 404 page is the monolith layout, with the path escaped', () => {
    expect(notFoundPage('/a<b>')).toBe(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Not Found - Legacy Shop</title>
</head>
<body>
<header><a href="/">Legacy Shop</a> <a href="/login">Log in</a></header>
<main>
<h1>404 Not Found</h1>
<p>Nothing lives at <code>/a&lt;b&gt;</code>.</p>
</main>
</body>
</html>
`);
  });

  it('GET /healthz answers 200 JSON with the rounding mode', async () => {
    const res = await shop.get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', service: 'catalog', price_rounding: 'legacy', items: 30 });
  });

  it('a broken row gives a 500 JSON error without a stack trace', async () => {
    shop.service.db.prepare("UPDATE catalog_items SET updated_at = 'yesterday' WHERE item_id = 3").run();
    const res = await shop.get('/api/products/3');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: 'internal_error' });
    expect(text).not.toMatch(/at |\.ts|stack/);
  });
});
