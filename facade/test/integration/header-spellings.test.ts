// A Rails-style monolith and a Go-style service behind the facade: the same answers spelled by two
// frameworks (an absolute Location built from the request's Host against a relative one,
// `application/json; charset=utf-8` against `application/json`, Cache-Control directives in another
// order) are matches, on a compared read and on a write sent to both; so is a Location on the
// service's own address (the client would get it with its own origin); a Location naming another
// host (a pod's name leaking out) is still a real difference.
import { nextComparisons, startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;

async function start(stage: string): Promise<void> {
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { orders: { url: service.url } },
    routes: [{ name: 'orders', match: { path: '/orders/**' }, service: 'orders', compare: { sample: 100 } }],
  });
  facade.store.change({ route: 'orders', stage: stage as 'shadow', force: true, actor: 'test', defaultStage: 'off' });
  (facade.deps.flags as unknown as { reload(): void }).reload();
}

beforeEach(async () => {
  monolith = await startUpstream('monolith');
  service = await startUpstream('service');
  // Rails: absolute URLs from the request's Host and X-Forwarded-Proto, JSON with a charset.
  monolith.handler = (req, res, body) => {
    const base = `${req.headers['x-forwarded-proto']}://${req.headers.host}`;
    if (req.method === 'POST') { res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', location: `${base}/orders/42`, 'cache-control': 'no-cache, private' }); res.end(body); return; }
    res.writeHead(302, { 'content-type': 'text/html; charset=utf-8', location: `${base}/orders/42/receipt`, 'cache-control': 'no-cache, private' });
    res.end('<html><body>You are being <a href="/orders/42/receipt">redirected</a>.</body></html>');
  };
});

afterEach(async () => {
  await facade?.close();
  await monolith.close();
  await service.close();
});

it('a redirect and a 201 spelled by another framework match, as does one on the service\'s own address; one naming another host does not', async () => {
  // Go: relative Locations, JSON without a charset, its own directive order.
  let origin = '';
  service.handler = (req, res, body) => {
    const location = (path: string): string => `${origin}${path}`;
    if (req.method === 'POST') { res.writeHead(201, { 'content-type': 'application/json', location: location('/orders/42'), 'cache-control': 'private, no-cache' }); res.end(body); return; }
    res.writeHead(302, { 'content-type': 'text/html; charset=UTF-8', location: location('/orders/42/receipt'), 'cache-control': 'Private, No-Cache' });
    res.end('<html><body>You are being <a href="/orders/42/receipt">redirected</a>.</body></html>');
  };
  await start('shadow');
  let records = nextComparisons(facade, 1);
  const read = await fetch(`${facade.url}/orders/42/pay`, { redirect: 'manual' });
  const client = `http://${new URL(facade.url).host}`;
  expect(read.headers.get('location')).toBe(`${client}/orders/42/receipt`);
  expect((await records)[0]).toMatchObject({ outcome: 'match', facts: [] });

  origin = service.url;
  records = nextComparisons(facade, 1);
  await fetch(`${facade.url}/orders/42/pay`, { redirect: 'manual' });
  expect((await records)[0]).toMatchObject({ outcome: 'match', facts: [] });

  origin = 'http://orders-7f9c4.internal:8080';
  records = nextComparisons(facade, 1);
  await fetch(`${facade.url}/orders/42/pay`, { redirect: 'manual' });
  const [leaked] = await records;
  expect(leaked.outcome).toBe('mismatch');
  expect(leaked.facts.map((f) => [f.field, f.primary, f.shadow])).toEqual([['headers.location', `${client}/orders/42/receipt`, 'http://orders-7f9c4.internal:8080/orders/42/receipt']]);

  origin = '';
  await facade.close();
  await start('dualwrite');
  records = nextComparisons(facade, 1);
  const write = await fetch(`${facade.url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":"A"}' });
  expect(write.status).toBe(201);
  expect((await records)[0]).toMatchObject({ kind: 'write', outcome: 'match', facts: [] });
});

it('a CORS preflight answered 204 by one framework and 200 by another matches; a method the service leaves out of Allow-Methods does not', async () => {
  await facade?.close();
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { orders: { url: service.url } },
    routes: [{ name: 'orders', match: { path: '/orders/**' }, service: 'orders',
      compare: { sample: 100, headers: ['content-type', 'access-control-allow-origin', 'access-control-allow-methods', 'access-control-allow-headers'] } }],
  });
  facade.store.change({ route: 'orders', stage: 'shadow', force: true, actor: 'test', defaultStage: 'off' });
  (facade.deps.flags as unknown as { reload(): void }).reload();
  let methods = 'PUT, GET, POST';
  monolith.handler = (req, res) => {
    res.writeHead(req.method === 'OPTIONS' ? 204 : 200, { 'access-control-allow-origin': 'https://app.example', 'access-control-allow-methods': 'GET,POST,PUT', 'access-control-allow-headers': 'Content-Type, X-Api-Key' });
    res.end();
  };
  service.handler = (req, res) => {
    res.writeHead(200, { 'access-control-allow-origin': 'https://app.example', 'access-control-allow-methods': methods, 'access-control-allow-headers': 'x-api-key,content-type' });
    res.end();
  };
  const preflight = { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' } };
  let records = nextComparisons(facade, 1);
  expect((await fetch(`${facade.url}/orders/42`, preflight)).status).toBe(204);
  expect((await records)[0]).toMatchObject({ method: 'OPTIONS', outcome: 'match', facts: [], primaryStatus: 204, shadowStatus: 200 });

  methods = 'GET, POST';
  records = nextComparisons(facade, 1);
  await fetch(`${facade.url}/orders/42`, preflight);
  const [missing] = await records;
  expect(missing.outcome).toBe('mismatch');
  expect(missing.facts.map((f) => f.field)).toEqual(['headers.access-control-allow-methods']);

  // An OPTIONS that is not a preflight keeps its status difference.
  records = nextComparisons(facade, 1);
  await fetch(`${facade.url}/orders/42`, { method: 'OPTIONS' });
  expect((await records)[0].facts.map((f) => f.field)).toContain('status');
});
