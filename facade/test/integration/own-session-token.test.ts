// A daemon that issues its own session token and refuses a request without it (Transmission's RPC:
// `409` naming `X-Transmission-Session-Id`; the client sends it back). The client learns the
// answering side's token only; the other side never issued it. Probes13 (transmission-daemon behind
// the facade): at `shadow` every read was a real 200 → 409 and every write (torrent-add) a divergence
// the service never applied; the handshake's own 409s (each page showing its side's id) were real too.
// The facade now does the handshake for the other side's copies, as the client does for its own.
import { randomBytes } from 'node:crypto';
import { setStage } from '../helpers/admin-client';
import { nextComparisons, startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade | undefined;

/** Transmission's handshake: a token of its own (a new one after each refusal when `rotate`), torrents added by `torrent-add`. */
function daemon(opts: { rotate?: boolean; speed?: number } = {}): Handler {
  let id = randomBytes(24).toString('base64url');
  const torrents: string[] = [];
  return (req, res, body) => {
    if (req.headers['x-transmission-session-id'] !== id) {
      const page = `<h1>409: Conflict</h1><p>Your request had an invalid session-id header.</p><p><code>X-Transmission-Session-Id: ${id}</code></p>`;
      res.writeHead(409, { 'x-transmission-session-id': id, 'content-type': 'text/html; charset=ISO-8859-1' });
      res.end(page);
      if (opts.rotate && (req.headers['x-strangler-shadow'] ?? req.headers['x-strangler-second-write'])) id = randomBytes(24).toString('base64url'); // the id it named is stale at once
      return;
    }
    const call = JSON.parse(body) as { method: string; arguments?: { filename?: string } };
    if (call.method === 'torrent-add') torrents.push(call.arguments?.filename ?? '?');
    const args = call.method === 'session-get' ? { 'speed-limit-down': opts.speed ?? 100, 'session-id': id } : { torrents };
    res.writeHead(200, { 'x-transmission-session-id': id, 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify({ arguments: args, result: 'success' }));
  };
}

async function start(service_: Handler): Promise<TestFacade> {
  monolith = await startUpstream('monolith', daemon());
  service = await startUpstream('svc', service_);
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { svc: { url: service.url } },
    routes: [{ name: 'rpc', match: { path: '/transmission/**' }, service: 'svc', reads: { jsonRpcMethods: ['torrent-get', 'session-get'] } }],
  });
  await setStage(facade.adminUrl!, 'rpc', 'shadow');
  return facade;
}

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith?.close(), service?.close()]);
});

/** What transmission-remote does: a call, and on 409 the same call again with the id the answer named. */
async function rpc(f: TestFacade, session: { id?: string }, method: string, args: Record<string, unknown> = {}): Promise<{ status: number; body: string }> {
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${f.url}/transmission/rpc`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...(session.id ? { 'X-Transmission-Session-Id': session.id } : {}) }, body: JSON.stringify({ method, arguments: args }),
    });
    const body = await res.text();
    if (res.status !== 409) return { status: res.status, body };
    session.id = res.headers.get('x-transmission-session-id') ?? undefined;
  }
  throw new Error('409 twice');
}

it('a write reaches the other side with the token that side issued: no divergence, the torrent is there', async () => {
  const f = await start(daemon());
  const session = {};
  const handshake = nextComparisons(f, 2, 10_000); // the handshake's 409 (both sides' own pages) and the read
  expect((await rpc(f, session, 'session-get')).status).toBe(200);
  expect((await handshake).map((r) => `${r.primaryStatus} ${r.shadowStatus} ${r.outcome}`).sort()).toEqual(['200 200 match', '409 409 match']);
  const write = nextComparisons(f, 1, 10_000);
  expect((await rpc(f, session, 'torrent-add', { filename: 'a.torrent' })).status).toBe(200);
  expect((await write)[0]!.shadowStatus).toBe(200);
  await f.waitForDone(3);
  expect(await f.divergences.list('rpc')).toEqual([]);
  const writes = service.received.filter((r) => r.headers['x-strangler-second-write'] === '1' && r.headers['x-transmission-session-id'] !== undefined);
  expect(writes.at(-1)!.body).toContain('torrent-add');
  const reads = nextComparisons(f, 1, 10_000);
  expect((await rpc(f, session, 'torrent-get')).body).toContain('a.torrent');
  expect((await reads)[0]!.outcome).toBe('match'); // the shadow asked with its own token, and has the torrent too
});

it('a real difference behind the handshake is still found; a side that refuses its own token again stays a divergence', async () => {
  const f = await start(daemon({ speed: 500, rotate: true }));
  const session = {};
  const records = nextComparisons(f, 2, 10_000);
  expect((await rpc(f, session, 'session-get')).status).toBe(200);
  const got = await records;
  const read = got.find((r) => r.endpoint.endsWith('#session-get') && r.primaryStatus === 200)!;
  // The rotating service refuses the token it named too: its 409 against the primary's 200 is real, not hidden.
  expect(read.outcome).toBe('mismatch');
  expect(read.shadowStatus).toBe(409);
  expect((await rpc(f, session, 'torrent-add', { filename: 'b.torrent' })).status).toBe(200);
  await f.waitForDone(3);
  expect((await f.divergences.list('rpc')).map((d) => d.reason)).toEqual(['second_write_status_409']);
});

it('the planted difference is found behind the handshake, and each side\'s session-id field is its own', async () => {
  const f = await start(daemon({ speed: 500 }));
  const session = {};
  const records = nextComparisons(f, 2, 10_000);
  expect((await rpc(f, session, 'session-get')).status).toBe(200);
  const read = (await records).find((r) => r.primaryStatus === 200)!;
  expect(read.outcome).toBe('mismatch');
  expect(read.facts.map((x) => x.path)).toEqual(['$.arguments["speed-limit-down"]']); // each side's own session-id is a token, not a fact
});

/**
 * The double-submit form (Syncthing's GUI: cookie `CSRF-Token-<device>` from the page, header
 * `X-CSRF-Token-<device>` on every REST call; Angular's XSRF-TOKEN): a token of its own set on the
 * page load, a 403 for a call whose header does not repeat it. `fixed`: a side that never accepts one.
 */
function guiServer(opts: { broken?: boolean; label?: string } = {}): Handler {
  const token = randomBytes(16).toString('hex');
  return (req, res) => {
    const cookie = /CSRF-Token-ABC=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html', ...(cookie === token ? {} : { 'set-cookie': `CSRF-Token-ABC=${token}` }) });
      res.end('<html>gui</html>');
      return;
    }
    if (opts.broken || req.headers['x-csrf-token-abc'] !== token) {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('CSRF Error\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ folders: [{ id: 'f1', label: opts.label ?? 'F1' }] }));
  };
}

async function startGui(serviceOpts: { broken?: boolean; label?: string }): Promise<TestFacade> {
  monolith = await startUpstream('monolith', guiServer());
  service = await startUpstream('svc', guiServer(serviceOpts));
  facade = await startTestFacade({ monolith: { url: monolith.url }, services: { svc: { url: service.url } }, routes: [{ name: 'gui', match: { path: '/**' }, service: 'svc' }] });
  await setStage(facade.adminUrl!, 'gui', 'shadow');
  return facade;
}

/** What the GUI's script does: load the page, take the cookie, send it back in the header. */
async function gui(f: TestFacade, calls: Array<'GET' | 'POST'>): Promise<number[]> {
  const page = await fetch(`${f.url}/`);
  await page.text();
  const token = /CSRF-Token-ABC=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')![1]!;
  const out: number[] = [];
  for (const method of calls) {
    const res = await fetch(`${f.url}/rest/config`, { method, headers: { cookie: `CSRF-Token-ABC=${token}`, 'X-CSRF-Token-ABC': token }, ...(method === 'POST' ? { body: '{}' } : {}) });
    await res.text();
    out.push(res.status);
  }
  return out;
}

it('an anti-forgery cookie the other side set on the page load is sent in its copies, with the header that repeats it', async () => {
  const f = await startGui({});
  const records = nextComparisons(f, 2, 10_000);
  const reads = await gui(f, ['GET']);
  expect(reads).toEqual([200]);
  expect((await records).map((r) => `${r.path} ${r.primaryStatus} ${r.shadowStatus} ${r.outcome}`).sort()).toEqual(['/ 200 200 match', '/rest/config 200 200 match']);
  const write = nextComparisons(f, 1, 10_000);
  expect(await gui(f, ['POST'])).toEqual([200]);
  await write;
  await f.waitForDone(4);
  expect(await f.divergences.list('gui')).toEqual([]);
});

it('behind the cookie a planted difference is found, and a side that refuses even its own token stays real', async () => {
  let f = await startGui({ label: 'F1b' });
  let records = nextComparisons(f, 2, 10_000);
  await gui(f, ['GET']);
  const read = (await records).find((r) => r.path === '/rest/config')!;
  expect(read.outcome).toBe('mismatch');
  expect(read.facts.map((x) => x.path)).toEqual(['$.folders[0].label']);
  await facade!.close();
  await Promise.all([monolith.close(), service.close()]);
  f = await startGui({ broken: true });
  records = nextComparisons(f, 2, 10_000);
  await gui(f, ['GET']);
  expect((await records).find((r) => r.path === '/rest/config')!.shadowStatus).toBe(403);
});
