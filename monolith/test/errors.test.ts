// Failure paths must not leak: an unexpected error inside the order transaction rolls back
// and answers a bare 500, oversized bodies get 413 JSON, and unknown methods get the HTML 404.
import pino from 'pino';
import { startMonolith, type RunningMonolith } from '../src/server';
import { call, removeTempDirs, seededDbPath } from './helpers/fixtures';

let shop: RunningMonolith;
const logged: unknown[] = [];

beforeAll(async () => {
  const logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
  shop = await startMonolith({
    dbPath: seededDbPath(10),
    port: 0,
    logger,
    orderHooks: {
      afterStockChecked: (items) => {
        if (items.some((item) => item.quantity === 13)) throw new Error('disk on fire');
      },
    },
  });
  shop.db.prepare("UPDATE inventory SET on_hand = 50, reserved = 0 WHERE sku = 'SKU-000001'").run();
});

afterAll(async () => {
  await shop.close();
  removeTempDirs();
});

it('an error inside the order transaction rolls it back and answers 500 JSON without a stack', async () => {
  const ordersBefore = shop.db.prepare('SELECT COUNT(*) FROM orders').pluck().get();
  const res = await call(shop.url, 'POST', '/api/orders', { items: [{ sku: 'SKU-000001', quantity: 13 }] });
  expect(res.status).toBe(500);
  expect(res.body).toEqual({ error: 'internal_error' });
  expect(res.text).not.toContain('disk on fire');
  expect(shop.db.prepare("SELECT on_hand FROM inventory WHERE sku = 'SKU-000001'").pluck().get()).toBe(50);
  expect(shop.db.prepare('SELECT COUNT(*) FROM orders').pluck().get()).toBe(ordersBefore);
  expect(logged).toEqual([expect.objectContaining({ msg: 'unhandled error', path: '/api/orders' })]);
});

it('the same failure on the HTML form answers an HTML 500 page', async () => {
  const res = await call(shop.url, 'POST', '/orders', 'sku=SKU-000001&quantity=13', {
    'content-type': 'application/x-www-form-urlencoded',
  });
  expect(res.status).toBe(500);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  expect(res.text).not.toContain('disk on fire');
});

it('a body over the size limit gets 413 JSON', async () => {
  const huge = JSON.stringify({ items: [{ sku: 'x'.repeat(200_000), quantity: 1 }] });
  const res = await call(shop.url, 'POST', '/api/orders', huge);
  expect(res.status).toBe(413);
  expect(res.body).toEqual({ error: 'payload_too_large', message: expect.any(String) });
});

it('a JSON body that is not an object or array is a 400 invalid_body', async () => {
  const res = await call(shop.url, 'POST', '/api/orders', '"just a string"');
  expect(res.status).toBe(400);
  expect(res.body.error).toBe('invalid_body');
});

it('an unsupported method on a known path gets the HTML 404 page', async () => {
  const res = await call(shop.url, 'DELETE', '/api/products/1');
  expect(res.status).toBe(404);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
});
