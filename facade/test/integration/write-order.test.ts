// Second writes of one resource reach the other side in the order the authoritative side answered
// them, one after the other; writes to other resources are not held up by them.
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;
const events: string[] = [];

beforeEach(async () => {
  events.length = 0;
  monolith = await startUpstream('monolith', (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}'); });
  // The service is slow on reserves: a release sent concurrently would overtake it.
  service = await startUpstream('service', (req, res) => {
    events.push(`start ${req.method} ${req.url}`);
    const delay = req.url?.endsWith('/reserve') ? 300 : 10;
    setTimeout(() => { events.push(`end ${req.method} ${req.url}`); res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}'); }, delay);
  });
  facade = await startTestFacade({
    monolith: { url: monolith.url }, services: { items: { url: service.url } },
    routes: [{ name: 'items', match: { path: '/api/items/**' }, service: 'items', defaultStage: 'dualwrite' }],
  });
});

afterEach(async () => {
  await facade.close();
  await monolith.close();
  await service.close();
});

const post = (path: string): Promise<Response> => fetch(`${facade.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

it('a release answered after a reserve of the same item reaches the service only after the reserve did', async () => {
  const reserve = post('/api/items/SKU-1001/reserve');
  await monolith.waitFor(1);
  const release = post('/api/items/SKU-1001/release');
  expect((await reserve).status).toBe(200);
  expect((await release).status).toBe(200);
  await facade.waitForDone(2);
  expect(events).toEqual([
    'start POST /api/items/SKU-1001/reserve', 'end POST /api/items/SKU-1001/reserve',
    'start POST /api/items/SKU-1001/release', 'end POST /api/items/SKU-1001/release',
  ]);
});

it('writes to another item are not held up behind a slow one', async () => {
  const slow = post('/api/items/SKU-1001/reserve');
  await monolith.waitFor(1);
  const other = post('/api/items/SKU-2002/release');
  await Promise.all([slow, other]);
  await facade.waitForDone(2);
  expect(events.indexOf('end POST /api/items/SKU-2002/release')).toBeLessThan(events.indexOf('end POST /api/items/SKU-1001/reserve'));
});
