// Inline SVG charts for the HTML report (no script, no external resource): the real-difference
// (mismatch) rate over time as stacked bars per timeline bucket (mismatch, then noise; at most
// MAX_BAR_W wide and labelled when few, so a short run is not one wall of colour) and each side's
// latency distribution as a grouped histogram with p50/p95/p99 in the legend. Data strings are escaped.
import type { SideReport, Timeline } from '../../facade/src/core/report-types';
import { epochMinute } from '../../facade/src/core/report-stats';
import { bucketLabel, count, ms, pct } from './format';

/** Escapes text for HTML and SVG content and attribute values. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export const COLORS = { mismatch: '#cf222e', noise: '#d4a72c', monolith: '#6e7781', service: '#0969da', grid: '#d0d7de', axis: '#57606a' } as const;

const W = 560;
const H = 240;
const M = { top: 34, right: 14, bottom: 34, left: 52 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;

const n = (v: number): string => (Math.round(v * 10) / 10).toString();

/** Smallest "nice" ceiling at or above `max` (fractions in [0, 1]). */
function niceCeil(max: number, steps: readonly number[]): number {
  return steps.find((s) => s >= max - 1e-9) ?? steps[steps.length - 1];
}

function svg(label: string, body: string[]): string {
  return [`<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(label)}">`,
    `<title>${esc(label)}</title>`, ...body, '</svg>'].join('\n');
}

/** A percentage axis label: `5 %`, `2.5 %`. */
function axisPct(rate: number): string {
  const v = Math.round(rate * 1000) / 10;
  return `${Number.isInteger(v) ? v.toFixed(0) : v.toFixed(1)} %`;
}

/** Horizontal grid lines with percentage labels from 0 to `yMax`. */
function yGrid(yMax: number): string[] {
  return [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = M.top + PLOT_H * (1 - f);
    return `<line x1="${M.left}" x2="${W - M.right}" y1="${n(y)}" y2="${n(y)}" stroke="${f === 0 ? COLORS.axis : COLORS.grid}" stroke-width="1"/>`
      + `<text x="${M.left - 6}" y="${n(y + 4)}" text-anchor="end" font-size="11" fill="${COLORS.axis}">${esc(axisPct(yMax * f))}</text>`;
  });
}

/** Legend swatches: side by side in one row, or one per row when `stacked` (long texts). */
function legend(items: readonly { color: string; text: string }[], stacked = false): string[] {
  return items.map((it, i) => {
    const y = stacked ? 2 + i * 15 : 8;
    const x = stacked ? M.left : M.left + i * Math.floor(PLOT_W / items.length);
    return `<rect x="${x}" y="${y}" width="10" height="10" rx="2" fill="${it.color}"/><text x="${x + 15}" y="${y + 9}" font-size="11" fill="#24292f">${esc(it.text)}</text>`;
  });
}

/** Keeps a label near either end of the plot inside the picture. */
function anchorAt(px: number): 'start' | 'middle' | 'end' {
  return px < M.left + 18 ? 'start' : px > W - M.right - 18 ? 'end' : 'middle';
}

/** Time-axis tick steps (minutes): the first giving at most six ticks is used. */
const TICK_MINUTES = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880];

/** `11:50` or, across days, `05-01 11:50` (UTC). */
function timeLabel(epochMin: number, long: boolean): string {
  const iso = new Date(epochMin * 60_000).toISOString();
  return long ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
}

/** Widest bar of the timeline: a run of a few buckets shows a few slim bars, not a filled plot. */
const MAX_BAR_W = 36;
/** Up to this many bars, each is labelled with its rate. */
const LABELLED_BARS = 12;

/**
 * Stacked bars per timeline bucket: mismatch rate (red) and noise rate (amber) of the compared
 * requests. Buckets are the report's (at least one minute: the store counts per minute), placed
 * by time; each bar is centred in its bucket and at most MAX_BAR_W wide.
 */
export function mismatchRateChart(timeline: Timeline): string {
  const pts = timeline.points.filter((p) => p.compared > 0);
  const w = timeline.bucketMinutes;
  const t0 = pts.length > 0 ? epochMinute(pts[0].start) : 0;
  const t1 = pts.length > 0 ? epochMinute(pts[pts.length - 1].start) + w : 1;
  const x = (t: number): number => M.left + ((t - t0) / Math.max(1, t1 - t0)) * PLOT_W;
  const peak = Math.max(0, ...pts.map((p) => (p.mismatch + p.noise) / p.compared));
  const yMax = niceCeil(Math.max(peak, 0.02), [0.02, 0.04, 0.1, 0.2, 0.4, 0.6, 0.8, 1]);
  const h = (rate: number): number => (Math.min(rate, yMax) / yMax) * PLOT_H;
  const base = M.top + PLOT_H;
  const bars = pts.map((p) => {
    const start = epochMinute(p.start);
    const slot = x(start + w) - x(start);
    const width = Math.max(2, Math.min(MAX_BAR_W, slot - 2));
    const left = x(start) + (slot - width) / 2;
    const hm = h(p.mismatch / p.compared);
    const hn = h(p.noise / p.compared);
    const tip = `${timeLabel(start, true)} UTC (${w} min): ${count(p.mismatch)} of ${count(p.compared)} compared mismatched (${pct(p.mismatchRate)}), ${count(p.noise)} noise`;
    const label = pts.length <= LABELLED_BARS
      ? `<text x="${n(left + width / 2)}" y="${n(base - hm - hn - 4)}" text-anchor="middle" font-size="10.5" fill="${COLORS.axis}">${esc(pct(p.mismatchRate, 0))}</text>` : '';
    return `<g class="bar"><title>${esc(tip)}</title>`
      + `<rect x="${n(left)}" y="${n(base - hm)}" width="${n(width)}" height="${n(hm)}" fill="${COLORS.mismatch}"/>`
      + `<rect x="${n(left)}" y="${n(base - hm - hn)}" width="${n(width)}" height="${n(hn)}" fill="${COLORS.noise}"/>${label}</g>`;
  });
  const long = t1 - t0 > 24 * 60;
  const step = TICK_MINUTES.find((m) => (t1 - t0) / m <= 6) ?? 10_080;
  const ticks: string[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
    ticks.push(`<line x1="${n(x(t))}" x2="${n(x(t))}" y1="${base}" y2="${base + 4}" stroke="${COLORS.axis}"/>`
      + `<text x="${n(x(t))}" y="${H - 14}" text-anchor="${anchorAt(x(t))}" font-size="11" fill="${COLORS.axis}">${esc(timeLabel(t, long))}</text>`);
  }
  const label = `Mismatch rate over time, ${pts.length} buckets of ${w} min, peak ${pct(peak)}`;
  return svg(label, [...yGrid(yMax), ...bars, ...ticks,
    ...legend([{ color: COLORS.mismatch, text: 'mismatch rate' }, { color: COLORS.noise, text: 'noise rate' }, { color: 'none', text: `${w}-min buckets, UTC` }])]);
}

/** Grouped histogram: per latency bucket, each side's share of its own samples. */
export function latencyChart(sides: readonly SideReport[]): string {
  const hist = sides.map((s) => s.latency.histogram);
  const used = hist[0].map((_, i) => hist.some((h) => h[i].count > 0));
  const first = Math.max(0, used.indexOf(true));
  const last = Math.max(first, used.lastIndexOf(true));
  const buckets = hist[0].slice(first, last + 1).map((b, k) => ({ i: first + k, le: b.le }));
  const share = (s: number, i: number): number => (sides[s].latency.samples > 0 ? hist[s][i].count / sides[s].latency.samples : 0);
  const peak = Math.max(0, ...buckets.flatMap((b) => sides.map((_, s) => share(s, b.i))));
  const yMax = niceCeil(Math.max(peak, 0.04), [0.04, 0.1, 0.2, 0.4, 0.6, 0.8, 1]);
  const group = PLOT_W / Math.max(1, buckets.length);
  const barW = Math.max(2, Math.min(28, (group - 6) / sides.length));
  const base = M.top + PLOT_H;
  const bars = buckets.flatMap((b, k) => sides.map((side, s) => {
    const hgt = (share(s, b.i) / yMax) * PLOT_H;
    const left = M.left + k * group + (group - barW * sides.length) / 2 + s * barW;
    const tip = `${side.side} ${bucketLabel(b.le, b.i > 0 ? hist[0][b.i - 1].le : null)}: ${count(hist[s][b.i].count)} of ${count(side.latency.samples)} (${pct(share(s, b.i))})`;
    return `<rect x="${n(left)}" y="${n(base - hgt)}" width="${n(barW - 1)}" height="${n(hgt)}" fill="${COLORS[side.side]}"><title>${esc(tip)}</title></rect>`;
  }));
  const labels = buckets.map((b, k) => `<text x="${n(M.left + (k + 0.5) * group)}" y="${H - 12}" text-anchor="middle" font-size="10.5" fill="${COLORS.axis}">`
    + `${esc(bucketLabel(b.le, b.i > 0 ? hist[0][b.i - 1].le : null))}</text>`);
  const items = sides.map((s) => ({ color: COLORS[s.side], text: `${s.side}: p50 ${ms(s.latency.p50)} · p95 ${ms(s.latency.p95)} · p99 ${ms(s.latency.p99)} (n=${count(s.latency.samples)})` }));
  const label = `Latency distribution: ${items.map((it) => it.text).join('; ')}`;
  return svg(label, [...yGrid(yMax), ...bars, ...labels, ...legend(items, true)]);
}
