// A second write the other side answered with a redirect to its sign-in page (a session it did not
// know, a login that expired there) was counted as applied, its status being below 400: the write
// was lost with no divergence (probes14: Django's admin at dualwrite before sessions were paired).
import { setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade | undefined;

beforeAll(async () => {
  // The monolith takes each save and sends the client to the list; the service sends it to sign in, except for /public.
  monolith = await startUpstream('monolith', (req, res) => {
    res.writeHead(req.url === '/public/feedback' ? 303 : 302, { location: req.url === '/public/feedback' ? '/public/thanks' : '/admin/groups/' }).end();
  });
  service = await startUpstream('service', (req, res) => {
    res.writeHead(req.url === '/public/feedback' ? 303 : 302, { location: req.url === '/public/feedback' ? '/public/thanks' : `/admin/login/?next=${encodeURIComponent(req.url!)}` }).end();
  });
  facade = await startTestFacade({ monolith: { url: monolith.url }, services: { next: { url: service.url } }, routes: [{ name: 'app', match: { path: '/**' }, service: 'next' }] });
  await setStage(facade.adminUrl!, 'app', 'dualwrite');
});

afterAll(async () => {
  await facade?.close();
  await Promise.all([monolith.close(), service.close()]);
});

it('is a divergence that keeps the write; a redirect elsewhere is not one', async () => {
  const f = facade!;
  const save = await fetch(`${f.url}/admin/groups/add/`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=editors' });
  expect([save.status, save.headers.get('location')]).toEqual([302, '/admin/groups/']);
  await fetch(`${f.url}/public/feedback`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'text=hi' });
  await f.waitForDone(2);
  const kept = await f.divergences.list('app');
  expect(kept.map((d) => [d.path, d.reason])).toEqual([['/admin/groups/add/', 'second_write_redirected_to_sign_in']]);
});
