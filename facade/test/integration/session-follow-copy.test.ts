// A redirect that opens a session, followed at once (Flask-Login's `302 /login?next=…` with a fresh
// signed `session` cookie, the browser's GET /login right after). The service's copy of the first
// request answers later than the monolith; the cookie pair it teaches (client's A → service's B) came
// too late for the copy of the second, which reached the service with a cookie it never issued:
// signed out there, its page a false difference (probes16: Chromium, two users at shadow, a flash
// message "absent" on the service and a 200 → 302). The copy of a request carrying a cookie the
// primary just set waits for the copy of the request that set it.
import { createHmac, randomBytes } from 'node:crypto';
import { setStage } from '../helpers/admin-client';
import { nextComparisons, startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade | undefined;

const sign = (key: string, v: string): string => `${v}.${createHmac('sha256', key).update(v).digest('base64url')}`;
const valid = (key: string, cookie: string | undefined): boolean => {
  const m = /(?:^|;\s*)session=([^.;]+)\.([^;]+)/.exec(cookie ?? '');
  return m !== null && sign(key, m[1]!) === `${m[1]}.${m[2]}`;
};

/** `/start` opens a session (after `hold`, the service's slower answer); `/next` shows whether the client is in one. */
const app = (key: string, hold: () => Promise<void>): Handler => async (req, res) => {
  if (req.url === '/start') {
    await hold();
    res.writeHead(302, { location: '/next', 'set-cookie': `session=${sign(key, randomBytes(12).toString('hex'))}; HttpOnly; Path=/` }).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(valid(key, req.headers.cookie) ? '<p>Signed in.</p>' : '<p>Your session has expired.</p>');
};

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith.close(), service.close()]);
});

it("the copy of a request with the session the primary just set carries the other side's session", async () => {
  // The service answers /start once the copy of /next reached it, or a moment after the monolith got /next.
  let release!: () => void;
  const held = new Promise<void>((r) => { release = r; });
  monolith = await startUpstream('monolith', app('mono-key', async () => undefined));
  service = await startUpstream('svc', app('svc-key', () => held));
  facade = await startTestFacade({ monolith: { url: monolith.url }, services: { svc: { url: service.url } }, routes: [{ name: 'app', match: { path: '/**' }, service: 'svc' }] });
  await setStage(facade.adminUrl!, 'app', 'shadow');
  const recorded = nextComparisons(facade, 2);

  const start = await fetch(`${facade.url}/start`, { redirect: 'manual' });
  const cookie = /session=[^;]+/.exec(start.headers.get('set-cookie') ?? '')![0];
  void service.waitFor(2).then(release, () => undefined);
  void monolith.waitFor(2).then(() => setTimeout(release, 300));
  const next = await fetch(`${facade.url}/next`, { headers: { cookie } });
  expect(await next.text()).toContain('Signed in.');

  const byPath = new Map((await recorded).map((r) => [r.path, r.outcome]));
  expect(byPath.get('/next')).toBe('match');
  const copy = service.received.find((r) => r.url === '/next')!;
  expect(copy.headers.cookie).not.toBe(cookie);
});
