// A WebDAV server behind the facade at `shadow`: PROPFIND (and REPORT, SEARCH) are safe methods, so
// they are read like a GET (a copy compared, never a second write stored as a divergence); a LOCK
// and its UNLOCK are the answering side's own (its token names nothing on the other side); the
// writes under a lock still reach both sides, without the primary's lock token in `If`.
import { setStage } from '../helpers/admin-client';
import { nextComparisons, startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade | undefined;

/** A small DAV server: every side its own lock tokens; a write under a lock needs its token in `If`. */
const dav = (name: string) => {
  let locked: string | null = null;
  return startUpstream(name, (req, res) => {
    if (req.method === 'PROPFIND') {
      res.writeHead(name === 'service' && req.url === '/dav/missing.txt' ? 404 : 207, { 'content-type': 'application/xml; charset=utf-8' });
      res.end('<?xml version="1.0"?><D:multistatus xmlns:D="DAV:"><D:response><D:href>/dav/a.txt</D:href></D:response></D:multistatus>');
    } else if (req.method === 'LOCK') {
      locked = `opaquelocktoken:${name}-${Math.random().toString(16).slice(2)}`;
      res.writeHead(200, { 'content-type': 'application/xml', 'lock-token': `<${locked}>` });
      res.end('<?xml version="1.0"?><D:prop xmlns:D="DAV:"/>');
    } else if (req.method === 'UNLOCK') {
      const ok = locked !== null && req.headers['lock-token'] === `<${locked}>`;
      if (ok) locked = null;
      res.writeHead(ok ? 204 : 400).end();
    } else if (req.method === 'DELETE' && req.url === '/dav/folder/') {
      // The service could not delete one member: 207 naming it (RFC 4918 §9.6.1); the monolith deleted all.
      if (name === 'monolith') res.writeHead(204).end();
      else res.writeHead(207, { 'content-type': 'application/xml' }).end('<?xml version="1.0"?><D:multistatus xmlns:D="DAV:"><D:response><D:href>/dav/folder/kept.txt</D:href><D:status>HTTP/1.1 423 Locked</D:status></D:response></D:multistatus>');
    } else if (req.method === 'PROPPATCH') {
      res.writeHead(207, { 'content-type': 'application/xml' }).end('<?xml version="1.0"?><D:multistatus xmlns:D="DAV:"><D:response><D:href>/dav/a.txt</D:href><D:propstat><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>');
    } else {
      const ok = locked === null || (req.headers.if ?? '').includes(locked);
      res.writeHead(ok ? 201 : 423).end();
    }
  });
};

beforeEach(async () => {
  monolith = await dav('monolith');
  service = await dav('service');
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { files: { url: service.url } },
    routes: [{ name: 'dav', match: { path: '/dav/**' }, service: 'files' }],
  });
  await setStage(facade.adminUrl!, 'dav', 'shadow');
});

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith.close(), service.close()]);
});

it('a PROPFIND is a read: its copy is compared, and a service that lacks the resource is a mismatch, not a divergence', async () => {
  const f = facade!;
  const compared = nextComparisons(f, 1);
  const res = await fetch(`${f.url}/dav/missing.txt`, { method: 'PROPFIND', headers: { depth: '0' } });
  expect(res.status).toBe(207);
  const [record] = await compared;
  expect(record!.outcome).toBe('mismatch');
  expect((await f.divergences.openStats('dav')).count).toBe(0);
});

it('a LOCK and its UNLOCK go to the monolith alone; the write under the lock reaches both, the lock token left out', async () => {
  const f = facade!;
  const lock = await fetch(`${f.url}/dav/a.txt`, { method: 'LOCK', headers: { 'content-type': 'application/xml' }, body: '<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"/>' });
  expect(lock.status).toBe(200);
  const token = lock.headers.get('lock-token')!;
  expect((await fetch(`${f.url}/dav/a.txt`, { method: 'PUT', headers: { if: `(${token})` }, body: 'hello' })).status).toBe(201);
  expect((await fetch(`${f.url}/dav/a.txt`, { method: 'UNLOCK', headers: { 'lock-token': token } })).status).toBe(204);
  await f.waitForDone(3);
  await service.waitFor(1);
  expect(service.received.map((r) => `${r.method} ${r.headers.if ?? '-'}`)).toEqual(['PUT -']);
  expect((await f.divergences.openStats('dav')).count).toBe(0);
});

it('a second write answered 207 with a failed member, where the first side deleted everything, is a divergence; a 207 of successes is not', async () => {
  const f = facade!;
  expect((await fetch(`${f.url}/dav/a.txt`, { method: 'PROPPATCH', headers: { 'content-type': 'application/xml' }, body: '<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"/>' })).status).toBe(207);
  await f.waitForDone(1);
  expect((await f.divergences.openStats('dav')).count).toBe(0);
  expect((await fetch(`${f.url}/dav/folder/`, { method: 'DELETE' })).status).toBe(204);
  await f.waitForDone(2);
  expect((await f.divergences.openStats('dav')).count).toBe(1);
  expect(f.done[1]!.secondWrite).toMatchObject({ ok: true, status: 207 });
});
