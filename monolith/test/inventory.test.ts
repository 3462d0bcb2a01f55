// Inventory API on a fresh seeded database per test: reads, stock updates, reserve/release
// with their 409s, bad bodies, the HTML 404 for unknown SKUs, and `updated_at` bumps.
import type { RunningMonolith } from '../src/server';
import { call, FIXED_STAMP, removeTempDirs, startSeeded } from './helpers/fixtures';

let shop: RunningMonolith;
let sku: string; // a seeded SKU with stock and no reservation

beforeEach(async () => {
  shop = await startSeeded(60);
  sku = shop.db
    .prepare<[], { sku: string }>('SELECT sku FROM inventory WHERE on_hand >= 10 AND reserved = 0 ORDER BY sku LIMIT 1')
    .get()!.sku;
});

afterEach(async () => {
  await shop.close();
});

afterAll(() => removeTempDirs());

const put = (s: string, body: unknown) => call(shop.url, 'PUT', `/api/inventory/${s}`, body);
const post = (s: string, action: string, body: unknown) => call(shop.url, 'POST', `/api/inventory/${s}/${action}`, body);

it('reads a record in the legacy shape with available = on_hand - reserved', async () => {
  const res = await call(shop.url, 'GET', `/api/inventory/${sku}`);
  expect(res.status).toBe(200);
  expect(Object.keys(res.body)).toEqual(['sku', 'on_hand', 'reserved', 'available', 'warehouse', 'updated_at']);
  expect(res.body.available).toBe(res.body.on_hand - res.body.reserved);
  expect(res.body.warehouse).toMatch(/^[A-Z]{3}-\d$/);
});

it('answers an unknown SKU with the HTML 404 page, for reads and writes', async () => {
  for (const res of [
    await call(shop.url, 'GET', '/api/inventory/SKU-999999'),
    await put('SKU-999999', { on_hand: 1 }),
    await post('SKU-999999', 'reserve', { quantity: 1 }),
  ]) {
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  }
});

it('PUT sets on_hand and bumps updated_at', async () => {
  const res = await put(sku, { on_hand: 40 });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ sku, on_hand: 40, reserved: 0, available: 40, updated_at: FIXED_STAMP });
  expect((await call(shop.url, 'GET', `/api/inventory/${sku}`)).body.on_hand).toBe(40);
});

it('PUT refuses on_hand below what is reserved', async () => {
  await post(sku, 'reserve', { quantity: 5 });
  const res = await put(sku, { on_hand: 4 });
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ error: 'invalid_body', message: expect.stringContaining('reserved') });
  expect((await put(sku, { on_hand: 5 })).body).toMatchObject({ on_hand: 5, reserved: 5, available: 0 });
});

it.each([
  ['a negative number', { on_hand: -1 }],
  ['a fraction', { on_hand: 1.5 }],
  ['a string', { on_hand: '3' }],
  ['a missing field', {}],
])('PUT rejects %s with 400 invalid_body', async (_label, body) => {
  const res = await put(sku, body);
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ error: 'invalid_body', message: expect.any(String) });
});

it('rejects malformed JSON with a JSON 400, not a stack trace', async () => {
  const res = await call(shop.url, 'PUT', `/api/inventory/${sku}`, '{"on_hand": ');
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ error: 'invalid_body', message: 'request body is not valid JSON' });
  expect(res.text).not.toContain('at ');
});

it('reserve moves stock from available to reserved', async () => {
  await put(sku, { on_hand: 10 });
  const res = await post(sku, 'reserve', { quantity: 3 });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ on_hand: 10, reserved: 3, available: 7, updated_at: FIXED_STAMP });
});

it('reserve answers 409 insufficient_stock with what is available, and changes nothing', async () => {
  await put(sku, { on_hand: 10 });
  await post(sku, 'reserve', { quantity: 8 });
  const res = await post(sku, 'reserve', { quantity: 3 });
  expect(res.status).toBe(409);
  expect(res.body).toEqual({ error: 'insufficient_stock', sku, available: 2 });
  expect((await call(shop.url, 'GET', `/api/inventory/${sku}`)).body).toMatchObject({ reserved: 8, available: 2 });
});

it('release gives reserved stock back', async () => {
  await put(sku, { on_hand: 10 });
  await post(sku, 'reserve', { quantity: 4 });
  const res = await post(sku, 'release', { quantity: 3 });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ on_hand: 10, reserved: 1, available: 9 });
});

it('release answers 409 over_release when releasing more than is reserved', async () => {
  await post(sku, 'reserve', { quantity: 2 });
  const res = await post(sku, 'release', { quantity: 3 });
  expect(res.status).toBe(409);
  expect(res.body).toEqual({ error: 'over_release' });
});

it.each(['reserve', 'release'])('%s rejects a zero quantity with 400 invalid_body', async (action) => {
  const res = await post(sku, action, { quantity: 0 });
  expect(res.status).toBe(400);
  expect(res.body.error).toBe('invalid_body');
});

it('every inventory write lands in the change_log the backfill follows', async () => {
  const before = shop.db.prepare('SELECT COUNT(*) AS n FROM change_log WHERE entity_key = ?').pluck().get(sku);
  await put(sku, { on_hand: 12 });
  await post(sku, 'reserve', { quantity: 1 });
  const after = shop.db.prepare('SELECT COUNT(*) AS n FROM change_log WHERE entity_key = ?').pluck().get(sku);
  expect(Number(after) - Number(before)).toBe(2);
});
