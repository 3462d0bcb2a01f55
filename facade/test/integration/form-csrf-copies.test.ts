// Double-submit CSRF with the token in the form's body (Django: cookie `csrftoken`, and a masked
// `csrfmiddlewaretoken` field the page's form posts back; the server unmasks the field and compares
// it with the cookie). Probes14, Django's admin in Chromium at shadow: the facade swapped the
// anti-forgery cookie in the service's copies for the one the service set on the page load, but
// could not swap the masked field, so the service got its own cookie beside the client's field: 403
// for the login and for every form save, each a divergence, where the client's own pair would have
// passed. The cookie is swapped only with a header that repeats it (the script's form, still swapped).
import { randomBytes } from 'node:crypto';
import { setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade | undefined;

const mask = (token: string): string => { const salt = randomBytes(4).toString('hex'); return salt + [...token].reverse().join(''); };
const unmask = (field: string): string => [...field.slice(8)].reverse().join('');

/** A form page and its POST, as Django's CsrfViewMiddleware checks them; the header form too (X-CSRFToken: the cookie's value). */
const djangoLike = (): Handler => (req, res, body) => {
  const cookie = /csrftoken=([A-Za-z0-9]+)/.exec(req.headers.cookie ?? '')?.[1];
  if (req.method === 'GET') {
    const token = cookie ?? randomBytes(16).toString('hex');
    res.writeHead(200, { 'content-type': 'text/html', ...(cookie ? {} : { 'set-cookie': `csrftoken=${token}; Path=/; SameSite=Lax` }) });
    res.end(`<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="${mask(token)}"></form>`);
    return;
  }
  const field = new URLSearchParams(body).get('csrfmiddlewaretoken');
  const sent = field !== null ? unmask(field) : req.headers['x-csrftoken'];
  if (cookie === undefined || sent !== cookie) {
    res.writeHead(403, { 'content-type': 'text/html' }).end('<h1>Forbidden</h1> CSRF verification failed.');
    return;
  }
  res.writeHead(302, { location: '/admin/' }).end();
};

beforeEach(async () => {
  monolith = await startUpstream('monolith', djangoLike());
  service = await startUpstream('svc', djangoLike());
  facade = await startTestFacade({ monolith: { url: monolith.url }, services: { svc: { url: service.url } }, routes: [{ name: 'app', match: { path: '/**' }, service: 'svc' }] });
  await setStage(facade.adminUrl!, 'app', 'shadow');
});

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith.close(), service.close()]);
});

/** A browser: the form page (its shadow copy gets the service's own csrftoken), then the form posted back. */
async function page(f: TestFacade): Promise<{ cookie: string; field: string }> {
  const res = await fetch(`${f.url}/admin/login/`);
  const html = await res.text();
  await f.waitForDone(1);
  return { cookie: /csrftoken=[A-Za-z0-9]+/.exec(res.headers.get('set-cookie') ?? '')![0], field: /value="([^"]+)"/.exec(html)![1]! };
}

it("a form whose body carries the client's token reaches the service with the client's own cookie, and is no divergence", async () => {
  const f = facade!;
  const { cookie, field } = await page(f);
  const res = await fetch(`${f.url}/admin/login/`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: `csrfmiddlewaretoken=${field}&username=admin` });
  expect(res.status).toBe(302);
  await f.waitForDone(2);
  expect(await f.divergences.list('app')).toEqual([]);
  expect(service.received.filter((r) => r.method === 'POST').map((r) => r.headers.cookie)).toEqual([cookie]);
});

it("a script's call that repeats the cookie in its header still gets the service's own pair", async () => {
  const f = facade!;
  const { cookie } = await page(f);
  const value = cookie.split('=')[1]!;
  const res = await fetch(`${f.url}/api/items`, { method: 'POST', redirect: 'manual', headers: { cookie, 'x-csrftoken': value, 'content-type': 'application/json' }, body: '{}' });
  expect(res.status).toBe(302);
  await f.waitForDone(2);
  expect(await f.divergences.list('app')).toEqual([]);
  const post = service.received.find((r) => r.method === 'POST')!;
  expect(post.headers.cookie).not.toBe(cookie); // the service's own token, in the cookie and the header alike
  expect(post.headers.cookie).toBe(`csrftoken=${post.headers['x-csrftoken']}`);
});
