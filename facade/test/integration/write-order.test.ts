// Second writes reach the other side in the order the client could have depended on: after every
// copy whose authoritative answer was complete before the write arrived (a child after its parent,
// a MOVE after the COPY it moves), and of writes that overlapped, a resource's in the order the
// authoritative side answered them. Writes that overlapped at the primary on other resources, or on
// a route ordered by resource, are not held up; a hung copy holds the queue for orderWaitMs at most.
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;
const events: string[] = [];

/** The monolith holds writes to paths listed here until released, so writes overlap there. */
let hold: { paths: Set<string>; release: Array<() => void> } = { paths: new Set(), release: [] };

async function start(dualWrite: Record<string, unknown> = {}, slowMs = 300): Promise<void> {
  const folders = new Set<string>();
  monolith = await startUpstream('monolith', (req, res) => {
    // A folder made twice: the second MKCOL finds it (WebDAV's 405), even while the first is still answering.
    if (req.method === 'MKCOL' && folders.has(req.url ?? '')) { res.writeHead(405); res.end(); return; }
    if (req.method === 'MKCOL') folders.add(req.url ?? '');
    const answer = (): void => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}'); };
    if (hold.paths.has(req.url ?? '')) hold.release.push(answer);
    else answer();
  });
  // The service is slow on reserves and on a folder's creation: a write sent concurrently would overtake them.
  service = await startUpstream('service', (req, res) => {
    events.push(`start ${req.method} ${req.url}`);
    const delay = req.url?.endsWith('/reserve') || req.method === 'MKCOL' ? slowMs : 10;
    setTimeout(() => { events.push(`end ${req.method} ${req.url}`); res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}'); }, delay);
  });
  facade = await startTestFacade({
    monolith: { url: monolith.url }, services: { items: { url: service.url } },
    routes: [{ name: 'items', match: { path: '/api/items/**' }, service: 'items', defaultStage: 'dualwrite', dualWrite }],
  });
}

beforeEach(() => {
  events.length = 0;
  hold = { paths: new Set(), release: [] };
});

afterEach(async () => {
  await facade.close();
  await monolith.close();
  await service.close();
});

const post = (path: string): Promise<Response> => fetch(`${facade.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

it('a release answered after a reserve of the same item reaches the service only after the reserve did', async () => {
  await start();
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

it('on a route ordered by resource, writes to another item are not held up behind a slow one', async () => {
  await start({ order: 'resource' });
  const slow = post('/api/items/SKU-1001/reserve');
  await monolith.waitFor(1);
  const other = post('/api/items/SKU-2002/release');
  await Promise.all([slow, other]);
  await facade.waitForDone(2);
  expect(events.indexOf('end POST /api/items/SKU-2002/release')).toBeLessThan(events.indexOf('end POST /api/items/SKU-1001/reserve'));
});

it('a write the client sent after another\'s answer reaches the service after that one\'s copy, whatever its path (a file after its folder)', async () => {
  await start();
  expect((await fetch(`${facade.url}/api/items/folder-7/`, { method: 'MKCOL' })).status).toBe(200);
  expect((await fetch(`${facade.url}/api/items/folder-7/notes.txt`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'hello' })).status).toBe(200);
  await facade.waitForDone(2);
  expect(events).toEqual([
    'start MKCOL /api/items/folder-7/', 'end MKCOL /api/items/folder-7/',
    'start PUT /api/items/folder-7/notes.txt', 'end PUT /api/items/folder-7/notes.txt',
  ]);
});

it('writes that overlapped at the monolith, to other items, go to the service in parallel', async () => {
  await start();
  hold.paths.add('/api/items/SKU-1001/reserve');
  hold.paths.add('/api/items/SKU-2002/release');
  const slow = post('/api/items/SKU-1001/reserve');
  const other = post('/api/items/SKU-2002/release');
  await monolith.waitFor(2);
  for (const answer of hold.release) answer();
  await Promise.all([slow, other]);
  await facade.waitForDone(2);
  expect(events.indexOf('end POST /api/items/SKU-2002/release')).toBeLessThan(events.indexOf('end POST /api/items/SKU-1001/reserve'));
});

it('a copy waits for a hung one at most orderWaitMs, then goes anyway and says so', async () => {
  await start({ orderWaitMs: 200 }, 1500);
  const reserve = post('/api/items/SKU-1001/reserve');
  expect((await reserve).status).toBe(200);
  expect((await post('/api/items/SKU-2002/release')).status).toBe(200);
  await facade.waitForDone(2);
  expect(events.indexOf('end POST /api/items/SKU-2002/release')).toBeLessThan(events.indexOf('end POST /api/items/SKU-1001/reserve'));
  expect(await (await fetch(`${facade.adminUrl}/metrics`)).text()).toMatch(/strangler_second_writes_total\{route="items",side="service",outcome="order_wait_exceeded"\} 1/);
});

it('a copy of the same item waits for the one before it however long it takes: orderWaitMs bounds only the wait for other items\' copies', async () => {
  await start({ orderWaitMs: 200 }, 1000);
  expect((await post('/api/items/SKU-1001/reserve')).status).toBe(200);
  expect((await post('/api/items/SKU-1001/release')).status).toBe(200);
  await facade.waitForDone(2);
  expect(events).toEqual([
    'start POST /api/items/SKU-1001/reserve', 'end POST /api/items/SKU-1001/reserve',
    'start POST /api/items/SKU-1001/release', 'end POST /api/items/SKU-1001/release',
  ]);
  expect(await (await fetch(`${facade.adminUrl}/metrics`)).text()).not.toMatch(/outcome="order_wait_exceeded"/);
});

it('a file written after a second MKCOL of its folder found it (405) reaches the service after the folder, though the first MKCOL had not answered yet', async () => {
  // rclone's concurrent uploads into one new folder (probes15): each makes the folder; the one that
  // finds it made goes on with its file while the one that made it is still answering.
  await start();
  hold.paths.add('/api/items/folder-9/');
  const made = fetch(`${facade.url}/api/items/folder-9/`, { method: 'MKCOL' });
  await monolith.waitFor(1);
  expect((await fetch(`${facade.url}/api/items/folder-9/`, { method: 'MKCOL' })).status).toBe(405);
  expect((await fetch(`${facade.url}/api/items/folder-9/notes.txt`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'hello' })).status).toBe(200);
  for (const answer of hold.release) answer();
  expect((await made).status).toBe(200);
  await facade.waitForDone(3);
  expect(events).toEqual([
    'start MKCOL /api/items/folder-9/', 'end MKCOL /api/items/folder-9/',
    'start PUT /api/items/folder-9/notes.txt', 'end PUT /api/items/folder-9/notes.txt',
  ]);
});

it('writes to two paths beside each other, overlapping at the monolith, still go to the service in parallel', async () => {
  await start();
  hold.paths.add('/api/items/folder-9/a/reserve');
  hold.paths.add('/api/items/folder-9/b/reserve');
  const a = post('/api/items/folder-9/a/reserve');
  await monolith.waitFor(1);
  const b = post('/api/items/folder-9/b/reserve');
  await monolith.waitFor(2);
  for (const answer of hold.release) answer();
  await Promise.all([a, b]);
  await facade.waitForDone(2);
  // the service holds each reserve 300 ms: both copies started before either ended
  expect(events.slice(0, 2).map((e) => e.split(' ')[0])).toEqual(['start', 'start']);
});
