// No spelling of a path lets a write skip its route: at `dualwrite` every spelling of an orders
// path (case, `//`, `/./`, escapes, encoded slashes, trailing slash) reaches the monolith and then
// the service, each receiving the request-target exactly as the client sent it. `OPTIONS *`
// follows a catch-all route.
import { setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { rawRequest } from '../helpers/raw-http';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let orders: TestUpstream;
let facade: TestFacade | undefined;

beforeEach(async () => {
  monolith = await startUpstream('monolith');
  orders = await startUpstream('orders');
});

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith.close(), orders.close()]);
});

async function start(routes: unknown[], stage: string): Promise<TestFacade> {
  facade = await startTestFacade({ monolith: { url: monolith.url }, services: { orders: { url: orders.url } }, routes: routes as never });
  for (const r of routes as Array<{ name: string }>) await setStage(facade.adminUrl!, r.name, stage);
  return facade;
}

describe('at dualwrite', () => {
  it.each([
    '/api/orders',
    '/API/Orders',
    '/Api/ORDERS/7/items',
    '//api//orders',
    '/api/./orders/',
    '/api/%6Frders',
    '/api%2Forders',
    '/api%2forders%2F7',
    '/api/x/..%2F..%2Fapi/orders',
    '/api%5Corders',
    '/api\\orders',
  ])('POST %s reaches the monolith, then the service, both with the target as sent', async (target) => {
    const f = await start([{ name: 'orders', match: { path: '/api/orders/**' }, service: 'orders' }], 'dualwrite');
    const res = await rawRequest(f.url, target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":"A-1"}' });
    expect(res.status).toBe(200);
    expect(res.json().from).toBe('monolith');
    await orders.waitFor(1);
    expect(monolith.received.map((r) => [r.method, r.url, r.body])).toEqual([['POST', target, '{"sku":"A-1"}']]);
    expect(orders.received.map((r) => [r.method, r.url, r.body])).toEqual([['POST', target, '{"sku":"A-1"}']]);
  });

  it('a case-sensitive route keeps its own spelling: another spelling is the monolith\'s alone', async () => {
    const f = await start([{ name: 'orders', match: { path: '/api/orders/**' }, service: 'orders', caseSensitive: true }], 'dualwrite');
    await rawRequest(f.url, '/API/Orders', { method: 'POST', body: '{}' });
    await f.waitForDone(1);
    expect(monolith.received).toHaveLength(1);
    expect(orders.received).toHaveLength(0);
  });
});

describe('OPTIONS *', () => {
  it('is answered by the service when a catch-all route is complete', async () => {
    const f = await start([{ name: 'everything', match: { path: '/**' }, service: 'orders' }], 'complete');
    const res = await rawRequest(f.url, '*', { method: 'OPTIONS' });
    expect(res.status).toBe(200);
    expect(res.headers['x-strangler-side']).toBe('service');
    expect(orders.received.map((r) => [r.method, r.url])).toEqual([['OPTIONS', '*']]);
    expect(monolith.received).toHaveLength(0);
  });

  it.each(['GET', 'POST', 'DELETE'])('%s * is refused with 400 (the asterisk form is for OPTIONS only) and reaches no upstream', async (method) => {
    const f = await start([{ name: 'everything', match: { path: '/**' }, service: 'orders' }], 'complete');
    const res = await rawRequest(f.url, '*', { method });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body.toString('utf8'))).toMatchObject({ error: 'PATH_MALFORMED', message: expect.stringContaining('OPTIONS only') });
    expect([...orders.received, ...monolith.received]).toHaveLength(0);
  });

  it('is the monolith\'s without a catch-all route', async () => {
    const f = await start([{ name: 'orders', match: { path: '/api/orders/**' }, service: 'orders' }], 'complete');
    const res = await rawRequest(f.url, '*', { method: 'OPTIONS' });
    expect(res.status).toBe(200);
    expect(monolith.received.map((r) => [r.method, r.url])).toEqual([['OPTIONS', '*']]);
    expect(orders.received).toHaveLength(0);
  });
});
