// The shadow-diff report for a terminal (`strangler report`): aligned tables per route, the
// example diffs, and ANSI colour only when asked (the CLI passes process.stdout.isTTY). Every
// string from the data has its control characters made visible, so an upstream answer can't
// drive the terminal.
import type { FieldReport, Report, RouteReport } from '../../facade/src/core/report-types';
import { OUTCOMES } from '../../facade/src/core/report-types';
import { changeText, count, ms, NONE, pct, seenText, stageText, status, valuesText, verdict, when, windowText, type Tone } from './format';

export interface TextOptions {
  /** ANSI colour and bold; false gives plain text. */
  readonly color: boolean;
}

type Paint = (code: string, text: string) => string;

/** Control characters (C0, DEL, C1) as visible `\xNN`, so escape sequences in data are shown, not obeyed. */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const TONE: Record<Tone, string> = { good: '32', bad: '31', warn: '33', none: '2' };
const CLASS_TONE: Record<FieldReport['class'], string> = { mismatch: '31', noise: '33', insufficient: '35', ignored: '2' };

interface Column { readonly title: string; readonly right?: boolean }

/** An aligned table; `paintCell` may colour a cell after padding (widths count plain text only). */
function table(paint: Paint, columns: readonly Column[], rows: readonly string[][], paintCell?: (row: number, col: number) => string | null): string[] {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => r[i].length)));
  const pad = (text: string, i: number): string => (columns[i].right ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const header = columns.map((c, i) => pad(c.title, i)).join('  ');
  const lines = rows.map((r, ri) => r.map((cell, ci) => {
    const code = paintCell?.(ri, ci) ?? null;
    return code ? paint(code, pad(cell, ci)) : pad(cell, ci);
  }).join('  ').trimEnd());
  return [paint('1', header.trimEnd()), ...lines].map((l) => `  ${l}`);
}

function outcomes(paint: Paint, r: RouteReport): string[] {
  const tones: Record<string, string> = { match: '32', mismatch: '31', noise: '33', error: '35', divergence: '35' };
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

function fields(paint: Paint, r: RouteReport): string[] {
  const rows = r.fields.top.map((f) => [visible(f.field), count(f.mismatches), pct(f.mismatchRate), pct(f.noiseRate), count(f.ignored), f.class]);
  const cols = [{ title: 'field' }, ...['mismatches', 'mismatch rate', 'noise rate', 'ignored'].map((title) => ({ title, right: true })), { title: 'class' }];
  const lines = table(paint, cols, rows, (ri, ci) => (ci === 5 ? CLASS_TONE[r.fields.top[ri].class] : null));
  if (r.fields.omitted > 0) lines.push(paint('2', `  … and ${count(r.fields.omitted)} more fields`));
  return lines;
}

function diffLines(paint: Paint, diff: string): string[] {
  const code = (line: string): string | null =>
    line.startsWith('+++') || line.startsWith('---') ? '1' : line.startsWith('@@') ? '36' : line.startsWith('+') ? '32' : line.startsWith('-') ? '31' : null;
  return diff.replace(/\n$/, '').split('\n').map((line) => {
    const shown = visible(line);
    const c = code(line);
    return `      ${c ? paint(c, shown) : shown}`;
  });
}

function examples(paint: Paint, r: RouteReport): string[] {
  const out: string[] = [];
  const shown = new Map<string, string>();
  for (const f of r.fields.top) {
    if (!f.example) continue;
    const e = f.example;
    out.push('', `  ${paint('1', visible(e.path))} ${paint(CLASS_TONE[f.class], `[${f.class}]`)} ${e.kind} · ${visible(seenText(e))}`);
    out.push(`    ${visible(valuesText(e))}`);
    if (e.ignoredBecause !== null) out.push(paint('2', `    ignored: ${visible(e.ignoredBecause)}`));
    out.push(paint('2', `    why: ${visible(f.why)}`));
    const same = shown.get(e.diff);
    if (same !== undefined) out.push(paint('2', `    (same body diff as ${visible(same)} above)`));
    else if (e.diff) out.push(...diffLines(paint, e.diff));
    if (e.diff && same === undefined) shown.set(e.diff, e.path);
  }
  return out;
}

function routeSection(paint: Paint, r: RouteReport, windowed: boolean): string[] {
  const v = verdict(r);
  const lines = [
    paint('1', `━━ ${visible(r.route)} ━━ stage ${visible(stageText(r))}`),
    `  ${paint(TONE[v.tone], v.text)}`,
    paint('2', `  last change: ${visible(changeText(r.lastChange))}`),
  ];
  if (r.total === 0) {
    lines.push(paint('2', '  Comparisons start once the route is at shadow or live (reads), or dualwrite and later (writes).'));
  } else {
    if (!r.coverage.complete) lines.push(paint('33', `  counts cover the newest ${count(r.coverage.rows)} retained comparisons (since ${when(r.coverage.oldestAt)}); older rows were pruned`));
    lines.push('', ...outcomes(paint, r), '', ...sides(paint, r), '', paint('1', '  Status pairs'), ...pairs(paint, r));
  }
  if (r.fields.top.length > 0) {
    const scope = windowed ? ' (lifetime, not limited by --since)' : '';
    lines.push('', paint('1', `  Top differing fields${scope}: ${count(r.fields.compared)} comparisons, ${count(r.fields.noiseSamples)} noise samples`));
    lines.push(...fields(paint, r), ...examples(paint, r));
  }
  return lines;
}

/** The whole report as terminal text; ends with a newline. */
export function renderText(report: Report, options: TextOptions): string {
  const paint: Paint = options.color ? (code, text) => `\u001b[${code}m${text}\u001b[0m` : (_code, text) => text;
  const head = [paint('1', 'Shadow-diff report'), paint('2', `window: ${windowText(report)} · generated ${when(report.generatedAt)}`)];
  if (report.routes.length === 0) return [...head, '', `no routes to report ${NONE} add one to the config`].join('\n') + '\n';
  const sections = report.routes.map((r) => routeSection(paint, r, report.window.since !== null).join('\n'));
  return [...head, '', sections.join('\n\n')].join('\n') + '\n';
}
