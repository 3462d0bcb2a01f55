// The stage × method matrix end to end: real facade, real upstreams on loopback. Who answers,
// who gets the second write, and what the client sees when the second write fails.
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;

beforeEach(async () => {
  monolith = await startUpstream('monolith');
  service = await startUpstream('service');
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { inventory: { url: service.url } },
    routes: [{ name: 'inventory', match: { path: '/api/inventory/**' }, service: 'inventory' }],
  });
});

afterEach(async () => {
  await facade.close();
  await monolith.close();
  await service.close();
});

async function setStage(stage: string): Promise<void> {
  const res = await fetch(`${facade.adminUrl}/routes/inventory`, {
    method: 'PUT', headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' },
    body: JSON.stringify({ stage, force: true, reason: 'test' }),
  });
  expect(res.status).toBe(200);
}

it.each([
  ['off', 'monolith'], ['dualwrite', 'monolith'], ['shadow', 'monolith'],
  ['live', 'service'], ['rampdown', 'service'], ['complete', 'service'],
])('in the %s stage a GET is answered by the %s', async (stage, answeredBy) => {
  await setStage(stage);
  const res = await fetch(`${facade.url}/api/inventory/SKU-1`);
  expect(res.status).toBe(200);
  expect(((await res.json()) as { from: string }).from).toBe(answeredBy);
  expect(res.headers.get('x-strangler-side')).toBe(answeredBy);
  await facade.waitForDone(1);
});

it.each([
  ['off', 'monolith', null],
  ['dualwrite', 'monolith', 'service'],
  ['shadow', 'monolith', 'service'],
  ['live', 'service', 'monolith'],
  ['rampdown', 'service', 'monolith'],
  ['complete', 'service', null],
] as const)('in the %s stage a POST is answered by the %s and then written to %s', async (stage, first, then) => {
  await setStage(stage);
  const res = await fetch(`${facade.url}/api/inventory/SKU-1/reserve`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1' }, body: JSON.stringify({ quantity: 2 }),
  });
  expect(((await res.json()) as { from: string }).from).toBe(first);
  await facade.waitForDone(1);
  const sides = { monolith, service };
  const firstGot = sides[first].received;
  expect(firstGot).toHaveLength(1);
  expect(firstGot[0].body).toBe('{"quantity":2}');
  if (then) {
    const copy = sides[then].received;
    expect(copy).toHaveLength(1);
    expect(copy[0].body).toBe('{"quantity":2}');
    expect(copy[0].headers['x-strangler-second-write']).toBe('1');
    expect(copy[0].headers['idempotency-key']).toBe('k-1');
    expect(copy[0].headers['x-request-id']).toBe(firstGot[0].headers['x-request-id']);
  } else {
    const other = first === 'monolith' ? service : monolith;
    expect(other.received).toHaveLength(0);
  }
});

it('when the second write fails the client still gets the authoritative answer and the failure is counted', async () => {
  await setStage('dualwrite');
  service.handler = (_req, res) => { res.writeHead(500); res.end('boom'); };
  const res = await fetch(`${facade.url}/api/inventory/SKU-1`, { method: 'PUT', body: '{"on_hand":3}', headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { from: string }).from).toBe('monolith');
  const [ctx] = await facade.waitForDone(1);
  expect(ctx.secondWrite).toMatchObject({ ok: true, status: 500 });
  const metrics = await (await fetch(`${facade.adminUrl}/metrics`)).text();
  expect(metrics).toMatch(/strangler_second_writes_total\{route="inventory",side="service",outcome="failed"\} 1/);
});

it('a failed authoritative write is never sent to the other side', async () => {
  await setStage('dualwrite');
  monolith.handler = (_req, res) => { res.writeHead(409, { 'content-type': 'application/json' }); res.end('{"error":"insufficient_stock"}'); };
  const res = await fetch(`${facade.url}/api/inventory/SKU-1/reserve`, { method: 'POST', body: '{"quantity":99}' });
  expect(res.status).toBe(409);
  await facade.waitForDone(1);
  expect(service.received).toHaveLength(0);
});

it('requests outside every route go to the monolith whatever the stages', async () => {
  await setStage('complete');
  const res = await fetch(`${facade.url}/api/orders/1`);
  expect(((await res.json()) as { from: string }).from).toBe('monolith');
});
