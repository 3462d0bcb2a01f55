// A PHP application's front controller (phpMyAdmin's `index.php?route=…`) serves every page from one
// path: its comparisons are counted per page, by the routing parameter, so one page's noise is never
// another's evidence.
import { setStage } from '../helpers/admin-client';
import { nextComparisons, startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade | undefined;

beforeEach(async () => {
  // Both sides serve the page the route names: the same answers.
  const page: Handler = (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<html><body><h1>${new URL(req.url ?? '/', 'http://x').searchParams.get('route')}</h1></body></html>`);
  };
  monolith = await startUpstream('monolith', page);
  service = await startUpstream('service', page);
  facade = await startTestFacade({ monolith: { url: monolith.url }, services: { next: { url: service.url } }, routes: [{ name: 'app', match: { path: '/**' }, service: 'next' }] });
  await setStage(facade.adminUrl!, 'app', 'shadow');
});

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith.close(), service.close()]);
});

it('pages of one front controller are endpoints of their own, by their routing parameter; other parameters are not', async () => {
  const compared = nextComparisons(facade!, 3);
  for (const q of ['route=/database/structure&db=shop', 'route=/table/sql&db=shop&table=orders', 'route=/database/structure&db=crm']) {
    await (await fetch(`${facade!.url}/index.php?${q}`)).text();
  }
  expect((await compared).map((r) => r.endpoint)).toEqual([
    'GET /index.php?route=/database/structure', 'GET /index.php?route=/table/sql', 'GET /index.php?route=/database/structure',
  ]);
});
