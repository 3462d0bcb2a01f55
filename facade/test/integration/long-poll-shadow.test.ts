// A long poll at `shadow` (Syncthing's GET /rest/events?since=N, which waits up to its timeout for
// news; a Consul blocking query; CouchDB's feed=longpoll): both sides hold it past the shadow's own
// deadline. Probes13: every such read was an error `service_UPSTREAM_TIMEOUT` (the report's service
// error rate 100 %, the gate's error-rate check failing) and a failure against the service's breaker,
// though the primary had not answered either. Now it is skipped (`primary_as_slow`) and not held
// against the breaker; a service slower than a primary that did answer stays an error.
import { setStage } from '../helpers/admin-client';
import { HELD_MS, HeldReads } from '../../src/core/long-poll';
import { nextComparisons, startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade | undefined;

/** Answers `/events` after `waitMs` (a long poll with no news), anything else at once. */
const poller = (waitMs: number): Handler => (req, res) => {
  const send = () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('[]'); };
  if (req.url?.startsWith('/events')) setTimeout(send, waitMs); else send();
};

async function start(monolithWait: number, serviceWait: number, maxInFlight = 64): Promise<TestFacade> {
  monolith = await startUpstream('monolith', poller(monolithWait));
  service = await startUpstream('svc', poller(serviceWait));
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { svc: { url: service.url, breaker: { minRequests: 2, failureRate: 0.5, coolDownMs: 60_000 } } },
    routes: [{ name: 'app', match: { path: '/**' }, service: 'svc', compare: { shadowTimeoutMs: 300, maxInFlight, reask: { enabled: false } } }],
  });
  await setStage(facade.adminUrl!, 'app', 'shadow');
  return facade;
}

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith?.close(), service?.close()]);
});

const get = async (f: TestFacade, path: string): Promise<number> => {
  const res = await fetch(`${f.url}${path}`);
  await res.arrayBuffer();
  return res.status;
};

it('a long poll both sides hold past the shadow deadline is skipped, not an error, and does not open the breaker', async () => {
  const f = await start(800, 800);
  const records = nextComparisons(f, 4, 10_000);
  expect(await Promise.all([get(f, '/events?since=1'), get(f, '/events?since=2'), get(f, '/events?since=3')])).toEqual([200, 200, 200]);
  expect(await get(f, '/status')).toBe(200);
  const got = await records;
  expect(got.filter((r) => r.path === '/events').map((r) => `${r.outcome} ${r.reason}`)).toEqual(['skipped primary_as_slow', 'skipped primary_as_slow', 'skipped primary_as_slow']);
  expect(got.find((r) => r.path === '/status')!.outcome).toBe('match'); // the breaker is still closed: the next read was shadowed
});

it('a service slower than a primary that answered stays an error', async () => {
  const f = await start(0, 800);
  const records = nextComparisons(f, 1, 10_000);
  expect(await get(f, '/events?since=1')).toBe(200);
  const [r] = await records;
  expect(`${r!.outcome} ${r!.reason}`).toBe('error service_UPSTREAM_TIMEOUT');
});

it('an endpoint whose copies outwait the deadline with the primary twice in a row is learned as a long poll: its reads go to the primary alone, holding no shadow slot', async () => {
  // One slot: a long poll's copy held it all along, and every other read's copy was dropped meanwhile.
  const f = await start(800, 800, 1);
  const first = nextComparisons(f, 2, 10_000);
  expect(await get(f, '/events?since=1')).toBe(200);
  expect(await get(f, '/events?since=2')).toBe(200);
  expect((await first).map((r) => r.reason)).toEqual(['primary_as_slow', 'primary_as_slow']);
  const asked = service.received.length;
  const next = nextComparisons(f, 2, 10_000);
  const poll = get(f, '/events?since=3'); // waits 800 ms at the monolith, with no copy
  await monolith.waitFor(3);
  expect(await get(f, '/status')).toBe(200); // compared: the long poll holds no slot
  expect(await poll).toBe(200);
  const got = await next;
  expect(got.map((r) => `${r.path} ${r.outcome} ${r.reason ?? ''}`).sort()).toEqual(['/events skipped long_poll', '/status match ']);
  expect(service.received.slice(asked).map((r) => r.url)).toEqual(['/status']);
});

it('one copy that does not outwait the primary keeps an endpoint from being learned: long polls are learned in a row', () => {
  const held = new HeldReads();
  held.note('app', 'GET /events', true, 0);
  held.note('app', 'GET /events', false, 1);
  held.note('app', 'GET /events', true, 2);
  expect(held.held('app', 'GET /events', 3)).toBe(false);
  held.note('app', 'GET /events', true, 4);
  expect(held.held('app', 'GET /events', 5)).toBe(true);
  expect(held.held('app', 'GET /other', 5)).toBe(false);
  // After HELD_MS one copy goes again; one more slow copy holds it again, a fast one lets it go.
  expect(held.held('app', 'GET /events', 5 + HELD_MS)).toBe(false);
  held.note('app', 'GET /events', true, 6 + HELD_MS);
  expect(held.held('app', 'GET /events', 7 + HELD_MS)).toBe(true);
  expect(held.held('app', 'GET /events', 8 + 2 * HELD_MS)).toBe(false);
  held.note('app', 'GET /events', false, 9 + 2 * HELD_MS);
  expect(held.held('app', 'GET /events', 10 + 2 * HELD_MS)).toBe(false);
  expect(held.has('app')).toBe(false);
});
