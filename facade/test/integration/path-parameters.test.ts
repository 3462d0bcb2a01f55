// Path parameters (`;jsessionid=ABC`, `..;`) are dropped by servlet containers (Tomcat, Jetty,
// Undertow) before they route: a write to `/api/orders;jsessionid=ABC` is a write to `/api/orders`
// on a Java monolith, so it must take the orders route's stage (both sides at dualwrite), and a
// `..;` that climbs must not carry a request out of the route its servlet reading belongs to.
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';
import { exchange } from '../helpers/raw-http';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;

beforeAll(async () => {
  monolith = await startUpstream('monolith');
  service = await startUpstream('service');
  facade = await startTestFacade({
    monolith: { url: monolith.url }, services: { svc: { url: service.url } },
    routes: [
      { name: 'orders', match: { path: '/api/orders/**' }, service: 'svc', defaultStage: 'dualwrite' },
      { name: 'admin', match: { path: '/admin/**' }, service: 'svc', defaultStage: 'off' },
    ],
  });
});

afterAll(async () => {
  await facade.close();
  await monolith.close();
  await service.close();
});

beforeEach(() => { monolith.received.length = 0; service.received.length = 0; });

async function post(target: string): Promise<{ status: number; service: string[] }> {
  const before = facade.done.length;
  const raw = await exchange(facade.url, `POST ${target} HTTP/1.1\r\nHost: shop.example\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi`);
  await facade.waitForDone(before + 1, 3000);
  return { status: Number(/HTTP\/1\.1 (\d{3})/.exec(raw)?.[1]), service: service.received.map((r) => r.url) };
}

it.each([
  '/api/orders;jsessionid=ABC',
  '/api;x=1/orders/7',
  '/admin/..;/api/orders/7',
])('POST %s is a write of the orders route (dualwrite): both sides get it, byte for byte', async (target) => {
  expect(await post(target)).toEqual({ status: 200, service: [target] });
  expect(monolith.received.map((r) => r.url)).toEqual([target]);
});

it('a ..; that leaves the orders route for /admin (at off) reaches the monolith alone', async () => {
  expect(await post('/api/orders/..;/..;/admin/x')).toEqual({ status: 200, service: [] });
  expect(monolith.received.map((r) => r.url)).toEqual(['/api/orders/..;/..;/admin/x']);
});

it('a ..; that climbs above the root is refused and sent nowhere', async () => {
  const raw = await exchange(facade.url, 'GET /api/..;/..;/etc/passwd HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n');
  expect(raw).toMatch(/^HTTP\/1\.1 400/);
  expect(raw).toContain('path parameters');
  expect(monolith.received).toEqual([]);
});
