// Rollout keyed on a cookie, through a real facade: half of the contexts at live, the rest at shadow.
// RFC 6265 lets a client quote a cookie value (`uid="42"`); it names the same user as `uid=42`, so it
// must be answered by the same side. The answering side is read from the x-strangler-side header.
import http from 'node:http';
import { putStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { rawRequest } from '../helpers/raw-http';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let catalog: TestUpstream;
let facade: TestFacade;
let agent: http.Agent;

beforeAll(async () => {
  monolith = await startUpstream('monolith');
  catalog = await startUpstream('catalog');
  agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url: catalog.url } },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog', compare: { sample: 0 } }],
    contextKey: { cookie: 'uid' },
  });
  await putStage(facade.adminUrl!, 'catalog', { stage: 'shadow', force: true });
  const answer = await putStage(facade.adminUrl!, 'catalog', { stage: 'live', percent: 50, reason: 'half' });
  expect(answer.status).toBe(200);
});

afterAll(async () => {
  agent.destroy();
  await facade.close();
  await Promise.all([monolith.close(), catalog.close()]);
});

async function sideFor(cookie: string): Promise<string> {
  const res = await rawRequest(facade.url, '/api/products/1', { agent, headers: { cookie } });
  expect(res.status).toBe(200);
  return String(res.headers['x-strangler-side']);
}

it('a quoted uid cookie is answered by the same side as the unquoted one, for every user', async () => {
  const users = Array.from({ length: 60 }, (_, i) => `user-${i}`);
  const plain: string[] = [];
  const quoted: string[] = [];
  for (const u of users) {
    plain.push(await sideFor(`theme=dark; uid=${u}`));
    quoted.push(await sideFor(`theme=dark; uid="${u}"`));
  }
  expect(quoted).toEqual(plain);
  // Both sides answer some users: a quoted value bucketed as a different key would have moved about half of them.
  expect(new Set(plain)).toEqual(new Set(['monolith', 'service']));
});
