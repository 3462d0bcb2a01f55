// Path normalization end to end, with raw request-targets on the wire: the facade routes on the
// normalized path (case, escapes, `//`, dot segments and encoded slashes can neither bypass a route
// nor reach one they should not) and forwards the target byte for byte; malformed paths get 400.
import { setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { rawRequest } from '../helpers/raw-http';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let catalog: TestUpstream;
let inventory: TestUpstream;
let facade: TestFacade;

beforeEach(async () => {
  monolith = await startUpstream('monolith');
  catalog = await startUpstream('catalog');
  inventory = await startUpstream('inventory');
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url: catalog.url }, inventory: { url: inventory.url } },
    routes: [
      { name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' },
      { name: 'inventory', match: { path: '/api/inventory/**' }, service: 'inventory' },
    ],
  });
  // Both routes fully moved: whatever reaches the monolith got there by not matching a route.
  await setStage(facade.adminUrl!, 'catalog', 'complete');
  await setStage(facade.adminUrl!, 'inventory', 'complete');
});

afterEach(async () => {
  await facade.close();
  await Promise.all([monolith.close(), catalog.close(), inventory.close()]);
});

const sides = () => ({ monolith, catalog, inventory });

it.each([
  ['/api/products/../orders', 'monolith'],
  ['/api/products/%2e%2e/orders', 'monolith'],
  ['/api/products/.%2E/orders/7', 'monolith'],
  ['/api/%70roducts/1', 'catalog'],
  ['/api/%70%72oducts/%31', 'catalog'],
  ['/api/products/./1', 'catalog'],
  ['//api/inventory/x', 'inventory'],
  ['/api//inventory///x', 'inventory'],
  ['/api/inventory/../products/9', 'catalog'],
  ['/api/%2e%2e/x', 'monolith'],
  ['/api/products/a%2a', 'catalog'],
  ['/API/Products/1', 'catalog'],
  ['/api/Inventory/x/', 'inventory'],
  ['/api%2Fproducts%2F1', 'catalog'],
  ['/api/products/a%2fb', 'catalog'],
  ['/api/files/a%2Fb', 'monolith'],
  ['/api%5Cinventory%5Cx', 'inventory'],
  ['/api/products/caf%c3%a9', 'catalog'],
] as const)('%s is answered by the %s, which receives it byte for byte', async (target, side) => {
  const res = await rawRequest(facade.url, target);
  expect(res.status).toBe(200);
  expect(res.json().from).toBe(side);
  const all = sides();
  expect(all[side].received.map((r) => r.url)).toEqual([target]);
  for (const [name, up] of Object.entries(all)) if (name !== side) expect(up.received).toHaveLength(0);
});

it.each([
  ['/api/%zz', 'malformed percent-escape'],
  ['/a%00b', 'NUL'],
  ['/api/products/%', 'malformed percent-escape'],
  ['/../api/products/1', 'climbs above the root'],
])('%s is refused with 400 PATH_MALFORMED and reaches no upstream', async (target, why) => {
  const res = await rawRequest(facade.url, target);
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json<{ error: string; message: string; requestId: string }>();
  expect(body.error).toBe('PATH_MALFORMED');
  expect(body.message).toContain(why);
  expect(body.requestId).toBe(res.headers['x-request-id']);
  for (const up of Object.values(sides())) expect(up.received).toHaveLength(0);
});

it.each([
  '?b=2&a=1&a=1',
  '?next=%2Fapi%2Forders&x=..%2F..%2F',
  '?path=/api/products/../orders//x',
  '?q=%zz&e=',
  '?url=http://example.com/a//b',
  '?q="a b"'.replace(' ', '%20'),
  '?json={"a":[1,2]}&pipe=a|b&caret=^&tick=`',
  '?lt=<&gt=>',
  '?frag=#not-a-fragment',
  '?',
])('the query string %s reaches the upstream byte for byte', async (query) => {
  const res = await rawRequest(facade.url, `/api/products/../products/1${query}`);
  expect(res.status).toBe(200);
  expect(catalog.received.map((r) => r.url)).toEqual([`/api/products/../products/1${query}`]);
});

it('a path segment spelled like a URL reaches the upstream as sent (no slash added or removed)', async () => {
  const res = await rawRequest(facade.url, '/api/products/http:/example.com//x');
  expect(res.status).toBe(200);
  expect(res.json().from).toBe('catalog');
  expect(catalog.received.map((r) => r.url)).toEqual(['/api/products/http:/example.com//x']);
});

it("characters a path may carry raw (sub-delims) are not re-escaped on the way upstream", async () => {
  const res = await rawRequest(facade.url, "/api/products/it's(1)");
  expect(res.status).toBe(200);
  expect(catalog.received.map((r) => r.url)).toEqual(["/api/products/it's(1)"]);
});
