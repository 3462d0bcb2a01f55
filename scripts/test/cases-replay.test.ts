// Recorded cases end to end, with real sockets: a facade at shadow records exchanges (a real price
// difference, noisy counters, generated timestamps, secrets in headers, query and answer), `cases
// export` writes them as files with no secret in them, `cases import` loads them into a fresh
// database, and `strangler replay` passes against a fixed build of the service (exit 0) and fails
// against the broken one (exit 1, the field named, a JUnit failure Chromium parses). Writes are
// listed and not sent, `--writes` is refused against a live upstream and reaches a throwaway one.
// `divergences export` turns a write the service missed into a case a fixed build can be replayed on.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium } from 'playwright-core';
import { startTestFacade, type TestFacade } from '../../facade/test/helpers/facade';
import { setStage } from '../../facade/test/helpers/admin-client';
import { freePort } from '../../facade/test/helpers/net';
import { startUpstream, type Handler, type TestUpstream } from '../../facade/test/helpers/upstream';
import { workspace, type Workspace } from './helpers/cli';

const CLIENT_TOKEN = 'client-secret-token-1';
const CLIENT_COOKIE = 'client-cookie-secret';
const QUERY_TOKEN = 'query-secret-77';
const ANSWER_COOKIE = 'mono-cookie-secret';
const SECRETS = [CLIENT_TOKEN, CLIENT_COOKIE, QUERY_TOKEN, ANSWER_COOKIE, 'shop-secret-'];

/** The demo of a product shop: `price2` is what product 2 costs (the seeded bug), counters start at `views`. */
function shop(price2: number, views: number): Handler {
  let counter = views;
  return (req, res, body) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/api\/products\/(\d+)(\/reviews)?$/.exec(url.pathname);
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    if (m && m[2] && req.method === 'POST') return send(201, { ok: true, id: randomUUID(), rating: (JSON.parse(body) as { rating: number }).rating });
    if (m && !m[2] && req.method === 'GET') {
      return send(200, { sku: `SKU-${m[1]}`, price: m[1] === '2' ? price2 : 10, updatedAt: new Date().toISOString(), views: counter++, session_token: `shop-secret-${m[1]}` },
        { 'set-cookie': `sid=${ANSWER_COOKIE}; Path=/; HttpOnly` });
    }
    return send(404, { error: 'not found' });
  };
}

let monolith: TestUpstream;
let broken: TestUpstream;
let fixed: TestUpstream;
let facade: TestFacade;
let ws: Workspace;

beforeEach(async () => {
  monolith = await startUpstream('monolith', shop(20, 100));
  broken = await startUpstream('service', shop(19.99, 5000));
  fixed = await startUpstream('fixed', shop(20, 9000));
  const routes = [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' }];
  const upstreams = { monolith: { url: monolith.url }, services: { catalog: { url: broken.url } } };
  facade = await startTestFacade({ ...upstreams, routes });
  await setStage(facade.adminUrl!, 'catalog', 'shadow');
  // The CLI knows the facade by the config's listen port (the test facade listens on a random one).
  ws = workspace({ ...upstreams, routes, state: { db: facade.config.state.db }, listen: { port: Number(new URL(facade.url).port) }, admin: { port: 0 } });
});

afterEach(async () => {
  ws.close();
  await facade.close();
  await Promise.all([monolith.close(), broken.close(), fixed.close()]);
});

/** Traffic through the facade at shadow; resolves once every comparison and its case are stored. */
async function recordTraffic(): Promise<void> {
  const auth = { authorization: `Bearer ${CLIENT_TOKEN}`, cookie: `sid=${CLIENT_COOKIE}` };
  for (const id of [1, 2, 1, 2]) expect((await fetch(`${facade.url}/api/products/${id}`, { headers: auth })).status).toBe(200);
  expect((await fetch(`${facade.url}/api/products/3?access_token=${QUERY_TOKEN}`)).status).toBe(200);
  const post = await fetch(`${facade.url}/api/products/1/reviews`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"rating":5}' });
  expect(post.status).toBe(201);
  await facade.waitForDone(6);
  facade.deps.cases!.flush();
}

const cli = (argv: string[]) => ws.run(argv);

type JunitCase = { name: string; failure: string | null; skipped: boolean };

/** The testcases of each JUnit file as Chromium's XML parser reads them (null: not well-formed XML). */
async function parseJunit(...xml: string[]): Promise<Array<JunitCase[] | null>> {
  const dir = fs.mkdtempSync(path.join(ws.dir, 'chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.STRANGLER_CHROMIUM ?? '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    return await page.evaluate(`${JSON.stringify(xml)}.map((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      if (doc.querySelector('parsererror')) return null;
      return [...doc.querySelectorAll('testcase')].map((t) => ({
        name: t.getAttribute('name'), failure: t.querySelector('failure')?.getAttribute('message') ?? null, skipped: t.querySelector('skipped') !== null,
      }));
    })`);
  } finally {
    await context.close();
  }
}

it('cases recorded at shadow are exported without secrets, imported into a fresh database, and replayed: the fixed build passes, the broken one fails on $.price', async () => {
  await recordTraffic();
  const list = await cli(['cases', 'list', '--json']);
  expect(JSON.parse(list.stdout)).toEqual([
    expect.objectContaining({ route: 'catalog', endpoint: 'GET /api/products/:id', real: 1, sample: 2 }),
    expect.objectContaining({ route: 'catalog', endpoint: 'POST /api/products/:id/reviews', real: 0, sample: 1 }),
  ]);

  const out = path.join(ws.dir, 'cases');
  expect(await cli(['cases', 'export', 'catalog', '--out', 'cases'])).toEqual({ code: 0, stdout: 'catalog: 4 cases in cases (4 written, 0 unchanged)\n', stderr: '' });
  const files = fs.readdirSync(out).sort();
  expect(files).toHaveLength(4);
  expect(files.every((f) => /^(GET|POST)-api-products-id(-reviews)?\.[0-9a-f]{12}\.json$/.test(f))).toBe(true);
  const texts = files.map((f) => fs.readFileSync(path.join(out, f), 'utf8'));
  for (const secret of SECRETS) expect(texts.filter((t) => t.includes(secret))).toEqual([]);
  const real = texts.map((t) => JSON.parse(t)).find((c) => c.comparison.verdict === 'mismatch');
  expect(real).toMatchObject({ request: { method: 'GET', target: '/api/products/2', headers: { authorization: 'Bearer [REDACTED]' } }, answer: { status: 200, body: { kind: 'json', json: { price: 20 } } } });
  expect(real.comparison.fields).toContainEqual(expect.objectContaining({ field: '$.price', class: 'real', monolith: 20, service: 19.99 }));
  expect((await cli(['cases', 'export', 'catalog', '--out', 'cases'])).stdout).toBe('catalog: 4 cases in cases (0 written, 4 unchanged)\n');

  // A fresh database, as a CI job would make one from the files in git.
  expect(await cli(['--db', 'ci.db', '--create', 'cases', 'import', 'cases'])).toEqual({ code: 0, stdout: 'imported 4 cases (catalog: 4)\n', stderr: '' });
  const fresh = ['--db', 'ci.db'];
  // A folder with one bad file imports nothing, and names the file and the field.
  fs.mkdirSync(path.join(ws.dir, 'bad'));
  fs.copyFileSync(path.join(out, files[0]!), path.join(ws.dir, 'bad', 'good.json'));
  fs.writeFileSync(path.join(ws.dir, 'bad', 'edited.json'), texts[1]!.replace('"status": 200', '"status": 42'));
  const bad = await cli(['--db', 'bad.db', '--create', 'cases', 'import', 'bad']);
  expect(bad).toMatchObject({ code: 2, stdout: '' });
  expect(bad.stderr).toMatch(/^error: .*bad\/edited\.json: not a valid case file \(answer\.status: /);
  expect(fs.existsSync(path.join(ws.dir, 'bad.db'))).toBe(false);

  const pass = await cli([...fresh, 'replay', 'catalog', '--target', fixed.url, '--junit', 'fixed.xml']);
  expect(pass.code).toBe(0);
  expect(pass.stdout).toMatch(/4 cases: 2 passed, 0 failed, 0 unjudged, 0 errors, 2 not sent in .*: PASSED/);
  expect(pass.stdout).toContain('GET /api/products/3?access_token=[REDACTED]');
  expect(pass.stdout).toMatch(/POST \/api\/products\/1\/reviews .*a write: sent only with --writes/);
  expect(fixed.received.filter((r) => r.method !== 'GET')).toEqual([]); // no write without --writes
  expect(fixed.received.every((r) => r.headers.authorization === undefined && r.headers['x-strangler-replay'] === '1')).toBe(true);

  const fail = await cli([...fresh, 'replay', 'catalog', '--target', broken.url, '--junit', 'broken.xml', '--json']);
  expect(fail.code).toBe(1);
  const report = JSON.parse(fail.stdout);
  expect(report).toMatchObject({ passed: false, counts: { pass: 1, fail: 1, error: 0, not_sent: 2 }, evidence: { catalog: 'cases' } });
  const failed = report.cases.find((c: { outcome: string }) => c.outcome === 'fail');
  expect(failed).toMatchObject({ target: '/api/products/2', recordedStatus: 200, replayedStatus: 200, dropped: ['authorization', 'cookie'] });
  expect(failed.fields).toEqual(expect.arrayContaining([
    expect.objectContaining({ field: '$.price', class: 'real', recorded: 20, replayed: 19.99 }),
    expect.objectContaining({ field: '$.views', class: 'noise' }),
  ]));
  expect(failed.fields.filter((f: { class: string }) => f.class === 'real').map((f: { field: string }) => f.field)).toEqual(['$.price']);

  const [junit, passing] = await parseJunit(...['broken.xml', 'fixed.xml'].map((f) => fs.readFileSync(path.join(ws.dir, f), 'utf8')));
  expect(junit).toHaveLength(4);
  expect(junit!.filter((t) => t.failure !== null)).toEqual([expect.objectContaining({ name: expect.stringContaining('GET /api/products/2'), failure: 'real difference at $.price' })]);
  expect(junit!.filter((t) => t.skipped)).toHaveLength(2);
  expect(passing).toHaveLength(4);
  expect(passing!.filter((t) => t.failure !== null)).toEqual([]);

  const markdown = await cli([...fresh, 'replay', 'catalog', '--target', broken.url, '--markdown']);
  expect(markdown.stdout).toMatch(/^## Replay against `http:\/\/127\.0\.0\.1:\d+`: \*\*failed\*\*/);
  expect(markdown.stdout).toContain('| `$.price` | real | `20` | `19.99` |');
});

it('--writes is refused against the configured service, the monolith and the facade, and reaches a throwaway build in the order recorded', async () => {
  await recordTraffic();
  await cli(['cases', 'export', 'catalog', '--out', 'cases']);
  for (const live of [broken.url, monolith.url.replace('127.0.0.1', 'localhost'), facade.url]) {
    const refused = await cli(['replay', 'catalog', '--from', 'cases', '--writes', '--target', live]);
    expect(refused).toMatchObject({ code: 1, stdout: '', stderr: expect.stringMatching(/^error: refusing --writes: .* a live upstream; replay writes only against a throwaway build, or pass --i-know-this-is-live\n$/) });
  }
  expect(broken.received.filter((r) => r.headers['x-strangler-replay'])).toEqual([]);

  const down = await cli(['replay', 'catalog', '--from', 'cases', '--target', `http://127.0.0.1:${await freePort()}`, '--json']);
  expect(down.code).toBe(1); // a build that does not answer fails the run
  expect(JSON.parse(down.stdout)).toMatchObject({ passed: false, counts: { error: 2, not_sent: 2 } });

  const sent = await cli(['replay', 'catalog', '--from', 'cases', '--writes', '--target', fixed.url]);
  expect(sent.stdout).toMatch(/4 cases: 3 passed, 0 failed, 0 unjudged, 0 errors, 1 not sent/); // the uuid each side makes is a generated value
  const writes = fixed.received.filter((r) => r.method === 'POST');
  expect(writes).toEqual([expect.objectContaining({ url: '/api/products/1/reviews', body: '{"rating":5}' })]);
  expect(sent.code).toBe(0);
});

it('--endpoint replays only that endpoint\'s cases, and an endpoint with no recorded case is an error naming the recorded ones', async () => {
  await recordTraffic();
  await cli(['cases', 'export', 'catalog', '--out', 'cases']);

  // The broken build fails on GET /api/products/2; replaying only the reviews leaves that case out.
  const reviews = await cli(['replay', 'catalog', '--from', 'cases', '--target', broken.url, '--endpoint', 'post /api/products/:id/reviews', '--json']);
  expect(reviews.code).toBe(0);
  expect(JSON.parse(reviews.stdout).cases.map((c: { endpoint: string; outcome: string }) => [c.endpoint, c.outcome]))
    .toEqual([['POST /api/products/:id/reviews', 'not_sent']]);

  const reads = await cli(['replay', 'catalog', '--from', 'cases', '--target', broken.url, '--endpoint', 'GET /api/products/:id']);
  expect(reads.code).toBe(1);
  expect(reads.stdout).toMatch(/real\s+\$\.price: recorded 20, replayed 19\.99/);
  expect(reads.stdout).toMatch(/3 cases: 1 passed, 1 failed, 0 unjudged, 0 errors, 1 not sent in .*: FAILED/);
  expect(reads.stdout).not.toContain('/reviews');

  const typo = await cli(['replay', 'catalog', '--from', 'cases', '--target', fixed.url, '--endpoint', 'GET /api/products/:sku']);
  expect(typo).toEqual({
    code: 1, stdout: '',
    stderr: 'error: no recorded case of GET /api/products/:sku for route catalog; the cases hold: GET /api/products/:id, POST /api/products/:id/reviews (see: strangler cases list)\n',
  });
  const bad = await cli(['replay', 'catalog', '--from', 'cases', '--target', fixed.url, '--endpoint', '/api/products/:id']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('write it as METHOD /path/template');
  expect(fixed.received).toEqual([]);
});

it('divergences export writes a write the service missed as a case, redacted, that replays against a fixed build with --writes', async () => {
  await setStage(facade.adminUrl!, 'catalog', 'dualwrite');
  broken.handler = (_req, res) => { res.writeHead(503, { 'content-type': 'application/json' }); res.end('{"error":"down"}'); };
  const post = await fetch(`${facade.url}/api/products/2/reviews`, {
    method: 'POST', headers: { authorization: `Bearer ${CLIENT_TOKEN}`, 'content-type': 'application/json' }, body: '{"rating":4}',
  });
  expect(post.status).toBe(201);
  await facade.waitForDone(1);

  const exported = await cli(['divergences', 'export', 'catalog', '--out', 'divergences']);
  expect(exported).toEqual({ code: 0, stdout: 'catalog: 1 divergence written as cases to divergences (1 written, 0 unchanged)\n', stderr: '' });
  const [file] = fs.readdirSync(path.join(ws.dir, 'divergences'));
  const text = fs.readFileSync(path.join(ws.dir, 'divergences', file!), 'utf8');
  expect(text).not.toContain(CLIENT_TOKEN);
  expect(JSON.parse(text)).toMatchObject({
    kind: 'write', source: { kind: 'divergence', divergence: 1, reason: 'second_write_status_503' },
    request: { method: 'POST', target: '/api/products/2/reviews', headers: { authorization: 'Bearer [REDACTED]' }, body: { kind: 'json', json: { rating: 4 } } },
    answer: { side: 'monolith', status: 201, body: { kind: 'omitted' } }, comparison: null,
  });

  // The service build that still answers 503: with the operator's explicit word, the write goes there and fails the run.
  const still = await cli(['replay', 'catalog', '--from', 'divergences', '--writes', '--i-know-this-is-live', '--target', broken.url]);
  expect(still).toMatchObject({ code: 1, stderr: expect.stringContaining('warning: sending recorded writes to service catalog') });
  expect(still.stdout).toMatch(/real\s+status: recorded 201, replayed 503/);

  const replayed = await cli(['replay', 'catalog', '--from', 'divergences', '--writes', '--target', fixed.url, '--header', 'Authorization: Bearer test-token']);
  expect(replayed).toMatchObject({ code: 0, stdout: expect.stringMatching(/1 case: 1 passed/) });
  expect(fixed.received).toEqual([expect.objectContaining({ method: 'POST', url: '/api/products/2/reviews', body: '{"rating":4}', headers: expect.objectContaining({ authorization: 'Bearer test-token' }) })]);
});
