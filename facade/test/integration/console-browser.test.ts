// The web console in a real browser (Debian's headless Chromium driven by playwright-core) against a
// real facade shadowing two real upstreams: without a token the page shows and changes nothing; with
// one it shows the route, its numbers move as traffic flows, a promotion refused by the gate is
// forced with a reason through the page, and the audit log names the token. A read token sees but
// cannot change. Screenshots go to reports/console-*.png (gitignored) for people to look at.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startTestFacade, tempDir, type TestFacade } from '../helpers/facade';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';

const CHROMIUM = process.env.STRANGLER_CHROMIUM ?? '/usr/bin/chromium';
const REPORTS = path.resolve(__dirname, '../../../reports');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const WRITE_TOKEN = 'test-token';
const READ_TOKEN = 'console-read-token';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;
let dir: string;
let context: BrowserContext;
let page: Page;
/** Requests the page made anywhere but the admin server (all aborted). */
const external: string[] = [];
/** Errors the page's script threw or logged. */
const scriptErrors: string[] = [];

/** `{ sku, on_hand }`; the service miscounts every fifth item (a real difference). */
const inventory = (side: 'monolith' | 'service'): Handler => (req, res) => {
  const n = Number(/(\d+)$/.exec(req.url ?? '')?.[1] ?? 0);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ sku: `S${n}`, on_hand: side === 'service' && n % 5 === 0 ? 0 : 3 }));
};

/** Sends `n` reads through the facade and waits until each is compared and stored. */
async function drive(n: number, first: number): Promise<void> {
  const before = facade.done.length;
  for (let i = first; i < first + n; i++) await (await fetch(`${facade.url}/api/inventory/${i}`)).text();
  await facade.waitForDone(before + n);
  await facade.recorder.flush(); // commits the batch now: the recorder tells the console feed
}

/** Waits until the route card's figure reads `text`. */
async function figure(name: string, text: string | RegExp): Promise<void> {
  const loc = page.locator(`section[data-route="inventory"] [data-figure="${name}"]`);
  await loc.filter({ hasText: text }).waitFor();
}

async function signIn(token: string): Promise<void> {
  await page.goto(`${facade.adminUrl}/console`);
  await page.fill('#token', token);
  await page.keyboard.press('Enter');
}

/** What the page's script can fetch without a token (the same origin, as an attacker's script in the page would). */
async function tokenless(): Promise<number[]> {
  return page.evaluate(async () => {
    const calls: Array<[string, RequestInit]> = [
      ['/console/events', {}], ['/report', {}], ['/routes', {}], ['/routes/inventory/history', {}],
      ['/routes/inventory', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"stage":"live","force":true}' }],
      ['/routes/inventory/ignore', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"path":"$.on_hand","reason":"x"}' }],
    ];
    return Promise.all(calls.map(async ([url, init]) => (await fetch(url, init)).status));
  });
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set STRANGLER_CHROMIUM)`);
  monolith = await startUpstream('monolith', inventory('monolith'));
  service = await startUpstream('service', inventory('service'));
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { inventory: { url: service.url } },
    routes: [{ name: 'inventory', match: { path: '/api/inventory/**' }, service: 'inventory'}],
    admin: { tokens: [{ name: 'viewer', token: READ_TOKEN, role: 'read' }] },
  }, { adminToken: WRITE_TOKEN });
  facade.store.change({ route: 'inventory', stage: 'dualwrite', force: true, actor: 'setup', defaultStage: 'off' });
  facade.store.change({ route: 'inventory', stage: 'shadow', actor: 'setup', defaultStage: 'off' });
  (facade.deps.flags as unknown as { reload(): void }).reload();
  dir = tempDir('strangler-console-browser-');
  context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 800 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000); // a missing element fails the step that waited for it, within the test's time
  page.on('pageerror', (err) => scriptErrors.push(err.message));
  page.on('console', (m) => { if (m.type() === 'error') scriptErrors.push(m.text()); });
  await page.route('**', async (route) => {
    if (route.request().url().startsWith(facade.adminUrl!)) { await route.continue(); return; }
    external.push(route.request().url());
    await route.abort('blockedbyclient');
  });
});

afterAll(async () => {
  await context?.close();
  await facade?.close();
  await Promise.all([monolith?.close(), service?.close()]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('without a token the page shows no route and nothing can be read or changed', async () => {
  await page.goto(`${facade.adminUrl}/console`);
  await page.locator('#login').waitFor();
  expect(await page.locator('section[data-route]').count()).toBe(0);
  expect(await tokenless()).toEqual([401, 401, 401, 401, 401, 401]);
  await signIn('not-a-token');
  await page.locator('#login-error').filter({ hasText: /token/i }).waitFor();
  expect(await page.locator('section[data-route]').count()).toBe(0);
  expect(facade.store.history('inventory').map((a) => a.actor)).toEqual(['setup', 'setup']);
  expect(facade.store.ignoreRules('inventory')).toEqual([]);
});

it('shows the route live as traffic flows, and a promotion goes through the gate with a reason into the audit log', async () => {
  scriptErrors.length = 0; // the refused calls above are logged as failed loads
  await signIn(WRITE_TOKEN);
  await page.locator('#viewer').filter({ hasText: 'admin (write)' }).waitFor();
  await figure('stage', 'shadow');
  await figure('comparisons', '0');

  await drive(10, 1);
  await figure('comparisons', /^10$/);
  await figure('mismatch-rate', '20.0 %'); // items 5 and 10 of 1..10
  await drive(10, 11);
  await figure('comparisons', /^20$/);
  const card = page.locator('section[data-route="inventory"]');
  await card.locator('tr[data-endpoint="GET /api/inventory/:id"]').filter({ hasText: '$.on_hand' }).waitFor();
  await card.locator('.gate.fail').filter({ hasText: 'shadow → live: refuses' }).waitFor();
  expect(await card.locator('[data-figure="monolith-latency"]').textContent()).toMatch(/ms \/ .* ms/);
  fs.mkdirSync(REPORTS, { recursive: true });
  await page.screenshot({ path: path.join(REPORTS, 'console-screenshot.png'), fullPage: true });

  // Promote: the gate refuses, so Confirm stays disabled until Force is ticked; then the change goes through.
  await card.getByRole('button', { name: 'Promote to live…' }).click();
  const dialog = page.locator('dialog#change');
  await dialog.locator('.gate.fail').waitFor();
  expect(await dialog.locator('#change-confirm').isDisabled()).toBe(true);
  await page.fill('#change-reason', 'on_hand fix verified by hand');
  await page.check('#change-force');
  await dialog.getByRole('button', { name: 'Force the change' }).click();
  await page.locator('#toast').filter({ hasText: 'inventory: shadow → live, recorded as admin' }).waitFor();
  await figure('stage', 'live');

  const newest = facade.store.history('inventory')[0];
  expect(newest).toMatchObject({ actor: 'admin', from: 'shadow', to: 'live', reason: 'on_hand fix verified by hand', forced: true });
  const viaApi = await (await fetch(`${facade.adminUrl}/routes/inventory/history`, { headers: { authorization: `Bearer ${WRITE_TOKEN}` } })).json() as { history: Array<{ actor: string; to: string }> };
  expect(viaApi.history[0]).toMatchObject({ actor: 'admin', to: 'live' });

  // The route page: ranked endpoint with its example values, latency charts, and the audit entry.
  await card.getByRole('link', { name: 'inventory' }).click();
  const routePage = page.locator('.route-page[data-route="inventory"]');
  await routePage.locator('#history tbody tr').first().filter({ hasText: 'on_hand fix verified by hand' }).waitFor();
  await routePage.locator('details.endpoint summary').first().click();
  const row = routePage.locator('table.fields tr.real').first();
  expect(await row.locator('td').first().textContent()).toBe('$.on_hand');
  expect(await row.locator('pre').allTextContents()).toEqual(['3', '0']);
  expect(await routePage.locator('figure.chart svg rect.bar').count()).toBeGreaterThan(10);
  await page.screenshot({ path: path.join(REPORTS, 'console-route-screenshot.png'), fullPage: true });

  // Roll back with the keyboard only: no gate, a reason, Enter confirms.
  await routePage.getByRole('button', { name: 'Roll back to shadow…' }).focus();
  await page.keyboard.press('Enter');
  await page.keyboard.type('back to shadow while we check');
  await page.keyboard.press('Tab'); // off the textarea, so Enter submits
  await page.locator('#change-confirm').focus();
  await page.keyboard.press('Enter');
  await page.locator('#toast').filter({ hasText: 'inventory: live → shadow' }).waitFor();
  expect(facade.store.history('inventory')[0]).toMatchObject({ actor: 'admin', from: 'live', to: 'shadow', reason: 'back to shadow while we check' });
  expect(external).toEqual([]);
  expect(scriptErrors).toEqual([]);
});

it('a read token sees the numbers but every change button is disabled and the API refuses it; signing out forgets the token', async () => {
  await page.evaluate('sessionStorage.clear()'); // sign out without the button: a fresh tab
  await signIn(READ_TOKEN);
  await page.locator('#viewer').filter({ hasText: 'viewer (read)' }).waitFor();
  await figure('comparisons', /^20$/);
  const buttons = page.locator('section[data-route="inventory"] .actions button');
  expect(await buttons.evaluateAll((bs) => bs.map((b) => (b as unknown as { disabled: boolean }).disabled))).toEqual([true, true, true, true]);
  const status = await page.evaluate(async (token) => (await fetch('/routes/inventory', {
    method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"stage":"off","force":true}',
  })).status, READ_TOKEN);
  expect(status).toBe(403);
  expect(facade.store.history('inventory')[0].to).toBe('shadow');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('#login').waitFor();
  expect([await page.locator('section[data-route]').count(), await page.evaluate('sessionStorage.length')]).toEqual([0, 0]);
});

it('on a narrow window nothing widens the page', async () => {
  await page.setViewportSize({ width: 420, height: 800 });
  await signIn(READ_TOKEN);
  await page.locator('section[data-route="inventory"]').waitFor();
  await page.goto(`${facade.adminUrl}/console#/route/inventory`);
  await page.locator('.route-page').waitFor();
  const widths = await page.evaluate('[document.documentElement.scrollWidth, window.innerWidth]') as number[];
  expect(widths[0]).toBeLessThanOrEqual(widths[1]);
  await page.screenshot({ path: path.join(REPORTS, 'console-narrow-screenshot.png'), fullPage: true });
});
