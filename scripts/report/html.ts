// The shadow-diff report as ONE self-contained HTML file (`strangler report --html FILE`): inline
// CSS and SVG, no script, no font or image fetched, and a Content-Security-Policy that forbids any
// fetch or script anyway. Per route: verdict, summary tiles, charts, tables and coloured example diffs.
import type { FieldExample, FieldReport, Report, RouteReport } from '../../facade/src/core/report-types';
import { OUTCOMES } from '../../facade/src/core/report-types';
import { esc, latencyChart, mismatchRateChart } from './charts';
import { changeText, count, ms, pct, seenText, stageText, status, value, verdict, when, windowText } from './format';
import { REPORT_CSS } from './html-style';

/** Forbids every fetch and every script: the file can only show what it contains. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const num = (text: string): string => `<td class="num">${esc(text)}</td>`;
const head = (cells: readonly string[], numeric: readonly boolean[] = []): string =>
  `<thead><tr>${cells.map((c, i) => `<th${numeric[i] ? ' class="num"' : ''}>${esc(c)}</th>`).join('')}</tr></thead>`;

function anchor(route: string, i: number): string {
  return `route-${i}-${route.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').slice(0, 60)}`;
}

function tiles(r: RouteReport): string {
  const tile = (cls: string, label: string, val: string, rate: string): string =>
    `<div class="tile ${cls}"><span class="label">${esc(label)}</span><span class="value">${esc(val)}</span><span class="rate">${esc(rate)}</span></div>`;
  const outcomeTiles = OUTCOMES.map((o) => {
    const hot = (o === 'mismatch' || o === 'error' || o === 'divergence') && r.outcomes[o].count > 0 ? ' hot' : '';
    return tile(`${o}${hot}`, o, count(r.outcomes[o].count), pct(r.outcomes[o].rate));
  });
  return `<div class="tiles">${tile('total', 'comparisons', count(r.total), r.coverage.complete ? 'in the window' : 'newest retained')}${outcomeTiles.join('')}</div>`;
}

function charts(r: RouteReport): string {
  const hasTimeline = r.timeline.points.some((p) => p.compared > 0);
  const hasLatency = r.sides.some((s) => s.latency.samples > 0);
  const nodata = (what: string): string => `<div class="nodata">no ${esc(what)} in this window</div>`;
  return `<div class="charts">
<figure class="chart-mismatch"><figcaption>Mismatch rate over time</figcaption>${hasTimeline ? mismatchRateChart(r.timeline) : nodata('verdicts')}</figure>
<figure class="chart-latency"><figcaption>Latency distribution per side</figcaption>${hasLatency ? latencyChart(r.sides) : nodata('latencies')}</figure>
</div>`;
}

function sideAndPairTables(r: RouteReport): string {
  const sides = r.sides.map((s) => `<tr><td><strong>${esc(s.side)}</strong></td>${num(count(s.latency.samples))}${num(ms(s.latency.p50))}${num(ms(s.latency.p95))}`
    + `${num(ms(s.latency.p99))}${num(`${count(s.errors)}/${count(s.requests)}`)}${num(pct(s.errorRate))}</tr>`);
  const other = (s: string): string => (s === 'monolith' ? 'service' : 'monolith');
  const pairs = r.statusPairs.slice(0, 10).map((p) => `<tr><td>${esc(p.primarySide)} <code>${esc(status(p.primary))}</code></td>`
    + `<td>→ ${esc(other(p.primarySide))} <code>${esc(status(p.shadow))}</code></td>${num(count(p.count))}</tr>`);
  return `<div class="pair">
<div><h3>Latency and errors</h3><table class="sides">${head(['side', 'samples', 'p50', 'p95', 'p99', 'errors', 'error rate'], [false, true, true, true, true, true, true])}<tbody>${sides.join('')}</tbody></table></div>
<div><h3>Status pairs <small>primary → shadow</small></h3><table class="pairs">${head(['primary', 'shadow', 'count'], [false, false, true])}<tbody>${pairs.join('')}</tbody></table></div>
</div>`;
}

function fieldTable(r: RouteReport, windowed: boolean): string {
  const rows = r.fields.top.map((f) => `<tr><td><code>${esc(f.field)}</code></td>${num(count(f.mismatches))}${num(pct(f.mismatchRate))}`
    + `${num(pct(f.noiseRate))}${num(count(f.ignored))}<td><span class="pill ${f.class}">${esc(f.class)}</span></td><td class="why">${esc(f.why)}</td></tr>`);
  const scope = windowed ? ' — lifetime, not limited by the window' : '';
  const more = r.fields.omitted > 0 ? `<p class="meta">…and ${esc(count(r.fields.omitted))} more fields.</p>` : '';
  return `<h3>Top differing fields <small>${esc(`${count(r.fields.compared)} comparisons, ${count(r.fields.noiseSamples)} noise samples${scope}`)}</small></h3>
<table class="fields">${head(['field', 'mismatches', 'mismatch rate', 'noise rate', 'ignored', 'class', 'why'], [false, true, true, true, true, false, false])}<tbody>${rows.join('\n')}</tbody></table>${more}`;
}

/** The unified diff with one coloured line per span: + green, - red, @@ blue. */
export function diffHtml(diff: string): string {
  const cls = (line: string): string =>
    line.startsWith('+++') || line.startsWith('---') ? 'file' : line.startsWith('@@') ? 'hunk' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : 'ctx';
  const lines = diff.replace(/\n$/, '').split('\n').map((line) => `<span class="${cls(line)}">${esc(line) || ' '}</span>`);
  return `<pre class="diff">${lines.join('')}</pre>`;
}

function exampleHtml(f: FieldReport, e: FieldExample, sameAs: string | undefined): string {
  const p = e.primarySide ?? 'primary';
  const s = e.primarySide === null ? 'shadow' : e.primarySide === 'monolith' ? 'service' : 'monolith';
  const ignored = e.ignoredBecause !== null ? `<br>ignored: ${esc(e.ignoredBecause)}` : '';
  return `<div class="example"><header><code>${esc(e.path)}</code> <span class="pill ${f.class}">${esc(f.class)}</span> ${esc(e.kind)} · <span class="meta">${esc(seenText(e))}</span></header>
<div class="values">${esc(p)} <code>${esc(value(e.primary, 300))}</code> → ${esc(s)} <code>${esc(value(e.shadow, 300))}</code>${ignored}</div>
${sameAs !== undefined ? `<div class="values meta">Same body diff as <code>${esc(sameAs)}</code> above.</div>` : e.diff ? diffHtml(e.diff) : ''}</div>`;
}

function routeSection(r: RouteReport, i: number, windowed: boolean): string {
  const v = verdict(r);
  const parts = [
    `<section class="route tone-${v.tone}" id="${anchor(r.route, i)}" data-route="${esc(r.route)}">`,
    `<h2>${esc(r.route)} <span class="stage">${esc(stageText(r))}</span></h2>`,
    `<p class="verdict ${v.tone}">${esc(v.text)}</p>`,
    `<p class="meta">Last change: ${esc(changeText(r.lastChange))}</p>`,
  ];
  if (r.total === 0) {
    parts.push(`<div class="empty"><strong>No comparisons yet</strong>Comparisons start once the route is at <code>shadow</code> or <code>live</code> (reads), or <code>dualwrite</code> and later (writes).</div>`);
  } else {
    if (!r.coverage.complete) parts.push(`<p class="notice">${esc(`Counts cover the newest ${count(r.coverage.rows)} retained comparisons (since ${when(r.coverage.oldestAt)}); older rows were pruned.`)}</p>`);
    parts.push(tiles(r), charts(r), sideAndPairTables(r));
  }
  if (r.fields.top.length > 0) {
    parts.push(fieldTable(r, windowed));
    const shown = new Map<string, string>();
    const examples = r.fields.top.filter((f) => f.example).map((f) => {
      const e = f.example!;
      const sameAs = shown.get(e.diff);
      if (e.diff && sameAs === undefined) shown.set(e.diff, e.path);
      return exampleHtml(f, e, sameAs);
    });
    if (examples.length > 0) parts.push('<h3>Examples <small>newest stored difference per field, redacted</small></h3>', ...examples);
  }
  parts.push('</section>');
  return parts.join('\n');
}

/** The whole report as one self-contained HTML document. */
export function renderHtml(report: Report): string {
  const windowed = report.window.since !== null;
  const nav = report.routes.length > 1
    ? `<nav class="routes">${report.routes.map((r, i) => `<a href="#${anchor(r.route, i)}">${esc(r.route)} · ${esc(verdict(r).tone === 'bad' ? '✗' : verdict(r).tone === 'good' ? '✓' : '•')}</a>`).join('')}</nav>`
    : '';
  const body = report.routes.length > 0 ? report.routes.map((r, i) => routeSection(r, i, windowed)).join('\n') : '<section class="route"><div class="empty"><strong>No routes to report</strong>Add a route to the config.</div></section>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shadow-diff report · ${esc(when(report.generatedAt))}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header class="top"><h1>Shadow-diff report</h1><p>${esc(`Window: ${windowText(report)} · generated ${when(report.generatedAt)} · ${report.routes.length} route${report.routes.length === 1 ? '' : 's'}`)}</p></header>
${nav}
<main>
${body}
</main>
<footer>Generated by strangler report. This file is self-contained: it loads nothing from the network.</footer>
</body>
</html>
`;
}
