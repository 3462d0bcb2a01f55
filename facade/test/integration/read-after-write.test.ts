// Reads after writes at `shadow`: a client registers a user and reads it back at once, while the
// service's copy of the write is still on its way. The shadow read waits for the second write to
// land, so the comparison is fair and reports no false finding; a read overlapped by a later write
// to a related path is skipped as write_in_flight, never compared.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ComparisonRecord } from '../../src/core/comparison';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;

/** A tiny users API with its own store; `writeDelayMs` makes its writes slow (the service's). */
function usersApi(writeDelayMs: number) {
  const users = new Map<string, { id: string; name: string; bio: string | null }>();
  return (req: IncomingMessage, res: ServerResponse, body: string): void => {
    const send = (status: number, value: unknown): void => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(value)); };
    const id = /^\/api\/users\/(\d+)$/.exec(req.url ?? '')?.[1];
    if (req.method === 'PUT' && id) {
      const { name } = JSON.parse(body) as { name: string };
      setTimeout(() => { users.set(id, { id, name, bio: null }); send(200, users.get(id)); }, writeDelayMs);
    } else if (req.method === 'GET' && id) {
      const user = users.get(id);
      if (user) send(200, user); else send(404, { error: 'not found' });
    } else send(404, { error: 'no route' });
  };
}

beforeEach(async () => {
  monolith = await startUpstream('monolith', usersApi(0));
  service = await startUpstream('service', usersApi(300));
  facade = await startTestFacade({
    monolith: { url: monolith.url }, services: { users: { url: service.url } },
    routes: [{ name: 'users', match: { path: '/api/users/**' }, service: 'users', defaultStage: 'shadow' }],
  });
});

afterEach(async () => {
  await facade.close();
  await monolith.close();
  await service.close();
});

function records(n: number): Promise<ComparisonRecord[]> {
  const got: ComparisonRecord[] = [];
  return new Promise((resolve) => {
    const off = facade.recorder.onRecorded((batch) => { got.push(...batch); if (got.length >= n) { off(); resolve(got); } });
  });
}

it('a read right after a write compares after the second write landed: no false finding', async () => {
  const done = records(10);
  for (let i = 1; i <= 5; i++) {
    const put = await fetch(`${facade.url}/api/users/${i}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `user ${i}` }) });
    expect(put.status).toBe(200);
    const get = await fetch(`${facade.url}/api/users/${i}`);
    expect(await get.json()).toEqual({ id: String(i), name: `user ${i}`, bio: null }); // the client reads its own write
  }
  const got = await done;
  const reads = got.filter((r) => r.kind === 'read');
  expect(reads.map((r) => r.outcome)).toEqual(['match', 'match', 'match', 'match', 'match']);
  expect(got.filter((r) => r.kind === 'write').map((r) => r.outcome)).toEqual(['match', 'match', 'match', 'match', 'match']);
});

it('a read overlapped by a later write to the same resource is skipped as write_in_flight, not compared', async () => {
  await fetch(`${facade.url}/api/users/7`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'old' }) });
  await facade.waitForDone(1);
  // The service answers reads slowly, so a write arrives while the shadow read is still out.
  const slowReads = usersApi(300);
  const inner = service.handler;
  service.handler = (req, res, body) => (req.method === 'GET' ? setTimeout(() => inner(req, res, body), 200) : slowReads(req, res, body));
  const done = records(2);
  const read = fetch(`${facade.url}/api/users/7`);
  await new Promise((r) => setTimeout(r, 50));
  const write = fetch(`${facade.url}/api/users/7`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'new' }) });
  await Promise.all([read, write]);
  const got = await done;
  expect(got.find((r) => r.kind === 'read')).toMatchObject({ outcome: 'skipped', reason: 'write_in_flight' });
});
