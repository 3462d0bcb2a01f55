// A form token bound to the side's own session and key (Flask-WTF: a secret kept in the signed
// session cookie, the form's csrf_token an HMAC of it under the app's SECRET_KEY). Probes16, a
// Flask-WTF app with a Flask-Login session in Chromium at shadow: the facade paired the service's
// session cookie with the client's, but the body still carried the monolith's token, which neither
// that session nor the service's key accepts: `400 The CSRF tokens do not match`, every login and
// form save a divergence (with separate keys, every page after the login a 200 → 302 to sign-in too).
// The tokens both sides rendered in the shadowed form page are paired, and the copy carries the service's.
import { createHmac, randomBytes } from 'node:crypto';
import { setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade | undefined;

const b64 = (s: string): string => Buffer.from(s).toString('base64url');
/** An itsdangerous-like signed value: payload, time, HMAC under the instance's key. */
const sign = (key: string, payload: string): string => { const v = `${b64(payload)}.${b64('t')}`; return `${v}.${createHmac('sha1', key).update(v).digest('base64url')}`; };
const unsign = (key: string, signed: string | undefined): string | null => {
  const m = /^([\w-]+\.[\w-]+)\.([\w-]+)$/.exec(signed ?? '');
  return m && createHmac('sha1', key).update(m[1]!).digest('base64url') === m[2] ? Buffer.from(m[1]!.split('.')[0]!, 'base64url').toString() : null;
};

/** A Flask-WTF form: GET renders it (opening a session with its secret when the client has none), POST checks the token. */
const flaskLike = (key: string, applied: string[], refuseAll = false): Handler => (req, res, body) => {
  const session = unsign(key, /(?:^|;\s*)session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1]);
  if (req.method === 'GET') {
    const secret = session ?? randomBytes(20).toString('hex');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...(session ? {} : { 'set-cookie': `session=${sign(key, secret)}; HttpOnly; Path=/` }) });
    res.end(`<form method="post"><input id="csrf_token" name="csrf_token" type="hidden" value="${sign(key, secret)}"><input name="title"></form>`);
    return;
  }
  const field = new URLSearchParams(body).get('csrf_token') ?? undefined;
  if (refuseAll || session === null || unsign(key, field) !== session) {
    res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end('<h1>Bad Request</h1><p>The CSRF tokens do not match.</p>');
    return;
  }
  applied.push(new URLSearchParams(body).get('title')!);
  res.writeHead(302, { location: '/tasks/4' }).end();
};

async function start(refuseAll: boolean): Promise<{ mono: string[]; svc: string[] }> {
  const applied = { mono: [] as string[], svc: [] as string[] };
  monolith = await startUpstream('monolith', flaskLike('mono-key', applied.mono));
  service = await startUpstream('svc', flaskLike('svc-key', applied.svc, refuseAll));
  facade = await startTestFacade({ monolith: { url: monolith.url }, services: { svc: { url: service.url } }, routes: [{ name: 'app', match: { path: '/**' }, service: 'svc' }] });
  await setStage(facade.adminUrl!, 'app', 'shadow');
  return applied;
}

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith.close(), service.close()]);
});

/** A browser: the form page, then the form posted back with the session cookie and the page's token. */
async function post(f: TestFacade, title: string): Promise<number> {
  const res = await fetch(`${f.url}/tasks/new`);
  const html = await res.text();
  await f.waitForDone(1);
  const cookie = /session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0];
  const token = /value="([^"]+)"/.exec(html)![1]!;
  const sent = await fetch(`${f.url}/tasks/new`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: `csrf_token=${encodeURIComponent(token)}&title=${title}` });
  await f.waitForDone(2);
  return sent.status;
}

it("the form's copy carries the service's own token beside its own session: the write reaches the service, no divergence", async () => {
  const applied = await start(false);
  expect(await post(facade!, 'Buy+milk')).toBe(302);
  expect(applied).toEqual({ mono: ['Buy milk'], svc: ['Buy milk'] });
  expect(await facade!.divergences.list('app')).toEqual([]);
});

it('a service that refuses even its own token still makes the write a divergence', async () => {
  const applied = await start(true);
  expect(await post(facade!, 'Buy+milk')).toBe(302);
  expect(applied).toEqual({ mono: ['Buy milk'], svc: [] });
  expect((await facade!.divergences.list('app')).map((d) => d.reason)).toEqual(['second_write_status_400']);
});
