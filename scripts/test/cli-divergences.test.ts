// `strangler divergences` against a real facade whose service is down: the writes it missed are
// listed, shown masked, replayed in order once it is back (byte for byte, audited), resolved by
// hand; locally (the state database) and through `--admin`. Nothing is re-sent by itself.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { startTestFacade, type TestFacade } from '../../facade/test/helpers/facade';
import { setStage } from '../../facade/test/helpers/admin-client';
import { freePort } from '../../facade/test/helpers/net';
import { send, startByteUpstream, type ByteUpstream, type Got } from '../../facade/test/helpers/byte-upstream';
import type { CliDeps } from '../cli';
import { workspace, type Workspace } from './helpers/cli';

let monolith: ByteUpstream;
let service: ByteUpstream | null = null;
let servicePort: number;
let facade: TestFacade;
let ws: Workspace;

beforeEach(async () => {
  monolith = await startByteUpstream();
  servicePort = await freePort(); // nothing listens there yet: the service is down
  const routes = [{ name: 'inventory', match: { path: '/api/inventory/**' }, service: 'inventory' }];
  const upstreams = { monolith: { url: monolith.url }, services: { inventory: { url: `http://127.0.0.1:${servicePort}` } } };
  facade = await startTestFacade({ ...upstreams, routes });
  await setStage(facade.adminUrl!, 'inventory', 'dualwrite');
  ws = workspace({ ...upstreams, routes, state: { db: facade.config.state.db } });
});

afterEach(async () => {
  ws.close();
  await facade.close();
  await monolith.close();
  await service?.close();
  service = null;
});

const cli = (argv: string[], deps: Partial<CliDeps> = {}) => ws.run(argv, { env: { USER: 'dana' }, ...deps });
const viaAdmin = (argv: string[]) => ws.run(['--admin', facade.adminUrl!, ...argv], { env: { STRANGLER_ADMIN_TOKEN: 'test-token', USER: 'erin' }, now: () => new Date() });

/** Headers as the upstream got them, without the per-copy tags and the connection's own header. */
function sameRequestHeaders(g: Got): Record<string, unknown> {
  // The tags, and the deadline each hop sets for itself (x-request-timeout-ms, docs/reference/resilience.md), differ by design.
  const { 'x-strangler-second-write': _a, 'x-strangler-repair': _b, connection: _c, 'x-request-timeout-ms': _d, ...rest } = g.headers;
  return rest;
}

it('a gzip write and a BOM-prefixed JSON write the service missed are replayed once it is back, byte for byte, and audited', async () => {
  const gzip = zlib.gzipSync(Buffer.from(JSON.stringify({ sku: 'A', quantity: 2 })));
  const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"sku":"B","quantity":5}')]);
  expect((await send(`${facade.url}/api/inventory/A/reserve`, 'POST', gzip, { 'content-type': 'application/json', 'content-encoding': 'gzip' })).status).toBe(201);
  expect((await send(`${facade.url}/api/inventory/B/reserve?src=bom`, 'POST', bom, { 'content-type': 'application/json; charset=utf-8' })).status).toBe(201);
  // The second copy waits for the first (sent after its answer: causal order), which spends its connect-retry budget first.
  await facade.waitForDone(2, 15_000);

  const list = await cli(['divergences', 'list', 'inventory']);
  expect(list).toMatchObject({ code: 0, stderr: '' });
  expect(list.stdout).toMatch(/^inventory: 2 open divergences/);
  expect(list.stdout).toMatch(/POST \/api\/inventory\/A\/reserve\s+service \(inventory\)\s+second_write_UPSTREAM_UNREACHABLE/);
  const shown = await cli(['divergences', 'show', 'inventory', '1']);
  expect(shown.stdout).toContain('content-encoding: gzip');
  expect(shown.stdout).toContain('"quantity": 2'); // decoded for the eye, kept gzip for the replay

  service = await startByteUpstream(servicePort);
  const dry = await cli(['divergences', 'replay', 'inventory', '--dry-run']);
  expect(dry).toMatchObject({ code: 0, stdout: expect.stringContaining('dry run, 2 would be sent, nothing sent; 2 open divergences left') });
  expect(service.got).toHaveLength(0);

  const replay = await cli(['divergences', 'replay', 'inventory']);
  expect(replay).toMatchObject({ code: 0, stderr: '' });
  expect(replay.stdout).toBe([
    '#1 POST /api/inventory/A/reserve → inventory: repaired (201)',
    '#2 POST /api/inventory/B/reserve → inventory: repaired (201)',
    'inventory: 2 repaired, 0 failed again; 0 open divergences left', ''].join('\n'));
  expect(service.got.map((g) => g.url)).toEqual(['/api/inventory/A/reserve', '/api/inventory/B/reserve?src=bom']);
  service.got.forEach((g, i) => {
    expect(g.body.equals(monolith.got[i].body)).toBe(true);
    expect(sameRequestHeaders(g)).toEqual(sameRequestHeaders(monolith.got[i]));
  });
  expect(service.got[0].body.equals(gzip)).toBe(true);
  expect(service.got[1].body.equals(bom)).toBe(true);

  const history = JSON.parse((await cli(['route', 'history', 'inventory', '--json'])).stdout) as Array<{ actor: string; reason: string; details: { outcome: string } }>;
  expect(history.slice(0, 2)).toEqual([
    expect.objectContaining({ actor: 'dana', reason: expect.stringContaining('divergence 2 repaired by replay'), details: expect.objectContaining({ outcome: 'repaired' }) }),
    expect.objectContaining({ actor: 'dana', reason: expect.stringContaining('divergence 1 repaired by replay') }),
  ]);
  expect((await cli(['divergences', 'replay', 'inventory'])).stdout).toBe('inventory: 0 repaired, 0 failed again; 0 open divergences left\n');
  expect(service.got).toHaveLength(2);
});

it('300 divergences are all still listed and all repaired, in the order they happened', async () => {
  for (let n = 1; n <= 300; n++) await send(`${facade.url}/api/inventory/item/${n}`, 'PUT', Buffer.from(`{"n":${n}}`), { 'content-type': 'application/json' });
  await facade.waitForDone(300, 30_000);
  const listed = JSON.parse((await cli(['divergences', 'list', 'inventory', '--json'])).stdout) as { open: number; divergences: Array<{ path: string }> };
  expect(listed.open).toBe(300);
  expect(listed.divergences.map((d) => d.path)).toEqual(Array.from({ length: 300 }, (_, i) => `/api/inventory/item/${i + 1}`));

  service = await startByteUpstream(servicePort);
  const replay = await cli(['divergences', 'replay', 'inventory', '--json']);
  expect(replay.code).toBe(0);
  expect(JSON.parse(replay.stdout)).toMatchObject({ open: 0, stopped: null });
  expect(service.got.map((g) => g.body.toString())).toEqual(Array.from({ length: 300 }, (_, i) => `{"n":${i + 1}}`));
  const all = JSON.parse((await cli(['divergences', 'list', 'inventory', '--status', 'repaired', '--json'])).stdout) as { divergences: unknown[] };
  expect(all.divergences).toHaveLength(300);
});

it('resolve settles one without re-sending it; a later replay skips it; --id refuses to overtake an older open one', async () => {
  for (const n of [1, 2]) await send(`${facade.url}/api/inventory/item/${n}`, 'POST', Buffer.from('{}'), { 'content-type': 'application/json' });
  await facade.waitForDone(2, 15_000); // the second copy after the first's retry budget (causal order)
  service = await startByteUpstream(servicePort);

  const early = await cli(['divergences', 'replay', 'inventory', '--id', '2']);
  expect(early).toMatchObject({ code: 1, stderr: 'error: divergence 1 of route inventory is older and still open: replay without --id to repair them in order, or resolve it first\n' });
  expect(await cli(['divergences', 'resolve', 'inventory', '1'])).toMatchObject({ code: 2, stderr: expect.stringContaining("required option '--reason <text>'") });
  const resolved = await cli(['divergences', 'resolve', 'inventory', '1', '--reason', 're-entered by hand']);
  expect(resolved).toEqual({ code: 0, stdout: 'inventory: divergence 1 resolved (POST /api/inventory/item/1, never re-sent)\n', stderr: '' });
  expect((await cli(['divergences', 'resolve', 'inventory', '1', '--reason', 'again'])).stderr).toBe('error: divergence 1 is already resolved\n');
  expect((await cli(['divergences', 'show', 'inventory', '99'])).code).toBe(2);

  expect((await cli(['divergences', 'replay', 'inventory', '--id', '2'])).stdout).toContain('#2 POST /api/inventory/item/2 → inventory: repaired (201)');
  expect(service.got.map((g) => g.url)).toEqual(['/api/inventory/item/2']);
  const history = JSON.parse((await cli(['route', 'history', 'inventory', '--json'])).stdout) as Array<{ reason: string }>;
  expect(history.map((h) => h.reason).slice(0, 2)).toEqual([
    expect.stringContaining('divergence 2 repaired by replay'), 'divergence 1 resolved without replay: re-entered by hand',
  ]);
});

it('a replay the service took but never answered is not sent again by the next replay unless --resend-unanswered', async () => {
  for (const n of [1, 2]) await send(`${facade.url}/api/inventory/item/${n}`, 'POST', Buffer.from(`{"n":${n}}`), { 'content-type': 'application/json' });
  await facade.waitForDone(2, 15_000);
  service = await startByteUpstream(servicePort);
  service.answer = () => ({ status: 0, reset: true }); // it reads the write, then the connection is cut: applied or not, nobody knows

  const cut = await cli(['divergences', 'replay', 'inventory']);
  expect(cut.code).toBe(1);
  expect(cut.stdout).toMatch(/divergence 1 got no answer from inventory \(.+\): it may have applied the write\. Later ones were not sent.*check POST \/api\/inventory\/item\/1 there before replaying again/s);
  expect(service.got.map((g) => g.url)).toEqual(['/api/inventory/item/1']);

  service.answer = () => ({ status: 201 });
  for (const argv of [['divergences', 'replay', 'inventory'], ['divergences', 'replay', 'inventory', '--dry-run']]) {
    const again = await cli(argv);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/divergence 1's last replay got no answer .*inventory may have applied it.*divergences resolve inventory 1.*--resend-unanswered/s);
  }
  expect(service.got).toHaveLength(1); // nothing sent a second time
  expect((await cli(['divergences', 'show', 'inventory', '1'])).stdout).toMatch(/attempts\s+1, last: no answer, may have been applied/);

  // The operator checked: the service had not applied it.
  const resent = await cli(['divergences', 'replay', 'inventory', '--resend-unanswered']);
  expect(resent).toMatchObject({ code: 0 });
  expect(resent.stdout).toContain('#1 POST /api/inventory/item/1 → inventory: repaired (201)');
  expect(service.got.map((g) => g.url)).toEqual(['/api/inventory/item/1', '/api/inventory/item/1', '/api/inventory/item/2']);
});

it('through --admin the same verbs work on the running facade, with the token', async () => {
  await send(`${facade.url}/api/inventory/item/1`, 'POST', Buffer.from('{"a":1}'), { 'content-type': 'application/json', authorization: 'Bearer tok-1' });
  await facade.waitForDone(1);
  const list = JSON.parse((await viaAdmin(['divergences', 'list', 'inventory', '--json'])).stdout) as { open: number };
  expect(list.open).toBe(1);
  const show = await viaAdmin(['divergences', 'show', 'inventory', '1']);
  expect(show.stdout).toContain('POST /api/inventory/item/1');
  expect(show.stdout).not.toContain('tok-1');
  const failed = await viaAdmin(['divergences', 'replay', 'inventory']);
  expect(failed).toMatchObject({ code: 1, stdout: expect.stringContaining('#1 POST /api/inventory/item/1 → inventory: failed again (upstream "inventory"') });

  service = await startByteUpstream(servicePort);
  const replay = await viaAdmin(['divergences', 'replay', 'inventory', '--header', 'Authorization: Bearer fresh-2']);
  expect(replay).toMatchObject({ code: 0, stdout: expect.stringContaining('1 repaired') });
  expect(service.got[0].headers.authorization).toBe('Bearer fresh-2');
  const history = JSON.parse((await viaAdmin(['route', 'history', 'inventory', '--json'])).stdout) as Array<{ actor: string; details: { requestedBy?: string } }>;
  expect(history[0]).toMatchObject({ actor: 'admin', details: { outcome: 'repaired', requestedBy: 'erin' } });
  const noToken = await ws.run(['--admin', facade.adminUrl!, 'divergences', 'list', 'inventory'], { env: {}, now: () => new Date() });
  expect(noToken).toMatchObject({ code: 1, stderr: expect.stringContaining('error: admin API refused GET /routes') });
});

it('without its key a stored request cannot be opened: list still works, show and replay say where the key is looked for', async () => {
  await send(`${facade.url}/api/inventory/item/1`, 'POST', Buffer.from('{}'), { 'content-type': 'application/json' });
  await facade.waitForDone(1);
  const keyFile = path.join(path.dirname(facade.config.state.db), 'divergence.key');
  fs.renameSync(keyFile, `${keyFile}.moved`);
  expect((await cli(['divergences', 'list', 'inventory'])).code).toBe(0);
  expect(await cli(['divergences', 'show', 'inventory', '1'])).toMatchObject({ code: 1, stderr: `error: no divergence key: ${keyFile} is missing and STRANGLER_DIVERGENCE_KEY is not set (the facade that recorded the divergences created it)\n` });
  const wrongKey = await cli(['divergences', 'replay', 'inventory'], { env: { USER: 'dana', STRANGLER_DIVERGENCE_KEY: randomBytes(32).toString('base64') } });
  expect(wrongKey).toMatchObject({ code: 1, stderr: expect.stringContaining('the divergence key is not the one it was sealed with') });
  expect(fs.existsSync(keyFile)).toBe(false); // the CLI never makes a key of its own
});
