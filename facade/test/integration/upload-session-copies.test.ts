// A write that creates something answers with where it went, and each side names its own: a Docker
// registry's blob upload (`POST …/blobs/uploads/` → `202 Location: …/uploads/<uuid>?_state=<hmac>`,
// then `PATCH` chunks to that Location, each answered with the next `_state`, and `PUT …&digest=`),
// a REST create (`201 Location: /orders/17` against `/orders/9001`). Probes17 (docker-registry 2.8 and
// skopeo at dualwrite): every PATCH and PUT copy reached the service under the monolith's upload id,
// 404 there, 27 divergences for one `skopeo copy` of two images, and no blob ever reached the service.
// The copies now go to the location the other side named.
import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { Stage } from '../../src/core/stages';
import { nextComparisons } from '../helpers/facade';
import { startTwoSides, type TwoSides } from '../helpers/two-sides';
import type { Handler } from '../helpers/upstream';

let sides: TwoSides | undefined;
afterEach(async () => { await sides?.close(); sides = undefined; });

/** The registry's upload protocol, with its own secret (each side's `_state` is signed with it) and its own uuids. */
function registry(): { handler: Handler; blobs: Map<string, string> } {
  const secret = randomUUID();
  const uploads = new Map<string, string>();
  const blobs = new Map<string, string>();
  const state = (uuid: string, offset: number): string => `${createHmac('sha256', secret).update(`${uuid}:${offset}`).digest('base64url')}.${offset}`;
  const handler: Handler = (req, res, body) => {
    const u = new URL(req.url!, 'http://x');
    if (req.method === 'POST' && u.pathname === '/v2/r/blobs/uploads/') {
      const uuid = randomUUID();
      uploads.set(uuid, '');
      res.writeHead(202, { location: `/v2/r/blobs/uploads/${uuid}?_state=${state(uuid, 0)}`, 'docker-upload-uuid': uuid, range: '0-0', 'content-length': '0' });
      return res.end();
    }
    const m = /^\/v2\/r\/blobs\/uploads\/([0-9a-f-]{36})$/.exec(u.pathname);
    if (m) {
      const uuid = m[1]!;
      const data = uploads.get(uuid);
      if (data === undefined) { res.writeHead(404, { 'content-type': 'application/json' }); return res.end('{"errors":[{"code":"BLOB_UPLOAD_UNKNOWN"}]}'); }
      if (u.searchParams.get('_state') !== state(uuid, data.length)) { res.writeHead(400, { 'content-type': 'application/json' }); return res.end('{"errors":[{"code":"BLOB_UPLOAD_INVALID"}]}'); }
      const whole = data + body;
      if (req.method === 'PATCH') {
        uploads.set(uuid, whole);
        res.writeHead(202, { location: `/v2/r/blobs/uploads/${uuid}?_state=${state(uuid, whole.length)}`, 'docker-upload-uuid': uuid, range: `0-${whole.length - 1}`, 'content-length': '0' });
        return res.end();
      }
      if (req.method === 'GET') {
        res.writeHead(204, { location: `/v2/r/blobs/uploads/${uuid}?_state=${state(uuid, data.length)}`, 'docker-upload-uuid': uuid, range: `0-${data.length - 1}` });
        return res.end();
      }
      const digest = `sha256:${createHash('sha256').update(whole).digest('hex')}`;
      if (req.method === 'PUT' && u.searchParams.get('digest') === digest) {
        uploads.delete(uuid);
        blobs.set(digest, whole);
        res.writeHead(201, { location: `/v2/r/blobs/${digest}`, 'docker-content-digest': digest, 'content-length': '0' });
        return res.end();
      }
      res.writeHead(400, { 'content-type': 'application/json' });
      return res.end('{"errors":[{"code":"DIGEST_INVALID"}]}');
    }
    const b = /^\/v2\/r\/blobs\/(sha256:[0-9a-f]{64})$/.exec(u.pathname);
    if (b && blobs.has(b[1]!)) { res.writeHead(200, { 'content-type': 'application/octet-stream', 'docker-content-digest': b[1]! }); return res.end(blobs.get(b[1]!)); }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"errors":[{"code":"BLOB_UNKNOWN"}]}');
  };
  return { handler, blobs };
}

/** What a registry client does: POST, two PATCH chunks to each Location it is given, a status GET, PUT with the digest. */
async function push(base: string, chunks: readonly string[]): Promise<string[]> {
  const seen: string[] = [];
  const post = await fetch(`${base}/v2/r/blobs/uploads/`, { method: 'POST' });
  seen.push(`POST ${post.status}`);
  let at = new URL(post.headers.get('location')!, base).toString();
  for (const chunk of chunks) {
    const patch = await fetch(at, { method: 'PATCH', headers: { 'content-type': 'application/octet-stream' }, body: chunk });
    seen.push(`PATCH ${patch.status} ${patch.headers.get('range')}`);
    at = new URL(patch.headers.get('location')!, base).toString();
  }
  const status = await fetch(at);
  seen.push(`GET ${status.status} ${status.headers.get('range')}`);
  const digest = `sha256:${createHash('sha256').update(chunks.join('')).digest('hex')}`;
  const put = await fetch(`${at}&digest=${digest}`, { method: 'PUT' });
  seen.push(`PUT ${put.status} ${put.headers.get('docker-content-digest')}`);
  const got = await fetch(`${base}/v2/r/blobs/${digest}`);
  seen.push(`GET blob ${got.status} ${await got.text()}`);
  return seen;
}

async function pushThrough(stage: Stage): Promise<{ direct: string[]; facade: string[]; mono: ReturnType<typeof registry>; svc: ReturnType<typeof registry> }> {
  const mono = registry();
  const svc = registry();
  sides = await startTwoSides(mono.handler, svc.handler, stage);
  const alone = registry();
  const direct = await startTwoSides(alone.handler, alone.handler, 'off');
  const chunks = ['a'.repeat(3000), 'b'.repeat(2000)];
  try {
    return { direct: await push(direct.facade.url, chunks), facade: await push(sides.facade.url, chunks), mono, svc };
  } finally {
    await direct.close();
  }
}

it.each(['dualwrite', 'live'] as const)('at %s a chunked upload reaches the other side at the upload it opened there: the same blob on both, no divergence', async (stage) => {
  const { direct, facade, mono, svc } = await pushThrough(stage);
  expect(facade).toEqual(direct); // the client sees what it sees without the facade
  await sides!.facade.waitForDone(6, 10_000);
  expect(await sides!.facade.divergences.list('app')).toEqual([]);
  expect([...svc.blobs.entries()]).toEqual([...mono.blobs.entries()]);
  expect(svc.blobs.size).toBe(1);
  // The other side's copies went to its own uuid, with its own `_state` (and the client's `&digest=` kept).
  const other = stage === 'live' ? sides!.monolith : sides!.service;
  const copies = other.received.filter((r) => r.method === 'PATCH' || r.method === 'PUT');
  expect(copies).toHaveLength(3);
  const answering = stage === 'live' ? sides!.service : sides!.monolith;
  const own = new URL(copies[0]!.url, 'http://x').pathname;
  expect(own).not.toBe(new URL(answering.received.find((r) => r.method === 'PATCH')!.url, 'http://x').pathname);
  expect(copies.every((r) => new URL(r.url, 'http://x').pathname === own)).toBe(true);
  expect(copies.at(-1)!.url).toMatch(/\?_state=[^&]+&digest=sha256:[0-9a-f]{64}$/);
});

it('a REST create: the follow-up write and the read of what was created reach the record the service made', async () => {
  const shop = (first: number): { handler: Handler; orders: Map<string, string> } => {
    let next = first;
    const orders = new Map<string, string>();
    const handler: Handler = (req, res, body) => {
      if (req.method === 'POST' && req.url === '/orders') {
        const id = String(next++);
        orders.set(id, body);
        res.writeHead(201, { location: `/orders/${id}`, 'content-type': 'application/json' });
        return res.end(JSON.stringify({ id: Number(id), item: JSON.parse(body).item }));
      }
      const m = /^\/orders\/(\d+)(\/note)?$/.exec(req.url!);
      if (!m || !orders.has(m[1]!)) { res.writeHead(404); return res.end(); }
      if (req.method === 'PUT' && m[2]) orders.set(m[1]!, `${orders.get(m[1]!)} note:${body}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ item: JSON.parse(orders.get(m[1]!)!.split(' note:')[0]!).item, note: orders.get(m[1]!)!.split(' note:')[1] ?? null }));
    };
    return { handler, orders };
  };
  const mono = shop(17);
  const svc = shop(9001);
  sides = await startTwoSides(mono.handler, svc.handler, 'shadow');
  const f = sides.facade;
  const records = nextComparisons(f, 3, 10_000);
  const created = await fetch(`${f.url}/orders`, { method: 'POST', body: JSON.stringify({ item: 'kettle' }) });
  expect(created.headers.get('location')).toBe('/orders/17');
  await f.waitForDone(1, 10_000);
  expect((await fetch(`${f.url}/orders/17/note`, { method: 'PUT', body: 'gift' })).status).toBe(200);
  await f.waitForDone(2, 10_000);
  expect(await (await fetch(`${f.url}/orders/17`)).json()).toEqual({ item: 'kettle', note: 'gift' });
  expect((await records).map((r) => `${r.method} ${r.outcome}`)).toEqual(['POST generated', 'PUT match', 'GET match']);
  expect(await f.divergences.list('app')).toEqual([]);
  expect(svc.orders.get('9001')).toBe('{"item":"kettle"} note:gift');
});

it('locations that differ otherwise than by ids are no pair: a copy under a path the other side did not name goes as sent', async () => {
  // The service sends the create to its sign-in page (`/login`): not its own name for the order.
  const mono: Handler = (req, res) => {
    res.writeHead(req.method === 'POST' ? 303 : 200, req.method === 'POST' ? { location: '/orders/17' } : { 'content-type': 'text/plain' });
    res.end(req.method === 'POST' ? '' : `mono ${req.url}`);
  };
  const svc: Handler = (req, res) => {
    res.writeHead(req.method === 'POST' ? 303 : 200, req.method === 'POST' ? { location: '/login' } : { 'content-type': 'text/plain' });
    res.end(req.method === 'POST' ? '' : `svc ${req.url}`);
  };
  sides = await startTwoSides(mono, svc, 'shadow');
  const f = sides.facade;
  await fetch(`${f.url}/orders`, { method: 'POST', redirect: 'manual' });
  await f.waitForDone(1, 10_000);
  await fetch(`${f.url}/orders/17/edit`, { method: 'POST', redirect: 'manual' });
  await f.waitForDone(2, 10_000);
  expect(sides.service.received.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /orders', 'POST /orders/17/edit']);
});

it('at shadow each side\'s own upload location is generated, not unjudged, and the status read of its own upload is no difference', async () => {
  const mono = registry();
  const svc = registry();
  sides = await startTwoSides(mono.handler, svc.handler, 'shadow');
  const records = nextComparisons(sides.facade, 6, 10_000);
  await push(sides.facade.url, ['a'.repeat(3000), 'b'.repeat(2000)]);
  const got = await records;
  expect(got.map((r) => `${r.method} ${r.outcome}`).sort()).toEqual(['GET generated', 'GET match', 'PATCH generated', 'PATCH generated', 'POST generated', 'PUT match']);
  expect([...svc.blobs.values()]).toEqual([...mono.blobs.values()]);
});
