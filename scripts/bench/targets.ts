// The issue's targets (issue 12) next to the figures this run measured: CPU per request as ratios to
// nginx at the same answer size (to the upstream's own CPU per request when nginx is missing, and then
// not judged), added latency and p99 at a fixed open-loop rate, the comparison engine's throughput
// and the shadow flood's peak RSS. Printed last by `npm run bench` and kept in reports/bench.json.
import type { HardeningReport } from './hardening';
import type { Report } from './report';
import type { CliStart } from './cli-start';
import { round } from './stats';
import { pairedRatios } from './report';

export interface TargetRow {
  readonly figure: string;
  readonly value: number | null;
  readonly unit: string;
  /** The measured figures the value is made of, for the reader. */
  readonly detail: string;
  readonly target: string;
  /** null: not measured, or not judged (no nginx to compare with). */
  readonly met: boolean | null;
}

export interface TargetInput {
  readonly report: Report;
  readonly comparisons: { readonly perSecond: number; readonly bytes: number; readonly seconds: number } | null;
  readonly hardening: HardeningReport | null;
  readonly cliStart?: CliStart | null;
}

type Size = '1k' | '100k';
const SIZE_LABEL: Record<Size, string> = { '1k': '1 KB', '100k': '100 KB' };

function judged(value: number | null, max: number, atMost = true): boolean | null {
  return value === null ? null : atMost ? value <= max : value >= max;
}

export function buildTargets(input: TargetInput): { reference: string; rows: TargetRow[] } {
  const r = input.report;
  const scenario = (id: string) => r.scenarios.find((s) => s.id === id) ?? null;
  const haveNginx = scenario('nginx-1k') !== null;
  const reference = haveNginx
    ? 'nginx (proxy_pass, upstream keepalive, 1 worker) measured in this run, CPU per request at saturation'
    : 'nginx NOT measured: CPU ratios are to the direct upstream\'s own CPU per request at saturation, and are not judged';
  const rows: TargetRow[] = [];

  const cpuRow = (id: string, what: string, size: Size, max: number): void => {
    const sc = scenario(`${id}-${size}`);
    const ref = haveNginx ? scenario(`nginx-${size}`)?.saturation?.proxyCpuUsPerReq : scenario(`direct-monolith-${size}`)?.saturation?.upstreamCpuUsPerReq;
    const mine = sc?.saturation?.proxyCpuUsPerReq ?? null;
    const value = mine === null || ref == null || ref === 0 ? null : round(mine / ref, 2);
    rows.push({
      figure: `${what}, CPU/request, ${SIZE_LABEL[size]}`, value, unit: '×',
      detail: `${mine?.toFixed(1) ?? '–'} vs ${ref?.toFixed(1) ?? '–'} µs`, target: `≤ ${max}× ${haveNginx ? 'nginx' : '(nginx missing)'}`,
      met: haveNginx ? judged(value, max) : null,
    });
  };
  cpuRow('facade-off', 'route at off', '1k', 2.0);
  cpuRow('facade-off', 'route at off', '100k', 2.5);
  cpuRow('facade-shadow', 'route at shadow (100 %, sides agree)', '1k', 4.0);
  cpuRow('facade-shadow', 'route at shadow (100 %, sides agree)', '100k', 5.0);
  if (scenario('naive-shadow-1k')) {
    cpuRow('naive-shadow', 'naive shadow (reference)', '1k', Infinity);
    cpuRow('naive-shadow', 'naive shadow (reference)', '100k', Infinity);
    for (const row of rows.slice(-2)) Object.assign(row, { target: 'reference, no target', met: null });
  }

  // Issue 16: what circuit breakers and bulkheads add, CPU per request with them on over off (same route, same run).
  const on = scenario('facade-guards-on-1k')?.saturation?.proxyCpuUsPerReq ?? null;
  const off = scenario('facade-guards-off-1k')?.saturation?.proxyCpuUsPerReq ?? null;
  if (on !== null || off !== null) {
    const value = on === null || off === null || off === 0 ? null : round((on / off - 1) * 100, 1);
    rows.push({
      figure: 'breakers + bulkheads on vs off, CPU/request, 1 KB', value, unit: '%',
      detail: `${on?.toFixed(1) ?? '–'} vs ${off?.toFixed(1) ?? '–'} µs`, target: '≤ +5 %', met: judged(value, 5),
    });
  }

  const rate = r.settings.fixedRate;
  for (const size of ['1k', '100k'] as const) {
    for (const id of ['facade-off', 'facade-shadow'] as const) {
      const a = r.ratios.addedLatencyAtFixedRate.find((x) => x.scenario === `${id}-${size}`);
      const value = a?.addedP50Ms ?? null;
      rows.push({
        figure: `${id === 'facade-off' ? 'off' : 'shadow'}: added p50 at ${rate}/s open loop, ${SIZE_LABEL[size]}`, value, unit: 'ms',
        detail: `p50 ${scenario(`${id}-${size}`)?.fixedRate?.p50Ms ?? '–'} vs direct ${scenario(`direct-monolith-${size}`)?.fixedRate?.p50Ms ?? '–'} ms`,
        target: '≤ +1.0 ms over direct', met: judged(value, 1.0),
      });
    }
    // Judged on the median of the per-round ratios (as added latency is on per-round differences); the
    // ratio of the two medians is printed beside it, since one host stall can land in either.
    const p99Shadow = scenario(`facade-shadow-${size}`)?.fixedRate?.p99Ms ?? null;
    const p99Off = scenario(`facade-off-${size}`)?.fixedRate?.p99Ms ?? null;
    const ofMedians = p99Shadow === null || p99Off === null || p99Off === 0 ? null : round(p99Shadow / p99Off, 2);
    const paired = pairedRatios(r.samples, `facade-shadow-${size}`, `facade-off-${size}`, 'p99Ms');
    rows.push({
      figure: `p99 at shadow / p99 at off, ${rate}/s open loop, ${SIZE_LABEL[size]}`, value: paired.median, unit: '×',
      detail: `per round ${paired.rounds.length ? paired.rounds.map((x) => x.toFixed(2)).join(', ') : '–'}; medians ${p99Shadow ?? '–'} vs ${p99Off ?? '–'} ms = ${ofMedians ?? '–'}×`,
      target: '≤ 1.2× (median of rounds)', met: judged(paired.median, 1.2),
    });
  }

  const c = input.comparisons;
  rows.push({
    figure: `comparison engine, differing ${c ? c.bytes : '~1 KB'} B JSON, one core`, value: c ? Math.round(c.perSecond) : null, unit: '/s',
    detail: c ? `corpus.ts comparisonsPerSecond over ${c.seconds} s` : 'not run', target: '≥ 5,000/s', met: c ? judged(c.perSecond, 5000, false) : null,
  });
  const flood = input.hardening?.flood ?? null;
  rows.push({
    figure: `peak RSS, ${flood ? `${flood.bodyKb} KB shadow flood, ${flood.connections} conn, ${flood.seconds} s` : 'shadow flood'}`,
    value: flood ? round(flood.peakRssMb, 0) : null, unit: 'MB',
    detail: flood ? `${flood.requests} requests, ${flood.comparisons} comparisons, ${flood.comparisonsSkipped} skipped (queue full), ${flood.shadowsDropped} shadows not sent` : 'not run (--no-hardening)',
    target: flood ? `< ${flood.targetMb} MB (hardening bound)` : '< 300 MB (hardening bound)', met: flood ? flood.peakRssMb < flood.targetMb : null,
  });
  const cli = input.cliStart ?? null;
  rows.push({
    figure: 'npx strangler --help, wall time', value: cli ? round(cli.npxMs / 1000, 2) : null, unit: 's',
    detail: cli ? `npx's own floor (a one-line bin) ${cli.npxFloorMs} ms; the bin alone ${cli.binMs} ms; node -e 0 ${cli.nodeMs} ms` : 'not run',
    target: '≤ 0.3 s', met: cli ? judged(cli.npxMs, 300) : null,
  });
  return { reference, rows };
}

export function printTargets(t: ReturnType<typeof buildTargets>, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): void {
  out('');
  out(`Targets (issue 12); reference: ${t.reference}`);
  const cells = t.rows.map((row) => [
    row.figure, row.value === null ? '–' : `${row.unit === 'ms' && row.value >= 0 ? '+' : ''}${row.value.toLocaleString('en')}${row.unit === '×' ? '×' : ` ${row.unit}`}`,
    row.target, row.met === null ? '–' : row.met ? 'met' : 'NOT met', row.detail,
  ]);
  const header = ['figure', 'value', 'target', 'verdict', 'measured'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  for (const line of [header, ...cells]) out(line.map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd());
}
