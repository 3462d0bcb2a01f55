// A create that names what it made only in its body: `201 {"id": 17}` without a Location (most
// Express and Django REST Framework apps; HAL's `_links.self.href`, JSON:API's `data.id`, JSON-LD's
// `@id`, DRF's `url`), and each side mints its own id. The client goes on with the answering side's
// id, so every copy of its follow-up requests reached the other side under an id that side never
// minted: the second write of `PUT /orders/17` a 404 on the service (a divergence for each), and the
// shadow read of `GET /orders/17` compared against the service's 404. The copies now go to the id
// the other side answered, and in what they answer each side's own id is no difference.
import type { Stage } from '../../src/core/stages';
import { nextComparisons } from '../helpers/facade';
import { startTwoSides, type TwoSides } from '../helpers/two-sides';
import type { Handler } from '../helpers/upstream';

let sides: TwoSides | undefined;
afterEach(async () => { await sides?.close(); sides = undefined; });

type Shape = (id: string, item: string) => unknown;
/** A JSON shop that mints ids from `first` and names them in its create answer's body as `shape` says. */
function shop(first: number, shape: Shape, mint: (n: number) => string = String): { handler: Handler; orders: Map<string, { item: string; note: string | null }> } {
  let next = first;
  const orders = new Map<string, { item: string; note: string | null }>();
  const handler: Handler = (req, res, body) => {
    const path = req.url!.split('?')[0]!;
    if (req.method === 'POST' && (path === '/api/orders' || path === '/api/orders/')) {
      const id = mint(next++);
      orders.set(id, { item: JSON.parse(body).item, note: null });
      res.writeHead(201, { 'content-type': 'application/json' });
      return res.end(JSON.stringify(shape(id, JSON.parse(body).item)));
    }
    if (req.method === 'GET' && path === '/api/orders') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify([...orders].map(([id, o]) => ({ id: /^\d+$/.test(id) ? Number(id) : id, ...o }))));
    }
    const m = /^\/api\/orders\/([^/]+)\/?(note)?$/.exec(path);
    const order = m ? orders.get(m[1]!) : undefined;
    if (!m || order === undefined) { res.writeHead(404, { 'content-type': 'application/json' }); return res.end('{"error":"no such order"}'); }
    if (req.method === 'PUT' && m[2]) order.note = body;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: /^\d+$/.test(m[1]!) ? Number(m[1]) : m[1], ...order }));
  };
  return { handler, orders };
}

/** POST a create, PUT a note on what it made, GET it; returns what the client saw. */
async function drive(base: string, id: (created: any) => string): Promise<string[]> {
  const created = await fetch(`${base}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: 'kettle' }) });
  const own = id(await created.json());
  const put = await fetch(`${base}/api/orders/${own}/note`, { method: 'PUT', body: 'gift' });
  const got = await fetch(`${base}/api/orders/${own}`);
  return [`POST ${created.status}`, `PUT ${put.status}`, `GET ${got.status} ${await got.text()}`];
}

const SHAPES: readonly (readonly [string, Shape, (created: any) => string])[] = [
  ['a top-level id', (id, item) => ({ id: Number(id), item }), (c) => String(c.id)],
  ['a HAL self link', (id, item) => ({ item, _links: { self: { href: `/api/orders/${id}` } } }), (c) => c._links.self.href.split('/').pop()],
  ['a JSON:API resource', (id, item) => ({ data: { type: 'orders', id, attributes: { item } } }), (c) => c.data.id],
  ['a wrapped record', (id, item) => ({ order: { id: Number(id), item } }), (c) => String(c.order.id)],
];

it.each(SHAPES)('at dualwrite, a create answered with %s: the follow-up write reaches the record the service made, no divergence', async (_name, shape, id) => {
  const mono = shop(17, shape);
  const svc = shop(9001, shape);
  sides = await startTwoSides(mono.handler, svc.handler, 'dualwrite');
  const seen = await drive(sides.facade.url, id);
  expect(seen).toEqual(['POST 201', 'PUT 200', 'GET 200 {"id":17,"item":"kettle","note":"gift"}']);
  await sides.facade.waitForDone(3, 10_000);
  expect(await sides.facade.divergences.list('app')).toEqual([]);
  expect(sides.service.received.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /api/orders', 'PUT /api/orders/9001/note']);
  expect(svc.orders.get('9001')).toEqual({ item: 'kettle', note: 'gift' });
});

it('at shadow, the read of what a create made goes to the service\'s own record, and each side\'s own id in it (and in the list) is no difference', async () => {
  const shape: Shape = (id, item) => ({ id: Number(id), item });
  const mono = shop(17, shape);
  const svc = shop(9001, shape);
  sides = await startTwoSides(mono.handler, svc.handler, 'shadow');
  const f = sides.facade;
  const records = nextComparisons(f, 4, 10_000);
  await drive(f.url, (c) => String(c.id));
  await f.waitForDone(3, 10_000);
  expect((await fetch(`${f.url}/api/orders`)).status).toBe(200);
  const got = await records;
  expect(got.map((r) => `${r.method} ${r.path} ${r.outcome}`)).toEqual([
    'POST /api/orders generated', 'PUT /api/orders/17/note generated', 'GET /api/orders/17 generated', 'GET /api/orders generated',
  ]);
  expect(sides.service.received.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /api/orders', 'PUT /api/orders/9001/note', 'GET /api/orders/9001', 'GET /api/orders']);
});

it('an id the other side answered that is not an id (a word, the same value) makes no pair: the copy goes as sent', async () => {
  const mono = shop(17, (id, item) => ({ id: Number(id), item }));
  const svc = shop(9001, (_id, item) => ({ id: 'pending', item }));
  sides = await startTwoSides(mono.handler, svc.handler, 'dualwrite');
  await drive(sides.facade.url, (c) => String(c.id));
  await sides.facade.waitForDone(3, 10_000);
  expect(sides.service.received.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /api/orders', 'PUT /api/orders/17/note']);
  // The service never made order 17: the write it missed is kept to repair.
  expect((await sides.facade.divergences.list('app')).map((d) => d.reason)).toEqual(['second_write_status_404']);
});

it('a real difference in what the service keeps stays a difference beside the ids', async () => {
  const mono = shop(17, (id, item) => ({ id: Number(id), item }));
  const svc = shop(9001, (id, item) => ({ id: Number(id), item: item.toUpperCase() }));
  sides = await startTwoSides(mono.handler, svc.handler, 'shadow');
  const records = nextComparisons(sides.facade, 1, 10_000);
  await fetch(`${sides.facade.url}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: 'kettle' }) });
  const [r] = await records;
  expect(r!.outcome).toBe('mismatch');
});

it('at dualwrite, an id the client sends in a later body (JSON or form) reaches the service as its own; an id of another kind stays as sent', async () => {
  // Orders are minted per side; customers were backfilled with the same ids on both.
  const payments = (own: Handler): { handler: Handler; paid: string[] } => {
    const paid: string[] = [];
    return {
      paid,
      handler: (req, res, body) => {
        if (req.url === '/api/payments') {
          paid.push(body);
          const form = req.headers['content-type']?.startsWith('application/x-www-form-urlencoded');
          const orderId = form ? new URLSearchParams(body).get('order_id') : String(JSON.parse(body).order_id);
          res.writeHead(201, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ order_id: /^\d+$/.test(orderId!) ? Number(orderId) : orderId, status: 'paid' }));
        }
        own(req, res, body);
      },
    };
  };
  const monoShop = shop(17, (id, item) => ({ id: Number(id), item }));
  const svcShop = shop(9001, (id, item) => ({ id: Number(id), item }));
  const mono = payments(monoShop.handler);
  const svc = payments(svcShop.handler);
  sides = await startTwoSides(mono.handler, svc.handler, 'dualwrite');
  const f = sides.facade;
  const created = await fetch(`${f.url}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ item: 'kettle' }) });
  expect(await created.json()).toEqual({ id: 17, item: 'kettle' });
  await f.waitForDone(1, 10_000);
  const json = '{ "order_id" : 17, "customer_id": 17, "amount": 17, "note": "order_id: 17", "big": 12345678901234567890 }';
  const paid = await fetch(`${f.url}/api/payments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: json });
  expect(await paid.json()).toEqual({ order_id: 17, status: 'paid' });
  await fetch(`${f.url}/api/payments`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'order_id=17&customer_id=17&amount=17' });
  await f.waitForDone(3, 10_000);
  expect(mono.paid).toEqual([json, 'order_id=17&customer_id=17&amount=17']);
  // Only the order's id changed, every other byte as the client sent it (the big number too).
  expect(svc.paid).toEqual([json.replace('"order_id" : 17', '"order_id" : 9001'), 'order_id=9001&customer_id=17&amount=17']);
  expect(await f.divergences.list('app')).toEqual([]);
});
