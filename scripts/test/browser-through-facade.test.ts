// A real browser, a client nobody here wrote, through the facade in front of the demo shop.
// The demo stack runs on free ports (300 products, follow mode off) with `catalog` at `complete`
// and `inventory` at `shadow`, so API calls split between the two sides while the HTML pages stay
// on the monolith. Debian's headless Chromium (driven by playwright-core) browses the FACADE's
// URL only: it clicks a product, logs in through the form (302 + HttpOnly session cookie), orders
// through the form (303 to the order page), and calls the JSON API from the page. Every request
// the page makes must go to the facade; anything else is aborted and fails the test. A screenshot
// of the order page is saved to reports/browser-through-facade.png.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { chromium, type BrowserContext, type Page, type Response } from 'playwright-core';
import { runCli } from '../cli';
import { startStack, type Stack } from '../stack';
import { Capture } from './helpers/cli';

const CHROMIUM = process.env.STRANGLER_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT = path.resolve(__dirname, '../../reports/browser-through-facade.png');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TOKEN = 'browser-through-facade-token';
const EMAIL = 'user1@shop.test';
const PASSWORD = 'password1';
const POLL_MS = 50;

let dir: string;
let stack: Stack | undefined;
let context: BrowserContext | undefined;
let page: Page;
let facade: string;
/** Processes of the stack that died while the test ran. */
const crashes: string[] = [];
/** Requests the page tried to send anywhere but 127.0.0.1 (all aborted). */
const blocked: string[] = [];
/** Every request the browser sent (method and URL). */
const sent: string[] = [];
/** Every top-level document the browser received: URL, status, which side answered. */
const documents: { url: string; status: number; side: string | undefined }[] = [];

/** Products the test orders and asks the inventory about, read from the seeded monolith database. */
let ordered: { id: number; sku: string; name: string };
let inventorySku: string;
/** From the order steps, for the later ones. */
let orderId: number;
let userId: number;

interface PageAnswer { status: number; side: string | null; contentType: string | null; body: string }

/** `fetch(url)` from inside the page (same origin: the session cookie goes along). */
function pageFetch(url: string): Promise<PageAnswer> {
  return page.evaluate(async (u) => {
    const r = await fetch(u);
    return { status: r.status, side: r.headers.get('x-strangler-side'), contentType: r.headers.get('content-type'), body: await r.text() };
  }, url);
}

/** Runs `strangler --admin <facade admin> ...` in-process; fails the test on a non-zero exit. */
async function cli(argv: string[]): Promise<string> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(['--config', stack!.configPath, '--admin', stack!.urls.admin, ...argv], {
    stdout, stderr, env: { STRANGLER_ADMIN_TOKEN: TOKEN }, cwd: dir, onInterrupt: () => () => undefined,
  });
  if (code !== 0) throw new Error(`strangler ${argv.join(' ')} exited with ${code}: ${stderr.text || stdout.text}`);
  return stdout.text;
}

/** Polls `probe` every POLL_MS until it returns a value, for at most `ms`. */
async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The response to the first request matching method and path (on the facade) from now on. */
function nextResponse(method: string, pathPattern: RegExp): Promise<Response> {
  return page.waitForResponse((r) => r.request().method() === method && r.url().startsWith(facade)
    && pathPattern.test(new URL(r.url()).pathname));
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set STRANGLER_CHROMIUM)`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-browser-facade-'));
  stack = await startStack({
    dataDir: path.join(dir, 'data'),
    ports: { monolith: 0, catalog: 0, inventory: 0, facade: 0, admin: 0 },
    seedProducts: 300,
    adminToken: TOKEN,
    follow: false,
    onUnexpectedExit: (name, code, signal) => crashes.push(`${name} (code ${code}, signal ${signal})`),
  });
  facade = stack.urls.facade;

  // Both products come from the first 20 (the home page lists them), in stock with room to spare.
  const shop = new Database(stack.dbs.monolith, { readonly: true, fileMustExist: true });
  try {
    const inStock = shop.prepare(
      `SELECT p.id, p.sku, p.name FROM products p JOIN inventory i ON i.sku = p.sku
        WHERE p.id <= 20 AND i.on_hand - i.reserved >= 5 ORDER BY p.id`,
    ).all() as { id: number; sku: string; name: string }[];
    if (inStock.length < 2) throw new Error(`expected two in-stock products among the first 20, got ${inStock.length}`);
    [ordered] = inStock;
    inventorySku = inStock[1].sku;
  } finally {
    shop.close();
  }

  // catalog: off → ... → complete one stage at a time; inventory: off → dualwrite → shadow.
  for (const stage of ['dualwrite', 'shadow', 'live', 'rampdown', 'complete']) {
    await cli(['route', 'set', 'catalog', stage, '--reason', 'browser test: catalog answered by the service']);
  }
  for (const stage of ['dualwrite', 'shadow']) {
    await cli(['route', 'set', 'inventory', stage, '--reason', 'browser test: inventory compared in the shadow']);
  }
  const routes = JSON.parse(await cli(['route', 'list', '--json'])) as { route: string; stage: string; rollout: unknown }[];
  expect(routes.map((r) => [r.route, r.stage, r.rollout])).toEqual([['catalog', 'complete', null], ['inventory', 'shadow', null]]);

  context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1024, height: 700 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  await page.route('**', async (route) => {
    const url = route.request().url();
    if (new URL(url).hostname === '127.0.0.1') { await route.continue(); return; }
    blocked.push(url);
    await route.abort('blockedbyclient');
  });
  page.on('request', (r) => sent.push(`${r.method()} ${r.url()}`));
  page.on('response', (r) => {
    if (r.request().resourceType() === 'document' && r.request().frame() === page.mainFrame()) {
      documents.push({ url: r.url(), status: r.status(), side: r.headers()['x-strangler-side'] });
    }
  });
}, 60_000);

afterAll(async () => {
  try {
    await context?.close();
  } finally {
    await stack?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
});

it('opens the home page through the facade and clicks a product link', async () => {
  const home = await page.goto(`${facade}/`);
  expect(home?.status()).toBe(200);
  expect(home?.headers()['x-strangler-side']).toBe('monolith');
  expect(await page.locator('h1').textContent()).toBe('Welcome to the Legacy Shop');
  expect(await page.locator('ul.products li a').count()).toBe(20);

  const link = page.locator(`ul.products a[href="/products/${ordered.id}"]`);
  expect(await link.textContent()).toBe(ordered.name);
  await Promise.all([page.waitForURL(`${facade}/products/${ordered.id}`), link.click()]);
  expect(await page.locator('h1').textContent()).toBe(ordered.name);
  expect(await page.locator('p.sku').textContent()).toContain(ordered.sku);
  expect(Number(await page.locator('#available').textContent())).toBeGreaterThanOrEqual(5);
  expect(await page.locator('form[action="/orders"] button[type="submit"]').count()).toBe(1);
});

it('logs in through the /login form: follows the 302 and holds the HttpOnly shop_session cookie', async () => {
  expect(await context!.cookies(facade)).toEqual([]);
  await Promise.all([page.waitForURL(`${facade}/login`), page.locator('header a[href="/login"]').click()]);
  await page.locator('input[name="email"]').fill(EMAIL);
  await page.locator('input[name="password"]').fill(PASSWORD);
  const posted = nextResponse('POST', /^\/login$/);
  await Promise.all([page.waitForURL(`${facade}/`), page.locator('form[action="/login"] button[type="submit"]').click()]);

  // The 302 the facade passed on: relative Location, the monolith's Set-Cookie intact.
  const redirect = await posted;
  expect(redirect.status()).toBe(302);
  expect(redirect.headers()['x-strangler-side']).toBe('monolith');
  expect(await redirect.headerValue('location')).toBe('/');
  const setCookie = (await redirect.headerValues('set-cookie')).join('\n');
  expect(setCookie).toMatch(/^shop_session=[^;]+;/);
  expect(setCookie).toMatch(/;\s*Path=\//i);
  expect(setCookie).toMatch(/;\s*HttpOnly/i);
  expect(setCookie).toMatch(/;\s*SameSite=Lax/i);

  // Followed as a GET to the home page, which now knows who we are.
  expect(page.url()).toBe(`${facade}/`);
  expect(documents.at(-1)).toEqual({ url: `${facade}/`, status: 200, side: 'monolith' });
  expect(await page.locator('header .who').textContent()).toBe(`Signed in as ${EMAIL}`);

  const cookies = await context!.cookies(facade);
  expect(cookies.map((c) => c.name)).toEqual(['shop_session']);
  expect(cookies[0]).toMatchObject({ domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Lax', secure: false });
  expect(cookies[0].value.length).toBeGreaterThan(10);
  // HttpOnly for real: the page's script cannot read it.
  expect(await page.evaluate('document.cookie')).not.toContain('shop_session');
});

it('orders through the product page form: follows the 303 to /orders/:id, which shows the order', async () => {
  await Promise.all([page.waitForURL(`${facade}/products/${ordered.id}`), page.locator(`ul.products a[href="/products/${ordered.id}"]`).click()]);
  expect(await page.locator('header .who').textContent()).toBe(`Signed in as ${EMAIL}`);
  await page.locator('input[name="quantity"]').fill('2');
  const posted = nextResponse('POST', /^\/orders$/);
  const shown = nextResponse('GET', /^\/orders\/\d+$/);
  await Promise.all([page.waitForURL(/\/orders\/\d+$/), page.locator('form[action="/orders"] button[type="submit"]').click()]);

  const redirect = await posted;
  expect(redirect.status()).toBe(303);
  expect(redirect.headers()['x-strangler-side']).toBe('monolith');
  const location = await redirect.headerValue('location');
  expect(location).toMatch(/^\/orders\/\d+$/);
  orderId = Number(location!.split('/').pop());
  // The urlencoded form body crossed the facade unchanged.
  expect(redirect.request().postData()).toBe(`sku=${ordered.sku}&quantity=2`);

  // 303: the browser followed with a GET to exactly that Location, on the facade.
  const order = await shown;
  expect(order.request().method()).toBe('GET');
  expect(order.request().redirectedFrom()?.method()).toBe('POST');
  expect(order.status()).toBe(200);
  expect(order.headers()['x-strangler-side']).toBe('monolith');
  expect(page.url()).toBe(`${facade}/orders/${orderId}`);

  expect(await page.locator('h1').textContent()).toBe(`Order #${orderId}`);
  expect(await page.locator('p.status strong').textContent()).toBe('placed');
  const rows = await page.locator('table tbody tr').evaluateAll(
    (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
  expect(rows).toHaveLength(1);
  expect(rows[0].slice(0, 2)).toEqual([ordered.sku, '2']);
  expect(await page.locator('header .who').textContent()).toBe(`Signed in as ${EMAIL}`);

  fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(5_000);
});

it("fetch('/api/me') from the page returns the logged-in user (the cookie went back through the facade)", async () => {
  const me = await pageFetch('/api/me');
  expect(me).toMatchObject({ status: 200, side: 'monolith' });
  expect(me.contentType).toMatch(/^application\/json/);
  const user = JSON.parse(me.body) as { id: number; email: string; full_name: string };
  expect(user.email).toBe(EMAIL);
  expect(typeof user.full_name).toBe('string');
  userId = user.id;

  // The order placed through the form belongs to that user: the cookie went along with the POST too.
  const order = await pageFetch(`/api/orders/${orderId}`);
  expect(order.status).toBe(200);
  expect(JSON.parse(order.body)).toMatchObject({ id: orderId, status: 'placed', user_id: userId, items: [{ sku: ordered.sku, quantity: 2 }] });
});

it("fetch('/api/products/3') from the page is answered by the catalog service", async () => {
  const answer = await pageFetch('/api/products/3');
  expect(answer).toMatchObject({ status: 200, side: 'service' });
  expect(answer.contentType).toMatch(/^application\/json/);
  expect(JSON.parse(answer.body)).toMatchObject({ id: 3, sku: 'SKU-000003', currency: 'USD' });
});

it("fetch('/api/inventory/<sku>') is answered by the monolith and compared with the service in the shadow", async () => {
  const answer = await pageFetch(`/api/inventory/${inventorySku}`);
  expect(answer).toMatchObject({ status: 200, side: 'monolith' });
  const record = JSON.parse(answer.body) as { sku: string; available: number };
  expect(record.sku).toBe(inventorySku);
  expect(record.available).toBeGreaterThanOrEqual(5);

  // The comparison is recorded after the answer: poll the state database for its verdict. A
  // sampled request also gets a second row, the noise sample (the monolith asked twice), which
  // is `skipped` with reason `noise_sample` by design.
  const state = new Database(stack!.stateDb, { readonly: true, fileMustExist: true });
  try {
    const rows = () => state.prepare(
      `SELECT route, stage, kind, method, primary_side, primary_status, shadow_status, outcome, reason,
         (SELECT COUNT(*) FROM comparison_fields f WHERE f.comparison_id = c.id) AS mismatched
         FROM comparisons c WHERE path = ? ORDER BY id`,
    ).all(`/api/inventory/${inventorySku}`) as Record<string, unknown>[];
    const verdict = await waitFor('the inventory comparison', () => rows().find((r) => r.reason !== 'noise_sample'));
    expect(verdict).toEqual({
      route: 'inventory', stage: 'shadow', kind: 'read', method: 'GET', primary_side: 'monolith',
      primary_status: 200, shadow_status: 200, outcome: 'match', reason: null, mismatched: 0,
    });
    const others = rows().filter((r) => r.reason === 'noise_sample');
    expect(others.map((r) => [r.route, r.outcome])).toEqual(others.map(() => ['inventory', 'skipped']));
    expect(rows()).toHaveLength(1 + others.length);
    // Nothing at `complete` is compared, and the HTML pages are on no route at all.
    expect(state.prepare(`SELECT route, path FROM comparisons WHERE route <> 'inventory' OR path NOT LIKE '/api/inventory/%'`).all()).toEqual([]);
  } finally {
    state.close();
  }
  // The admin API reports the same.
  const admin = await (await fetch(`${stack!.urls.admin}/routes/inventory/comparisons`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as { endpoints: Array<{ compared: number }>; outcomes: Record<string, number> };
  expect(admin.endpoints.reduce((n, e) => n + e.compared, 0)).toBe(1);
  expect(admin.outcomes.match).toBe(1);
  expect(admin.outcomes.mismatch).toBeUndefined();
});

it('sent every request to the facade and nothing anywhere else; no process died', async () => {
  expect(blocked).toEqual([]);
  expect(sent.length).toBeGreaterThan(8);
  expect(sent.filter((s) => !s.split(' ')[1].startsWith(`${facade}/`))).toEqual([]);
  expect(documents.map((d) => d.side)).toEqual(documents.map(() => 'monolith'));
  expect(crashes).toEqual([]);
  // The guard was live all along: a request to any other host is aborted before it leaves.
  const probe = await page.evaluate(() => fetch('http://example.invalid/probe').then(() => 'answered', () => 'refused'));
  expect(probe).toBe('refused');
  expect(blocked).toEqual(['http://example.invalid/probe']);
});
