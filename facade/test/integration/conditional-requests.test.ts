// Conditional requests through a facade comparing two sides: a browser revalidating with the
// monolith's ETag or date, a range resumed with If-Range, a write guarded by If-Match. Each side's
// validators are its own (serve-static's weak ETags come from a file's size and mtime), so the
// shadow is asked without the client's, a 304 is compared through the primary's whole answer, and a
// second write is not refused for the monolith's ETag.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import express from 'express';
import { routeFindings, storedIgnoreRules } from '../../src/io/findings-query';
import { nextComparisons, startTestFacade, tempDir, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;
let root: string;

const APP_JS = 'console.log("shop");\n'.repeat(300);

/** A copy of the site's files, all written at `mtime` (a deployment of its own). */
function site(name: string, mtime: Date, appJs = APP_JS): string {
  const dir = path.join(root, name);
  fs.mkdirSync(path.join(dir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'assets', 'app.js'), appJs);
  fs.utimesSync(path.join(dir, 'assets', 'app.js'), mtime, mtime);
  return dir;
}

/** The upstream answers as express.static over `dir` does (ETag, Last-Modified, Range, 304). */
function serveStatic(up: TestUpstream, dir: string): void {
  const app = express().use(express.static(dir));
  up.handler = (req, res) => { app(req, res); };
}

async function start(compare: Record<string, unknown> = {}, stage = 'shadow'): Promise<void> {
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { web: { url: service.url } },
    routes: [{ name: 'web', match: { path: '/**' }, service: 'web', compare: { sample: 100, ...compare } }],
  });
  facade.store.change({ route: 'web', stage: stage as 'shadow', force: true, actor: 'test', defaultStage: 'off' });
  (facade.deps.flags as unknown as { reload(): void }).reload();
}

/** One request through the facade with node:http (fetch would add Cache-Control: no-cache to a conditional GET). */
function send(method: string, p: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${facade.url}${p}`, { method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const PRECONDITIONS = ['if-none-match', 'if-modified-since', 'if-range', 'if-match', 'if-unmodified-since'];

beforeEach(async () => {
  root = tempDir('strangler-conditional-');
  monolith = await startUpstream('monolith');
  service = await startUpstream('service');
});

afterEach(async () => {
  await facade?.close();
  await monolith.close();
  await service.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('reads with the client\'s validators', () => {
  it('a browser revalidating static files with the monolith\'s ETag and date gets its 304, and the same files on the service match', async () => {
    serveStatic(monolith, site('monolith', new Date('2025-01-01T00:00:00Z')));
    serveStatic(service, site('service', new Date('2026-06-01T00:00:00Z')));
    await start();
    const first = nextComparisons(facade, 1);
    const full = await send('GET', '/assets/app.js');
    await first;
    const etag = full.headers.etag as string;
    const records = nextComparisons(facade, 3);
    expect((await send('GET', '/assets/app.js', { 'if-none-match': etag })).status).toBe(304);
    expect((await send('GET', '/assets/app.js', { 'if-modified-since': full.headers['last-modified'] as string })).status).toBe(304);
    const range = await send('GET', '/assets/app.js', { range: 'bytes=0-99', 'if-range': etag });
    expect(range.status).toBe(206);
    expect(range.body).toBe(APP_JS.slice(0, 100));
    const got = await records;
    // (A 304's comparison waits for the monolith's whole answer, so it may be recorded after the range's.)
    expect(got.map((r) => [r.primaryStatus, r.outcome, r.facts.map((f) => f.field)]).sort()).toEqual([[206, 'match', []], [304, 'match', []], [304, 'match', []]]);
    // The service never saw the monolith's validators; the monolith was asked again, whole, for each 304.
    for (const r of service.received) for (const h of PRECONDITIONS) expect(r.headers[h]).toBeUndefined();
    expect(service.received.map((r) => r.headers.range ?? null)).toEqual([null, null, null, 'bytes=0-99']);
    const reasked = monolith.received.filter((r) => r.headers['x-strangler-reask'] === '1');
    expect(reasked).toHaveLength(2);
    for (const r of reasked) for (const h of PRECONDITIONS) expect(r.headers[h]).toBeUndefined();
  });

  it('a file that differs on the service is still a mismatch when the client revalidates and the monolith says 304', async () => {
    serveStatic(monolith, site('monolith', new Date('2025-01-01T00:00:00Z')));
    serveStatic(service, site('service', new Date('2026-06-01T00:00:00Z'), APP_JS.replace('shop', 'shoq')));
    await start();
    const first = nextComparisons(facade, 1);
    const etag = (await send('GET', '/assets/app.js')).headers.etag as string;
    expect((await first)[0].outcome).toBe('mismatch');
    const records = nextComparisons(facade, 1);
    expect((await send('GET', '/assets/app.js', { 'if-none-match': etag })).status).toBe(304);
    const [r] = await records;
    expect(r).toMatchObject({ primaryStatus: 304, outcome: 'mismatch' });
    expect(r.facts.map((f) => f.field)).toContain('text[1]');
    expect(r.facts.map((f) => f.field)).not.toContain('status');
  });

  it('content-hashed ETags (Express\'s own) that agree are a match without asking the monolith again', async () => {
    const app = express().get('/api/items/:id', (req, res) => { res.json({ id: req.params.id, name: 'lamp' }); });
    monolith.handler = (req, res) => { app(req, res); };
    service.handler = (req, res) => { app(req, res); };
    await start();
    const first = nextComparisons(facade, 1);
    const etag = (await send('GET', '/api/items/7')).headers.etag as string;
    await first;
    const records = nextComparisons(facade, 1);
    expect((await send('GET', '/api/items/7', { 'if-none-match': etag })).status).toBe(304);
    expect((await records)[0]).toMatchObject({ primaryStatus: 304, outcome: 'match' });
    expect(monolith.received.filter((r) => r.headers['x-strangler-reask'] === '1')).toHaveLength(0);
  });

  it('a resource only ever revalidated (a browser with a cached copy) still has its real and noise fields told apart', async () => {
    // The monolith's copy is current for the client ("m-1"): 304 every time. The service prices it
    // a euro higher; both sides put a fresh nonce in every whole answer.
    monolith.handler = (req, res) => {
      if (req.headers['if-none-match'] === '"m-1"') { res.writeHead(304, { etag: '"m-1"' }); res.end(); return; }
      res.writeHead(200, { 'content-type': 'application/json', etag: '"m-1"' });
      res.end(JSON.stringify({ sku: 'lamp', price: '9.99', nonce: Math.random().toString(36).slice(2) }));
    };
    service.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', etag: '"s-1"' });
      res.end(JSON.stringify({ sku: 'lamp', price: '10.99', nonce: Math.random().toString(36).slice(2) }));
    };
    await start();
    const records = nextComparisons(facade, 3);
    for (let i = 0; i < 3; i++) expect((await send('GET', '/api/lamp', { 'if-none-match': '"m-1"' })).status).toBe(304);
    const got = await records;
    expect(got.every((r) => r.primaryStatus === 304)).toBe(true);
    // Asked again like any read: the price repeats on the monolith (real), the nonce does not (noise).
    await facade.recorder.flush();
    const found = await routeFindings(facade.database.sql, { route: 'web', config: facade.config.routes[0]!, stored: await storedIgnoreRules(facade.database.sql) });
    const fields = Object.fromEntries(found.endpoints.find((e) => e.endpoint === 'GET /api/lamp')!.fields.map((f) => [f.field, f.class]));
    expect(fields).toMatchObject({ '$.price': 'real', '$.nonce': 'noise' });
    expect(got.some((r) => r.outcome === 'mismatch')).toBe(true);
  });

  it('without re-asks a 304 is skipped as conditional, never a status mismatch', async () => {
    serveStatic(monolith, site('monolith', new Date('2025-01-01T00:00:00Z')));
    serveStatic(service, site('service', new Date('2026-06-01T00:00:00Z')));
    await start({ reask: { enabled: false } });
    const first = nextComparisons(facade, 1);
    const etag = (await send('GET', '/assets/app.js')).headers.etag as string;
    await first;
    const records = nextComparisons(facade, 1);
    expect((await send('GET', '/assets/app.js', { 'if-none-match': etag })).status).toBe(304);
    expect((await records)[0]).toMatchObject({ primaryStatus: 304, outcome: 'skipped', reason: 'conditional' });
    expect(monolith.received).toHaveLength(2);
  });
});

describe('writes with the client\'s preconditions', () => {
  it('a PUT guarded by the monolith\'s ETag (If-Match) reaches the service without it: no 412, no divergence', async () => {
    const versions: Record<string, number> = { monolith: 3, service: 1 }; // the service's rows carry versions of their own
    const guarded = (side: 'monolith' | 'service'): TestUpstream['handler'] => (req, res, body) => {
      const etag = `"v${versions[side]}-${side}"`;
      const match = req.headers['if-match'];
      if (match !== undefined && match !== etag) { res.writeHead(412, { 'content-type': 'application/json' }); res.end('{"error":"precondition failed"}'); return; }
      versions[side]++;
      res.writeHead(200, { 'content-type': 'application/json', etag: `"v${versions[side]}-${side}"` });
      res.end(body);
    };
    monolith.handler = guarded('monolith');
    service.handler = guarded('service');
    await start({}, 'dualwrite');
    const put = await send('PUT', '/api/profile/1', { 'content-type': 'application/json', 'if-match': '"v3-monolith"' }, '{"name":"Ada"}');
    expect(put.status).toBe(200);
    await service.waitFor(1);
    expect(service.received[0]).toMatchObject({ method: 'PUT', body: '{"name":"Ada"}' });
    expect(service.received[0].headers['if-match']).toBeUndefined();
    expect(versions).toEqual({ monolith: 4, service: 2 });
    expect((await facade.divergences.openStats('web')).count).toBe(0);
  });
});
