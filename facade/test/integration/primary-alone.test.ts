// Requests only the answering side may see: a real-time transport's session (socket.io long polling)
// and a route's `primaryOnly` paths go to the stage's primary alone: at `shadow` no shadow copy, no
// re-ask of a poll whose answers differ (a second poll on one engine.io session closes it), and no
// second write of a message the other side's server cannot know.
import { setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade | undefined;

/** An engine.io-ish server: every answer its own packet ids, as a session's polls are. */
const polling = (name: string) => startUpstream(name, (req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8', 'cache-control': 'no-store' });
  res.end(req.method === 'POST' ? 'ok' : `42["tick",${Math.floor(Math.random() * 1e9)}]`);
});

beforeEach(async () => {
  monolith = await polling('monolith');
  service = await polling('catalog');
});

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith.close(), service.close()]);
});

async function start(stage: string, route: Record<string, unknown> = {}): Promise<TestFacade> {
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url: service.url } },
    routes: [{ name: 'app', match: { path: '/**' }, service: 'catalog', ...route }],
  });
  await setStage(facade.adminUrl!, 'app', stage);
  return facade;
}

it('at shadow a socket.io session\'s polls and messages reach the monolith alone, once each', async () => {
  const f = await start('shadow');
  for (let i = 0; i < 4; i++) {
    const poll = await fetch(`${f.url}/socket.io/?EIO=4&transport=polling&t=P${i}&sid=Dc3TFQA`);
    expect(poll.status).toBe(200);
    expect(await poll.text()).toMatch(/^42\["tick",\d+\]$/);
  }
  const sent = await fetch(`${f.url}/socket.io/?EIO=4&transport=polling&t=Q1&sid=Dc3TFQA`, { method: 'POST', headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: '42["hello"]' });
  expect(sent.status).toBe(200);
  await f.waitForDone(5);
  await new Promise((r) => setTimeout(r, 100)); // a re-ask or a second write would be on its way by now
  expect(monolith.received.map((r) => `${r.method} ${r.headers['x-strangler-reask'] ?? ''}`)).toEqual(['GET ', 'GET ', 'GET ', 'GET ', 'POST ']);
  expect(service.received).toEqual([]);
  expect((await f.divergences.openStats('app')).count).toBe(0);
});

it('a route\'s primaryOnly paths are not copied; its other paths are', async () => {
  const f = await start('shadow', { primaryOnly: ['/api/notifications/poll'] });
  expect((await fetch(`${f.url}/api/notifications/poll`)).status).toBe(200);
  expect((await fetch(`${f.url}/api/orders`)).status).toBe(200);
  await f.waitForDone(2);
  await service.waitFor(1);
  expect(service.received.map((r) => r.url)).toEqual(['/api/orders']);
});

it.each(['dualwrite', 'shadow', 'live'])('at %s, a route whose service shares the monolith\'s store sends each write to the primary alone; reads are still shadowed', async (stage) => {
  const f = await start(stage, { dualWrite: { sharedStore: true } });
  const primary = stage === 'live' ? service : monolith;
  const other = stage === 'live' ? monolith : service;
  expect((await fetch(`${f.url}/wp-comments-post.php`, { method: 'POST', body: 'comment=hello' })).status).toBe(200);
  expect((await fetch(`${f.url}/2026/12/hello-world/`)).status).toBe(200);
  await f.waitForDone(2);
  expect(primary.received.map((r) => `${r.method} ${r.url}`)).toContain('POST /wp-comments-post.php');
  if (stage !== 'dualwrite') await other.waitFor(1); // the read's copy
  expect(other.received.map((r) => `${r.method} ${r.url}`)).toEqual(stage === 'dualwrite' ? [] : ['GET /2026/12/hello-world/']);
  expect((await f.divergences.openStats('app')).count).toBe(0);
});

it('at live an ASP.NET Core SignalR long poll and send (`?id=` only) reach the service alone, known by the client\'s header', async () => {
  const f = await start('live');
  const signalr = { 'x-signalr-user-agent': 'Microsoft SignalR/8.0 (8.0.7; Unknown OS; Browser; Unknown Runtime Version)', 'x-requested-with': 'XMLHttpRequest' };
  const poll = await fetch(`${f.url}/hubs/chat?id=GJDl5cTi1cWpvS5HjT0p0g&_=1700000000000`, { headers: signalr });
  expect(poll.status).toBe(200);
  const sent = await fetch(`${f.url}/hubs/chat?id=GJDl5cTi1cWpvS5HjT0p0g`, { method: 'POST', headers: { ...signalr, 'content-type': 'text/plain;charset=UTF-8' }, body: '{"type":1,"target":"Send","arguments":["hi"]}\u001e' });
  expect(sent.status).toBe(200);
  await f.waitForDone(2);
  await new Promise((r) => setTimeout(r, 100)); // a shadow copy or a second write would be on its way by now
  expect(service.received.map((r) => r.method)).toEqual(['GET', 'POST']);
  expect(monolith.received).toEqual([]);
  expect((await f.divergences.openStats('app')).count).toBe(0);
});
