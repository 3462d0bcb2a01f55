// A client asks whether a thing exists, then creates it (a registry client's `HEAD …/blobs/<digest>`:
// 404, then the upload, whose `PUT …/uploads/<id>?digest=<digest>` answers `201 Location:
// …/blobs/<digest>`). With other writes in flight the HEAD's shadow copy waits for them, reaches the
// service after the upload landed (200), and the primary asked again agrees with the shadow: `status`
// was learned as noise for the endpoint, and a blob the service really lost later (200 → 404) was
// noise too (probes17, docker-registry and skopeo at shadow: 3 lost blobs passed). The write's
// Location names the path it made: a read of it marked before the write is overlapped, not compared.
import { nextComparisons } from '../helpers/facade';
import { startTwoSides, type TwoSides } from '../helpers/two-sides';
import type { Handler } from '../helpers/upstream';

let sides: TwoSides | undefined;
afterEach(async () => { await sides?.close(); sides = undefined; });

const DIGEST = `sha256:${'ab'.repeat(32)}`;

function store(hold?: { release: Promise<void> }): { handler: Handler; blobs: Set<string> } {
  const blobs = new Set<string>();
  const handler: Handler = (req, res) => {
    const u = new URL(req.url!, 'http://x');
    if (req.method === 'PUT' && u.pathname === '/v2/r/other') {
      // Another write in flight (another layer's upload): the monolith answers it when the test says.
      void (hold?.release ?? Promise.resolve()).then(() => { res.writeHead(201); res.end(); });
      return;
    }
    if (req.method === 'PUT' && u.pathname === '/v2/r/blobs/uploads/1') {
      blobs.add(u.searchParams.get('digest')!);
      res.writeHead(201, { location: `/v2/r/blobs/${u.searchParams.get('digest')}`, 'content-length': '0' });
      return res.end();
    }
    const name = decodeURIComponent(u.pathname.slice('/v2/r/blobs/'.length));
    res.writeHead(blobs.has(name) ? 200 : 404, { 'content-type': blobs.has(name) ? 'application/octet-stream' : 'application/json' });
    res.end();
  };
  return { handler, blobs };
}

it('a read of what a later write created is overlapped by it, not noise; a blob the service lost afterwards is a real difference', async () => {
  let release!: () => void;
  const hold = { release: new Promise<void>((r) => { release = r; }) };
  const mono = store(hold);
  const svc = store();
  sides = await startTwoSides(mono.handler, svc.handler, 'shadow');
  const f = sides.facade;
  const first = nextComparisons(f, 3, 10_000);
  const other = fetch(`${f.url}/v2/r/other`, { method: 'PUT', body: 'x' });
  await sides.monolith.waitFor(1);
  expect((await fetch(`${f.url}/v2/r/blobs/${DIGEST}`, { method: 'HEAD' })).status).toBe(404);
  expect((await fetch(`${f.url}/v2/r/blobs/uploads/1?digest=${DIGEST}`, { method: 'PUT', body: 'blob' })).status).toBe(201);
  await sides.service.waitFor(1); // the upload's copy landed on the service
  release();
  await other;
  const got = await first;
  expect(got.find((r) => r.method === 'HEAD')!.outcome).toBe('skipped');
  expect(got.find((r) => r.method === 'HEAD')!.reason).toBe('write_in_flight');
  // The service loses the blob: the next HEAD is 200 against 404, and the primary stays 200.
  svc.blobs.delete(DIGEST);
  const next = nextComparisons(f, 1, 10_000);
  expect((await fetch(`${f.url}/v2/r/blobs/${DIGEST}`, { method: 'HEAD' })).status).toBe(200);
  const lost = (await next)[0]!;
  expect([lost.primaryStatus, lost.shadowStatus, lost.outcome]).toEqual([200, 404, 'mismatch']);
});
