// The report renderers on a fixture report (v2: endpoints ranked by real-difference rate, field
// classes, noise evidence, divergences): text with and without ANSI colour, Markdown for a pull
// request, and the HTML file (SVG charts, no external resources, everything escaped, long paths
// wrapping at separators). Assertions are about what a reader sees and in which order.
import { renderHtml, breakable } from '../report/html';
import { mdCode, mdFence, mdText, renderMarkdown } from '../report/markdown';
import { visible } from '../cli/terminal';
import { renderText } from '../report/text';
import { fixtureReport, ITEM, LIST, RESERVE } from './fixtures/report-fixture';

const ANSI = /\u001b\[/;
const INJECTED = '<script>alert("x")</script>';

/** Index of each needle in `text`, failing the test when one is missing. */
function positions(text: string, needles: readonly string[]): number[] {
  return needles.map((n) => {
    const at = text.indexOf(n);
    if (at < 0) throw new Error(`not in the output: ${JSON.stringify(n)}`);
    return at;
  });
}
const ascending = (xs: readonly number[]): boolean => xs.every((x, i) => i === 0 || xs[i - 1] < x);

describe('text', () => {
  it('leads with the top endpoint and its real fields, then unjudged, generated, noise, ignored and divergences', () => {
    const out = renderText(fixtureReport(), { color: false });
    expect(out).not.toMatch(ANSI);
    expect(out).toContain('━━ inventory ━━ stage shadow');
    expect(out).toContain('real differences in 26 of 360 comparisons (7.2 %) on 1 endpoint');
    // Outcome counts include the two v2 classes.
    expect(out).toMatch(/unjudged\s+19\s+5\.3 %/); // the reservation's own updatedAt: a write takes no noise from a read
    expect(out).toMatch(/generated\s+65\s+18\.1 %/);
    expect(out).toMatch(/monolith 200\s+→\s+service 500\s+5/);
    const order = positions(out, [
      `#1 ${ITEM}`, '$.price        21  7.9 %  the primary answered the same when asked again', 'monolith "12.50" → service "12.05"',
      `#2 ${LIST}`, `#3 ${RESERVE}`, 'Unjudged fields', 'Generated values', 'tolerance 60000 ms', 'Noise', 'the primary disagreed with itself 62 of 84 times',
      'Ignored fields', 'ignore rule $.etag: per-process etag', 'Divergences', 'POST /api/inventory/SKU-1001/reserve',
      '━━ catalog ━━ stage off',
    ]);
    expect(ascending(order)).toBe(true);
    expect(out).toMatch(/POST \/api\/inventory\/SKU-1001\/reserve\s+200 → 503\s+second_write_status_503/);
    expect(out).toContain('GET /api/inventory/SKU-1007 at 2024-05-01 11:29:15 UTC');
    expect(out).toContain('-  "price": "12.50",');
    expect(out).toContain('$.on_hand e.g. POST /api/inventory/SKU-1006/reserve at 2024-05-01 11:51:45 UTC: monolith 37 → service 38');
    expect(out).toContain('no comparisons yet');
    expect(out).not.toMatch(/NaN|undefined/);
  });

  it('with colour has ANSI codes, and diff lines are green and red', () => {
    const out = renderText(fixtureReport(), { color: true });
    expect(out).toMatch(ANSI);
    expect(out).toContain('\u001b[32m+  "price": "12.05",\u001b[0m');
    expect(out).toContain('\u001b[31m-  "price": "12.50",\u001b[0m');
  });

  it('shows escape sequences from upstream data instead of sending them to the terminal', () => {
    const evil = '\u001b]0;pwned\u0007\u001b[2J';
    const out = renderText(fixtureReport({ injected: evil, pricePath: '$.price\u001b[31m' }), { color: false });
    expect(out).not.toMatch(/\u001b|\u0007/);
    expect(out).toContain('$.price\\x1b[31m'); // the field path in the table
    expect(out).toContain('service "\\u001b]0;pwned\\u0007\\u001b[2J"'); // the value, as JSON
    expect(out).toContain('+  "price\\x1b[31m": "\\u001b]0;pwned'); // the body diff line
    expect(visible('a\tb\u009bc')).toBe('a\\x09b\\x9bc');
  });

  it('a window narrows the endpoints, and the noise evidence stays', () => {
    const since = new Date('2024-05-01T11:45:00.000Z');
    const out = renderText(fixtureReport({ since }), { color: false });
    expect(out).toContain('window: last 15m');
    expect(out).not.toContain('$.price'); // the price bug ended before the window
    expect(out).toContain('the primary disagreed with itself 62 of 84 times');
  });
});

describe('a route with many endpoints', () => {
  /** The fixture plus 40 more endpoints with only noise, like a route whose ids are not templated. */
  function crowded() {
    const report = fixtureReport();
    const [inventory] = report.routes;
    const list = inventory.endpoints.find((e) => e.endpoint === LIST)!;
    const extra = Array.from({ length: 40 }, (_, i) => ({ ...list, endpoint: `GET /api/extra/${i}` }));
    return { ...report, routes: [{ ...inventory, endpoints: [...inventory.endpoints, ...extra] }] };
  }

  it('lists every endpoint with real or unjudged differences, ten others, and counts the rest', () => {
    const out = renderText(crowded(), { color: false });
    expect(out).toContain(`#1 ${ITEM}`);
    expect(out).toContain(`#3 ${RESERVE}`); // unjudged: always listed
    expect(out).toContain('#12 GET /api/extra/8'); // the tenth endpoint without findings
    expect(out).not.toContain('GET /api/extra/9\n');
    expect(out).toContain('… and 31 more endpoints without real or unjudged differences (1,395 comparisons)');
    expect(renderHtml(crowded())).toContain('… and 31 more endpoints without real or unjudged differences (1,395 comparisons)');
    expect(renderMarkdown(crowded())).toContain('… and 31 more endpoints without real or unjudged differences (1,395 comparisons)');
  });
});

describe('markdown', () => {
  it('has a heading per route, the ranked endpoint table, real fields with a diff fence, then the other classes', () => {
    const md = renderMarkdown(fixtureReport());
    expect(md).toContain('## inventory — stage `shadow`');
    expect(md).toContain('| # | endpoint | compared | real | real rate | unjudged | noise | generated | seen |');
    expect(md).toContain(`| 1 | \`${ITEM}\` | 267 | 26 | 9.7 % | 0 | 58 | 65 |`);
    expect(md).toContain('| `$.price` | 21 | 7.9 % | the primary answered the same when asked again (21 of 21 times)');
    expect(md).toMatch(/```diff\n--- primary\n\+\+\+ shadow\n@@ -1,6 \+1,6 @@\n[\s\S]*?\n```\n/);
    const order = positions(md, [`#### 1. \`${ITEM}\``, '### Unjudged fields', '### Generated values', '### Noise', '### Ignored fields', '### Divergences', '## catalog']);
    expect(ascending(order)).toBe(true);
    expect(md).toContain('No comparisons yet');
  });

  it('escapes data for table cells, inline code and fences', () => {
    expect(mdText('a|b <i>*x*</i>')).toBe('a\\|b &lt;i&gt;\\*x\\*&lt;/i&gt;');
    expect(mdCode('a`b', true)).toBe('``a`b``');
    expect(mdCode('x|y', true)).toBe('`x\\|y`');
    expect(mdFence('diff', '+```\n')).toBe('````diff\n+```\n````');
    const md = renderMarkdown(fixtureReport({ injected: INJECTED, pricePath: '$.a|b' }));
    const outsideCode = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '').replace(/(`+)[^`]*?\1/g, '');
    expect(outsideCode).not.toContain('<script'); // only inside code spans and fences, never as raw HTML
    expect(md).toContain(`+  "price": ${JSON.stringify(INJECTED)},`.replace('price', 'a|b'));
    expect(md).toContain('| `$.a\\|b` | 21 |'); // a pipe in a field path does not split the table row
  });
});

describe('html', () => {
  it('is one self-contained document with SVG charts, ranked endpoints, classes and coloured diffs', () => {
    const html = renderHtml(fixtureReport());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<svg /g)).toHaveLength(2); // catalog has no comparisons, so no charts
    const order = positions(html, ['<table class="endpoints">', `data-endpoint="${ITEM}"`, '<table class="unjudged">', '<table class="generated">',
      '<table class="noise">', '<table class="ignored">', '<table class="divergences">']);
    expect(ascending(order)).toBe(true);
    expect(html).toContain('<span class="add">+  &quot;price&quot;: &quot;12.<wbr>05&quot;,<wbr></span>');
    expect(html).toContain('<span class="del">-  &quot;price&quot;: &quot;12.<wbr>50&quot;,<wbr></span>');
    expect(html).toContain('No comparisons yet');
    expect(html).not.toMatch(/NaN|undefined/);
    expect(html).not.toMatch(/<script|<link|@import|url\(|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
    expect(html).toContain("Content-Security-Policy\" content=\"default-src 'none'");
  });

  it('lets long field paths and values wrap after separators', () => {
    expect(breakable('$.items[3].price')).toBe('$.<wbr>items[<wbr>3].<wbr>price');
    expect(breakable('GET /api/a,b')).toBe('GET /<wbr>api/<wbr>a,<wbr>b');
    const long = `$.${Array.from({ length: 30 }, (_, i) => `level${i}`).join('.')}`;
    const html = renderHtml(fixtureReport({ pricePath: long }));
    expect(html).toContain(`<td class="field"><code>${breakable(long)}</code></td>`);
    expect(html).toMatch(/overflow-wrap: anywhere/);
  });

  it('escapes a <script> injected into a diff value', () => {
    const html = renderHtml(fixtureReport({ injected: INJECTED }));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(');
  });

  it('escapes route names and field paths everywhere', () => {
    const report = fixtureReport({ pricePath: '$.x"><img src=x onerror=alert(2)>' });
    const evil = { ...report, routes: [report.routes[0], { ...report.routes[1], route: '"><img src=x onerror=alert(1)>' }] };
    const html = renderHtml(evil);
    expect(html).not.toContain('<img');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });
});
