// The HTML report in a real browser (Debian's headless Chromium driven by playwright-core): the
// SVG charts and tables render, nothing is fetched from the network, an injected <script> stays
// text, and a screenshot is saved to reports/report-screenshot.png for people to look at.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { renderHtml } from '../report/html';
import { fixtureReport } from './fixtures/report-fixture';

const CHROMIUM = process.env.STRANGLER_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT = path.resolve(__dirname, '../../reports/report-screenshot.png');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let dir: string;
let context: BrowserContext;
let page: Page;
/** What the page's elements offer that these tests use (the package compiles without the DOM lib). */
interface Sized { getBoundingClientRect(): { readonly height: number } }

/** Every request the page made that was not for a file:// URL (all of them are aborted). */
const external: string[] = [];

/** Writes `html` to the temp dir and opens it. */
async function open(name: string, html: string): Promise<void> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, html);
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set STRANGLER_CHROMIUM)`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-report-html-'));
  context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  await page.route('**', async (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) { await route.continue(); return; }
    external.push(url);
    await route.abort('blockedbyclient');
  });
});

afterAll(async () => {
  await context?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('renders the charts and tables, fetches nothing, and saves a screenshot', async () => {
  await open('report.html', renderHtml(fixtureReport()));
  const inventory = page.locator('section[data-route="inventory"]');
  const charts = inventory.locator('svg.chart');
  expect(await charts.count()).toBe(2);
  for (const chart of await charts.all()) {
    const box = await chart.boundingBox();
    expect(box?.width).toBeGreaterThan(200);
    expect(box?.height).toBeGreaterThan(80);
  }
  // Bars with a height: the mismatch chart shows the buggy half hour, the latency chart both sides.
  const tallBars = async (selector: string): Promise<number> => inventory.locator(selector).evaluateAll(
    (rects) => rects.filter((r) => (r as unknown as Sized).getBoundingClientRect().height > 1).length);
  expect(await tallBars('figure.chart-mismatch rect[fill="#cf222e"]')).toBeGreaterThanOrEqual(5); // 5-min buckets over the buggy half hour
  expect(await tallBars('figure.chart-latency rect[fill="#0969da"]')).toBeGreaterThan(1);
  expect(await tallBars('figure.chart-latency rect[fill="#6e7781"]')).toBeGreaterThan(1);

  const fieldRows = await inventory.locator('table.fields tbody tr').evaluateAll(
    (rows) => rows.map((r) => [...r.querySelectorAll('td')].slice(0, 2).concat([...r.querySelectorAll('td')].slice(5, 6)).map((td) => td.textContent?.trim())));
  expect(fieldRows).toEqual([['$.updatedAt', '63', 'noise'], ['$.price', '41', 'mismatch'], ['status', '7', 'mismatch'], ['$.etag', '0', 'ignored']]);
  expect(await inventory.locator('pre.diff span.add').first().textContent()).toBe('+  "price": "12.05",');
  expect(await page.locator('section[data-route="catalog"] .empty').textContent()).toContain('No comparisons yet');

  fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
  expect(external).toEqual([]);
});

it('an injected <script> in a diff value is shown as text and never runs', async () => {
  const injected = '<script>window.__pwned = 1</script><img src="https://example.invalid/x.png">';
  await open('injected.html', renderHtml(fixtureReport({ injected })));
  // Strings are evaluated in the page (this package compiles without the DOM lib).
  expect(await page.evaluate('document.querySelectorAll("script, img").length')).toBe(0);
  expect(await page.evaluate('window.__pwned')).toBeUndefined();
  const diffText = await page.locator('section[data-route="inventory"] pre.diff').first().textContent();
  expect(diffText).toContain('<script>window.__pwned = 1</script>');
  expect(external).toEqual([]);
});
