// The report's circuit-breaker section (issue 16), in the three renderers' forms: per upstream the
// state at the window's end, how often its breaker opened, how long it was not closed, and the
// newest transitions. Printed only when a breaker changed state in the window or is not closed.
import type { Report } from '../../facade/src/core/report-types';
import type { BreakerHistory } from '../../facade/src/core/resilience/breaker-history';
import { visible } from '../cli/terminal';

const seconds = (ms: number): string => (ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`);
const when = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;

/** Upstreams worth a line: their breaker moved in the window, or is not closed at its end. */
function eventful(report: Report): BreakerHistory[] {
  return (report.breakers ?? []).filter((b) => b.transitions.length > 0 || b.state !== 'closed');
}

function summary(b: BreakerHistory): string {
  const opened = `opened ${b.opened} time${b.opened === 1 ? '' : 's'}`;
  return `${b.upstream}: ${b.state} at the end of the window; ${opened}, not closed for ${seconds(b.notClosedMs)}`;
}

export function breakersText(report: Report): string[] {
  const shown = eventful(report);
  if (shown.length === 0) return [];
  const lines = ['', 'Circuit breakers (upstreams whose breaker changed state in the window)'];
  for (const b of shown) {
    lines.push(`  ${visible(summary(b))}`);
    for (const t of b.transitions.slice(0, 5)) lines.push(`    ${when(t.at)}  ${t.from} → ${t.to}  ${visible(t.reason)}`);
  }
  return lines;
}

const md = (s: string): string => s.replace(/[\\`*_[\]|<>]/g, (c) => `\\${c}`);

export function breakersMarkdown(report: Report): string[] {
  const shown = eventful(report);
  if (shown.length === 0) return [];
  const lines = ['## Circuit breakers', '', '| upstream | state at the end | opened | not closed | last opened |', '|---|---|---:|---:|---|'];
  for (const b of shown) lines.push(`| ${md(b.upstream)} | ${b.state} | ${b.opened} | ${seconds(b.notClosedMs)} | ${b.lastOpenedAt ? when(b.lastOpenedAt) : '–'} |`);
  return [...lines, ''];
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function breakersHtml(report: Report): string {
  const shown = eventful(report);
  if (shown.length === 0) return '';
  const rows = shown.map((b) => `<tr><td>${esc(b.upstream)}</td><td>${b.state}</td><td>${b.opened}</td><td>${seconds(b.notClosedMs)}</td><td>${b.lastOpenedAt ? esc(when(b.lastOpenedAt)) : '–'}</td></tr>`);
  return `<section class="route breakers"><h2>Circuit breakers</h2><table><thead><tr><th>upstream</th><th>state at the end</th><th>opened</th><th>not closed</th><th>last opened</th></tr></thead><tbody>${rows.join('')}</tbody></table></section>`;
}
