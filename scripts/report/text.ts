// The shadow-diff report for a terminal (`strangler report`): per route the outcome, latency and
// status tables, then the findings in reading order (view.ts): endpoints ranked by real-difference
// rate with their real fields and examples, unjudged, generated, noise with its evidence, ignored,
// divergences. ANSI colour only when asked (the CLI passes process.stdout.isTTY). Every string from
// the data has its control characters made visible (tables do it themselves, cli/terminal.ts), so an
// upstream answer can't drive the terminal.
import type { FieldFinding, Report, RouteReport } from '../../facade/src/core/report-types';
import { OUTCOMES } from '../../facade/src/core/report-types';
import { breakersText } from './breakers';
import { changeText, count, divergenceStatus, endpointSummary, firstLastText, moreEndpointsText, ms, NONE, pct, replicasText, seenText, stageText, status, valuesText, verdict, when, windowText, type Tone } from './format';
import { tableLines, visible } from '../cli/terminal';
import { capped, exampleSides, routeView, type FieldRow, type NoiseRow, type RouteView } from './view';

export interface TextOptions {
  /** ANSI colour and bold; false gives plain text. */
  readonly color: boolean;
}

type Paint = (code: string, text: string) => string;

const TONE: Record<Tone, string> = { good: '32', bad: '31', warn: '33', none: '2' };
const CLASS_TONE: Record<FieldFinding['class'], string> = { real: '31', unjudged: '35', generated: '36', noise: '33', ignored: '2' };

interface Column { readonly title: string; readonly right?: boolean }

/**
 * An aligned, indented table with a bold header (cli/terminal.ts: cells escaped, widths in terminal
 * columns); `paintCell` may colour a cell's text.
 */
function table(paint: Paint, columns: readonly Column[], rows: readonly string[][], paintCell?: (row: number, col: number) => string | null): string[] {
  return tableLines(columns, rows, {
    indent: '  ',
    header: (line) => paint('1', line),
    paint: (ri, ci) => {
      const code = paintCell?.(ri, ci) ?? null;
      return code ? (text) => paint(code, text) : null;
    },
  });
}

function outcomes(paint: Paint, r: RouteReport): string[] {
  const tones: Record<string, string> = { match: '32', mismatch: '31', unjudged: '35', noise: '33', generated: '36', error: '35', divergence: '35' };
  const rows = OUTCOMES.map((o) => [o, count(r.outcomes[o].count), pct(r.outcomes[o].rate)]);
  return table(paint, [{ title: 'outcome' }, { title: 'count', right: true }, { title: 'rate', right: true }], rows,
    (ri, ci) => (ci === 0 && r.outcomes[OUTCOMES[ri]].count > 0 ? tones[OUTCOMES[ri]] ?? null : null));
}

function sides(paint: Paint, r: RouteReport): string[] {
  const rows = r.sides.map((s) => [s.side, count(s.latency.samples), ms(s.latency.p50), ms(s.latency.p95), ms(s.latency.p99), ms(s.latency.max),
    `${count(s.errors)}/${count(s.requests)}`, pct(s.errorRate)]);
  const cols = ['side', 'samples', 'p50', 'p95', 'p99', 'max', 'errors', 'error rate'].map((title, i) => ({ title, right: i > 0 }));
  return table(paint, cols, rows);
}

function pairs(paint: Paint, r: RouteReport): string[] {
  const other = (s: string): string => (s === 'monolith' ? 'service' : 'monolith');
  const rows = r.statusPairs.slice(0, 10).map((p) => [`${p.primarySide} ${status(p.primary)}`, '→', `${other(p.primarySide)} ${status(p.shadow)}`, count(p.count)]);
  return table(paint, [{ title: 'primary' }, { title: '' }, { title: 'shadow' }, { title: 'count', right: true }], rows);
}

function diffLines(paint: Paint, diff: string, indent: string): string[] {
  const code = (line: string): string | null =>
    line.startsWith('+++') || line.startsWith('---') ? '1' : line.startsWith('@@') ? '36' : line.startsWith('+') ? '32' : line.startsWith('-') ? '31' : null;
  return diff.replace(/\n$/, '').split('\n').map((line) => {
    const shown = visible(line);
    const c = code(line);
    return `${indent}${c ? paint(c, shown) : shown}`;
  });
}

const fieldCols = (first: readonly string[]): Column[] =>
  [...first.map((title) => ({ title })), { title: 'count', right: true }, { title: 'rate', right: true }, { title: 'why' }];

/** One endpoint: its summary, its real fields, and the newest example of each (the body diff once). */
function endpointBlock(paint: Paint, r: RouteReport, e: RouteView['endpoints'][number], shown: Map<string, string>): string[] {
  const head = `  ${paint('1', `#${e.rank} ${visible(e.endpoint.endpoint)}`)}`;
  const lines = [head, `     ${visible(endpointSummary(e.endpoint))}`, paint('2', `     ${visible(firstLastText(e.endpoint))}`)];
  if (e.real.length === 0) return lines;
  const rows = e.real.map((f) => [f.field, count(f.count), pct(f.rate), f.why]);
  lines.push(...table(paint, fieldCols(['real field']), rows, (_ri, ci) => (ci === 0 ? CLASS_TONE.real : null)).map((l) => `   ${l}`));
  const sides = exampleSides(r);
  for (const f of e.real) {
    const x = f.example;
    lines.push('', `     ${paint('1', visible(x.path))} ${visible(x.kind)} · ${visible(seenText(x))}`, `       ${visible(valuesText(x, sides))}`,
      paint('2', `       ${visible(firstLastText(f))}`));
    const same = shown.get(x.diff);
    if (same !== undefined) lines.push(paint('2', `       (same body diff as ${visible(same)} above)`));
    else if (x.diff) { lines.push(...diffLines(paint, x.diff, '       ')); shown.set(x.diff, x.path); }
  }
  return lines;
}

const more = (paint: Paint, n: number, what: string): string[] => (n > 0 ? [paint('2', `  … and ${count(n)} more ${what}`)] : []);

/** Fields of one class across endpoints, with an example request for the ones a person must judge. */
function classTable(paint: Paint, r: RouteReport, all: readonly FieldRow[], withExample: boolean): string[] {
  const { shown: rows, more: left } = capped(all);
  const cells = rows.map((x) => [x.endpoint, x.finding.field, count(x.finding.count), pct(x.finding.rate), x.finding.why]);
  const lines = table(paint, fieldCols(['endpoint', 'field']), cells, (ri, ci) => (ci === 1 ? CLASS_TONE[rows[ri].finding.class] : null));
  lines.push(...more(paint, left, 'fields'));
  if (!withExample) return lines;
  const sides = exampleSides(r);
  for (const x of rows) lines.push(`    ${visible(x.finding.field)} e.g. ${visible(seenText(x.finding.example))}: ${visible(valuesText(x.finding.example, sides))}`);
  return lines;
}

function noiseTable(paint: Paint, all: readonly NoiseRow[]): string[] {
  const { shown: rows, more: left } = capped(all);
  const cells = rows.map((x) => [x.endpoint, x.field, x.count > 0 ? count(x.count) : NONE, pct(x.rate), x.why]);
  const cols = [{ title: 'endpoint' }, { title: 'field' }, { title: 'count', right: true }, { title: 'rate', right: true }, { title: 'evidence' }];
  return [...table(paint, cols, cells, (_ri, ci) => (ci === 1 ? CLASS_TONE.noise : null)), ...more(paint, left, 'fields')];
}

function divergenceTable(paint: Paint, r: RouteReport): string[] {
  const { shown, more: left } = capped(r.divergences);
  const rows = shown.map((d) => [when(d.at), `${d.method} ${d.path}`, divergenceStatus(d), d.reason]);
  const lines = table(paint, [{ title: 'at' }, { title: 'request' }, { title: 'write → second write' }, { title: 'reason' }], rows, (_ri, ci) => (ci === 3 ? '35' : null));
  return [...lines, ...more(paint, left, 'divergences')];
}

/** The findings in reading order; sections with nothing in them are left out. */
function findings(paint: Paint, r: RouteReport): string[] {
  const v = routeView(r);
  const out: string[] = [];
  const section = (title: string, note: string, body: string[]): void => {
    if (body.length > 0) out.push('', `${paint('1', `  ${title}`)}${paint('2', ` (${note})`)}`, ...body);
  };
  const shown = new Map<string, string>();
  const endpoints = v.endpoints.flatMap((e, i) => [...(i > 0 ? [''] : []), ...endpointBlock(paint, r, e, shown)]);
  if (v.moreEndpoints.count > 0) endpoints.push('', paint('2', `  ${moreEndpointsText(v.moreEndpoints)}`));
  section('Endpoints', 'ranked by real-difference rate, then count', endpoints);
  if (v.unjudged.length > 0) section('Unjudged fields', 'too little evidence to tell noise from a real difference: neither a pass nor a mismatch', classTable(paint, r, v.unjudged, true));
  if (v.generated.length > 0) section('Generated values', 'each side makes its own: compared by format and within a tolerance', classTable(paint, r, v.generated, false));
  if (v.noise.length > 0) section('Noise', 'lifetime evidence: the primary disagreed with itself when asked again', noiseTable(paint, v.noise));
  if (v.ignored.length > 0) section('Ignored fields', 'moved aside by ignore rules', classTable(paint, r, v.ignored, false));
  if (r.divergences.length > 0) section('Divergences', 'second writes the other side missed or answered differently: the two databases disagree', divergenceTable(paint, r));
  return out;
}

function routeSection(paint: Paint, r: RouteReport): string[] {
  const v = verdict(r);
  const lines = [
    paint('1', `━━ ${visible(r.route)} ━━ stage ${visible(stageText(r))}`),
    `  ${paint(TONE[v.tone], v.text)}`,
    paint('2', `  last change: ${visible(changeText(r.lastChange))}`),
  ];
  if (r.total === 0) {
    lines.push(paint('2', '  Comparisons start once the route is at shadow or live (reads), or dualwrite and later (writes).'));
  } else {
    if (!r.coverage.complete) lines.push(paint('33', `  counts cover the newest ${count(r.coverage.rows)} retained comparisons (since ${visible(when(r.coverage.oldestAt))}); older rows were pruned`));
    const replicas = replicasText(r);
    if (replicas) lines.push(paint('2', `  recorded by replica: ${visible(replicas)}`));
    lines.push('', ...outcomes(paint, r), '', ...sides(paint, r), '', paint('1', '  Status pairs'), ...pairs(paint, r));
  }
  lines.push(...findings(paint, r));
  return lines;
}

/** The whole report as terminal text; ends with a newline. */
export function renderText(report: Report, options: TextOptions): string {
  const paint: Paint = options.color ? (code, text) => `\u001b[${code}m${text}\u001b[0m` : (_code, text) => text;
  const head = [paint('1', 'Shadow-diff report'), paint('2', visible(`window: ${windowText(report)} · generated ${when(report.generatedAt)}`))];
  if (report.routes.length === 0) return [...head, '', `no routes to report ${NONE} add one to the config`].join('\n') + '\n';
  const sections = report.routes.map((r) => routeSection(paint, r).join('\n'));
  return [...head, '', sections.join('\n\n'), ...breakersText(report)].join('\n') + '\n';
}
