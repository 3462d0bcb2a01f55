// A write under a record that answers the record itself (`POST /api/carts/5/items` answered with the
// whole cart, `{"id": 5, ...}`: a common shape for "add to cart") created no record whose id is the
// parent's. Paired as one, the cart's ids on each side (5, 77) were learned as an item's, and a later
// `{"item_id": 5}` (item 5, never paired) reached the service as item 77: another record.
import { startTwoSides, type TwoSides } from '../helpers/two-sides';
import type { Handler } from '../helpers/upstream';

let sides: TwoSides | undefined;
afterEach(async () => { await sides?.close(); sides = undefined; });

/** Carts from `first`; adding an item answers the cart; anything else answers 200. */
function shop(first: number): Handler {
  let next = first;
  return (req, res, body) => {
    const m = /^\/api\/carts\/(\d+)\/items$/.exec(req.url!);
    res.writeHead(req.method === 'POST' && req.url !== '/api/checkout' ? 201 : 200, { 'content-type': 'application/json' });
    if (req.url === '/api/carts') return res.end(JSON.stringify({ id: next++, items: [] }));
    if (m) return res.end(JSON.stringify({ id: Number(m[1]), items: [JSON.parse(body)] }));
    res.end('{}');
  };
}

it('at dualwrite, adding an item that answers the cart pairs no item: a later item_id goes as sent', async () => {
  sides = await startTwoSides(shop(5), shop(77), 'dualwrite');
  const f = sides.facade;
  const post = (path: string, body: unknown) => fetch(`${f.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<{ id: number }>);
  const cart = await post('/api/carts', {});
  await f.waitForDone(1, 10_000);
  await post(`/api/carts/${cart.id}/items`, { sku: 'kettle' });
  await f.waitForDone(2, 10_000);
  await post('/api/checkout', { cart_id: 5, item_id: 5 });
  await f.waitForDone(3, 10_000);
  expect(sides.service.received.map((r) => `${r.url} ${r.body}`)).toEqual([
    '/api/carts {}',
    '/api/carts/77/items {"sku":"kettle"}', // the cart is paired: its own cart
    '/api/checkout {"cart_id":77,"item_id":5}', // the cart's id translated, item 5 as sent
  ]);
});
