// Shadow traffic and comparisons through a real facade: the client's answer depends only on the
// primary; differences are found with exact paths; noise is learned; secrets never reach SQLite.
import { ADMIN_AUTH } from '../helpers/admin-client';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { nextComparisons, startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;

const json = (body: unknown, headers: Record<string, string> = {}): Handler => (_req, res) => {
  const payload = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', ...headers });
  res.end(payload);
};

async function start(compare: Record<string, unknown> = {}, stage = 'shadow'): Promise<void> {
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { inventory: { url: service.url } },
    routes: [{ name: 'inventory', match: { path: '/api/inventory/**' }, service: 'inventory', compare }],
  });
  facade.store.change({ route: 'inventory', stage: stage as 'shadow', force: true, actor: 'test', defaultStage: 'off' });
  (facade.deps.flags as unknown as { reload(): void }).reload();
}

beforeEach(async () => {
  monolith = await startUpstream('monolith');
  service = await startUpstream('service');
});

afterEach(async () => {
  await facade?.close();
  await monolith.close();
  await service.close();
});

it('in the shadow stage the client gets the monolith body and identical answers are a match', async () => {
  monolith.handler = json({ sku: 'A', on_hand: 3 });
  service.handler = json({ on_hand: 3, sku: 'A' });
  await start();
  const records = nextComparisons(facade, 1);
  const res = await fetch(`${facade.url}/api/inventory/A`);
  expect(await res.json()).toEqual({ sku: 'A', on_hand: 3 });
  const [r] = await records;
  expect(r.outcome).toBe('match');
  expect(service.received[0].headers['x-strangler-shadow']).toBe('1');
});

it('a nested difference is found with its exact path, with added, removed and type changes', async () => {
  monolith.handler = json({ items: [{ price: '1.00' }, { price: '2.00' }, { price: '3.00' }, { price: '4.05' }], gone: 1, n: 5 });
  service.handler = json({ items: [{ price: '1.00' }, { price: '2.00' }, { price: '3.00' }, { price: '4.10' }], extra: true, n: '5' });
  await start();
  const records = nextComparisons(facade, 1);
  await (await fetch(`${facade.url}/api/inventory/A`)).text();
  const [r] = await records;
  expect(r.outcome).toBe('mismatch');
  const diffs = r.facts.map((d) => `${d.path} ${d.kind}`).sort();
  expect(diffs).toEqual(['$.extra added', '$.gone removed', '$.items[3].price changed', '$.n type']);
  const api = await (await fetch(`${facade.adminUrl}/routes/inventory/comparisons`, { headers: ADMIN_AUTH })).json() as { outcomes: Record<string, number>; samples: unknown[] };
  expect(api.outcomes.mismatch).toBe(1);
  expect(api.samples).toHaveLength(1);
});

it('the client is answered while the shadow has not answered at all', async () => {
  monolith.handler = json({ ok: true });
  let release!: () => void;
  const hung = new Promise<void>((r) => { release = r; });
  service.handler = (_req, res) => { void hung.then(() => { res.writeHead(200); res.end('{}'); }); };
  await start({ shadowTimeoutMs: 10_000 });
  const res = await fetch(`${facade.url}/api/inventory/A`);
  expect(await res.json()).toEqual({ ok: true });
  expect(service.received).toHaveLength(1); // the shadow is in flight, unanswered, and the client already has its answer
  release();
});

it.each([
  ['returns 500', ((_req, res) => { res.writeHead(500); res.end('boom'); }) as Handler, 'mismatch'],
  ['returns invalid JSON', ((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{nope'); }) as Handler, 'mismatch'],
  ['resets the connection', ((req) => { req.socket.destroy(); }) as Handler, 'error'],
])('when the shadow %s the client still gets the monolith answer', async (_name, handler, outcome) => {
  monolith.handler = json({ ok: true });
  service.handler = handler;
  await start();
  const records = nextComparisons(facade, 1);
  const res = await fetch(`${facade.url}/api/inventory/A`);
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ ok: true });
  expect((await records)[0].outcome).toBe(outcome);
});

it('when the shadow is down the client still gets the monolith answer and the comparison is an error', async () => {
  monolith.handler = json({ ok: true });
  await service.close();
  await start();
  const records = nextComparisons(facade, 1);
  const res = await fetch(`${facade.url}/api/inventory/A`);
  expect(await res.json()).toEqual({ ok: true });
  expect((await records)[0]).toMatchObject({ outcome: 'error', reason: 'service_UPSTREAM_UNREACHABLE' });
});

it('a timestamp that differs on every answer is learned as noise while a real difference still counts', async () => {
  let tick = 0;
  monolith.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ at: `t${tick++}`, price: '1.00' })); };
  service.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ at: `s${tick++}`, price: '1.01' })); };
  await start();
  const records = nextComparisons(facade, 10, 15_000);
  for (let i = 0; i < 10; i++) await (await fetch(`${facade.url}/api/inventory/${i}`)).text();
  await records;
  type Api = { endpoints: Array<{ endpoint: string; compared: number; fields: Array<{ field: string; class: string; why: string }> }>; noise: Array<{ field: string; why: string }> };
  const api = await (await fetch(`${facade.adminUrl}/routes/inventory/comparisons`, { headers: ADMIN_AUTH })).json() as Api;
  expect(api.endpoints.map((e) => [e.endpoint, e.compared])).toEqual([['GET /api/inventory/:id', 10]]);
  const at = api.endpoints[0].fields.find((f) => f.field === '$.at')!;
  const price = api.endpoints[0].fields.find((f) => f.field === '$.price')!;
  expect(at.class).toBe('noise');
  expect(at.why).toMatch(/the primary disagreed with itself [1-9]\d* of [1-9]\d* times/);
  expect(price.class).toBe('real');
  expect(monolith.received.filter((r) => r.headers['x-strangler-reask'] === '1').length).toBeLessThanOrEqual(10);
});

it('a value that carries its own generated parts (a JWT with a fresh jti, a price line stamped with its time) is judged on the rest', async () => {
  const token = (role: string): string => [{ alg: 'HS256', typ: 'JWT' }, { sub: 'u1', role, iat: Math.floor(Date.now() / 1000), jti: crypto.randomUUID() }]
    .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url')).join('.') + `.${crypto.randomBytes(8).toString('base64url')}`;
  const quote = (price: string): string => `Quote\nTotal: ${price} EUR (as of ${new Date().toISOString()})\n`;
  // /session and /quote: the service gets the role and the price wrong. /session-ok and /quote-ok: it does not.
  const answer = (side: 'monolith' | 'service'): Handler => (req, res) => {
    const wrong = side === 'service' && !req.url!.endsWith('-ok');
    if (req.url!.includes('/quote')) { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(quote(wrong ? '29.96' : '29.97')); return; }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ user: 'u1', token: token(wrong ? 'admin' : 'customer') }));
  };
  monolith.handler = answer('monolith');
  service.handler = answer('service');
  await start();
  const records = nextComparisons(facade, 12, 15_000);
  for (let i = 0; i < 3; i++) for (const p of ['session', 'session-ok', 'quote', 'quote-ok']) await (await fetch(`${facade.url}/api/inventory/${p}`)).text();
  await records;
  type Api = { endpoints: Array<{ endpoint: string; fields: Array<{ field: string; class: string }> }> };
  const api = await (await fetch(`${facade.adminUrl}/routes/inventory/comparisons`, { headers: ADMIN_AUTH })).json() as Api;
  const classes = Object.fromEntries(api.endpoints.map((e) => [e.endpoint, Object.fromEntries(e.fields.map((f) => [f.field, f.class]))]));
  expect(classes['GET /api/inventory/session']).toEqual({ '$.token': 'real' });
  expect(classes['GET /api/inventory/quote']).toEqual({ 'text[2]': 'real' });
  for (const ok of ['GET /api/inventory/session-ok', 'GET /api/inventory/quote-ok']) {
    expect(Object.values(classes[ok] ?? {}).filter((c) => c === 'real' || c === 'unjudged')).toEqual([]);
  }
});

it('a health check naming its own process, and a cursor stamped with its snapshot time, are generated; a cursor off by one is real', async () => {
  const started = { monolith: Date.now() - 3 * 86_400_000, service: Date.now() - 41_000 };
  const answer = (side: 'monolith' | 'service'): Handler => (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    if (req.url!.endsWith('/health')) {
      res.end(JSON.stringify({ status: 'ok', uptimeSeconds: Math.floor((Date.now() - started[side]) / 1000), pid: side === 'monolith' ? 4242 : 17,
        hostname: side === 'monolith' ? 'shop-web-2' : 'catalog-7f9c', startedAt: new Date(started[side]).toISOString() }));
      return;
    }
    // The service's cursor skips one row on /page-bug; both stamp it with their clock (whole seconds, the service's 2 s ahead).
    const after = side === 'service' && req.url!.endsWith('/page-bug') ? 19 : 20;
    const snapshot = Math.floor(Date.now() / 1000) + (side === 'service' ? 2 : 0);
    res.end(JSON.stringify({ items: [1, 2], next: Buffer.from(JSON.stringify({ snapshot, after })).toString('base64url') }));
  };
  monolith.handler = answer('monolith');
  service.handler = answer('service');
  await start();
  const records = nextComparisons(facade, 9, 15_000);
  for (let i = 0; i < 3; i++) for (const p of ['health', 'page', 'page-bug']) await (await fetch(`${facade.url}/api/inventory/${p}`)).text();
  await records;
  type Api = { endpoints: Array<{ endpoint: string; fields: Array<{ field: string; class: string }> }> };
  const api = await (await fetch(`${facade.adminUrl}/routes/inventory/comparisons`, { headers: ADMIN_AUTH })).json() as Api;
  const classes = Object.fromEntries(api.endpoints.map((e) => [e.endpoint, Object.fromEntries(e.fields.map((f) => [f.field, f.class]))]));
  expect(classes['GET /api/inventory/health']).toEqual({ '$.uptimeSeconds': 'generated', '$.pid': 'generated', '$.hostname': 'generated', '$.startedAt': 'generated' });
  expect(classes['GET /api/inventory/page']).toEqual({ '$.next': 'generated' });
  expect(classes['GET /api/inventory/page-bug']).toEqual({ '$.next': 'real' });
});

it('by default a CORS header or a download name the service drops is a real difference', async () => {
  monolith.handler = json({ id: 1 }, { 'access-control-allow-origin': 'https://shop.example', 'content-disposition': 'attachment; filename="invoice-7.json"' });
  service.handler = json({ id: 1 }, { 'content-disposition': 'inline' });
  await start();
  const records = nextComparisons(facade, 1);
  await (await fetch(`${facade.url}/api/inventory/invoice`)).text();
  const [r] = await records;
  expect(r.outcome).toBe('mismatch');
  expect(r.facts.map((f) => f.field).sort()).toEqual(['headers.access-control-allow-origin', 'headers.content-disposition']);
});

it('a live stock that moves now and then on the monolith, which the service always gets wrong, ends real once re-asks can tell', async () => {
  let served = 0;
  // Every 7th answer of the monolith sees one unit sold a moment ago; the service is two units short every time.
  monolith.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ sku: 'A', stock: ++served % 7 === 0 ? 49 : 50 })); };
  service.handler = json({ sku: 'A', stock: 48 });
  await start();
  const records = nextComparisons(facade, 25, 20_000);
  for (let i = 0; i < 25; i++) await (await fetch(`${facade.url}/api/inventory/A`)).text();
  await records;
  type Api = { endpoints: Array<{ endpoint: string; fields: Array<{ field: string; class: string; why: string }> }> };
  const api = await (await fetch(`${facade.adminUrl}/routes/inventory/comparisons`, { headers: ADMIN_AUTH })).json() as Api;
  const stock = api.endpoints[0].fields.find((f) => f.field === '$.stock')!;
  expect(stock.class).toBe('real');
  expect(stock.why).toMatch(/clearly more than the noise: the primary disagreed with itself [1-9]\d* of \d+ times/);
});

it('a `now` timestamp beside a real difference keeps noise evidence: the re-asks asked about the price show it moving', async () => {
  const now = (price: string): Handler => (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ sku: 'A', price, updatedAt: new Date().toISOString() }));
  };
  monolith.handler = now('1.00');
  service.handler = now('1.10');
  await start();
  const records = nextComparisons(facade, 3, 15_000);
  for (let i = 0; i < 3; i++) { await (await fetch(`${facade.url}/api/inventory/A`)).text(); await new Promise((r) => setTimeout(r, 5)); }
  const got = await records;
  expect(got[0].reasked).toBe(true);
  // The timestamp differs from the shadow only by the clock (generated), and from the primary's own
  // re-asks too: noise evidence, never "the primary answered the same" (which a replay's or a skewed
  // clock's comparison would then call real).
  const e = facade.recorder.evidence.evidence('inventory', 'GET /api/inventory/A', '$.updatedAt');
  expect(e.selfDiffs).toBeGreaterThan(0);
  expect(e.confirmed).toBe(0);
  expect(facade.recorder.evidence.evidence('inventory', 'GET /api/inventory/A', '$.price').confirmed).toBeGreaterThan(0);
});

it('a cache status the primary happened to repeat three times is not called real when the shadow, asked again, does not repeat its own', async () => {
  // Both sides answer HIT nearly always. The primary's rare MISS is its 6th answer; the shadow's cache is cold per id.
  let primaryAnswers = 0;
  const seen = new Set<string>();
  monolith.handler = (req, res) => {
    primaryAnswers++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: req.url, cache: primaryAnswers === 6 ? 'MISS' : 'HIT', price: '1.00' }));
  };
  service.handler = (req, res) => {
    const cache = seen.has(req.url!) ? 'HIT' : 'MISS';
    seen.add(req.url!);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: req.url, cache, price: req.url!.endsWith('/7') ? '1.10' : '1.00' }));
  };
  await start();
  type Api = { endpoints: Array<{ fields: Array<{ field: string; class: string; why: string }> }> };
  const fields = async () => {
    const api = await (await fetch(`${facade.adminUrl}/routes/inventory/comparisons`, { headers: ADMIN_AUTH })).json() as Api;
    return Object.fromEntries(api.endpoints[0].fields.map((f) => [f.field, f]));
  };
  const first = nextComparisons(facade, 1);
  await (await fetch(`${facade.url}/api/inventory/1`)).text(); // the primary answers HIT four times, the shadow MISS then HIT
  expect((await first)[0]).toMatchObject({ reasked: true, reasks: 3, selfFields: [], shadowSelfFields: ['$.cache'] });
  expect((await fields())['$.cache']).toMatchObject({ class: 'unjudged', why: expect.stringMatching(/the shadow disagreed with itself when asked again 1 time/) });
  // The shadow's own re-asks are tagged as shadow copies, never as the primary's re-asks.
  const shadowCopies = service.received.filter((r) => r.url === '/api/inventory/1');
  expect(shadowCopies.length).toBe(2); // the copy, and one re-ask that already disagreed
  expect(shadowCopies.every((r) => r.headers['x-strangler-shadow'] === '1' && r.headers['x-strangler-reask'] === undefined)).toBe(true);
  const second = nextComparisons(facade, 1);
  await (await fetch(`${facade.url}/api/inventory/7`)).text(); // the primary's re-ask shows its MISS; the shadow repeats its wrong price
  await second;
  const after = await fields();
  expect(after['$.cache'].class).toBe('noise');
  expect(after['$.price']).toMatchObject({ class: 'real', why: expect.stringMatching(/answered the same when asked again \(3 of 3 times\)/) });
});

it('a shadow that gets a price wrong only every other answer (a flaky bug) is unjudged at first and real once it differs clearly more often than the steady primary could', async () => {
  let shadowAnswers = 0;
  monolith.handler = json({ price: '1.00' });
  service.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ price: shadowAnswers++ % 2 === 0 ? '1.10' : '1.00' })); };
  await start();
  type Api = { endpoints: Array<{ fields: Array<{ field: string; class: string; why: string }> }> };
  const price = async () => {
    const api = await (await fetch(`${facade.adminUrl}/routes/inventory/comparisons`, { headers: ADMIN_AUTH })).json() as Api;
    return api.endpoints[0].fields.find((f) => f.field === '$.price')!;
  };
  const first = nextComparisons(facade, 1);
  await (await fetch(`${facade.url}/api/inventory/0`)).text();
  await first;
  expect(await price()).toMatchObject({ class: 'unjudged', why: expect.stringMatching(/a shadow wrong now and then/) });
  const more = nextComparisons(facade, 29, 15_000);
  for (let i = 1; i < 30; i++) await (await fetch(`${facade.url}/api/inventory/${i}`)).text();
  await more;
  expect(await price()).toMatchObject({ class: 'real', why: expect.stringMatching(/clearly more than chance/) });
});

it('a map keyed by ids new in every answer (sessions by uuid) is one noisy field, while a real difference beside it counts', async () => {
  const answer = (price: string) => (_req: unknown, res: import('node:http').ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ user: 'ada', price, sessions: { [crypto.randomUUID()]: { active: true } } }));
  };
  monolith.handler = answer('1.00');
  service.handler = answer('1.01');
  await start();
  const records = nextComparisons(facade, 10, 15_000);
  for (let i = 0; i < 10; i++) await (await fetch(`${facade.url}/api/inventory/${i}`)).text();
  await records;
  type Api = { endpoints: Array<{ fields: Array<{ field: string; class: string; example: { path: string } }> }> };
  const api = await (await fetch(`${facade.adminUrl}/routes/inventory/comparisons`, { headers: ADMIN_AUTH })).json() as Api;
  const fields = api.endpoints[0].fields;
  expect(fields.map((f) => [f.field, f.class]).sort()).toEqual([['$.price', 'real'], ['$.sessions.*', 'noise']]);
  // The example keeps a real key of its comparison.
  expect(fields.find((f) => f.field === '$.sessions.*')!.example.path).toMatch(/^\$\.sessions\["[0-9a-f-]{36}"\]$/);
});

it('only the price difference keeps a comparison a mismatch once the timestamp is known noise', async () => {
  let tick = 0;
  let priceDiffers = false;
  monolith.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ at: `t${tick++}`, price: '1.00' })); };
  service.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ at: `s${tick++}`, price: priceDiffers ? '9.99' : '1.00' })); };
  await start();
  const warmup = nextComparisons(facade, 10, 15_000);
  for (let i = 0; i < 10; i++) await (await fetch(`${facade.url}/api/inventory/A${i}`)).text();
  await warmup;
  const onlyNoise = nextComparisons(facade, 1);
  await (await fetch(`${facade.url}/api/inventory/B`)).text();
  expect((await onlyNoise)[0].outcome).toBe('noise');
  priceDiffers = true;
  const real = nextComparisons(facade, 1);
  await (await fetch(`${facade.url}/api/inventory/C`)).text();
  expect((await real)[0].outcome).toBe('mismatch');
});

it('ignore rules move differences aside with their reason, and normalizers make equal values equal', async () => {
  monolith.handler = json({ etag: 'a', price: '12.50', list: [1, 2, 3], when: '2024-01-01 00:00:00' });
  service.handler = json({ etag: 'b', price: 12.5, list: [3, 2, 1], when: '2024-01-01T00:00:00.000Z' });
  await start({
    ignore: [{ path: '$.etag', reason: 'per-process etag' }],
    normalizers: [{ kind: 'numericString', path: '$.price' }, { kind: 'arrayOrder', path: '$.list' }, { kind: 'timestamp', path: '$.when' }],
  });
  const records = nextComparisons(facade, 1);
  await (await fetch(`${facade.url}/api/inventory/A`)).text();
  const [r] = await records;
  expect(r.outcome).toBe('match');
  expect(r.facts.map((f) => f.path)).toEqual(['$.etag']); // kept as a fact: removing the rule re-classifies it
});

it('gzip bodies are compared decoded, and a body over the cap is skipped without touching the request', async () => {
  const body = JSON.stringify({ big: 'x'.repeat(100) });
  monolith.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }); res.end(zlib.gzipSync(body)); };
  service.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(body); };
  await start({ maxBodyBytes: 2000 });
  let records = nextComparisons(facade, 1);
  const res = await fetch(`${facade.url}/api/inventory/A`);
  expect(await res.json()).toEqual({ big: 'x'.repeat(100) });
  expect((await records)[0].outcome).toBe('match');
  const huge = JSON.stringify({ big: 'y'.repeat(5000) });
  monolith.handler = json(JSON.parse(huge));
  records = nextComparisons(facade, 1);
  const res2 = await fetch(`${facade.url}/api/inventory/B`);
  expect((await res2.text()).length).toBe(huge.length);
  expect((await records)[0]).toMatchObject({ outcome: 'skipped', reason: 'too_large' });
});

it('zstd bodies (Caddy answers browsers so) are compared decoded: the monolith\'s zstd against the service\'s gzip matches, a price changed inside zstd is found', async () => {
  // `zstd -19` of the same product document with price.amount 2499 and 2599.
  const zstd2499 = Buffer.from('KLUv/SRerQIAskUTF3BvxqAPwYw5KHmX9yfjHnRAC6mEQBWGlzHokIOSml0rDLJeubcxTjc7joLQ5ZtQalv6uidOszeSEjpAXNma9ZXam00UQsAky/qEqK0BAAD4AhNildA=', 'base64');
  const zstd2599 = Buffer.from('KLUv/SRevQIAssUTGHBvDqAPMWswVPJy1jGNG6AvQpo0Q6AKQ5cx6KF9TT2vKwxyfbWOIYz7PI6C6dvFJ7Vbet4HTs9z1P0cAHK35nqWmnueEULAJMv1EaJuBQEAAPgCgC1vvA==', 'base64');
  const doc = { sku: 'SKU-000042', name: 'Water bottle', price: { amount: 2499, currency: 'EUR' }, stock: 17 };
  monolith.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'zstd' }); res.end(zstd2499); };
  service.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }); res.end(zlib.gzipSync(JSON.stringify(doc))); };
  await start();
  let records = nextComparisons(facade, 1);
  const res = await fetch(`${facade.url}/api/inventory/A`, { headers: { 'accept-encoding': 'zstd, gzip' } });
  expect(res.status).toBe(200);
  expect((await records)[0]).toMatchObject({ outcome: 'match', facts: [] });
  service.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'zstd' }); res.end(zstd2599); };
  records = nextComparisons(facade, 1);
  await (await fetch(`${facade.url}/api/inventory/B`)).arrayBuffer();
  const [r] = await records;
  expect(r.facts.map((f) => [f.field, f.primary, f.shadow])).toEqual([['$.price.amount', 2499, 2599]]);
});

it('a failed second write is stored as a divergence with the request to repair it; the client saw the authoritative answer', async () => {
  monolith.handler = json({ reserved: 2 });
  service.handler = (_req, res) => { res.writeHead(503); res.end(); };
  await start({}, 'dualwrite');
  const records = nextComparisons(facade, 1);
  const res = await fetch(`${facade.url}/api/inventory/A/reserve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"quantity":2}' });
  expect(await res.json()).toEqual({ reserved: 2 });
  const [r] = await records;
  expect(r).toMatchObject({ outcome: 'divergence', reason: 'second_write_status_503' });
  // The row points at the divergence; the request to repair it (exact bytes) is in the divergence store.
  const id = (r.detail as { divergence: number }).divergence;
  expect(await facade.divergences.get('inventory', id)).toMatchObject({ method: 'POST', path: '/api/inventory/A/reserve', status: 'open' });
  expect(await facade.divergences.request('inventory', id)).toMatchObject({ method: 'POST', target: '/api/inventory/A/reserve', body: Buffer.from('{"quantity":2}') });
});

it('a write each side numbers from its own sequence is generated, while a total it gets wrong is not', async () => {
  let monolithSeq = 1040;
  let serviceSeq = 35;
  const order = (side: 'monolith' | 'service'): Handler => (req, res) => {
    const id = side === 'monolith' ? monolithSeq++ : serviceSeq++;
    const wrongTotal = side === 'service' && req.url!.includes('wrong');
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ orderId: id, number: `ORD-${id}`, total: wrongTotal ? '9.98' : '9.99' }));
  };
  monolith.handler = order('monolith');
  service.handler = order('service');
  await start({}, 'dualwrite');
  const records = nextComparisons(facade, 6, 15_000);
  for (let i = 0; i < 3; i++) {
    for (const p of ['orders', 'orders-wrong']) {
      const res = await fetch(`${facade.url}/api/inventory/${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"sku":"A"}' });
      expect(res.status).toBe(201);
      await res.text();
    }
  }
  const got = await records;
  type Api = { endpoints: Array<{ endpoint: string; fields: Array<{ field: string; class: string; why: string }> }> };
  const api = await (await fetch(`${facade.adminUrl}/routes/inventory/comparisons`, { headers: ADMIN_AUTH })).json() as Api;
  const classes = Object.fromEntries(api.endpoints.map((e) => [e.endpoint, Object.fromEntries(e.fields.map((f) => [f.field, f.class]))]));
  expect(classes['POST /api/inventory/orders']).toEqual({ '$.orderId': 'generated', '$.number': 'generated' });
  // The total differs with the same value from the primary every time: real, beside the generated ids.
  expect(classes['POST /api/inventory/orders-wrong']).toEqual({ '$.orderId': 'generated', '$.number': 'generated', '$.total': 'real' });
  expect(got.filter((r) => r.path.endsWith('/orders')).map((r) => r.outcome)).toEqual(['generated', 'generated', 'generated']);
});

it('secrets never reach the SQLite file or its WAL', async () => {
  monolith.handler = json({ user: 'u', password: 'hunter2-response', token: 'tok-A' }, { 'set-cookie': 'sid=cookie-secret-1; HttpOnly' });
  service.handler = json({ user: 'v', password: 'hunter2-shadow', token: 'tok-B' }, { 'set-cookie': 'sid=cookie-secret-2; HttpOnly' });
  await start({ redact: ['$.token'], cookies: ['sid'], headers: ['content-type', 'authorization'] });
  const records = nextComparisons(facade, 2);
  await (await fetch(`${facade.url}/api/inventory/A`, { headers: { authorization: 'Bearer auth-secret-9', cookie: 'sid=cookie-secret-3' } })).text();
  facade.store.change({ route: 'inventory', stage: 'dualwrite', force: true, actor: 'test', defaultStage: 'off' });
  (facade.deps.flags as unknown as { reload(): void }).reload();
  service.handler = (_req, res) => { res.writeHead(500); res.end(); };
  await (await fetch(`${facade.url}/api/inventory/A`, {
    method: 'POST', headers: { authorization: 'Bearer auth-secret-9', cookie: 'sid=cookie-secret-3', 'content-type': 'application/json' },
    body: JSON.stringify({ password: 'body-password-7', token: 'body-token-8' }),
  })).text();
  const got = await records;
  expect(got.map((r) => r.outcome).sort()).toEqual(['divergence', 'mismatch']);
  const dir = path.dirname(facade.config.state.db);
  const bytes = fs.readdirSync(dir).filter((f) => f.startsWith('state.db')).map((f) => fs.readFileSync(path.join(dir, f)).toString('latin1')).join('');
  expect(bytes).toContain('divergence');
  for (const secret of ['hunter2-response', 'hunter2-shadow', 'tok-A', 'tok-B', 'cookie-secret-1', 'cookie-secret-2', 'cookie-secret-3', 'auth-secret-9', 'body-password-7', 'body-token-8']) {
    expect(bytes).not.toContain(secret);
  }
});
