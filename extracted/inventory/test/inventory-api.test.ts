// The inventory service answers the monolith's public inventory paths in the legacy wire
// format: reads, stock updates, reservations and releases, their 400/409 errors, HTML 404s;
// every successful write bumps the stored version and the timestamp.
import { notFoundPage } from '../../kit/legacy-http';
import { aLevel, jsonOf, NOW, NOW_LEGACY, startTestInventory, type TestInventory } from './helpers';

const SKU = 'SKU-000017';
let shop: TestInventory;
beforeEach(async () => {
  shop = await startTestInventory(
    [aLevel({ sku: SKU }), aLevel({ sku: 'SKU-000018', quantityOnHand: 3, quantityReserved: 0, locationCode: 'FRA-2' })],
    { outOfStockWarehouse: 'keep' },
  );
});
afterEach(async () => {
  await shop.close();
});

describe('GET /api/inventory/:sku', () => {
  it('answers the legacy record, field for field', async () => {
    const res = await shop.get(`/api/inventory/${SKU}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toMatch(/^W\/"/);
    expect(await res.text()).toBe(
      JSON.stringify({ sku: SKU, on_hand: 12, reserved: 2, available: 10, warehouse: 'AMS-1', updated_at: '2024-01-01 00:00:00' }),
    );
  });

  it('answers an unknown SKU with the legacy HTML 404 page', async () => {
    const res = await shop.get('/api/inventory/SKU-999999');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toBe(notFoundPage('/api/inventory/SKU-999999'));
  });
});

describe('PUT /api/inventory/:sku', () => {
  it('sets on_hand, bumps updated_at and the version', async () => {
    const res = await shop.send('PUT', `/api/inventory/${SKU}`, { on_hand: 40 });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sku: SKU, on_hand: 40, reserved: 2, available: 38, warehouse: 'AMS-1', updated_at: NOW_LEGACY });
    expect(shop.repo.get(SKU)).toMatchObject({ quantityOnHand: 40, version: 2, lastChangedAt: NOW.toISOString() });
  });

  it('refuses on_hand below what is reserved with 400 invalid_body, changing nothing', async () => {
    const res = await shop.send('PUT', `/api/inventory/${SKU}`, { on_hand: 1 });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_body', message: 'on_hand: must be >= reserved (2)' });
    expect(shop.repo.get(SKU)).toMatchObject({ quantityOnHand: 12, version: 1 });
  });

  it.each([
    [{ on_hand: -1 }, 'on_hand: Too small: expected number to be >=0'],
    [{ on_hand: 1.5 }, 'on_hand: Invalid input: expected int, received number'],
    [{ on_hand: '4' }, 'on_hand: Invalid input: expected number, received string'],
    [{}, 'on_hand: Invalid input: expected number, received undefined'],
    [[], 'Invalid input: expected object, received array'],
  ])('rejects the body %j with 400 invalid_body', async (body, message) => {
    const res = await shop.send('PUT', `/api/inventory/${SKU}`, body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_body', message });
  });

  it('rejects malformed JSON and form bodies with 400 invalid_body', async () => {
    const bad = await shop.send('PUT', `/api/inventory/${SKU}`, '{"on_hand": ');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'invalid_body', message: 'request body is not valid JSON' });
    const form = await shop.send('PUT', `/api/inventory/${SKU}`, 'on_hand=4', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(400);
    expect((await jsonOf<{ error: string }>(form)).error).toBe('invalid_body');
  });

  it('answers an unknown SKU with the HTML 404 page', async () => {
    const res = await shop.send('PUT', '/api/inventory/SKU-999999', { on_hand: 4 });
    expect(res.status).toBe(404);
    expect(await res.text()).toBe(notFoundPage('/api/inventory/SKU-999999'));
  });
});

describe('POST /api/inventory/:sku/reserve and /release', () => {
  it('reserve moves quantity from available to reserved', async () => {
    const res = await shop.send('POST', `/api/inventory/${SKU}/reserve`, { quantity: 10 });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sku: SKU, on_hand: 12, reserved: 12, available: 0, warehouse: 'AMS-1', updated_at: NOW_LEGACY });
    expect(shop.repo.get(SKU)?.version).toBe(2);
  });

  it('reserving more than is available is 409 insufficient_stock with what is available', async () => {
    const res = await shop.send('POST', `/api/inventory/${SKU}/reserve`, { quantity: 11 });
    expect(res.status).toBe(409);
    expect(await res.text()).toBe(JSON.stringify({ error: 'insufficient_stock', sku: SKU, available: 10 }));
    expect(shop.repo.get(SKU)).toMatchObject({ quantityReserved: 2, version: 1, lastChangedAt: '2024-01-01T00:00:00.000Z' });
  });

  it('release gives reserved quantity back', async () => {
    const res = await shop.send('POST', `/api/inventory/${SKU}/release`, { quantity: 2 });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ reserved: 0, available: 12, updated_at: NOW_LEGACY });
  });

  it('releasing more than is reserved is 409 over_release', async () => {
    const res = await shop.send('POST', `/api/inventory/${SKU}/release`, { quantity: 3 });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: 'over_release' });
    expect(shop.repo.get(SKU)?.version).toBe(1);
  });

  it.each(['reserve', 'release'])('%s rejects a quantity below 1 with 400 invalid_body', async (verb) => {
    const res = await shop.send('POST', `/api/inventory/${SKU}/${verb}`, { quantity: 0 });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_body', message: 'quantity: Too small: expected number to be >=1' });
  });

  it.each(['reserve', 'release'])('%s of an unknown SKU is the HTML 404 page', async (verb) => {
    const res = await shop.send('POST', `/api/inventory/SKU-999999/${verb}`, { quantity: 1 });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('every successful write bumps the version by one; refusals do not', async () => {
    await shop.send('POST', `/api/inventory/${SKU}/reserve`, { quantity: 5 });
    await shop.send('POST', `/api/inventory/${SKU}/reserve`, { quantity: 50 }); // 409
    await shop.send('POST', `/api/inventory/${SKU}/release`, { quantity: 3 });
    await shop.send('PUT', `/api/inventory/${SKU}`, { on_hand: 100 });
    expect(shop.repo.get(SKU)).toMatchObject({ quantityOnHand: 100, quantityReserved: 4, version: 4 });
  });
});

describe('everything else', () => {
  it('answers unknown paths and methods with the HTML 404 page', async () => {
    for (const path of ['/api/nope', '/api/products/1', `/api/inventory/${SKU}/count`]) {
      const res = await shop.get(path);
      expect(res.status).toBe(404);
      expect(await res.text()).toBe(notFoundPage(path));
    }
    const del = await fetch(`${shop.service.url}/api/inventory/${SKU}`, { method: 'DELETE' });
    expect(del.status).toBe(404);
  });

  it('GET /healthz answers 200 JSON with the warehouse mode', async () => {
    const res = await shop.get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', service: 'inventory', out_of_stock_warehouse: 'keep', levels: 2 });
  });

  it('a broken row gives a 500 JSON error without a stack trace', async () => {
    shop.service.db.prepare("UPDATE stock_levels SET last_changed_at = 'soon' WHERE sku = ?").run(SKU);
    const res = await shop.get(`/api/inventory/${SKU}`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: 'internal_error' });
    expect(text).not.toMatch(/at |\.ts|stack/);
  });
});
