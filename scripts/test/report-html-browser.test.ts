// The HTML report in a real browser (Debian's headless Chromium driven by playwright-core): the
// SVG charts and tables render, the top endpoint and its real field come before the noise, long
// field paths and values wrap instead of widening the page, a short run's bars stay slim, nothing
// is fetched from the network, an injected <script> stays text, and a screenshot is saved to
// reports/report-screenshot.png for people to look at.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { renderHtml } from '../report/html';
import type { Report } from '../../facade/src/core/report-types';
import { fixtureReport, ITEM } from './fixtures/report-fixture';

const CHROMIUM = process.env.STRANGLER_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOT = path.resolve(__dirname, '../../reports/report-screenshot.png');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let dir: string;
let context: BrowserContext;
let page: Page;
/** What the page's elements offer that these tests use (the package compiles without the DOM lib). */
interface Sized { getBoundingClientRect(): { readonly height: number; readonly width: number } }

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

  // The ranked endpoints lead, the top one with its real fields; noise comes after them.
  const endpointRows = await inventory.locator('table.endpoints tbody tr').evaluateAll(
    (rows) => rows.map((r) => [...r.querySelectorAll('td')].slice(0, 5).map((td) => td.textContent?.trim())));
  expect(endpointRows[0]).toEqual(['1', ITEM, '267', '26', '9.7 %']);
  const realRows = await inventory.locator(`div.endpoint-block[data-endpoint="${ITEM}"] table.real tbody tr`).evaluateAll(
    (rows) => rows.map((r) => [...r.querySelectorAll('td')].slice(0, 3).map((td) => td.textContent?.trim())));
  expect(realRows).toEqual([['$.price', '21', '7.9 %'], ['status', '5', '1.9 %']]);
  const top = async (selector: string): Promise<number> => (await inventory.locator(selector).first().boundingBox())!.y;
  expect(await top('table.endpoints')).toBeLessThan(await top('table.real'));
  expect(await top('table.real')).toBeLessThan(await top('table.unjudged'));
  expect(await top('table.unjudged')).toBeLessThan(await top('table.noise'));
  expect(await top('table.noise')).toBeLessThan(await top('table.ignored'));
  expect(await top('table.ignored')).toBeLessThan(await top('table.divergences'));
  expect(await inventory.locator('table.noise tbody tr').first().textContent()).toContain('the primary disagreed with itself 62 of 84 times');
  expect(await inventory.locator('pre.diff').first().locator('span.add').allTextContents()).toContain('+  "price": "12.05",');
  expect(await page.locator('section[data-route="catalog"] .empty').textContent()).toContain('No comparisons yet');

  fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
  expect(external).toEqual([]);
});

it('long field paths and values wrap at separators instead of widening the page', async () => {
  const long = `$.${Array.from({ length: 40 }, (_, i) => `nested${i}`).join('.')}`;
  await open('long.html', renderHtml(fixtureReport({ pricePath: long, injected: `https://cdn.example.invalid/${'segment/'.repeat(40)}x.png` })));
  // Nothing sticks out sideways: the page is no wider than the window.
  expect(await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
  const cell = page.locator('section[data-route="inventory"] table.real td.field code').first();
  expect(await cell.textContent()).toBe(long);
  // The path is text nodes split by <wbr> after each "."; a line may only end between two of them.
  const layout = await page.evaluate(`(() => {
    const code = document.querySelector('section[data-route="inventory"] table.real td.field code');
    const tops = new Set();
    let split = 0;
    for (const n of code.childNodes) {
      if (n.nodeType !== Node.TEXT_NODE) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const rects = range.getClientRects();
      if (rects.length > 1) split++;
      tops.add(Math.round(rects[0].top));
    }
    return { lines: tops.size, split };
  })()`) as { lines: number; split: number };
  expect(layout.lines).toBeGreaterThan(2); // wrapped over several lines, not cut and not overflowing
  expect(layout.split).toBe(0); // never inside a segment: only after a separator
  expect(external).toEqual([]);
});

it('a two-minute run shows two slim bars, not a filled plot', async () => {
  const report = fixtureReport();
  const timeline: Report['routes'][number]['timeline'] = { bucketMinutes: 1, points: [
    { start: '2024-05-01T11:58', compared: 50, mismatch: 10, noise: 5, mismatchRate: 0.2 },
    { start: '2024-05-01T11:59', compared: 30, mismatch: 3, noise: 0, mismatchRate: 0.1 },
  ] };
  await open('short.html', renderHtml({ ...report, routes: [{ ...report.routes[0], timeline }] }));
  const bars = page.locator('figure.chart-mismatch g.bar rect[fill="#cf222e"]');
  expect(await bars.count()).toBe(2);
  const widths = await bars.evaluateAll((rects) => rects.map((r) => (r as unknown as Sized).getBoundingClientRect().width));
  const plot = (await page.locator('figure.chart-mismatch svg').boundingBox())!.width;
  for (const w of widths) expect(w).toBeLessThan(plot / 8);
  expect(await page.locator('figure.chart-mismatch g.bar text').allTextContents()).toEqual(['20 %', '10 %']);
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
