// The report renderers on a fixture report: text with and without ANSI colour, Markdown for a
// pull request, and the HTML file (SVG charts, no external resources, everything escaped).
import { renderHtml } from '../report/html';
import { mdCode, mdFence, mdText, renderMarkdown } from '../report/markdown';
import { renderText, visible } from '../report/text';
import { fixtureReport } from './fixtures/report-fixture';

const ANSI = /\u001b\[/;
const INJECTED = '<script>alert("x")</script>';

describe('text', () => {
  it('without colour has no ANSI codes and shows every route, the tables and the example diff', () => {
    const out = renderText(fixtureReport(), { color: false });
    expect(out).not.toMatch(ANSI);
    expect(out).toContain('━━ inventory ━━ stage shadow');
    expect(out).toMatch(/mismatch\s+38\s+10\.6 %/);
    expect(out).toMatch(/\$\.price\s+41\s+11\.5 %\s+0\.0 %\s+0\s+mismatch/);
    expect(out).toMatch(/monolith 200\s+→\s+service 500\s+7/);
    expect(out).toContain('-  "price": "12.50",');
    expect(out).toContain('━━ catalog ━━ stage off');
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
    // A text body's diff carries the upstream's bytes as they are.
    const report = fixtureReport();
    const [inventory] = report.routes;
    const raw = { ...inventory, fields: { ...inventory.fields, top: inventory.fields.top.map((f) => ({ ...f, field: `${f.field}\u001b[2J`,
      example: f.example && { ...f.example, diff: '--- primary\n+++ shadow\n-ok\n+\u001b]0;pwned\u0007\n' } })) } };
    const out = renderText({ ...report, routes: [raw] }, { color: false });
    expect(out).not.toMatch(/\u001b|\u0007/);
    expect(out).toContain('+\\x1b]0;pwned\\x07');
    expect(out).toContain('$.price\\x1b[2J');
    expect(visible('a\tb\u009bc')).toBe('a\\x09b\\x9bc');
  });

  it('labels field aggregates as lifetime when a window is given', () => {
    const since = new Date('2024-05-01T11:45:00.000Z');
    expect(renderText(fixtureReport({ since }), { color: false })).toContain('Top differing fields (lifetime, not limited by --since)');
    expect(renderText(fixtureReport(), { color: false })).not.toContain('lifetime');
  });
});

describe('markdown', () => {
  it('has a heading per route, pipe tables and the example diff in a diff fence', () => {
    const md = renderMarkdown(fixtureReport());
    expect(md).toContain('## inventory — stage `shadow`');
    expect(md).toContain('| field | mismatches | mismatch rate | noise rate | ignored | class | why |');
    expect(md).toContain('| `$.price` | 41 | 11.5 % | 0.0 % | 0 | 🔴 mismatch |');
    expect(md).toMatch(/```diff\n--- primary\n\+\+\+ shadow\n@@ -1,5 \+1,5 @@\n[\s\S]*?\n```\n/);
    expect(md).toContain('## catalog — stage `off`');
    expect(md).toContain('No comparisons yet');
  });

  it('escapes data for table cells, inline code and fences', () => {
    expect(mdText('a|b <i>*x*</i>')).toBe('a\\|b &lt;i&gt;\\*x\\*&lt;/i&gt;');
    expect(mdCode('a`b', true)).toBe('``a`b``');
    expect(mdCode('x|y', true)).toBe('`x\\|y`');
    expect(mdFence('diff', '+```\n')).toBe('````diff\n+```\n````');
    const md = renderMarkdown(fixtureReport({ injected: INJECTED }));
    const outsideCode = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '').replace(/(`+)[^`]*?\1/g, '');
    expect(outsideCode).not.toContain('<script'); // only inside code spans and fences, never as raw HTML
    expect(md).toContain(`+  "price": ${JSON.stringify(INJECTED)},`);
  });
});

describe('html', () => {
  it('is one self-contained document with SVG charts, tables and coloured diffs', () => {
    const html = renderHtml(fixtureReport());
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<svg /g)).toHaveLength(2); // catalog has no comparisons, so no charts
    expect(html).toContain('<table class="fields">');
    expect(html).toContain('<span class="add">+  &quot;price&quot;: &quot;12.05&quot;,</span>');
    expect(html).toContain('<span class="del">-  &quot;price&quot;: &quot;12.50&quot;,</span>');
    expect(html).toContain('No comparisons yet');
    expect(html).not.toMatch(/NaN|undefined/);
    expect(html).not.toMatch(/<script|<link|@import|url\(|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
    expect(html).toContain("Content-Security-Policy\" content=\"default-src 'none'");
  });

  it('escapes a <script> injected into a diff value', () => {
    const html = renderHtml(fixtureReport({ injected: INJECTED }));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(');
  });

  it('escapes route names and field paths everywhere', () => {
    const report = fixtureReport();
    const evil = { ...report, routes: [{ ...report.routes[1], route: '"><img src=x onerror=alert(1)>' }] };
    const html = renderHtml(evil);
    expect(html).not.toContain('<img');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });
});
