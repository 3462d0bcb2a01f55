// Orders API on a fresh seeded database per test: placing decrements stock of every item,
// a refusal changes nothing, cancel puts stock back, and the session cookie sets user_id.
import type { RunningMonolith } from '../src/server';
import { call, FIXED_STAMP, removeTempDirs, startSeeded } from './helpers/fixtures';

let shop: RunningMonolith;

beforeEach(async () => {
  shop = await startSeeded(60);
});

afterEach(async () => {
  await shop.close();
});

afterAll(() => removeTempDirs());

const stock = async (sku: string): Promise<{ on_hand: number; reserved: number; available: number }> =>
  (await call(shop.url, 'GET', `/api/inventory/${sku}`)).body;
const setStock = (sku: string, onHand: number) => call(shop.url, 'PUT', `/api/inventory/${sku}`, { on_hand: onHand });
const priceOf = async (sku: string): Promise<string> =>
  (await call(shop.url, 'GET', `/api/products/${Number(sku.slice(4))}`)).body.price;
const order = (items: Array<{ sku: string; quantity: number }>, headers: Record<string, string> = {}) =>
  call(shop.url, 'POST', '/api/orders', { items }, headers);

// Seeded products 1..3 with their reservations cleared, so available = on_hand.
const [A, B, C] = ['SKU-000001', 'SKU-000002', 'SKU-000003'];
beforeEach(() => {
  shop.db.prepare('UPDATE inventory SET reserved = 0 WHERE sku IN (?, ?, ?)').run(A, B, C);
});

it('places an order: 201, items with unit prices, total, and stock decremented for every item', async () => {
  await setStock(A, 10);
  await setStock(B, 5);
  const res = await order([{ sku: A, quantity: 2 }, { sku: B, quantity: 1 }]);
  expect(res.status).toBe(201);
  const [pa, pb] = [await priceOf(A), await priceOf(B)];
  const total = ((2 * Math.round(Number(pa) * 100) + Math.round(Number(pb) * 100)) / 100).toFixed(2);
  expect(res.body).toEqual({
    id: expect.any(Number),
    status: 'placed',
    user_id: null,
    items: [
      { sku: A, quantity: 2, unit_price: pa },
      { sku: B, quantity: 1, unit_price: pb },
    ],
    total,
    created_at: FIXED_STAMP,
    updated_at: FIXED_STAMP,
  });
  expect((await stock(A)).on_hand).toBe(8);
  expect((await stock(B)).on_hand).toBe(4);
  expect((await call(shop.url, 'GET', `/api/orders/${res.body.id}`)).body).toEqual(res.body);
});

it('refuses an order when any item lacks stock, and changes nothing at all', async () => {
  await setStock(A, 10);
  await setStock(B, 1);
  const ordersBefore = shop.db.prepare('SELECT COUNT(*) FROM orders').pluck().get();
  const res = await order([{ sku: A, quantity: 2 }, { sku: B, quantity: 2 }]);
  expect(res.status).toBe(409);
  expect(res.body).toEqual({ error: 'insufficient_stock', sku: B });
  expect((await stock(A)).on_hand).toBe(10);
  expect((await stock(B)).on_hand).toBe(1);
  expect(shop.db.prepare('SELECT COUNT(*) FROM orders').pluck().get()).toBe(ordersBefore);
});

it('does not sell stock that is reserved', async () => {
  await setStock(A, 3);
  await call(shop.url, 'POST', `/api/inventory/${A}/reserve`, { quantity: 2 });
  expect((await order([{ sku: A, quantity: 2 }])).status).toBe(409);
  expect((await order([{ sku: A, quantity: 1 }])).status).toBe(201);
  expect(await stock(A)).toMatchObject({ on_hand: 2, reserved: 2, available: 0 });
});

it('cancel puts the stock back and marks the order cancelled; a second cancel is 409', async () => {
  await setStock(C, 7);
  const placed = await order([{ sku: C, quantity: 3 }]);
  expect((await stock(C)).on_hand).toBe(4);
  const cancelled = await call(shop.url, 'POST', `/api/orders/${placed.body.id}/cancel`);
  expect(cancelled.status).toBe(200);
  expect(cancelled.body).toMatchObject({ id: placed.body.id, status: 'cancelled', items: placed.body.items });
  expect((await stock(C)).on_hand).toBe(7);
  const again = await call(shop.url, 'POST', `/api/orders/${placed.body.id}/cancel`);
  expect(again.status).toBe(409);
  expect(again.body).toEqual({ error: 'already_cancelled' });
  expect((await stock(C)).on_hand).toBe(7);
});

it('records the logged-in user on the order', async () => {
  await setStock(A, 5);
  const login = await call(shop.url, 'POST', '/api/login', { email: 'user7@shop.test', password: 'password7' });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const res = await order([{ sku: A, quantity: 1 }], { cookie });
  expect(res.body.user_id).toBe(7);
});

it.each([
  ['no items', { items: [] }],
  ['a zero quantity', { items: [{ sku: 'SKU-000001', quantity: 0 }] }],
  ['a duplicated sku', { items: [{ sku: 'SKU-000001', quantity: 1 }, { sku: 'SKU-000001', quantity: 1 }] }],
  ['an unknown sku', { items: [{ sku: 'SKU-999999', quantity: 1 }] }],
  ['no body', undefined],
])('rejects %s with 400 invalid_body', async (_label, body) => {
  const res = await call(shop.url, 'POST', '/api/orders', body);
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ error: 'invalid_body', message: expect.any(String) });
});

it.each(['/api/orders/12345', '/api/orders/x'])('answers %s with the HTML 404 page', async (path) => {
  const res = await call(shop.url, 'GET', path);
  expect(res.status).toBe(404);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  expect((await call(shop.url, 'POST', `${path}/cancel`)).status).toBe(404);
});
