// The shadow-diff report as ONE self-contained HTML file (`strangler report --html FILE`): inline
// CSS and SVG, no script, no font or image fetched, and a Content-Security-Policy that forbids any
// fetch or script anyway. Per route: verdict, summary tiles, charts, latency and status tables, then
// the findings in reading order (view.ts): endpoints ranked by real-difference rate with their real
// fields and coloured example diffs, unjudged, generated, noise with its evidence, ignored, divergences.
import { breakersHtml } from './breakers';
import type { FieldFinding, Report, RouteReport } from '../../facade/src/core/report-types';
import { OUTCOMES } from '../../facade/src/core/report-types';
import { esc, latencyChart, mismatchRateChart } from './charts';
import { changeText, count, divergenceStatus, endpointSummary, firstLastText, moreEndpointsText, ms, NONE, pct, requestText, stageText, status, value, verdict, when, windowText } from './format';
import { REPORT_CSS } from './html-style';
import { capped, exampleSides, routeView, type FieldRow, type NoiseRow, type RouteView } from './view';

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
    const hot = (o === 'mismatch' || o === 'unjudged' || o === 'error' || o === 'divergence') && r.outcomes[o].count > 0 ? ' hot' : '';
    return tile(`${o}${hot}`, o, count(r.outcomes[o].count), pct(r.outcomes[o].rate));
  });
  return `<div class="tiles">${tile('total', 'comparisons', count(r.total), r.coverage.complete ? 'in the window' : 'newest retained')}${outcomeTiles.join('')}</div>`;
}

function charts(r: RouteReport): string {
  const hasTimeline = r.timeline.points.some((p) => p.compared > 0);
  const hasLatency = r.sides.some((s) => s.latency.samples > 0);
  const nodata = (what: string): string => `<div class="nodata">no ${esc(what)} in this window</div>`;
  return `<div class="charts">
<figure class="chart-mismatch"><figcaption>Real-difference rate over time <small>(mismatch, then noise, of the compared requests)</small></figcaption>${hasTimeline ? mismatchRateChart(r.timeline) : nodata('verdicts')}</figure>
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

/** The unified diff with one coloured line per span: + green, - red, @@ blue; long lines wrap at separators. */
export function diffHtml(diff: string): string {
  const cls = (line: string): string =>
    line.startsWith('+++') || line.startsWith('---') ? 'file' : line.startsWith('@@') ? 'hunk' : line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : 'ctx';
  const lines = diff.replace(/\n$/, '').split('\n').map((line) => `<span class="${cls(line)}">${breakable(line) || ' '}</span>`);
  return `<pre class="diff">${lines.join('')}</pre>`;
}

/**
 * Escaped text with a line-break opportunity (`<wbr>`) after each separator (`.`, `[`, `/`, `,`), so
 * long field paths, endpoints and values wrap where a reader expects (CSS `overflow-wrap: anywhere`
 * is the fallback inside a long token).
 */
export function breakable(text: string): string {
  return esc(text).replace(/([.[/,])/g, '$1<wbr>');
}

const code = (text: string): string => `<code>${breakable(text)}</code>`;
const pill = (cls: FieldFinding['class']): string => `<span class="pill ${cls}">${esc(cls)}</span>`;

function endpointTable(v: RouteView): string {
  const rows = v.endpoints.map(({ rank, endpoint: e }) => `<tr${e.verdicts.mismatch > 0 ? ' class="hot"' : ''}>${num(String(rank))}<td class="endpoint">${code(e.endpoint)}</td>`
    + `${num(count(e.compared))}${num(count(e.verdicts.mismatch))}${num(pct(e.realRate))}${num(count(e.verdicts.unjudged))}${num(count(e.verdicts.noise))}`
    + `${num(count(e.verdicts.generated))}<td class="meta">${esc(firstLastText(e))}</td></tr>`);
  const more = v.moreEndpoints.count > 0 ? `<p class="meta">${esc(moreEndpointsText(v.moreEndpoints))}</p>` : '';
  return `<table class="endpoints">${head(['#', 'endpoint', 'compared', 'real', 'real rate', 'unjudged', 'noise', 'generated', 'seen'],
    [true, false, true, true, true, true, true, true, false])}<tbody>${rows.join('\n')}</tbody></table>${more}`;
}

/** Both values of an example, primary first (already redacted and truncated by the store). */
function valuesHtml(r: RouteReport, x: FieldFinding['example'], max: number): string {
  const sides = exampleSides(r);
  return `${esc(sides.primary)} ${code(value(x.primary, max))} → ${esc(sides.shadow)} ${code(value(x.shadow, max))}`;
}

/** An endpoint with real differences: summary, its real fields, then each field's newest example. */
function endpointBlock(r: RouteReport, e: RouteView['endpoints'][number], shown: Map<string, string>): string {
  const rows = e.real.map((f) => `<tr><td class="field">${code(f.field)}</td>${num(count(f.count))}${num(pct(f.rate))}<td class="why">${esc(f.why)}</td></tr>`);
  const examples = e.real.map((f) => {
    const x = f.example;
    const sameAs = shown.get(x.diff);
    if (x.diff && sameAs === undefined) shown.set(x.diff, x.path);
    const diff = sameAs !== undefined ? `<div class="values meta">Same body diff as ${code(sameAs)} above.</div>` : x.diff ? diffHtml(x.diff) : '';
    return `<div class="example"><header>${code(x.path)} ${pill('real')} ${esc(x.kind)} on ${code(requestText(x))} <span class="meta">at ${esc(when(x.at))} · ${esc(firstLastText(f))}</span></header>
<div class="values">${valuesHtml(r, x, 300)}</div>
${diff}</div>`;
  });
  return `<div class="endpoint-block" data-endpoint="${esc(e.endpoint.endpoint)}"><h4><span class="rank">#${e.rank}</span> ${code(e.endpoint.endpoint)}</h4>
<p class="meta">${esc(endpointSummary(e.endpoint))}</p>
<table class="real">${head(['real field', 'count', 'rate', 'why'], [false, true, true, false])}<tbody>${rows.join('\n')}</tbody></table>
${examples.join('\n')}</div>`;
}

const moreHtml = (n: number, what: string): string => (n > 0 ? `<p class="meta">…and ${esc(count(n))} more ${esc(what)}.</p>` : '');

function classTable(r: RouteReport, cls: string, all: readonly FieldRow[], withExample: boolean): string {
  const { shown: rows, more } = capped(all);
  const body = rows.map((x) => `<tr><td class="endpoint">${code(x.endpoint)}</td><td class="field">${code(x.finding.field)}</td>`
    + `${num(count(x.finding.count))}${num(pct(x.finding.rate))}`
    + `${withExample ? `<td class="example-cell">${code(requestText(x.finding.example))}<br>${valuesHtml(r, x.finding.example, 200)}</td>` : ''}`
    + `<td class="why">${esc(x.finding.why)}</td></tr>`);
  const cols = ['endpoint', 'field', 'count', 'rate', ...(withExample ? ['example'] : []), 'why'];
  return `<table class="${cls}">${head(cols, [false, false, true, true])}<tbody>${body.join('\n')}</tbody></table>${moreHtml(more, 'fields')}`;
}

function noiseTable(all: readonly NoiseRow[]): string {
  const { shown: rows, more } = capped(all);
  const body = rows.map((x) => `<tr><td class="endpoint">${code(x.endpoint)}</td><td class="field">${code(x.field)}</td>`
    + `${num(x.count > 0 ? count(x.count) : NONE)}${num(pct(x.rate))}<td class="why">${esc(x.why)}</td></tr>`);
  return `<table class="noise">${head(['endpoint', 'field', 'count', 'rate', 'evidence'], [false, false, true, true])}<tbody>${body.join('\n')}</tbody></table>${moreHtml(more, 'fields')}`;
}

function divergenceTable(r: RouteReport): string {
  const { shown, more } = capped(r.divergences);
  const body = shown.map((d) => `<tr><td>${esc(when(d.at))}</td><td>${code(`${d.method} ${d.path}`)}</td><td>${esc(divergenceStatus(d))}</td><td class="why">${breakable(d.reason)}</td></tr>`);
  return `<table class="divergences">${head(['at', 'request', 'write → second write', 'reason'])}<tbody>${body.join('\n')}</tbody></table>${moreHtml(more, 'divergences')}`;
}

/** The findings in reading order; sections with nothing in them are left out. */
function findings(r: RouteReport): string[] {
  const v = routeView(r);
  const parts: string[] = [];
  const h3 = (cls: string, title: string, note: string): string => `<h3 class="${cls}">${esc(title)} <small>${esc(note)}</small></h3>`;
  if (v.endpoints.length > 0) {
    const shown = new Map<string, string>();
    parts.push(`<section class="findings endpoints">${h3('endpoints', 'Endpoints', 'ranked by real-difference rate, then count')}`, endpointTable(v),
      ...v.endpoints.filter((e) => e.real.length > 0).map((e) => endpointBlock(r, e, shown)), '</section>');
  }
  if (v.unjudged.length > 0) {
    parts.push(`<section class="findings unjudged">${h3('unjudged', 'Unjudged fields', 'too little evidence to tell noise from a real difference: neither a pass nor a mismatch')}`,
      classTable(r, 'unjudged', v.unjudged, true), '</section>');
  }
  if (v.generated.length > 0) {
    parts.push(`<section class="findings generated">${h3('generated', 'Generated values', 'each side makes its own: compared by format and within a tolerance')}`,
      classTable(r, 'generated', v.generated, false), '</section>');
  }
  if (v.noise.length > 0) {
    parts.push(`<section class="findings noise">${h3('noise', 'Noise', 'evidence (lifetime): the primary disagreed with itself when asked again')}`, noiseTable(v.noise), '</section>');
  }
  if (v.ignored.length > 0) {
    parts.push(`<section class="findings ignored">${h3('ignored', 'Ignored fields', 'moved aside by ignore rules')}`, classTable(r, 'ignored', v.ignored, false), '</section>');
  }
  if (r.divergences.length > 0) {
    parts.push(`<section class="findings divergences">${h3('divergences', 'Divergences', 'second writes the other side missed or answered differently: the two databases disagree')}`,
      divergenceTable(r), '</section>');
  }
  return parts;
}

function routeSection(r: RouteReport, i: number): string {
  const v = verdict(r);
  const parts = [
    `<section class="route tone-${v.tone}" id="${anchor(r.route, i)}" data-route="${esc(r.route)}">`,
    `<h2>${breakable(r.route)} <span class="stage">${esc(stageText(r))}</span></h2>`,
    `<p class="verdict ${v.tone}">${esc(v.text)}</p>`,
    `<p class="meta">Last change: ${esc(changeText(r.lastChange))}</p>`,
  ];
  if (r.total === 0) {
    parts.push(`<div class="empty"><strong>No comparisons yet</strong>Comparisons start once the route is at <code>shadow</code> or <code>live</code> (reads), or <code>dualwrite</code> and later (writes).</div>`);
  } else {
    if (!r.coverage.complete) parts.push(`<p class="notice">${esc(`Counts cover the newest ${count(r.coverage.rows)} retained comparisons (since ${when(r.coverage.oldestAt)}); older rows were pruned.`)}</p>`);
    parts.push(tiles(r), charts(r), sideAndPairTables(r));
  }
  parts.push(...findings(r), '</section>');
  return parts.join('\n');
}

/** The whole report as one self-contained HTML document. */
export function renderHtml(report: Report): string {
  const nav = report.routes.length > 1
    ? `<nav class="routes">${report.routes.map((r, i) => `<a href="#${anchor(r.route, i)}">${esc(r.route)} · ${esc(verdict(r).tone === 'bad' ? '✗' : verdict(r).tone === 'good' ? '✓' : '•')}</a>`).join('')}</nav>`
    : '';
  const body = report.routes.length > 0 ? report.routes.map((r, i) => routeSection(r, i)).join('\n') : '<section class="route"><div class="empty"><strong>No routes to report</strong>Add a route to the config.</div></section>';
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
${breakersHtml(report)}
</main>
<footer>Generated by strangler report. This file is self-contained: it loads nothing from the network.</footer>
</body>
</html>
`;
}
