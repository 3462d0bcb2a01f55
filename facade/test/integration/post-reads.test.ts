// A POST that only reads: GraphQL queries (by the operation in the body) and the paths a route lists
// in `reads.postPaths`. At `shadow` they are shadowed and compared as reads, and asked again when
// they differ, so a GraphQL trace's timings and a request id come out noise, not unjudged for ever;
// mutations stay writes (sent to both sides after the primary). Each operation is its own endpoint.
import type { ServerResponse } from 'node:http';
import { setStage } from '../helpers/admin-client';
import { nextComparisons, startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';
import { routeFindings, storedIgnoreRules } from '../../src/io/findings-query';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade | undefined;

/** A GraphQL server: the same data on both sides, with a per-answer request id and trace timing. */
function graphql(res: ServerResponse, body: string): void {
  const { query } = body === '' ? { query: 'query GetProduct' } : JSON.parse(body) as { query: string }; // a GET: a persisted query
  const data = query.trim().startsWith('mutation') ? { addItem: { ok: true } } : { product: { id: '1', price: 12.5 } };
  const payload = JSON.stringify({ data, extensions: { requestId: crypto.randomUUID(), tracing: { duration: Math.floor(Math.random() * 9e6) + 1e6 } } });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(payload);
}

beforeEach(async () => {
  monolith = await startUpstream('monolith', (req, res, body) => (req.url === '/api/search' ? res.end(JSON.stringify({ hits: 3, took: Math.random() })) : graphql(res, body)));
  service = await startUpstream('catalog', (req, res, body) => (req.url === '/api/search' ? res.end(JSON.stringify({ hits: 3, took: Math.random() })) : graphql(res, body)));
});

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith.close(), service.close()]);
});

async function start(stage: string): Promise<TestFacade> {
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url: service.url } },
    routes: [
      { name: 'api', match: { path: '/graphql' }, service: 'catalog' },
      { name: 'search', match: { path: '/api/search' }, service: 'catalog', reads: { postPaths: ['/api/search'] } },
    ],
  });
  await setStage(facade.adminUrl!, 'api', stage);
  await setStage(facade.adminUrl!, 'search', stage);
  return facade;
}

const QUERY = { query: 'query GetProduct($id: ID!) { product(id: $id) { id price } }', variables: { id: '1' }, operationName: 'GetProduct' };
const MUTATION = { query: 'mutation AddItem { addItem(sku: "A-1") { ok } }' };

async function post(f: TestFacade, path: string, body: unknown): Promise<number> {
  const res = await fetch(f.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await res.arrayBuffer();
  return res.status;
}

it('at shadow, GraphQL queries are compared as reads and asked again: the per-answer request id and timings are noise, under the operation\'s own endpoint', async () => {
  const f = await start('shadow');
  const records = nextComparisons(f, 6, 10_000);
  for (let i = 0; i < 6; i++) expect(await post(f, '/graphql', QUERY)).toBe(200);
  const got = await records;
  expect(new Set(got.map((r) => `${r.kind} ${r.endpoint}`))).toEqual(new Set(['read POST /graphql#GetProduct']));
  // The monolith was asked again (a read's re-ask), with the same body.
  const reasked = monolith.received.filter((r) => r.headers['x-strangler-reask'] === '1');
  expect(reasked.length).toBeGreaterThan(0);
  expect(JSON.parse(reasked[0]!.body)).toEqual(QUERY);
  await f.recorder.flush();
  const findings = await routeFindings(f.database.sql, { route: 'api', config: f.config.routes[0]!, stored: await storedIgnoreRules(f.database.sql) });
  const fields = findings.endpoints.flatMap((e) => e.fields.map((x) => [x.field, x.class]));
  expect(['noise', 'generated']).toContain(fields.find(([field]) => field === '$.extensions.requestId')?.[1]);
  expect(fields.find(([field]) => field === '$.extensions.tracing.duration')?.[1]).toBe('noise');
  expect(fields.filter(([, c]) => c === 'real' || c === 'unjudged')).toEqual([]);
});

it('a GraphQL GET (a persisted query) counts under its operationName', async () => {
  const f = await start('shadow');
  const records = nextComparisons(f, 1, 10_000);
  const res = await fetch(`${f.url}/graphql?operationName=GetProduct&variables=%7B%22id%22%3A1%7D&extensions=%7B%7D`);
  expect(res.status).toBe(200);
  expect((await records)[0]!.endpoint).toBe('GET /graphql#GetProduct');
});

it('a mutation stays a write: the service gets it after the monolith answered, and it is compared as a write', async () => {
  const f = await start('shadow');
  const records = nextComparisons(f, 1, 10_000);
  expect(await post(f, '/graphql', MUTATION)).toBe(200);
  const [r] = await records;
  expect(`${r!.kind} ${r!.endpoint}`).toBe('write POST /graphql#AddItem');
  expect(service.received.map((x) => x.headers['x-strangler-second-write'])).toEqual(['1']);
  expect(monolith.received.filter((x) => x.headers['x-strangler-reask'] === '1')).toEqual([]);
});

it('at dualwrite a query is a read (the monolith alone answers it) while a mutation goes to both sides', async () => {
  const f = await start('dualwrite');
  expect(await post(f, '/graphql', QUERY)).toBe(200);
  expect(await post(f, '/graphql', MUTATION)).toBe(200);
  await f.waitForDone(2);
  expect(monolith.received.map((r) => JSON.parse(r.body).query.split(' ')[0])).toEqual(['query', 'mutation']);
  expect(service.received.map((r) => JSON.parse(r.body).query.split(' ')[0])).toEqual(['mutation']);
});

it('on another path a JSON body with a `query` is a write (a saved search), sent to both sides at dualwrite', async () => {
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url: service.url } },
    routes: [{ name: 'searches', match: { path: '/api/saved-searches' }, service: 'catalog' }],
  });
  await setStage(facade.adminUrl!, 'searches', 'dualwrite');
  monolith.handler = service.handler = (_req, res) => { res.writeHead(201, { 'content-type': 'application/json' }); res.end('{"id":1}'); };
  expect(await post(facade, '/api/saved-searches', { name: 'mugs', query: '{ products { name } }' })).toBe(201);
  await service.waitFor(1);
  expect(service.received[0]!.headers['x-strangler-second-write']).toBe('1');
});

it('a path the route lists in reads.postPaths is a read; without GraphQL detection a query is a write', async () => {
  const f = await start('dualwrite');
  expect(await post(f, '/api/search', { q: 'mug' })).toBe(200);
  await f.waitForDone(1);
  expect(service.received).toHaveLength(0); // a read at dualwrite: the monolith alone
  await f.close();
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url: service.url } },
    routes: [{ name: 'api', match: { path: '/graphql' }, service: 'catalog', reads: { graphql: false } }],
  });
  await setStage(facade.adminUrl!, 'api', 'dualwrite');
  expect(await post(facade, '/graphql', QUERY)).toBe(200);
  await service.waitFor(1);
  expect(JSON.parse(service.received[0]!.body)).toEqual(QUERY);
});

it('git\'s fetch (POST git-upload-pack) is a read: at dualwrite the monolith alone answers it; a push (git-receive-pack) is written to both', async () => {
  const git = (name: string) => startUpstream(name, (_req, res) => { res.writeHead(200, { 'content-type': 'application/x-git-result' }); res.end('0008NAK\n'); });
  const [mono, svc] = await Promise.all([git('monolith'), git('catalog')]);
  try {
    facade = await startTestFacade({
      monolith: { url: mono.url },
      services: { catalog: { url: svc.url } },
      routes: [{ name: 'git', match: { path: '/repo.git/**' }, service: 'catalog' }],
    });
    await setStage(facade.adminUrl!, 'git', 'dualwrite');
    const send = (kind: string): Promise<Response> => fetch(`${facade!.url}/repo.git/git-${kind}-pack`, { method: 'POST', headers: { 'content-type': `application/x-git-${kind}-pack-request` }, body: '0032want 2a9c1e4b5d6f708192a3b4c5d6e7f8091a2b3c4d\n00000009done\n' });
    expect((await send('upload')).status).toBe(200);
    expect((await send('receive')).status).toBe(200);
    await facade.waitForDone(2);
    await svc.waitFor(1);
    expect(svc.received.map((r) => r.url)).toEqual(['/repo.git/git-receive-pack']);
  } finally {
    await facade?.close();
    facade = undefined;
    await Promise.all([mono.close(), svc.close()]);
  }
});
