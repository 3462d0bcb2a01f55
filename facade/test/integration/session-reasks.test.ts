// A GET of a user's session may change what the session holds (a captcha's code, a Struts token in
// a form): at `shadow` such a page or file is not asked again unless the route says its GETs leave
// sessions alone, and a route's `compare.reask.exclude` paths never are. A request without a
// session still is, and so is a session's JSON (an SPA's API).
import { setStage } from '../helpers/admin-client';
import { nextComparisons, startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade | undefined;

/** A captcha page: a fresh code per answer, kept in the session; under /api, the session's JSON. */
const captcha = (name: string) => startUpstream(name, (req, res) => {
  const code = Math.random().toString(36).slice(2, 8);
  if (req.url?.startsWith('/app/api/')) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ cart: 3, requestId: code }));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<html><body><form method="post"><img alt="${code}" src="/captcha.png"><input name="answer"></form></body></html>`);
});

beforeEach(async () => {
  monolith = await captcha('monolith');
  service = await captcha('catalog');
});

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith.close(), service.close()]);
});

async function start(reask: Record<string, unknown> = {}): Promise<TestFacade> {
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url: service.url } },
    routes: [{ name: 'app', match: { path: '/app/**' }, service: 'catalog', compare: { reask } }],
  });
  await setStage(facade.adminUrl!, 'app', 'shadow');
  return facade;
}

async function get(f: TestFacade, path: string, cookie?: string): Promise<void> {
  const records = nextComparisons(f, 1, 10_000);
  const res = await fetch(f.url + path, { headers: cookie ? { cookie } : {} });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  await records;
}

const reasks = (): number => monolith.received.filter((r) => r.headers['x-strangler-reask'] === '1').length;

it('a GET with a session cookie, or with ;jsessionid= in its URL, runs once on the monolith; one without a session is asked again', async () => {
  const f = await start();
  await get(f, '/app/captcha.jsp', '_ga=GA1.2.3; JSESSIONID=9F2A1C0B');
  await get(f, '/app/captcha.jsp;jsessionid=9F2A1C0B');
  expect(reasks()).toBe(0);
  expect(monolith.received).toHaveLength(2);
  await get(f, '/app/captcha.jsp', '_ga=GA1.2.3');
  expect(reasks()).toBeGreaterThan(0);
  const before = reasks();
  await get(f, '/app/api/cart', 'JSESSIONID=9F2A1C0B');
  expect(reasks()).toBeGreaterThan(before);
});

it('with compare.reask.sessions a session\'s GET is asked again; an excluded path never is', async () => {
  const f = await start({ sessions: true, exclude: ['/app/captcha/**'] });
  await get(f, '/app/page.jsp', 'JSESSIONID=9F2A1C0B');
  expect(reasks()).toBeGreaterThan(0);
  const before = monolith.received.length;
  await get(f, '/app/captcha/image.png');
  expect(monolith.received.length - before).toBe(1);
});
