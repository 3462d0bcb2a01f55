// No write lost, through a real facade: writes the stage sends to both sides reach both (in memory
// up to the dual-write cap, kept on disk past it) or neither (413); a write the service missed is kept as a
// divergence with its exact request, sealed at rest, shown masked, and repaired through the admin API.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ComparisonRecord } from '../../src/core/comparison';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { metricSum, metricsText, setStage } from '../helpers/admin-client';
import { freePort, startRawServer } from '../helpers/net';
import { send, startByteUpstream, type ByteUpstream } from '../helpers/byte-upstream';

let monolith: ByteUpstream;
let service: ByteUpstream | null;
let facade: TestFacade;
const AUTH = { authorization: 'Bearer test-token', 'content-type': 'application/json' };

const READ_TOKEN = 'viewer-token-0123456789';

async function start(dualWrite: Record<string, unknown> = {}, serviceUrl?: string, serviceSpec: Record<string, unknown> = {}): Promise<void> {
  facade = await startTestFacade({
    admin: { tokens: [{ name: 'viewer', token: READ_TOKEN, role: 'read' }] },
    monolith: { url: monolith.url },
    services: { inventory: { url: serviceUrl ?? service!.url, timeoutMs: 2000, ...serviceSpec } },
    routes: [{ name: 'inventory', match: { path: '/api/inventory/**' }, service: 'inventory', dualWrite }],
  });
  await setStage(facade.adminUrl!, 'inventory', 'dualwrite');
}

/** Resolves with the next `n` comparison records written to the diff store. */
function nextRecords(n: number): Promise<ComparisonRecord[]> {
  const got: ComparisonRecord[] = [];
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`expected ${n} comparisons, got ${got.length}`)), 10_000);
    const off = facade.recorder.onRecorded((batch) => {
      got.push(...batch);
      if (got.length >= n) { clearTimeout(t); off(); resolve(got); }
    });
  });
}

async function admin(method: string, p: string, body?: unknown, headers: Record<string, string> = AUTH): Promise<{ status: number; body: any }> {
  const res = await fetch(`${facade.adminUrl}${p}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

beforeEach(async () => {
  monolith = await startByteUpstream();
  service = await startByteUpstream();
});

afterEach(async () => {
  await facade?.close();
  await monolith.close();
  await service?.close();
});

describe('dual-write body cap', () => {
  it('at dualwrite a 200 KB and a 5 MB write reach both sides byte for byte; the 5 MB one is compared by its small answers (the compare cap bounds answers, not requests)', async () => {
    await start();
    const records = nextRecords(2);
    const small = randomBytes(200 * 1024);
    const large = randomBytes(5 * 1024 * 1024);
    const a = await send(`${facade.url}/api/inventory/blob/1`, 'PUT', small, { 'content-type': 'application/octet-stream' });
    const b = await send(`${facade.url}/api/inventory/blob/2`, 'PUT', large, { 'content-type': 'application/octet-stream' }, 256 * 1024);
    expect([a.status, b.status]).toEqual([201, 201]);
    await facade.waitForDone(2);
    for (const side of [monolith, service!]) {
      expect(side.got.map((g) => g.url)).toEqual(['/api/inventory/blob/1', '/api/inventory/blob/2']);
      expect(side.got[0].body.equals(small)).toBe(true);
      expect(side.got[1].body.equals(large)).toBe(true);
    }
    const byPath = new Map((await records).map((r) => [r.path, r]));
    expect(byPath.get('/api/inventory/blob/1')).toMatchObject({ kind: 'write', outcome: 'match' });
    expect(byPath.get('/api/inventory/blob/2')).toMatchObject({ kind: 'write', outcome: 'match' });
    expect((await facade.divergences.openStats('inventory')).count).toBe(0);
  });

  it('with overCap "refuse", a write over the dual-write cap is refused with 413 JSON and reaches neither side (declared length and chunked)', async () => {
    await start({ maxBodyBytes: 64 * 1024, overCap: 'refuse' });
    const declared = await send(`${facade.url}/api/inventory/blob/1`, 'POST', randomBytes(200 * 1024), { 'content-type': 'application/octet-stream' });
    const chunked = await send(`${facade.url}/api/inventory/blob/2`, 'POST', randomBytes(1024 * 1024), { 'content-type': 'application/octet-stream' }, 16 * 1024);
    for (const answer of [declared, chunked]) {
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'BODY_TOO_LARGE', message: expect.stringContaining('dualWrite.maxBodyBytes (65536 bytes)') });
    }
    // A write under the cap afterwards: once both sides have it, nothing else can still be on its way.
    expect((await send(`${facade.url}/api/inventory/blob/3`, 'POST', Buffer.from('{"n":3}'), { 'content-type': 'application/json' })).status).toBe(201);
    await facade.waitForDone(3);
    expect(monolith.got.map((g) => g.url)).toEqual(['/api/inventory/blob/3']);
    expect(service!.got.map((g) => g.url)).toEqual(['/api/inventory/blob/3']);
  });

  /** Files in this process's spool directories (io/body-spool.ts). */
  const spooledFiles = (): string[] => fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith(`strangler-spool-${process.pid}-`))
    .flatMap((d) => fs.readdirSync(path.join(os.tmpdir(), d)));

  it('by default a write over the in-memory cap (10 MB) is kept on disk and reaches both sides byte for byte, declared length and chunked; its file is removed', async () => {
    // what a facade killed mid-upload left behind (pid 2^22 + 1: above Linux's pid_max, never alive)
    const left = path.join(os.tmpdir(), 'strangler-spool-4194305-x1');
    fs.mkdirSync(left, { recursive: true });
    fs.writeFileSync(path.join(left, '1.body'), 'half an upload');
    await start();
    const declared = randomBytes(11 * 1024 * 1024);
    const chunked = randomBytes(12 * 1024 * 1024);
    const a = await send(`${facade.url}/api/inventory/blob/1`, 'POST', declared, { 'content-type': 'application/octet-stream' });
    const b = await send(`${facade.url}/api/inventory/blob/2`, 'PUT', chunked, { 'content-type': 'application/octet-stream' }, 256 * 1024);
    expect([a.status, b.status]).toEqual([201, 201]);
    await facade.waitForDone(2);
    for (const side of [monolith, service!]) {
      expect(side.got.map((g) => [g.method, g.url])).toEqual([['POST', '/api/inventory/blob/1'], ['PUT', '/api/inventory/blob/2']]);
      expect(side.got[0].body.equals(declared)).toBe(true);
      expect(side.got[1].body.equals(chunked)).toBe(true);
    }
    expect((await facade.divergences.openStats('inventory')).count).toBe(0);
    await new Promise((r) => setTimeout(r, 50)); // the files are removed as each request ends
    expect(spooledFiles()).toEqual([]);
    expect(fs.existsSync(left)).toBe(false); // swept when this process first kept a body
  });

  it('a chunked write kept on disk reaches both sides with its Content-Length (as nginx sends it; WSGI servers read no chunked body)', async () => {
    await start({ maxBodyBytes: 64 * 1024 });
    const body = randomBytes(300 * 1024);
    expect((await send(`${facade.url}/api/inventory/blob/7`, 'PUT', body, { 'content-type': 'application/octet-stream' }, 16 * 1024)).status).toBe(201);
    await facade.waitForDone(1);
    for (const side of [monolith, service!]) {
      expect(side.got[0]!.headers['content-length']).toBe(String(body.length));
      expect(side.got[0]!.headers['transfer-encoding']).toBeUndefined();
      expect(side.got[0]!.body.equals(body)).toBe(true);
    }
  });

  it('a kept-on-disk write the service missed is a divergence with its whole body, which replay repairs', async () => {
    service!.answer = () => ({ status: 503 });
    await start({ maxBodyBytes: 64 * 1024 });
    const body = randomBytes(300 * 1024);
    expect((await send(`${facade.url}/api/inventory/blob/9`, 'PUT', body, { 'content-type': 'application/octet-stream' })).status).toBe(201);
    await facade.waitForDone(1);
    const [d] = (await admin('GET', '/routes/inventory/divergences')).body.divergences;
    expect(d).toMatchObject({ reason: 'second_write_status_503', bodyKept: true, bodyBytes: body.length });
    service!.answer = () => ({ status: 201 });
    const replay = await admin('POST', '/routes/inventory/divergences/replay', {});
    expect(replay.body).toMatchObject({ steps: [{ id: d.id, outcome: 'repaired', status: 201 }], open: 0 });
    expect(service!.got[1].body.equals(body)).toBe(true);
    expect(spooledFiles()).toEqual([]);
  });

  it('a kept-on-disk write is still held to the body cap: past maxRequestBodyBytes it is refused 413 and reaches neither side', async () => {
    facade = await startTestFacade({
      monolith: { url: monolith.url }, services: { inventory: { url: service!.url } },
      routes: [{ name: 'inventory', match: { path: '/api/inventory/**' }, service: 'inventory', maxRequestBodyBytes: 512 * 1024, dualWrite: { maxBodyBytes: 64 * 1024 } }],
    });
    await setStage(facade.adminUrl!, 'inventory', 'dualwrite');
    const answer = await send(`${facade.url}/api/inventory/blob/1`, 'POST', randomBytes(1024 * 1024), { 'content-type': 'application/octet-stream' }, 64 * 1024);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'BODY_TOO_LARGE' });
    expect((await send(`${facade.url}/api/inventory/blob/2`, 'POST', Buffer.from('x'))).status).toBe(201);
    await facade.waitForDone(2);
    expect([monolith.got.map((g) => g.url), service!.got.map((g) => g.url)]).toEqual([['/api/inventory/blob/2'], ['/api/inventory/blob/2']]);
    expect(spooledFiles()).toEqual([]);
  });

  it('with overCap "primary-only" the write goes to the primary alone and is kept as a divergence without its body, which replay will not send', async () => {
    await start({ maxBodyBytes: 1024, overCap: 'primary-only' });
    const body = randomBytes(8 * 1024);
    expect((await send(`${facade.url}/api/inventory/blob/1`, 'POST', body, { 'content-type': 'application/octet-stream' })).status).toBe(201);
    await facade.waitForDone(1);
    expect(monolith.got[0].body.equals(body)).toBe(true);
    expect(service!.got).toHaveLength(0);
    const list = await admin('GET', '/routes/inventory/divergences');
    expect(list.body.divergences).toEqual([expect.objectContaining({ reason: 'second_write_not_sent_too_large', bodyKept: false, bodyBytes: 8192, side: 'service' })]);
    const replay = await admin('POST', '/routes/inventory/divergences/replay', {});
    expect(replay.body).toMatchObject({ steps: [], open: 1, stopped: expect.stringContaining('has no stored body') });
    expect(service!.got).toHaveLength(0);
  });
});

describe('second writes sent again when nothing was lost by it', () => {
  it('a service down when the write comes and up within its retry budget gets the write: no divergence', async () => {
    const port = await freePort();
    await service!.close();
    service = null;
    await start({}, `http://127.0.0.1:${port}`, { retry: { delayMs: 100, budgetMs: 1500 } });
    const answer = await send(`${facade.url}/api/inventory/A`, 'POST', Buffer.from('{"qty":3}'), { 'content-type': 'application/json' });
    expect(answer.status).toBe(201); // the monolith's: the client never waits for the second write
    await new Promise((r) => setTimeout(r, 350)); // the service restarts meanwhile
    service = await startByteUpstream(port);
    await facade.waitForDone(1, 5000);
    const got = await service.waitFor(1);
    expect(got.map((g) => [g.method, g.url, g.body.toString()])).toEqual([['POST', '/api/inventory/A', '{"qty":3}']]);
    expect((await admin('GET', '/routes/inventory/divergences')).body.divergences).toEqual([]);
  });

  /** A service that answers the first request on each connection and resets the connection at the second. */
  async function resettingService(seen: string[]): Promise<{ url: string; close(): Promise<void> }> {
    return startRawServer((socket) => {
      let answered = 0;
      let buffered = '';
      socket.on('data', (d: Buffer) => {
        buffered += d.toString('latin1');
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: *(\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const line = buffered.slice(0, buffered.indexOf('\r\n'));
        buffered = buffered.slice(end + 4 + length);
        if (answered++ > 0) { socket.resetAndDestroy(); return; } // closed as the facade reused it
        seen.push(line);
        socket.write('HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 11\r\nkeep-alive: timeout=60\r\n\r\n{"ok":true}');
      });
    });
  }

  it('an idempotent write whose kept-alive socket the service resets as it is reused goes again on a new one', async () => {
    const seen: string[] = [];
    const raw = await resettingService(seen);
    try {
      await start({}, raw.url, { retry: { idempotentMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT'] } });
      for (const sku of ['A', 'B', 'C']) {
        expect((await send(`${facade.url}/api/inventory/${sku}`, 'PUT', Buffer.from('{"qty":1}'), { 'content-type': 'application/json' })).status).toBe(201);
        await facade.waitForDone(['A', 'B', 'C'].indexOf(sku) + 1);
      }
      expect(seen).toEqual(['PUT /api/inventory/A HTTP/1.1', 'PUT /api/inventory/B HTTP/1.1', 'PUT /api/inventory/C HTTP/1.1']);
      expect((await admin('GET', '/routes/inventory/divergences')).body.divergences).toEqual([]);
    } finally {
      await raw.close();
    }
  });

  it('a POST reset the same way is not sent again (the service may have applied it): it is a divergence, repaired by replay', async () => {
    const seen: string[] = [];
    const raw = await resettingService(seen);
    try {
      await start({}, raw.url);
      for (const sku of ['A', 'B']) {
        await send(`${facade.url}/api/inventory/${sku}`, 'POST', Buffer.from('{"qty":1}'), { 'content-type': 'application/json' });
        await facade.waitForDone(sku === 'A' ? 1 : 2);
      }
      expect(seen).toEqual(['POST /api/inventory/A HTTP/1.1']);
      const list = (await admin('GET', '/routes/inventory/divergences')).body.divergences;
      expect(list.map((d: { path: string; reason: string }) => [d.path, d.reason])).toEqual([['/api/inventory/B', 'second_write_UPSTREAM_RESET']]);
    } finally {
      await raw.close();
    }
  });
});

describe('divergences', () => {
  it('a failed second write is kept with its exact request; the client got the authoritative answer; the replay re-sends the same bytes and headers', async () => {
    service!.answer = () => ({ status: 503 });
    await start();
    const body = Buffer.from('\ufeff{"quantity":2}', 'utf8');
    const res = await send(`${facade.url}/api/inventory/A/reserve?ref=x%2Fy`, 'POST', body, { 'content-type': 'application/json', 'idempotency-key': 'k-1' });
    expect(res.status).toBe(201);
    await facade.waitForDone(1);
    const list = await admin('GET', '/routes/inventory/divergences');
    expect(list.body).toMatchObject({ route: 'inventory', open: 1 });
    const [d] = list.body.divergences;
    expect(d).toMatchObject({ method: 'POST', path: '/api/inventory/A/reserve', reason: 'second_write_status_503', secondStatus: 503, primaryStatus: 201, side: 'service', status: 'open', bodyBytes: body.length });

    service!.answer = () => ({ status: 201 });
    const replay = await admin('POST', '/routes/inventory/divergences/replay', {});
    expect(replay.body).toMatchObject({ steps: [{ id: d.id, outcome: 'repaired', status: 201 }], stopped: null, open: 0 });
    const [second, repair] = service!.got;
    expect(repair.url).toBe(second.url);
    expect(repair.body.equals(body)).toBe(true);
    const strip = (h: Record<string, unknown>) => {
      const { 'x-strangler-second-write': _a, 'x-strangler-repair': _b, connection: _c, ...rest } = h;
      return rest;
    };
    expect(strip(repair.headers)).toEqual(strip(second.headers));
    expect(repair.headers['x-strangler-repair']).toBe('1');
    const history = await admin('GET', '/routes/inventory/history');
    expect(history.body.history[0]).toMatchObject({ actor: 'admin', reason: expect.stringContaining(`divergence ${d.id} repaired by replay`) });
    expect((await admin('GET', `/routes/inventory/divergences/${d.id}`)).body).toMatchObject({ status: 'repaired', attempts: 1 });
  });

  it('replay goes oldest first and stops at the first write that fails again, so no later write overtakes it', async () => {
    service!.answer = () => ({ status: 500 });
    await start();
    for (const n of [1, 2, 3]) await send(`${facade.url}/api/inventory/item/${n}`, 'POST', Buffer.from(`{"n":${n}}`), { 'content-type': 'application/json' });
    await facade.waitForDone(3);
    service!.answer = (g) => ({ status: g.url.endsWith('/2') ? 409 : 201 });
    const before = service!.got.length;
    const replay = await admin('POST', '/routes/inventory/divergences/replay', {});
    expect(replay.body.steps.map((s: { outcome: string; status: number }) => [s.outcome, s.status])).toEqual([['repaired', 201], ['failed', 409]]);
    expect(replay.body).toMatchObject({ open: 2, stopped: expect.stringContaining('later ones were not sent') });
    expect(service!.got.slice(before).map((g) => g.url)).toEqual(['/api/inventory/item/1', '/api/inventory/item/2']);
    const ids = (await admin('GET', '/routes/inventory/divergences')).body.divergences.map((x: { id: number }) => x.id);
    const order = await admin('POST', '/routes/inventory/divergences/replay', { id: ids[1] });
    expect(order).toMatchObject({ status: 409, body: { error: 'DIVERGENCE_ORDER' } });
  });

  it('a replay the service answers 2xx with a body that says the write failed (a JSON-RPC error, GraphQL errors) is failed again, not repaired, and stops there', async () => {
    const refused = { jsonrpc: '2.0', id: 1, error: { code: -32000, message: 'no such order' } };
    service!.answer = () => ({ status: 200, body: refused });
    await start();
    for (const n of [1, 2]) await send(`${facade.url}/api/inventory/rpc/${n}`, 'POST', Buffer.from(`{"jsonrpc":"2.0","id":1,"method":"m${n}"}`), { 'content-type': 'application/json' });
    await facade.waitForDone(2);
    const open = (await admin('GET', '/routes/inventory/divergences')).body;
    expect(open).toMatchObject({ open: 2, divergences: [{ reason: 'second_write_jsonrpc_error' }, { reason: 'second_write_jsonrpc_error' }] });
    const before = service!.got.length;
    const replay = await admin('POST', '/routes/inventory/divergences/replay', {});
    expect(replay.body.steps).toEqual([expect.objectContaining({ outcome: 'failed', status: 200, error: 'jsonrpc_error' })]);
    expect(replay.body).toMatchObject({ open: 2, stopped: expect.stringContaining('later ones were not sent') });
    expect(service!.got.length - before).toBe(1);
    // GraphQL errors in a 200, as a later answer: still not repaired.
    service!.answer = () => ({ status: 200, body: { data: null, errors: [{ message: 'refused' }] } });
    const again = await admin('POST', '/routes/inventory/divergences/replay', {});
    expect(again.body.steps).toEqual([expect.objectContaining({ outcome: 'failed', status: 200, error: 'graphql_errors' })]);
    // The same shape of answer without an error is a repair: the service took them.
    service!.answer = () => ({ status: 200, body: { jsonrpc: '2.0', id: 1, result: { ok: true } } });
    const fixed = await admin('POST', '/routes/inventory/divergences/replay', {});
    expect(fixed.body).toMatchObject({ steps: [{ outcome: 'repaired', status: 200 }, { outcome: 'repaired', status: 200 }], stopped: null, open: 0 });
  });

  it('a replay the service took but the state database could not mark repaired stops there and says not to replay it again (it would be sent twice)', async () => {
    service!.answer = () => ({ status: 500 });
    await start();
    for (const n of [1, 2]) await send(`${facade.url}/api/inventory/item/${n}`, 'POST', Buffer.from(`{"n":${n}}`), { 'content-type': 'application/json' });
    await facade.waitForDone(2);
    service!.answer = () => ({ status: 201 });
    const store = facade.divergences;
    const settle = store.settle.bind(store);
    const openStats = store.openStats.bind(store);
    store.settle = async () => { throw new Error('connect ECONNREFUSED 127.0.0.1:5432'); };
    store.openStats = async () => { throw new Error('connect ECONNREFUSED 127.0.0.1:5432'); };
    const before = service!.got.length;
    const replay = await admin('POST', '/routes/inventory/divergences/replay', {});
    store.settle = settle;
    store.openStats = openStats;
    expect(replay.status).toBe(200);
    const [first] = (await admin('GET', '/routes/inventory/divergences')).body.divergences;
    expect(replay.body).toMatchObject({ steps: [{ id: first.id, outcome: 'repaired', status: 201 }], open: null,
      stopped: expect.stringMatching(new RegExp(`divergence ${first.id} reached inventory \\(answered 201\\) but could not be marked repaired: connect ECONNREFUSED.*Do not replay it again.*divergences resolve inventory ${first.id}`)) });
    expect(service!.got.slice(before).map((g) => g.url)).toEqual(['/api/inventory/item/1']); // the second was not sent
  });

  it('an unreachable service gives divergences too; every divergence endpoint needs a token, and only a write token replays or resolves', async () => {
    const port = await freePort();
    await service!.close();
    service = null;
    await start({}, `http://127.0.0.1:${port}`);
    await send(`${facade.url}/api/inventory/A`, 'POST', Buffer.from('{}'), { 'content-type': 'application/json' });
    await facade.waitForDone(1);
    const list = await admin('GET', '/routes/inventory/divergences');
    expect(list.body.divergences[0].reason).toBe('second_write_UPSTREAM_UNREACHABLE');
    const id = list.body.divergences[0].id;
    for (const [method, p] of [['GET', '/routes/inventory/divergences'], ['GET', `/routes/inventory/divergences/${id}`],
      ['POST', '/routes/inventory/divergences/replay'], ['POST', `/routes/inventory/divergences/${id}/resolve`]] as const) {
      expect((await admin(method, p, method === 'POST' ? {} : undefined, { 'content-type': 'application/json' })).status).toBe(401);
    }
    const reader = { authorization: `Bearer ${READ_TOKEN}`, 'content-type': 'application/json' };
    expect((await admin('GET', `/routes/inventory/divergences/${id}`, undefined, reader)).status).toBe(200);
    expect((await admin('POST', '/routes/inventory/divergences/replay', {}, reader)).status).toBe(403);
    expect((await admin('POST', `/routes/inventory/divergences/${id}/resolve`, { reason: 'x' }, reader)).status).toBe(403);
    expect((await admin('GET', '/routes/nope/divergences')).body.error).toBe('ROUTE_UNKNOWN');
    expect((await admin('GET', '/routes/inventory/divergences/999')).status).toBe(404);
  });

  it('credentials and body secrets are sealed at rest, masked when shown, and re-sent as they were on replay', async () => {
    service!.answer = () => ({ status: 500 });
    await start();
    const body = JSON.stringify({ user: 'ann', password: 'body-password-7', note: 'visible' });
    await send(`${facade.url}/api/inventory/A?access_token=query-secret-5`, 'POST', Buffer.from(body), {
      'content-type': 'application/json', authorization: 'Bearer auth-secret-9', cookie: 'sid=cookie-secret-3',
    });
    await facade.waitForDone(1);
    const dir = path.dirname(facade.config.state.db);
    const bytes = fs.readdirSync(dir).filter((f) => f.startsWith('state.db')).map((f) => fs.readFileSync(path.join(dir, f)).toString('latin1')).join('');
    for (const secret of ['auth-secret-9', 'cookie-secret-3', 'body-password-7', 'query-secret-5', 'visible']) expect(bytes).not.toContain(secret);
    expect(fs.statSync(path.join(dir, 'divergence.key')).mode & 0o777).toBe(0o600);

    const [d] = (await admin('GET', '/routes/inventory/divergences')).body.divergences;
    const shown = await admin('GET', `/routes/inventory/divergences/${d.id}`);
    const text = JSON.stringify(shown.body);
    for (const secret of ['auth-secret-9', 'cookie-secret-3', 'body-password-7', 'query-secret-5']) expect(text).not.toContain(secret);
    expect(shown.body.request.body.json).toMatchObject({ user: 'ann', note: 'visible' });

    service!.answer = () => ({ status: 201 });
    await admin('POST', '/routes/inventory/divergences/replay', {});
    const repair = service!.got[service!.got.length - 1];
    expect(repair.headers).toMatchObject({ authorization: 'Bearer auth-secret-9', cookie: 'sid=cookie-secret-3' });
    expect(repair.url).toBe('/api/inventory/A?access_token=query-secret-5');
    expect(repair.body.toString()).toBe(body);
  });

  it('past dualWrite.warnStoredBytes every divergence is still kept, and counted and logged as over the warning size', async () => {
    service!.answer = () => ({ status: 500 });
    await start({ warnStoredBytes: 100 });
    for (const n of [1, 2, 3]) await send(`${facade.url}/api/inventory/item/${n}`, 'POST', randomBytes(200), { 'content-type': 'application/octet-stream' });
    await facade.waitForDone(3);
    const text = await metricsText(facade.adminUrl!);
    expect(metricSum(text, 'strangler_divergences_total', { route: 'inventory', reason: 'second_write_status_500' })).toBe(3);
    expect(metricSum(text, 'strangler_divergences_over_warn_total', { route: 'inventory' })).toBe(3);
    expect(metricSum(text, 'strangler_divergences_open', { route: 'inventory' })).toBe(3);
    expect(metricSum(text, 'strangler_divergences_open_bytes', { route: 'inventory' })).toBeGreaterThan(600);
    expect((await admin('GET', '/routes/inventory/divergences')).body.divergences.map((d: { path: string }) => d.path))
      .toEqual(['/api/inventory/item/1', '/api/inventory/item/2', '/api/inventory/item/3']);
  });
});
