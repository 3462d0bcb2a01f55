// Server-rendered pages: home, product, order and login pages render, the order form posts
// and redirects 303 to the order page, and the login form redirects 302 with the cookie.
import type { RunningMonolith } from '../src/server';
import { call, removeTempDirs, startSeeded } from './helpers/fixtures';

let shop: RunningMonolith;

beforeEach(async () => {
  shop = await startSeeded(30);
  shop.db.prepare("UPDATE inventory SET on_hand = 5, reserved = 0 WHERE sku = 'SKU-000004'").run();
});

afterEach(async () => {
  await shop.close();
});

afterAll(() => removeTempDirs());

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const postForm = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
  call(shop.url, 'POST', path, new URLSearchParams(form).toString(), { ...FORM, ...headers });

it('the home page lists the first 20 products with links, and a login link', async () => {
  const res = await call(shop.url, 'GET', '/');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  expect(res.headers.get('etag')).toMatch(/^W\//);
  expect(res.text.match(/href="\/products\/\d+"/g)).toHaveLength(20);
  expect(res.text).toContain('href="/products/20"');
  expect(res.text).not.toContain('href="/products/21"');
  expect(res.text).toContain('href="/login"');
});

it('a product page shows price, stock and an order form', async () => {
  const product = (await call(shop.url, 'GET', '/api/products/4')).body;
  const res = await call(shop.url, 'GET', '/products/4');
  expect(res.status).toBe(200);
  expect(res.text).toContain(`$${product.price}`);
  expect(res.text).toContain('<span id="available">5</span>');
  expect(res.text).toContain('<form method="post" action="/orders">');
  expect(res.text).toContain('name="sku" value="SKU-000004"');
});

it('a product page for a missing product is the HTML 404 page', async () => {
  const res = await call(shop.url, 'GET', '/products/999');
  expect(res.status).toBe(404);
  expect(res.text).toContain('404 Not Found');
});

it('posting the order form redirects 303 to the order page, which shows the order', async () => {
  const res = await postForm('/orders', { sku: 'SKU-000004', quantity: '2' });
  expect(res.status).toBe(303);
  const location = res.headers.get('location')!;
  expect(location).toMatch(/^\/orders\/\d+$/);
  const page = await call(shop.url, 'GET', location);
  expect(page.status).toBe(200);
  expect(page.text).toContain('SKU-000004');
  expect(page.text).toContain('<strong>placed</strong>');
  expect((await call(shop.url, 'GET', '/api/inventory/SKU-000004')).body.on_hand).toBe(3);
});

it('an order form asking for more than is in stock gets a 409 HTML page and changes nothing', async () => {
  const res = await postForm('/orders', { sku: 'SKU-000004', quantity: '6' });
  expect(res.status).toBe(409);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  expect((await call(shop.url, 'GET', '/api/inventory/SKU-000004')).body.on_hand).toBe(5);
});

it('an order form with a bad quantity gets a 400 HTML page', async () => {
  const res = await postForm('/orders', { sku: 'SKU-000004', quantity: 'lots' });
  expect(res.status).toBe(400);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
});

it('the login page has a form', async () => {
  const res = await call(shop.url, 'GET', '/login');
  expect(res.status).toBe(200);
  expect(res.text).toContain('<form method="post" action="/login">');
});

it('the login form redirects 302 to / with the session cookie, which the pages then recognize', async () => {
  const res = await postForm('/login', { email: 'user5@shop.test', password: 'password5' });
  expect(res.status).toBe(302);
  expect(res.headers.get('location')).toBe('/');
  const cookie = res.headers.get('set-cookie')!;
  expect(cookie).toMatch(/^shop_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/);
  const home = await call(shop.url, 'GET', '/', undefined, { cookie: cookie.split(';')[0]! });
  expect(home.text).toContain('Signed in as user5@shop.test');
  const ordered = await postForm('/orders', { sku: 'SKU-000004', quantity: '1' }, { cookie: cookie.split(';')[0]! });
  const orderId = ordered.headers.get('location')!.split('/').pop();
  expect((await call(shop.url, 'GET', `/api/orders/${orderId}`)).body.user_id).toBe(5);
});

it('the login form with a wrong password answers 401 with the form again, escaping what was typed', async () => {
  const res = await postForm('/login', { email: '"><script>x</script>', password: 'nope' });
  expect(res.status).toBe(401);
  expect(res.headers.get('set-cookie')).toBeNull();
  expect(res.text).toContain('Wrong email or password.');
  expect(res.text).not.toContain('<script>x</script>');
  expect(res.text).toContain('&quot;&gt;&lt;script&gt;');
});
