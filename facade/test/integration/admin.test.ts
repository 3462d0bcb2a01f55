// The admin API on its own port: who may read and who may change (named bearer tokens with a role;
// none configured means no access), how bad requests are refused, the stage-skip guard, listings,
// health, metrics and the audit log every change writes, its actor taken from the token.
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { metricSum, metricsText, putStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { rawRequest } from '../helpers/raw-http';
import { startUpstream, type TestUpstream } from '../helpers/upstream';
import type { StartOptions } from '../../src/server';

let monolith: TestUpstream;
let catalog: TestUpstream;
let facade: TestFacade | undefined;

beforeEach(async () => {
  monolith = await startUpstream('monolith');
  catalog = await startUpstream('catalog');
});

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith.close(), catalog.close()]);
});

async function start(opts: StartOptions = {}, admin?: Record<string, unknown>): Promise<TestFacade> {
  facade = await startTestFacade({
    ...(admin ? { admin: admin as never } : {}),
    monolith: { url: monolith.url },
    services: { catalog: { url: catalog.url }, inventory: { url: catalog.url } },
    routes: [
      { name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog', fallback: true },
      { name: 'inventory', match: { path: '/api/inventory/**', methods: ['GET', 'POST'] }, service: 'inventory' },
    ],
  }, opts);
  return facade;
}

async function getJson(url: string, token: string | null = 'test-token'): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function stageOf(f: TestFacade, route: string): Promise<unknown> {
  return (await getJson(`${f.adminUrl}/routes/${route}`)).body.stage;
}

describe('who may change a stage', () => {
  it.each([
    ['no Authorization header', null],
    ['a wrong token', 'not-the-token'],
    ['a prefix of the token', 'test-toke'],
    ['the token plus a suffix', 'test-token-x'],
    ['an empty token', ''],
  ])('a PUT with %s is refused with 401 and changes nothing', async (_what, token) => {
    const f = await start();
    const answer = await putStage(f.adminUrl!, 'catalog', { stage: 'dualwrite' }, token);
    expect(answer).toMatchObject({ status: 401, body: { error: 'UNAUTHORIZED' } });
    expect(await stageOf(f, 'catalog')).toBe('off');
    expect((await getJson(`${f.adminUrl}/routes/catalog/history`)).body.history).toEqual([]);
  });

  it('a token sent with another scheme is refused with 401', async () => {
    const f = await start();
    const res = await fetch(`${f.adminUrl}/routes/catalog`, {
      method: 'PUT', headers: { authorization: 'Basic test-token', 'content-type': 'application/json' }, body: '{"stage":"dualwrite"}',
    });
    expect(res.status).toBe(401);
  });

  it('without a configured token every change and every read is refused with 403, whatever is sent', async () => {
    const f = await start({ adminToken: '' });
    for (const token of [null, '', 'anything']) {
      const answer = await putStage(f.adminUrl!, 'catalog', { stage: 'dualwrite' }, token);
      expect(answer).toMatchObject({ status: 403, body: { error: 'WRITES_DISABLED' } });
      expect(await getJson(`${f.adminUrl}/routes/catalog/comparisons`, token)).toMatchObject({ status: 403, body: { error: 'READS_DISABLED' } });
    }
    expect(f.store.state('catalog')).toBeNull();
    expect((await getJson(`${f.adminUrl}/healthz`, null)).status).toBe(200);
  });
});

describe('who may read', () => {
  const TRAFFIC = ['/routes', '/routes/catalog', '/routes/catalog/comparisons', '/routes/catalog/history', '/routes/catalog/ignore', '/routes/catalog/gate', '/report', '/report?route=catalog'];
  const READ = 'dashboards-read-token-0123';
  const WRITE = 'release-bot-write-token-0123';
  const withTokens = (): Promise<TestFacade> => {
    process.env.TEST_RELEASE_BOT_TOKEN = WRITE;
    return start({ adminToken: '' }, { tokens: [{ name: 'dashboards', token: READ, role: 'read' }, { name: 'release-bot', tokenEnv: 'TEST_RELEASE_BOT_TOKEN', role: 'write' }] });
  };
  afterEach(() => { delete process.env.TEST_RELEASE_BOT_TOKEN; });

  it.each(TRAFFIC)('GET %s without a token is refused with 401', async (path) => {
    const f = await start();
    expect(await getJson(`${f.adminUrl}${path}`, null)).toMatchObject({ status: 401, body: { error: 'UNAUTHORIZED' } });
    expect((await getJson(`${f.adminUrl}${path}`, 'wrong-token')).status).toBe(401);
  });

  it('health, readiness and metrics need no token', async () => {
    const f = await start();
    for (const path of ['/healthz', '/readyz']) expect((await getJson(`${f.adminUrl}${path}`, null)).status).toBe(200);
    expect((await fetch(`${f.adminUrl}/metrics`)).status).toBe(200);
  });

  it('a read token reads everything but changes nothing (403), a named write token changes, and the audit log names it', async () => {
    const f = await withTokens();
    for (const path of TRAFFIC) expect([path, (await getJson(`${f.adminUrl}${path}`, READ)).status]).toEqual([path, 200]);
    expect(await putStage(f.adminUrl!, 'catalog', { stage: 'dualwrite' }, READ)).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
    const ignore = await fetch(`${f.adminUrl}/routes/catalog/ignore`, {
      method: 'POST', headers: { authorization: `Bearer ${READ}`, 'content-type': 'application/json' }, body: JSON.stringify({ path: '$.x', reason: 'r' }),
    });
    expect(ignore.status).toBe(403);
    expect(f.store.state('catalog')).toBeNull();
    expect(f.store.ignoreRules('catalog')).toEqual([]);

    expect((await putStage(f.adminUrl!, 'catalog', { stage: 'dualwrite', actor: 'mallory' }, WRITE)).status).toBe(200);
    await fetch(`${f.adminUrl}/routes/catalog/ignore`, {
      method: 'POST', headers: { authorization: `Bearer ${WRITE}`, 'content-type': 'application/json' }, body: JSON.stringify({ path: '$.x', reason: 'r', actor: 'mallory' }),
    });
    expect(f.store.history('catalog').map((e) => [e.actor, e.details])).toEqual([['release-bot', { requestedBy: 'mallory' }]]);
    expect(f.store.ignoreRules('catalog').map((r) => r.actor)).toEqual(['release-bot']);
    // STRANGLER_ADMIN_TOKEN was not given here: its token is no key.
    expect((await putStage(f.adminUrl!, 'catalog', { stage: 'off' })).status).toBe(401);
  });
});

describe('bad requests', () => {
  it('an unknown route is 404 naming the known ones', async () => {
    const f = await start();
    const answer = await putStage(f.adminUrl!, 'orders', { stage: 'dualwrite' });
    expect(answer.status).toBe(404);
    expect(answer.body.error).toBe('ROUTE_UNKNOWN');
    expect(answer.body.message).toEqual(expect.stringContaining('catalog, inventory'));
    expect((await getJson(`${f.adminUrl}/routes/orders`)).status).toBe(404);
  });

  it.each([
    [{ stage: 'bogus' }, 'stage'],
    [{}, 'stage'],
    [{ stage: 'live', percent: 150 }, 'percent'],
    [{ stage: 'live', percent: '10' }, 'percent'],
    [{ stage: 'dualwrite', force: 'yes' }, 'force'],
    [{ stage: 'dualwrite', stag: 'x' }, '"stag"'],
  ])('the body %j is refused with 400 naming %s', async (body, field) => {
    const f = await start();
    const answer = await putStage(f.adminUrl!, 'catalog', body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('BODY_INVALID');
    expect(String(answer.body.message)).toContain(field);
    expect(await stageOf(f, 'catalog')).toBe('off');
  });

  it('a body that is not JSON is refused with 400', async () => {
    const f = await start();
    const answer = await fetch(`${f.adminUrl}/routes/catalog`, {
      method: 'PUT', headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' }, body: '{"stage":',
    });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as Record<string, unknown>).error).toBe('BODY_INVALID');
  });

  it.each([
    ['application/x-www-form-urlencoded', 'as "application/x-www-form-urlencoded"'], // what curl -d sends
    ['text/plain;charset=UTF-8', 'as "text/plain;charset=UTF-8"'],
    [null, 'without a Content-Type'],
  ])('a JSON body labelled %s is a 415 naming the label, and the stage is unchanged', async (type, named) => {
    const f = await start();
    const headers: Record<string, string> = { authorization: 'Bearer test-token' };
    if (type !== null) headers['content-type'] = type;
    const answer = await fetch(`${f.adminUrl}/routes/catalog`, { method: 'PUT', headers, body: Buffer.from(JSON.stringify({ stage: 'dualwrite' })) });
    expect(answer.status).toBe(415);
    expect(await answer.json()).toEqual({ error: 'UNSUPPORTED_MEDIA_TYPE', message: `the request body must be JSON, sent with Content-Type: application/json (it came ${named})` });
    expect(await stageOf(f, 'catalog')).toBe('off');
  });

  it('a JSON body labelled application/merge-patch+json is read as JSON', async () => {
    const f = await start();
    const answer = await fetch(`${f.adminUrl}/routes/catalog`, {
      method: 'PUT', headers: { authorization: 'Bearer test-token', 'content-type': 'application/merge-patch+json' }, body: JSON.stringify({ stage: 'dualwrite' }),
    });
    expect(answer.status).toBe(200);
    expect(await stageOf(f, 'catalog')).toBe('dualwrite');
  });

  it('an unknown admin path is a JSON 404', async () => {
    const f = await start();
    expect(await getJson(`${f.adminUrl}/nope`)).toEqual({ status: 404, body: { error: 'NOT_FOUND', message: 'no admin endpoint /nope' } });
  });

  it('a known admin path asked with another method is a 405 listing the methods it answers (Allow)', async () => {
    const f = await start();
    const answer = await fetch(`${f.adminUrl}/routes/catalog`, { method: 'DELETE', headers: { authorization: 'Bearer test-token' } });
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET, HEAD, PUT');
    expect(await answer.json()).toMatchObject({ error: 'METHOD_NOT_ALLOWED', message: expect.stringContaining('DELETE /routes/catalog') });
    const gate = await fetch(`${f.adminUrl}/routes/catalog/gate`, { method: 'POST', headers: { authorization: 'Bearer test-token' } });
    expect([gate.status, gate.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('a body over the endpoint\'s limit is a 413 naming the limit', async () => {
    const f = await start();
    const answer = await fetch(`${f.adminUrl}/routes/catalog`, {
      method: 'PUT', headers: { authorization: 'Bearer test-token', 'content-type': 'application/json' }, body: JSON.stringify({ stage: 'shadow', pad: 'x'.repeat(100_000) }),
    });
    expect(answer.status).toBe(413);
    expect(await answer.json()).toEqual({ error: 'BODY_TOO_LARGE', message: "the request body is over this endpoint's 16384 bytes" });
    expect((await (await fetch(`${f.adminUrl}/routes/catalog`, { headers: { authorization: 'Bearer test-token' } })).json() as { stage: string }).stage).toBe('off');
  });
});

describe('a body declared over the limit', () => {
  it('is answered 413 at once, before the client sends it, and the connection closes', async () => {
    const f = await start();
    const sock = net.connect(Number(new URL(f.adminUrl!).port), '127.0.0.1');
    let got = '';
    sock.on('data', (d: Buffer) => { got += d.toString('latin1'); });
    const ended = new Promise<void>((resolve) => sock.on('close', () => resolve()));
    sock.write('PUT /routes/catalog HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer test-token\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n{"stage":');
    // Only the head and a few bytes are sent: the answer comes without the other 50 MB.
    await new Promise((r) => setTimeout(r, 500));
    expect(got).toMatch(/^HTTP\/1\.1 413 /);
    expect(got).toMatch(/\r\nconnection: close\r\n/i);
    expect(got).toContain('"error":"BODY_TOO_LARGE"');
    sock.end();
    await ended;
    expect((await (await fetch(`${f.adminUrl}/routes/catalog`, { headers: { authorization: 'Bearer test-token' } })).json() as { stage: string }).stage).toBe('off');
  });
});

describe('stage changes', () => {
  it('off → live without force is refused with 409 STAGE_SKIP; with force it moves', async () => {
    const f = await start();
    const refused = await putStage(f.adminUrl!, 'catalog', { stage: 'live' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('STAGE_SKIP');
    expect(String(refused.body.message)).toMatch(/dualwrite, shadow/);
    expect(await stageOf(f, 'catalog')).toBe('off');

    const forced = await putStage(f.adminUrl!, 'catalog', { stage: 'live', force: true, reason: 'hotfix' });
    expect(forced.status).toBe(200);
    expect(forced.body).toMatchObject({ route: 'catalog', from: 'off', to: 'live', percent: null });
    expect(await stageOf(f, 'catalog')).toBe('live');
  });

  it('one step at a time needs no force, forwards and back', async () => {
    const f = await start();
    for (const stage of ['dualwrite', 'shadow', 'live', 'shadow']) {
      expect((await putStage(f.adminUrl!, 'catalog', { stage })).status).toBe(200);
    }
    expect(await stageOf(f, 'catalog')).toBe('shadow');
  });

  it('a change applies to the very next request of this facade', async () => {
    const f = await start();
    expect((await rawRequest(f.url, '/api/products/1')).json().from).toBe('monolith');
    await putStage(f.adminUrl!, 'catalog', { stage: 'complete', force: true });
    expect((await rawRequest(f.url, '/api/products/1')).json().from).toBe('catalog');
  });

  it('every change is in the audit log, newest first, with actor (the token\'s name), reason, percent and force', async () => {
    const f = await start();
    await putStage(f.adminUrl!, 'catalog', { stage: 'dualwrite', reason: 'backfill done', actor: 'alice' });
    await putStage(f.adminUrl!, 'catalog', { stage: 'live', force: true, reason: 'skip shadow' });
    await putStage(f.adminUrl!, 'catalog', { stage: 'live', force: true, percent: 0, reason: 'noop' });
    await putStage(f.adminUrl!, 'inventory', { stage: 'dualwrite', reason: 'other route' });
    await putStage(f.adminUrl!, 'catalog', { stage: 'bogus' }); // refused: not logged
    const { body } = await getJson(`${f.adminUrl}/routes/catalog/history`);
    const history = body.history as Array<Record<string, unknown>>;
    expect(history.map((h) => [h.from, h.to, h.actor, h.reason, h.forced])).toEqual([
      ['live', 'live', 'admin', 'noop', true],
      ['dualwrite', 'live', 'admin', 'skip shadow', true],
      ['off', 'dualwrite', 'admin', 'backfill done', false],
    ]);
    // What the caller claims is kept as a claim, never as the actor.
    expect(history[2].details).toEqual({ requestedBy: 'alice' });
    for (const h of history) {
      expect(h.route).toBe('catalog');
      expect(Number.isNaN(Date.parse(String(h.at)))).toBe(false);
    }
  });
});

describe('listings, health and metrics', () => {
  it('GET /routes lists name, pattern, service, stage, rollout and requests per side', async () => {
    const f = await start();
    await putStage(f.adminUrl!, 'catalog', { stage: 'complete', force: true });
    await putStage(f.adminUrl!, 'inventory', { stage: 'dualwrite' });
    await putStage(f.adminUrl!, 'inventory', { stage: 'shadow', percent: 25 });
    await rawRequest(f.url, '/api/products/1');
    await rawRequest(f.url, '/api/products/2');
    await rawRequest(f.url, '/api/inventory/1');
    await f.waitForDone(3);
    const { status, body } = await getJson(`${f.adminUrl}/routes`);
    expect(status).toBe(200);
    expect(body.routes).toEqual([
      expect.objectContaining({
        name: 'catalog', pattern: '/api/products/**', methods: null, service: 'catalog', fallback: true,
        stage: 'complete', rollout: null, requests: { service: 2 },
      }),
      expect.objectContaining({
        name: 'inventory', pattern: '/api/inventory/**', methods: ['GET', 'POST'], service: 'inventory',
        stage: 'dualwrite', rollout: { stage: 'shadow', percent: 25 }, requests: { monolith: 1 },
      }),
    ]);
  });

  it('/healthz and /readyz answer 200', async () => {
    const f = await start();
    expect(await getJson(`${f.adminUrl}/healthz`)).toEqual({ status: 200, body: { ok: true } });
    expect(await getJson(`${f.adminUrl}/readyz`)).toEqual({ status: 200, body: { ready: true } });
  });

  it('/readyz answers 503 once the state database file was removed or replaced under the running facade (what it records would be lost at exit)', async () => {
    const f = await start();
    const file = path.join(f.dir, 'state.db');
    fs.renameSync(file, `${file}.moved`);
    fs.copyFileSync(`${file}.moved`, file); // a restore copied over it: another file at the path
    expect(await getJson(`${f.adminUrl}/readyz`)).toEqual({ status: 503, body: { ready: false } });
    fs.rmSync(file);
    expect(await getJson(`${f.adminUrl}/readyz`)).toEqual({ status: 503, body: { ready: false } });
    fs.renameSync(`${file}.moved`, file); // the opened file back at its path
    expect(await getJson(`${f.adminUrl}/readyz`)).toEqual({ status: 200, body: { ready: true } });
  });

  it('/readyz answers 503 once the state database file was truncated or its first page overwritten in place', async () => {
    const f = await start();
    const file = path.join(f.dir, 'state.db');
    const head = Buffer.alloc(100);
    const fd = fs.openSync(file, 'r+');
    try {
      fs.readSync(fd, head, 0, 100, 0);
      fs.writeSync(fd, Buffer.alloc(100, 0x41), 0, 100, 0); // the same file, its header gone
      expect(await getJson(`${f.adminUrl}/readyz`)).toEqual({ status: 503, body: { ready: false } });
      fs.writeSync(fd, head, 0, 100, 0);
      expect(await getJson(`${f.adminUrl}/readyz`)).toEqual({ status: 200, body: { ready: true } });
    } finally {
      fs.closeSync(fd);
    }
  });

  it('/metrics is Prometheus text counting requests by route, side and status', async () => {
    const f = await start();
    await rawRequest(f.url, '/api/products/1');
    await rawRequest(f.url, '/api/orders/1');
    await rawRequest(f.url, '/api/%zz');
    await f.waitForDone(3);
    const res = await fetch(`${f.adminUrl}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^# TYPE strangler_requests_total counter$/m);
    expect(metricSum(text, 'strangler_requests_total', { route: 'catalog', side: 'monolith', status: '200' })).toBe(1);
    expect(metricSum(text, 'strangler_requests_total', { route: '(unrouted)', side: 'monolith', status: '200' })).toBe(1);
    expect(metricSum(text, 'strangler_bad_requests_total', { code: 'PATH_MALFORMED' })).toBe(1);
    expect(text).toMatch(/^strangler_upstream_duration_seconds_bucket\{/m);
    expect(metricSum(await metricsText(f.adminUrl!), 'strangler_requests_total')).toBe(2);
  });

  it('the admin API is not reachable on the public port', async () => {
    const f = await start();
    await rawRequest(f.url, '/routes');
    expect(monolith.received.map((r) => r.url)).toEqual(['/routes']);
  });
});

describe('guessing tokens', () => {
  it('an address refused for its token `authFailures.max` times gets 429 with Retry-After for every guess, while a good token, health and metrics still pass; good tokens never count', async () => {
    const f = await start({}, { authFailures: { max: 5, windowMs: 60_000 } });
    // A dashboard polling with a good token, many times: never throttled.
    for (let i = 0; i < 12; i++) expect((await getJson(`${f.adminUrl}/routes`)).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await getJson(`${f.adminUrl}/routes`, `guess-${i}`)).status).toBe(401);
    const res = await fetch(`${f.adminUrl}/routes`, { headers: { authorization: 'Bearer guess-5' } });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await res.json()).toMatchObject({ error: 'TOO_MANY_AUTH_FAILURES' });
    expect((await getJson(`${f.adminUrl}/routes`, 'guess-6')).status).toBe(429);
    expect((await getJson(`${f.adminUrl}/routes`, null)).status).toBe(429); // no token is a guess too
    expect((await getJson(`${f.adminUrl}/routes`)).status).toBe(200); // the operator's CLI is not locked out
    expect((await fetch(`${f.adminUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${f.adminUrl}/metrics`)).status).toBe(200);
  });
});
