// The shadow-diff report as GitHub-flavoured Markdown (`strangler report --markdown`), to paste
// into a pull request: a heading per route, pipe tables, and the example diffs in ```diff fences.
// Data strings are escaped for their context: table cells, inline code, or a fence longer than any
// backtick run inside it.
import type { FieldReport, Report, RouteReport } from '../../facade/src/core/report-types';
import { OUTCOMES } from '../../facade/src/core/report-types';
import { changeText, count, ms, pct, seenText, stageText, status, valuesText, verdict, when, windowText } from './format';

/** Plain text for a table cell or a line: HTML and Markdown specials escaped, one line. */
export function mdText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1');
}

/** Inline code that survives backticks in the text, and pipes in a table cell (GFM honours `\|` in table code spans). */
export function mdCode(text: string, inTable = false): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
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
  return `${fence}${lang}\n${content.replace(/\n$/, '')}\n${fence}`;
}

function pipeTable(header: readonly string[], align: readonly ('l' | 'r')[], rows: readonly string[][]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(line)].join('\n');
}

const CLASS_MARK: Record<FieldReport['class'], string> = { mismatch: '🔴 mismatch', noise: '🟡 noise', insufficient: '🟣 insufficient', ignored: '⚪ ignored' };

function summary(r: RouteReport): string[] {
  const outcomes = pipeTable(['outcome', 'count', 'rate'], ['l', 'r', 'r'], OUTCOMES.map((o) => [o, count(r.outcomes[o].count), pct(r.outcomes[o].rate)]));
  const sides = pipeTable(['side', 'samples', 'p50', 'p95', 'p99', 'errors', 'error rate'], ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    r.sides.map((s) => [s.side, count(s.latency.samples), ms(s.latency.p50), ms(s.latency.p95), ms(s.latency.p99), `${count(s.errors)}/${count(s.requests)}`, pct(s.errorRate)]));
  const other = (s: string): string => (s === 'monolith' ? 'service' : 'monolith');
  const pairs = pipeTable(['primary', 'shadow', 'count'], ['l', 'l', 'r'],
    r.statusPairs.slice(0, 10).map((p) => [`${p.primarySide} ${status(p.primary)}`, `${other(p.primarySide)} ${status(p.shadow)}`, count(p.count)]));
  const out = ['### Outcomes', '', outcomes, '', '### Latency and errors', '', sides, '', '### Status pairs', '', pairs];
  if (!r.coverage.complete) out.unshift(`> Counts cover the newest ${count(r.coverage.rows)} retained comparisons (since ${when(r.coverage.oldestAt)}); older rows were pruned.`, '');
  return out;
}

function fields(r: RouteReport, windowed: boolean): string[] {
  const scope = windowed ? ' (lifetime, not limited by --since)' : '';
  const rows = r.fields.top.map((f) => [mdCode(f.field, true), count(f.mismatches), pct(f.mismatchRate), pct(f.noiseRate), count(f.ignored), CLASS_MARK[f.class], mdText(f.why)]);
  const out = [
    `### Top differing fields${scope}`, '',
    `${count(r.fields.compared)} comparisons and ${count(r.fields.noiseSamples)} primary-vs-primary noise samples so far.`, '',
    pipeTable(['field', 'mismatches', 'mismatch rate', 'noise rate', 'ignored', 'class', 'why'], ['l', 'r', 'r', 'r', 'r', 'l', 'l'], rows),
  ];
  if (r.fields.omitted > 0) out.push('', `…and ${count(r.fields.omitted)} more fields.`);
  return out;
}

function examples(r: RouteReport): string[] {
  const out: string[] = [];
  const shown = new Map<string, string>();
  for (const f of r.fields.top) {
    const e = f.example;
    if (!e) continue;
    out.push('', `#### ${mdCode(e.path)} — ${f.class}, ${mdText(e.kind)}`, '', `${mdText(seenText(e))}: ${mdCode(valuesText(e, 200))}`);
    if (e.ignoredBecause !== null) out.push('', `Ignored: ${mdText(e.ignoredBecause)}`);
    const same = shown.get(e.diff);
    if (same !== undefined) out.push('', `_Same body diff as ${mdCode(same)} above._`);
    else if (e.diff) out.push('', mdFence('diff', e.diff));
    if (e.diff && same === undefined) shown.set(e.diff, e.path);
  }
  return out.length > 0 ? ['', '### Examples', ...out] : [];
}

function routeSection(r: RouteReport, windowed: boolean): string {
  const v = verdict(r);
  const mark = { good: '✅', bad: '❌', warn: '⚠️', none: '⏳' }[v.tone];
  const out = [`## ${mdText(r.route)} — stage ${mdCode(stageText(r))}`, '', `${mark} **${mdText(v.text)}**`, '', `Last change: ${mdText(changeText(r.lastChange))}`, ''];
  if (r.total === 0) {
    out.push('_No comparisons yet: they start once the route is at shadow or live (reads), or dualwrite and later (writes)._', '');
  } else {
    out.push(...summary(r), '');
  }
  if (r.fields.top.length > 0) out.push(...fields(r, windowed), ...examples(r), '');
  return out.join('\n');
}

/** The whole report as Markdown; ends with a newline. */
export function renderMarkdown(report: Report): string {
  const head = ['# Shadow-diff report', '', `Window: ${windowText(report)} · generated ${when(report.generatedAt)}`, ''];
  if (report.routes.length === 0) return [...head, '_No routes to report._', ''].join('\n');
  return [...head, ...report.routes.map((r) => routeSection(r, report.window.since !== null))].join('\n').replace(/\n{3,}/g, '\n\n');
}
