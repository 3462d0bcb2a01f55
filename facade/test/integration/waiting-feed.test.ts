// A CouchDB-protocol changes feed held open for news (`_changes?feed=longpoll`, which every PouchDB
// client with live sync keeps open) goes to the stage's primary alone: its shadow copy waited on the
// service for the service's own next change and held one of the route's shadow slots all along, so
// with as many live clients as `compare.maxInFlight` every other read's shadow was dropped (probes18:
// PouchDB Server behind a route at shadow, 70 long polls, 36 drops and no comparison of any read).
import type { ComparisonRecord } from '../../src/core/comparison';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade | undefined;
const held: Array<() => void> = [];

/** A CouchDB-ish store: a waiting feed answers only when released (a change), anything else at once. */
const couch: Handler = (req, res) => {
  if (/feed=longpoll/.test(req.url ?? '')) {
    held.push(() => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"results":[],"last_seq":7}'); });
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(req.url?.includes('_changes') ? '{"results":[{"id":"d1","seq":1}],"last_seq":1}' : '{"_id":"d1","n":1}');
};

beforeEach(async () => {
  monolith = await startUpstream('monolith', couch);
  service = await startUpstream('service', couch);
});

afterEach(async () => {
  held.splice(0).forEach((release) => release());
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith.close(), service.close()]);
});

it('at shadow a waiting changes feed holds no shadow slot: the reads after it are still compared', async () => {
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { couch: { url: service.url } },
    routes: [{ name: 'db', match: { path: '/**' }, service: 'couch', compare: { maxInFlight: 1, reask: { enabled: false } } }],
  });
  facade.store.change({ route: 'db', stage: 'shadow', force: true, actor: 'test', defaultStage: 'off' });
  (facade.deps.flags as unknown as { reload(): void }).reload();
  const got: ComparisonRecord[] = [];
  facade.recorder.onRecorded((batch) => got.push(...batch));

  const poll = fetch(`${facade.url}/notes/_changes?style=all_docs&feed=longpoll&heartbeat=10000&since=7`);
  await monolith.waitFor(1); // the feed reached the primary: its shadow (if any) took its slot before
  const read = await fetch(`${facade.url}/notes/d1`);
  expect(await read.json()).toEqual({ _id: 'd1', n: 1 });
  const list = await fetch(`${facade.url}/notes/_changes?since=0`); // a feed that answers at once is a read like any other
  expect(list.status).toBe(200);
  await list.text();
  held.splice(0).forEach((release) => release());
  expect((await poll).status).toBe(200);
  await facade.waitForDone(3);
  await facade.recorder.flush();

  const metrics = await (await fetch(`${facade.adminUrl}/metrics`)).text();
  expect(metrics).not.toMatch(/strangler_shadow_dropped_total\{route="db"/);
  expect(got.map((r) => `${r.method} ${r.path} ${r.outcome}`).sort()).toEqual(['GET /notes/_changes match', 'GET /notes/d1 match']);
  expect(service.received.map((r) => r.url).sort()).toEqual(['/notes/_changes?since=0', '/notes/d1']);
});
