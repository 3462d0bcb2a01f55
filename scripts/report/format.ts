// Wording and number formats shared by the report renderers (text, Markdown, HTML), so the
// three say the same thing the same way: rates as `12.3 %`, missing figures as `—`, one
// verdict sentence per route. Pure; escaping is each renderer's job.
import { formatDuration } from '../../facade/src/core/duration';
import type { FieldExample, Report, RouteReport, StageChange } from '../../facade/src/core/report-types';

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

/** A difference value as compact JSON, cut to `max` characters; `(absent)` when the side lacks it. */
export function value(v: unknown, max = 80): string {
  if (v === undefined) return '(absent)';
  const text = typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
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

/** One sentence per route and how it should feel: the first thing a reader sees. */
export function verdict(route: RouteReport): { tone: Tone; text: string } {
  const o = route.outcomes;
  if (route.total === 0) return { tone: 'none', text: 'no comparisons yet in this window' };
  const fields = route.fields.top.filter((f) => f.class === 'mismatch' || f.class === 'insufficient').length;
  const trouble = o.error.count + o.divergence.count;
  if (o.mismatch.count > 0) {
    const on = fields > 0 ? ` on ${fields} field${fields === 1 ? '' : 's'}` : '';
    return { tone: 'bad', text: `${count(o.mismatch.count)} mismatch${o.mismatch.count === 1 ? '' : 'es'} in ${count(route.total)} comparisons (${pct(o.mismatch.rate)})${on}` };
  }
  if (trouble > 0) return { tone: 'warn', text: `no mismatches, but ${count(trouble)} error${trouble === 1 ? '' : 's'} or divergence${trouble === 1 ? '' : 's'} in ${count(route.total)} comparisons` };
  return { tone: 'good', text: `clean: no mismatches in ${count(route.total)} comparisons` };
}

/** Where an example was seen: `GET /api/inventory/A at … UTC`, or the store's first example. */
export function seenText(e: FieldExample): string {
  return e.request ? `${e.request.method} ${e.request.path} at ${when(e.at)}` : 'first example the store kept';
}

/** `monolith "1.00" → service "1.01"` (primary first), or `primary … → shadow …` when sides are unknown. */
export function valuesText(e: FieldExample, max = 80): string {
  const p = e.primarySide ?? 'primary';
  const s = e.primarySide === null ? 'shadow' : e.primarySide === 'monolith' ? 'service' : 'monolith';
  return `${p} ${value(e.primary, max)} → ${s} ${value(e.shadow, max)}`;
}

/** A histogram bucket edge, compact: `5ms`, `2s`. */
function edge(v: number): string {
  return v >= 1000 ? `${v / 1000}s` : `${v}ms`;
}

/** The latency histogram bucket label: `≤5ms`, or `>10s` for the last, open bucket. */
export function bucketLabel(le: number | null, previous: number | null): string {
  return le === null ? `>${edge(previous ?? 0)}` : `≤${edge(le)}`;
}
