// Two writes of one resource in flight at the authoritative side at once (two reserves of one item
// from two clients): the primary applied them in one order, and its answers may come back in the
// other; the second side gets the copies in the order of the answers. Each side then answers each
// write from its own order (`reserved: 1` against `2`), with no fault on either: those answers were
// judged as differences, unjudged for ever (writes are never asked again), and the gate refused the
// stage (the walkthrough's rampdown under load). Such a write's differing answers are now skipped
// (`writes_overlapped`); its copy still reaches the other side, and a write alone is compared.
import { nextComparisons, startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';
import { WriteOrder } from '../../src/io/write-order';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;

afterEach(async () => {
  await facade.close();
  await monolith.close();
  await service.close();
});

/** A stock counter; `slowFirst`: the first reserve is answered 300 ms after it was applied, so the next one's answer overtakes it. */
function stock(slowFirst: boolean, planted = 0): Handler {
  let reserved = 0;
  let seen = 0;
  return (req, res) => {
    const n = ++seen;
    if (req.method === 'POST') reserved++;
    const body = JSON.stringify({ sku: 'kettle', reserved: reserved + planted });
    setTimeout(() => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(body); }, slowFirst && n === 1 ? 300 : 0);
  };
}

async function start(mono: Handler, svc: Handler): Promise<void> {
  monolith = await startUpstream('monolith', mono);
  service = await startUpstream('service', svc);
  facade = await startTestFacade({
    monolith: { url: monolith.url }, services: { items: { url: service.url } },
    routes: [{ name: 'items', match: { path: '/api/items/**' }, service: 'items', defaultStage: 'dualwrite' }],
  });
}

const reserve = (): Promise<Response> => fetch(`${facade.url}/api/items/7/reserve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"quantity":1}' });

it('two reserves of one item at once, answered out of the order they were applied in: skipped, not differences; one alone after them is compared', async () => {
  await start(stock(true), stock(false));
  const records = nextComparisons(facade, 3, 10_000);
  const first = reserve();
  await monolith.waitFor(1);
  const second = await reserve();
  expect(await second.json()).toEqual({ sku: 'kettle', reserved: 2 });
  expect(await (await first).json()).toEqual({ sku: 'kettle', reserved: 1 });
  await facade.waitForDone(2, 10_000);
  expect(await (await reserve()).json()).toEqual({ sku: 'kettle', reserved: 3 });
  const got = await records;
  expect(got.map((r) => `${r.outcome} ${r.reason ?? ''}`)).toEqual(['skipped writes_overlapped', 'skipped writes_overlapped', 'match ']);
  // Both copies reached the service, and no divergence: the item's count agrees on both sides.
  expect(service.received.filter((r) => r.method === 'POST')).toHaveLength(3);
  expect(await facade.divergences.list('items')).toEqual([]);
});

it('a write that overlapped none keeps its real difference', async () => {
  await start(stock(false), stock(false, 5));
  const records = nextComparisons(facade, 2, 10_000);
  await reserve();
  await facade.waitForDone(1, 10_000);
  await reserve();
  expect((await records).map((r) => r.outcome)).toEqual(['unjudged', 'unjudged']); // a write's difference, never asked again: not skipped
});

it('the order marks both writes of one resource whose times at the authoritative side overlap, and no others', () => {
  let now = 0;
  const order = new WriteOrder(() => now);
  const a = order.admit('svc', 'items\u0000/api/items/7', 'causal');
  now = 1;
  const b = order.admit('svc', 'items\u0000/api/items/7', 'causal');
  const other = order.admit('svc', 'items\u0000/api/items/8', 'causal');
  now = 2;
  order.answered(b);
  order.answered(other);
  now = 3;
  order.answered(a);
  order.release(a);
  order.release(b);
  now = 4;
  const c = order.admit('svc', 'items\u0000/api/items/7', 'causal'); // after both answered
  now = 5;
  order.answered(c);
  expect([a.overlapped, b.overlapped, other.overlapped, c.overlapped]).toEqual([true, true, false, false]);
});
