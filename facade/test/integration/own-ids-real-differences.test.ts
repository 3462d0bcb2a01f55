// Each side's own id of a created record is no difference in what it answers later, but a number
// equal to a paired id elsewhere is the sides' data: with the monolith's order 3 paired to the
// service's 4, the service naming customer 4 and a due date of 12/4/2026 are real differences.
import { nextComparisons } from '../helpers/facade';
import { startTwoSides, type TwoSides } from '../helpers/two-sides';
import type { Handler } from '../helpers/upstream';

let sides: TwoSides | undefined;
afterEach(async () => { await sides?.close(); sides = undefined; });

function shop(first: number, customer: number, due: string): Handler {
  let next = first;
  return (req, res) => {
    res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
    if (req.method === 'POST') return res.end(JSON.stringify({ id: next++ }));
    res.end(JSON.stringify({ id: Number(req.url!.split('/')[3]), customer_id: customer, due }));
  };
}

it('at shadow, a customer id and a date equal to the paired order ids stay differences; the order id is generated', async () => {
  sides = await startTwoSides(shop(3, 3, '12/3/2026'), shop(4, 4, '12/4/2026'), 'shadow');
  const f = sides.facade;
  const records = nextComparisons(f, 2, 10_000);
  const created = await (await fetch(`${f.url}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json() as { id: number };
  await f.waitForDone(1, 10_000);
  expect(await (await fetch(`${f.url}/api/orders/${created.id}`)).text()).toBe('{"id":3,"customer_id":3,"due":"12/3/2026"}');
  const read = (await records)[1]!;
  // The copy (and any re-ask of a difference) went to the service's own order.
  expect(new Set(sides.service.received.map((r) => r.url))).toEqual(new Set(['/api/orders', '/api/orders/4']));
  const generated = Object.fromEntries(read.facts.map((x) => [x.path, x.generated !== null]));
  expect(generated).toEqual({ '$.id': true, '$.customer_id': false, '$.due': false });
  expect(read.outcome).not.toBe('generated');
});
