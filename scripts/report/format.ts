// Wording and number formats shared by the report renderers (text, Markdown, HTML), so the
// three say the same thing the same way: rates as `12.3 %`, missing figures as `—`, one
// verdict sentence per route, one summary line per endpoint. Pure; escaping is each renderer's job
// (control characters for a terminal: cli/terminal.ts).
import { formatDuration } from '../../facade/src/core/duration';
import { truncate } from '../cli/terminal';
import type { DivergenceRow, EndpointFindings, FieldFinding, Report, RouteReport, StageChange } from '../../facade/src/core/report-types';

/** Shown wherever a figure has no value (no samples, nothing to divide by). */
export const NONE = '—';

/** A rate in [0, 1] as a percentage, or {@link NONE}. */
export function pct(rate: number | null | undefined, digits = 1): string {
  return rate === null || rate === undefined || !Number.isFinite(rate) ? NONE : `${(rate * 100).toFixed(digits)} %`;
}

/** Milliseconds, short: `0.42 ms`, `12 ms`, `1.25 s`. */
export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NONE;
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return value >= 10 ? `${Math.round(value)} ms` : `${value.toFixed(value >= 1 ? 1 : 2)} ms`;
}

/** An integer with thousands separators. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** An HTTP status, or {@link NONE} when the side gave none. */
export function status(code: number | null): string {
  return code === null ? NONE : String(code);
}

/** An ISO time as `2024-05-01 11:30:05 UTC`. */
export function when(iso: string | null): string {
  return iso === null ? NONE : `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/**
 * A difference value as compact JSON, cut to `max` terminal columns (a wide character counts two,
 * and no character is split in half); `(absent)` when the side lacks it.
 */
export function value(v: unknown, max = 80): string {
  if (v === undefined) return '(absent)';
  const text = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return truncate(text, max);
}

/** `last 15m (since … UTC)` or `all retained comparisons`. */
export function windowText(report: Report): string {
  const { since, until } = report.window;
  if (since === null) return 'all retained comparisons';
  return `last ${formatDuration(Date.parse(until) - Date.parse(since))} (since ${when(since)})`;
}

/** `shadow`, or `shadow (10 % at live)` during a rollout. */
export function stageText(route: RouteReport): string {
  return route.rollout ? `${route.stage} (${route.rollout.percent} % at ${route.rollout.stage})` : route.stage;
}

/** `dualwrite → shadow by ana at … (forced): "reason"`. */
export function changeText(c: StageChange | null): string {
  if (c === null) return 'never changed';
  const percent = c.percent === null ? '' : ` (${c.percent} %)`;
  return `${c.from} → ${c.to}${percent} by ${c.actor} at ${when(c.at)}${c.forced ? ' (forced)' : ''}${c.reason ? `: "${c.reason}"` : ''}`;
}

export type Tone = 'good' | 'bad' | 'warn' | 'none';

const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

/** One sentence per route and how it should feel: the first thing a reader sees. */
export function verdict(route: RouteReport): { tone: Tone; text: string } {
  const o = route.outcomes;
  if (route.total === 0) return { tone: 'none', text: 'no comparisons yet in this window' };
  const trouble = o.error.count + o.divergence.count;
  const troubleText = trouble > 0 ? `; ${plural(trouble, 'error or divergence', 'errors or divergences')}` : '';
  if (o.mismatch.count > 0) {
    const endpoints = route.endpoints.filter((e) => e.verdicts.mismatch > 0).length;
    const on = endpoints > 0 ? ` on ${plural(endpoints, 'endpoint')}` : '';
    return { tone: 'bad', text: `real differences in ${count(o.mismatch.count)} of ${plural(route.total, 'comparison')} (${pct(o.mismatch.rate)})${on}${troubleText}` };
  }
  if (o.unjudged.count > 0) {
    return { tone: 'warn', text: `no real differences found, but ${plural(o.unjudged.count, 'comparison')} not judged yet (too little evidence)${troubleText}` };
  }
  if (trouble > 0) return { tone: 'warn', text: `no real differences, but ${plural(trouble, 'error or divergence', 'errors or divergences')} in ${plural(route.total, 'comparison')}` };
  const explained = [o.noise.count > 0 ? `${count(o.noise.count)} noise` : '', o.generated.count > 0 ? `${count(o.generated.count)} generated values only` : '']
    .filter(Boolean).join(', ');
  return { tone: 'good', text: `clean: no real differences in ${plural(route.total, 'comparison')}${explained ? ` (${explained})` : ''}` };
}

/** The request an example was seen on: `GET /api/inventory/A`. */
export function requestText(e: FieldFinding['example']): string {
  return `${e.request.method} ${e.request.path}`;
}

/** `GET /api/inventory/A at 2024-05-01 11:30:05 UTC`. */
export function seenText(e: FieldFinding['example']): string {
  return `${requestText(e)} at ${when(e.at)}`;
}

/** `first seen … UTC, last seen … UTC` (one time when both are the same). */
export function firstLastText(x: { readonly firstSeen: string; readonly lastSeen: string }): string {
  return x.firstSeen === x.lastSeen ? `seen ${when(x.firstSeen)}` : `first seen ${when(x.firstSeen)}, last seen ${when(x.lastSeen)}`;
}

/** `monolith "1.00" → service "1.01"` (primary first), with the side names from view.exampleSides. */
export function valuesText(e: FieldFinding['example'], sides: { readonly primary: string; readonly shadow: string }, max = 80): string {
  return `${sides.primary} ${value(e.primary, max)} → ${sides.shadow} ${value(e.shadow, max)}`;
}

/** Why some requests of an endpoint were not compared: `3 skipped: write_in_flight, 1 error: service_UPSTREAM_TIMEOUT`. */
export function notComparedText(e: EndpointFindings): string {
  return Object.entries(e.notCompared).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([reason, n]) => `${count(n)} ${reason}`).join(', ');
}

/** `38 of 120 compared (31.7 %) real · 2 unjudged · 10 noise · 5 generated · asked again 40 times`. */
export function endpointSummary(e: EndpointFindings): string {
  const v = e.verdicts;
  const parts = [`real in ${count(v.mismatch)} of ${count(e.compared)} compared (${pct(e.realRate)})`];
  if (v.unjudged > 0) parts.push(`${count(v.unjudged)} unjudged`);
  if (v.noise > 0) parts.push(`${count(v.noise)} noise`);
  if (v.generated > 0) parts.push(`${count(v.generated)} generated`);
  if (v.match > 0) parts.push(`${count(v.match)} match`);
  if (e.headersOnly > 0) parts.push(`${count(e.headersOnly)} of them streams (status and headers compared, bodies not)`);
  if (e.reasks > 0) parts.push(`primary asked again ${plural(e.reasks, 'time')}`);
  const skipped = Object.values(e.notCompared).reduce((a, b) => a + b, 0);
  if (skipped > 0) parts.push(`${count(skipped)} not compared (${notComparedText(e)})`);
  return parts.join(' · ');
}

/** A divergence's statuses, authoritative write → second write: `201 → 503` (`—` where a side gave none). */
export function divergenceStatus(d: DivergenceRow): string {
  return `${status(d.primaryStatus)} → ${status(d.shadowStatus)}`;
}

/** A histogram bucket edge, compact: `5ms`, `2s`. */
function edge(v: number): string {
  return v >= 1000 ? `${v / 1000}s` : `${v}ms`;
}

/** The latency histogram bucket label: `≤5ms`, or `>10s` for the last, open bucket. */
export function bucketLabel(le: number | null, previous: number | null): string {
  return le === null ? `>${edge(previous ?? 0)}` : `≤${edge(le)}`;
}

/** `… and 290 more endpoints without real or unjudged differences (310 comparisons)`. */
export function moreEndpointsText(more: { readonly count: number; readonly compared: number }): string {
  return `… and ${plural(more.count, 'more endpoint')} without real or unjudged differences (${plural(more.compared, 'comparison')})`;
}

/** `r1 40 · r2 38 · (not recorded) 2`: each replica's share of the comparisons, or null with fewer than two. */
export function replicasText(route: RouteReport): string | null {
  if (route.replicas.length < 2) return null;
  return route.replicas.map((p) => `${p.replica ?? '(not recorded)'} ${count(p.comparisons)}`).join(' · ');
}
