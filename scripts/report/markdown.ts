// The shadow-diff report as GitHub-flavoured Markdown (`strangler report --markdown`), to paste
// into a pull request: a heading per route, pipe tables, the endpoints ranked by real-difference
// rate with their real fields and example diffs in ```diff fences, then unjudged, generated, noise,
// ignored and divergences (view.ts gives the order). Data strings are escaped for their context:
// table cells, inline code, or a fence longer than any backtick run inside it; control characters
// (ANSI escapes, bidi overrides) are made visible, since the Markdown is printed to a terminal first.
import { breakersMarkdown } from './breakers';
import type { Report, RouteReport } from '../../facade/src/core/report-types';
import { OUTCOMES } from '../../facade/src/core/report-types';
import { changeText, count, divergenceStatus, endpointSummary, firstLastText, moreEndpointsText, ms, NONE, pct, replicasText, requestText, seenText, stageText, status, valuesText, verdict, when, windowText } from './format';
import { capped, exampleSides, routeView, type FieldRow, type RouteView } from './view';
import { visible, visibleLines } from '../cli/terminal';

/** Plain text for a table cell or a line: HTML and Markdown specials escaped, one line. */
export function mdText(text: string): string {
  return visible(text.replace(/[\r\n]+/g, ' '))
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1');
}

/** Inline code that survives backticks in the text, and pipes in a table cell (GFM honours `\|` in table code spans). */
export function mdCode(text: string, inTable = false): string {
  const flat = visible(text.replace(/[\r\n]+/g, ' '));
  const oneLine = inTable ? flat.replace(/\|/g, '\\|') : flat;
  const longest = Math.max(0, ...(oneLine.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${oneLine}${pad}${ticks}`;
}

/** A fenced block whose fence is longer than any backtick run in the content. */
export function mdFence(lang: string, content: string): string {
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${visibleLines(content.replace(/\n$/, ''))}\n${fence}`;
}

function pipeTable(header: readonly string[], align: readonly ('l' | 'r')[], rows: readonly string[][]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

function summary(r: RouteReport): string[] {
  const outcomes = pipeTable(['outcome', 'count', 'rate'], ['l', 'r', 'r'], OUTCOMES.map((o) => [o, count(r.outcomes[o].count), pct(r.outcomes[o].rate)]));
  const sides = pipeTable(['side', 'samples', 'p50', 'p95', 'p99', 'errors', 'error rate'], ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    r.sides.map((s) => [s.side, count(s.latency.samples), ms(s.latency.p50), ms(s.latency.p95), ms(s.latency.p99), `${count(s.errors)}/${count(s.requests)}`, pct(s.errorRate)]));
  const other = (s: string): string => (s === 'monolith' ? 'service' : 'monolith');
  const pairs = pipeTable(['primary', 'shadow', 'count'], ['l', 'l', 'r'],
    r.statusPairs.slice(0, 10).map((p) => [`${p.primarySide} ${status(p.primary)}`, `${other(p.primarySide)} ${status(p.shadow)}`, count(p.count)]));
  const out = ['### Outcomes', '', outcomes, '', '### Latency and errors', '', sides, '', '### Status pairs', '', pairs];
  const replicas = replicasText(r);
  if (replicas) out.unshift(`Recorded by replica: ${mdText(replicas)}`, '');
  if (!r.coverage.complete) out.unshift(`> Counts cover the newest ${count(r.coverage.rows)} retained comparisons (since ${when(r.coverage.oldestAt)}); older rows were pruned.`, '');
  return out;
}

function endpointTable(v: RouteView): string {
  const rows = v.endpoints.map(({ rank, endpoint: e }) => [String(rank), mdCode(e.endpoint, true), count(e.compared), count(e.verdicts.mismatch), pct(e.realRate),
    count(e.verdicts.unjudged), count(e.verdicts.noise), count(e.verdicts.generated), mdText(firstLastText(e))]);
  return pipeTable(['#', 'endpoint', 'compared', 'real', 'real rate', 'unjudged', 'noise', 'generated', 'seen'], ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'], rows);
}

/** An endpoint with real differences: its summary, its real fields, and the newest example of each. */
function endpointBlock(r: RouteReport, e: RouteView['endpoints'][number], shown: Map<string, string>): string[] {
  const out = ['', `#### ${e.rank}. ${mdCode(e.endpoint.endpoint)}`, '', mdText(endpointSummary(e.endpoint)), '',
    pipeTable(['real field', 'count', 'rate', 'why'], ['l', 'r', 'r', 'l'], e.real.map((f) => [mdCode(f.field, true), count(f.count), pct(f.rate), mdText(f.why)]))];
  const sides = exampleSides(r);
  for (const f of e.real) {
    const x = f.example;
    out.push('', `${mdCode(x.path)} ${mdText(x.kind)} on ${mdCode(requestText(x))} at ${mdText(when(x.at))}: ${mdCode(valuesText(x, sides, 200))} (${mdText(firstLastText(f))})`);
    const same = shown.get(x.diff);
    if (same !== undefined) out.push('', `_Same body diff as ${mdCode(same)} above._`);
    else if (x.diff) { out.push('', mdFence('diff', x.diff)); shown.set(x.diff, x.path); }
  }
  return out;
}

const moreLine = (n: number, what: string): string => (n > 0 ? `\n\n…and ${count(n)} more ${what}.` : '');

function classTable(r: RouteReport, all: readonly FieldRow[], withExample: boolean): string {
  const { shown: rows, more } = capped(all);
  const sides = exampleSides(r);
  const header = ['endpoint', 'field', 'count', 'rate', ...(withExample ? ['example'] : []), 'why'];
  const align: ('l' | 'r')[] = ['l', 'l', 'r', 'r', ...(withExample ? ['l' as const] : []), 'l'];
  return pipeTable(header, align, rows.map((x) => [mdCode(x.endpoint, true), mdCode(x.finding.field, true), count(x.finding.count), pct(x.finding.rate),
    ...(withExample ? [`${mdCode(seenText(x.finding.example), true)}: ${mdCode(valuesText(x.finding.example, sides, 120), true)}`] : []), mdText(x.finding.why)]))
    + moreLine(more, 'fields');
}

/** The findings in reading order; sections with nothing in them are left out. */
function findings(r: RouteReport): string[] {
  const v = routeView(r);
  const out: string[] = [];
  if (v.endpoints.length > 0) {
    out.push('### Endpoints, ranked by real-difference rate', '', endpointTable(v));
    const shown = new Map<string, string>();
    if (v.moreEndpoints.count > 0) out.push('', mdText(moreEndpointsText(v.moreEndpoints)));
    for (const e of v.endpoints) if (e.real.length > 0) out.push(...endpointBlock(r, e, shown));
    out.push('');
  }
  if (v.unjudged.length > 0) {
    out.push('### Unjudged fields', '', '_Too little evidence to tell noise from a real difference: neither a pass nor a mismatch._', '', classTable(r, v.unjudged, true), '');
  }
  if (v.generated.length > 0) {
    out.push('### Generated values', '', '_Each side makes its own: compared by format and within a tolerance._', '', classTable(r, v.generated, false), '');
  }
  if (v.noise.length > 0) {
    const { shown, more } = capped(v.noise);
    const rows = shown.map((x) => [mdCode(x.endpoint, true), mdCode(x.field, true), x.count > 0 ? count(x.count) : NONE, pct(x.rate), mdText(x.why)]);
    out.push('### Noise', '', '_Evidence (lifetime): the primary disagreed with itself when asked again._', '',
      pipeTable(['endpoint', 'field', 'count', 'rate', 'evidence'], ['l', 'l', 'r', 'r', 'l'], rows) + moreLine(more, 'fields'), '');
  }
  if (v.ignored.length > 0) out.push('### Ignored fields', '', classTable(r, v.ignored, false), '');
  if (r.divergences.length > 0) {
    const { shown, more } = capped(r.divergences);
    const rows = shown.map((d) => [mdText(when(d.at)), mdCode(`${d.method} ${d.path}`, true), mdText(divergenceStatus(d)), mdText(d.reason)]);
    out.push('### Divergences', '', '_Second writes the other side missed or answered differently: the two databases disagree._', '',
      pipeTable(['at', 'request', 'write → second write', 'reason'], ['l', 'l', 'l', 'l'], rows) + moreLine(more, 'divergences'), '');
  }
  return out;
}

function routeSection(r: RouteReport): string {
  const v = verdict(r);
  const mark = { good: '✅', bad: '❌', warn: '⚠️', none: '⏳' }[v.tone];
  const out = [`## ${mdText(r.route)} — stage ${mdCode(stageText(r))}`, '', `${mark} **${mdText(v.text)}**`, '', `Last change: ${mdText(changeText(r.lastChange))}`, ''];
  if (r.total === 0) {
    out.push('_No comparisons yet: they start once the route is at shadow or live (reads), or dualwrite and later (writes)._', '');
  } else {
    out.push(...summary(r), '');
  }
  out.push(...findings(r));
  return out.join('\n');
}

/** The whole report as Markdown; ends with a newline. */
export function renderMarkdown(report: Report): string {
  const head = ['# Shadow-diff report', '', `Window: ${windowText(report)} · generated ${when(report.generatedAt)}`, ''];
  if (report.routes.length === 0) return [...head, '_No routes to report._', ''].join('\n');
  return [...head, ...report.routes.map((r) => routeSection(r)), ...breakersMarkdown(report)].join('\n').replace(/\n{3,}/g, '\n\n');
}
