// A write the authoritative side refused inside a 200 (probes14: a Mercurial push a hook on the
// monolith aborted, `abort: push failed on remote`, its bundle2 reply an `error:abort` part) went
// to the other side all the same, which applied it: at dualwrite the service held changesets the
// monolith never took, and no divergence told the two apart. Such a write is now what a 4xx is: not
// sent to the other side. A failure that may be partial (a JSON-RPC batch with one failed member)
// still goes to both.
import { setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade | undefined;

// hg serve 6.3's reply to `POST /?cmd=unbundle` refused by a pretxnchangegroup hook: output parts, then ERROR:ABORT.
const HG_ABORT = Buffer.from('SEcyMAAAAAAAAAAbBm91dHB1dAAAAAAAAQsBaW4tcmVwbHktdG8zAAAASGFkZGluZyBjaGFuZ2VzZXRzCmFkZGluZyBtYW5pZmVzdHMKYWRkaW5nIGZpbGUgY2hhbmdlcwpkZW5pZWQgYnkgcG9saWN5CgAAAAAAAAANBm91dHB1dAAAAAEAAAAAACZ0cmFuc2FjdGlvbiBhYm9ydCEKcm9sbGJhY2sgY29tcGxldGVkCgAAAAAAAABLC0VSUk9SOkFCT1JUAAAAAgEABzBtZXNzYWdlcHJldHhuY2hhbmdlZ3JvdXAuZGVueSBob29rIGV4aXRlZCB3aXRoIHN0YXR1cyAxAAAAAAAAAAA=', 'base64');

beforeEach(async () => {
  monolith = await startUpstream('monolith', (req, res) => {
    if (req.url === '/?cmd=unbundle') {
      res.writeHead(200, { 'content-type': 'application/mercurial-0.1' }).end(HG_ABORT);
    } else if (req.url === '/rpc') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: 7, error: { code: -32000, message: 'insufficient funds' } }));
    } else if (req.url === '/rpc/batch') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify([{ jsonrpc: '2.0', id: 1, result: true }, { jsonrpc: '2.0', id: 2, error: { code: -32000, message: 'no such account' } }]));
    } else {
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
    }
  });
  service = await startUpstream('service', (req, res) => { res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'); });
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { next: { url: service.url } },
    routes: [{ name: 'app', match: { path: '/**' }, service: 'next' }],
  });
  await setStage(facade.adminUrl!, 'app', 'dualwrite');
});

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith.close(), service.close()]);
});

async function write(path: string, contentType: string, body: Buffer | string): Promise<Buffer> {
  const res = await fetch(`${facade!.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  expect(res.status).toBeLessThan(300);
  return Buffer.from(await res.arrayBuffer());
}

it('a push or a call the monolith refused inside its 200 reaches neither the service nor the divergences; the client gets the refusal', async () => {
  const f = facade!;
  expect(await write('/?cmd=unbundle', 'application/mercurial-0.1', Buffer.from('HG20 changesets'))).toEqual(HG_ABORT);
  await write('/rpc', 'application/json', '{"jsonrpc":"2.0","id":7,"method":"debit","params":[500]}');
  await write('/orders', 'application/json', '{"sku":"A"}'); // a write the monolith took, sent on as before
  await f.waitForDone(3);
  expect(service.received.map((r) => r.url)).toEqual(['/orders']);
  expect(await f.divergences.list('app')).toEqual([]);
});

it('a JSON-RPC batch one member of which failed may have been applied in part: it still goes to the service', async () => {
  const f = facade!;
  await write('/rpc/batch', 'application/json', '[{"jsonrpc":"2.0","id":1,"method":"credit"},{"jsonrpc":"2.0","id":2,"method":"debit"}]');
  await f.waitForDone(1);
  expect(service.received.map((r) => r.url)).toEqual(['/rpc/batch']);
});
