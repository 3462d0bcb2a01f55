// Rollout through the admin API: a route at shadow with 10 % of contexts at live. Bucketing is
// sticky per context key (x-user-id) and proportional; requests without a key are bucketed each on
// their own. The answering side is read from the x-strangler-side response header.
import http from 'node:http';
import { ADMIN_AUTH, putStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { rawRequest } from '../helpers/raw-http';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let catalog: TestUpstream;
let facade: TestFacade;
let agent: http.Agent;

beforeEach(async () => {
  monolith = await startUpstream('monolith');
  catalog = await startUpstream('catalog');
  agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url: catalog.url } },
    // No shadow copies: this is about who answers, and 2,000 extra requests would only slow it down.
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog', compare: { sample: 0 } }],
  });
  await putStage(facade.adminUrl!, 'catalog', { stage: 'shadow', force: true });
  const answer = await putStage(facade.adminUrl!, 'catalog', { stage: 'live', percent: 10, reason: 'first 10 %' });
  expect(answer).toMatchObject({ status: 200, body: { from: 'shadow', to: 'live', percent: 10 } });
});

afterEach(async () => {
  agent.destroy();
  await facade.close();
  await Promise.all([monolith.close(), catalog.close()]);
});

async function sideFor(userId: string | null, i: number): Promise<string> {
  const res = await rawRequest(facade.url, `/api/products/${i}`, { agent, headers: userId === null ? {} : { 'x-user-id': userId } });
  expect(res.status).toBe(200);
  return String(res.headers['x-strangler-side']);
}

/** Runs `n` requests, `width` at a time, and returns the sides in order. */
async function sides(n: number, width: number, one: (i: number) => Promise<string>): Promise<string[]> {
  const out: string[] = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) { const i = next++; out[i] = await one(i); }
  }));
  return out;
}

const share = (list: string[]): number => list.filter((s) => s === 'service').length / list.length;

it('about 10 % of 2,000 distinct users are answered by the service', async () => {
  const got = await sides(2000, 16, (i) => sideFor(`user-${i}`, i));
  expect(share(got)).toBeGreaterThanOrEqual(0.07);
  expect(share(got)).toBeLessThanOrEqual(0.13);
  // The answer matched the header: the service's body says it answered.
  expect(catalog.received.length).toBe(got.filter((s) => s === 'service').length);
});

it('the same user gets the same side every time, on both sides of the split', async () => {
  const probe = await sides(200, 16, (i) => sideFor(`probe-${i}`, i));
  const users = [`probe-${probe.indexOf('service')}`, `probe-${probe.indexOf('monolith')}`, 'alice', 'bob@example.com'];
  const expected = [probe[probe.indexOf('service')], 'monolith'];
  for (const [n, user] of users.entries()) {
    const got = await sides(20, 4, (i) => sideFor(user, i));
    expect(new Set(got).size).toBe(1);
    if (n < expected.length) expect(got[0]).toBe(expected[n]);
  }
});

it('without a key the share is still about 10 %, request by request', async () => {
  const got = await sides(2000, 16, (i) => sideFor(null, i));
  expect(share(got)).toBeGreaterThanOrEqual(0.07);
  expect(share(got)).toBeLessThanOrEqual(0.13);
});

it('the rollout is listed by GET /routes and can be taken back to 0 %', async () => {
  const list = (await (await fetch(`${facade.adminUrl}/routes`, { headers: ADMIN_AUTH })).json()) as { routes: Array<Record<string, unknown>> };
  expect(list.routes[0]).toMatchObject({ name: 'catalog', stage: 'shadow', rollout: { stage: 'live', percent: 10 } });
  const back = await putStage(facade.adminUrl!, 'catalog', { stage: 'live', percent: 0, reason: 'roll back' });
  expect(back.status).toBe(200);
  const got = await sides(200, 16, (i) => sideFor(`user-${i}`, i));
  expect(share(got)).toBe(0);
});
