// The bench's report: per scenario and mode, medians over the interleaved rounds; the ratios the
// facade issue asks for; the printed table. Every figure here comes from the samples of this run.
import os from 'node:os';
import { printProfile, type ProfileSummary } from './profile-summary';
import type { BodySize } from './routes';
import { max, median, min, round } from './stats';

export interface ScenarioInfo {
  readonly id: string;
  readonly label: string;
  readonly via: 'direct' | 'facade' | 'nginx' | 'reference';
  /** What sits in front: the facade's stage, nginx, a reference proxy, or nothing (direct). */
  readonly role: 'direct' | 'nginx' | 'off' | 'complete' | 'shadow' | 'shadow-differ' | 'naive-shadow' | 'http-proxy' | 'node-http' | 'undici' | 'undici-shadow' | 'llhttp' | 'llhttp-client';
  /** Size of the upstream's JSON answer. */
  readonly size: BodySize;
  readonly expectSide: 'monolith' | 'service';
  /** The direct scenario to the same upstream, for added latency. */
  readonly baseline: string | null;
}

export interface PhaseSample {
  readonly scenario: string;
  readonly mode: 'saturation' | 'fixed';
  readonly round: number;
  readonly ok: number;
  readonly errors: number;
  readonly errorKinds: Record<string, number>;
  readonly seconds: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly sentP50Ms: number | null;
  readonly sentP99Ms: number | null;
  readonly sendLagP50Ms: number | null;
  readonly sendLagP99Ms: number | null;
  readonly proxyCpuUsPerReq: number | null;
  readonly proxyProcCpuUsPerReq: number | null;
  readonly upstreamCpuUsPerReq: number | null;
  readonly loadgenCpuUsPerReq: number | null;
  /** Connections the upstream accepted during the phase (keep-alive pools should make this ~0). */
  readonly upstreamNewConnections: number | null;
  /**
   * CPU the bench's other proxies (the facades, the naive shadow) used during the phase while not
   * measured, in ms per second of the phase: work one left behind competes with the next.
   */
  readonly bystanderCpuMsPerSec?: number;
  /** The load generator's page faults (minor) per request: its memory, not its sockets, when it climbs. */
  readonly loadgenFaultsPerReq?: number;
  /** Time the load generator spent collecting garbage, µs per request, and its heap in use after the phase (MB). */
  readonly loadgenGcUsPerReq?: number;
  readonly loadgenHeapMb?: number;
}

const NUMERIC = [
  'rps', 'p50Ms', 'p90Ms', 'p99Ms', 'p999Ms', 'maxMs', 'sentP50Ms', 'sentP99Ms', 'sendLagP50Ms', 'sendLagP99Ms',
  'proxyCpuUsPerReq', 'proxyProcCpuUsPerReq', 'upstreamCpuUsPerReq', 'loadgenCpuUsPerReq',
] as const;
type Numeric = (typeof NUMERIC)[number];

export type ModeSummary = { rounds: number; requests: number; errors: number; errorKinds: Record<string, number>; upstreamNewConnections: number | null }
  & { [K in Numeric]: number | null }
  & { p50MsRange: [number | null, number | null]; p99MsRange: [number | null, number | null] };

interface ReportInput {
  readonly options: { quick: boolean; duration: number; rounds: number; rate: number; concurrency: number; warmup: number; profile: boolean; tsNode: boolean };
  readonly scenarios: readonly ScenarioInfo[];
  readonly samples: readonly PhaseSample[];
  readonly nginx: { included: boolean; note: string; bin?: string; version?: string; via?: string };
  readonly childProcessesLeft: readonly number[];
  readonly seconds: number;
  readonly profile: ProfileSummary | null;
}

function summarize(samples: readonly PhaseSample[]): ModeSummary | null {
  if (samples.length === 0) return null;
  const errorKinds: Record<string, number> = {};
  for (const s of samples) for (const [k, v] of Object.entries(s.errorKinds)) errorKinds[k] = (errorKinds[k] ?? 0) + v;
  const out = {
    rounds: samples.length,
    requests: samples.reduce((a, s) => a + s.ok + s.errors, 0),
    errors: samples.reduce((a, s) => a + s.errors, 0),
    errorKinds,
    upstreamNewConnections: samples.every((s) => s.upstreamNewConnections === null) ? null : samples.reduce((a, s) => a + (s.upstreamNewConnections ?? 0), 0),
    p50MsRange: [round(min(samples.map((s) => s.p50Ms))), round(max(samples.map((s) => s.p50Ms)))],
    p99MsRange: [round(min(samples.map((s) => s.p99Ms))), round(max(samples.map((s) => s.p99Ms)))],
  } as ModeSummary;
  for (const k of NUMERIC) {
    const values = samples.map((s) => s[k]).filter((v): v is number => v !== null);
    out[k] = values.length ? round(median(values), k === 'rps' ? 0 : 3) : null;
  }
  return out;
}

/** Each round's (scenario, baseline) pair of a figure at the fixed rate, in round order. */
function pairedRounds(samples: readonly PhaseSample[], id: string, base: string, key: Numeric): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (const s of samples) {
    if (s.scenario !== id || s.mode !== 'fixed') continue;
    const b = samples.find((x) => x.scenario === base && x.mode === 'fixed' && x.round === s.round);
    const a = s[key];
    const c = b?.[key];
    if (a !== null && c !== null && c !== undefined) pairs.push([a, c]);
  }
  return pairs;
}

/** Median over rounds of (scenario − baseline) in the same round. */
function pairedDiff(samples: readonly PhaseSample[], id: string, base: string, key: Numeric): number | null {
  const diffs = pairedRounds(samples, id, base, key).map(([a, c]) => a - c);
  return diffs.length ? round(median(diffs)) : null;
}

/**
 * The per-round ratios of (scenario / baseline) at the fixed rate, same round, and their median: a
 * round where the host stalled every process (direct too) then moves both sides of its ratio.
 */
export function pairedRatios(samples: readonly PhaseSample[], id: string, base: string, key: Numeric): { median: number | null; rounds: number[] } {
  const rounds = pairedRounds(samples, id, base, key).filter(([, c]) => c > 0).map(([a, c]) => Math.round((a / c) * 100) / 100);
  return { median: rounds.length ? round(median(rounds), 2) : null, rounds };
}

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a == null || b == null || b === 0 ? null : round(a / b, 2);
}

export function buildReport(input: ReportInput) {
  const { options: o, samples } = input;
  const scenarios = input.scenarios.map((s) => ({
    id: s.id, label: s.label, via: s.via, role: s.role, size: s.size, upstream: s.expectSide, baseline: s.baseline,
    saturation: summarize(samples.filter((x) => x.scenario === s.id && x.mode === 'saturation')),
    fixedRate: summarize(samples.filter((x) => x.scenario === s.id && x.mode === 'fixed')),
  }));
  const byId = new Map(scenarios.map((s) => [s.id, s]));
  const cpuVsNginx = scenarios.filter((s) => s.via === 'facade' || s.via === 'reference').map((s) => {
    const nginx = byId.get(`nginx-${s.size}`);
    const sat = ratio(s.saturation?.proxyCpuUsPerReq, nginx?.saturation?.proxyCpuUsPerReq);
    const fixed = ratio(s.fixedRate?.proxyCpuUsPerReq, nginx?.fixedRate?.proxyCpuUsPerReq);
    return {
      scenario: s.id, label: s.label, via: s.via, saturation: sat, fixedRate: fixed,
      proxyUsPerReq: { saturation: s.saturation?.proxyCpuUsPerReq ?? null, fixedRate: s.fixedRate?.proxyCpuUsPerReq ?? null },
      nginxUsPerReq: { saturation: nginx?.saturation?.proxyCpuUsPerReq ?? null, fixedRate: nginx?.fixedRate?.proxyCpuUsPerReq ?? null },
    };
  });
  const addedLatency = scenarios.filter((s) => s.baseline !== null).map((s) => {
    const judged = s.via === 'facade';
    const p50 = pairedDiff(samples, s.id, s.baseline!, 'p50Ms');
    const p99 = pairedDiff(samples, s.id, s.baseline!, 'p99Ms');
    return {
      scenario: s.id, label: s.label, baseline: s.baseline, rate: o.rate,
      addedP50Ms: p50, addedP99Ms: p99,
      fromSendTime: { addedP50Ms: pairedDiff(samples, s.id, s.baseline!, 'sentP50Ms'), addedP99Ms: pairedDiff(samples, s.id, s.baseline!, 'sentP99Ms') },
      judged,
    };
  });
  const throughputVsDirect = scenarios.filter((s) => s.baseline !== null).map((s) => ({
    scenario: s.id, baseline: s.baseline, ratio: ratio(s.saturation?.rps, byId.get(s.baseline!)?.saturation?.rps),
  }));
  const crossCheck = scenarios.filter((s) => s.via === 'facade').map((s) => ({
    scenario: s.id,
    processCpuUsage: { saturation: s.saturation?.proxyCpuUsPerReq ?? null, fixedRate: s.fixedRate?.proxyCpuUsPerReq ?? null },
    procSchedstat: { saturation: s.saturation?.proxyProcCpuUsPerReq ?? null, fixedRate: s.fixedRate?.proxyProcCpuUsPerReq ?? null },
  }));

  return {
    tool: 'strangler bench',
    generatedAt: new Date().toISOString(),
    seconds: round(input.seconds, 1),
    environment: {
      node: process.version, platform: `${os.platform()} ${os.release()}`, cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null, loadavg: os.loadavg().map((v) => round(v, 2)),
    },
    nginx: input.nginx,
    settings: {
      quick: o.quick, roundsPerMode: o.rounds, secondsPerPhase: o.duration, warmupSecondsPerPhase: o.warmup,
      fixedRate: o.rate, saturationConnections: o.concurrency, profiled: o.profile,
      facadeLoader: o.tsNode ? 'ts-node --transpile-only (node:domain loaded)' : 'plain node, TypeScript transpiled by scripts/bench/ts-hook.js (as a build to dist/ would run)',
    },
    method: {
      loadGenerator: 'node:http keep-alive Agent in the bench process; 127.0.0.1 only',
      saturation: 'closed loop, N connections each sending its next request when the last ended; latency from send to last body byte',
      fixedRate: 'open loop, request i due at t0 + i/rate; latency from the time it was due (no coordinated omission); fromSendTime variants beside',
      rounds: 'each round runs every scenario once per mode, scenario order rotated per round; figures are medians over rounds',
      addedLatency: 'median over rounds of (scenario percentile − direct percentile of the same round)',
      cpu: 'facade: process.cpuUsage() of the facade process over IPC (all threads); nginx: master + worker from /proc/<pid>/task/*/schedstat; per request = CPU delta over the measured phase / requests sent in it',
      processes: 'monolith, service and facade are separate node processes (plain node, no ts-node); nginx runs 1 worker (the facade runs as 1 process)',
      references: 'with --references: plain http-proxy (keep-alive agent) and a bare node:http proxy (reference-proxy.ts) in front of the monolith, measured like the facade',
    },
    scenarios,
    ratios: { cpuPerRequestVsNginx: cpuVsNginx, addedLatencyAtFixedRate: addedLatency, saturationThroughputVsDirect: throughputVsDirect },
    facadeCpuCrossCheck: crossCheck,
    profile: input.profile,
    samples,
    childProcessesLeft: input.childProcessesLeft,
  };
}

export type Report = ReturnType<typeof buildReport>;

function f(v: number | null | undefined, digits: number): string {
  return v == null ? '–' : v.toFixed(digits);
}

function signed(v: number | null | undefined): string {
  return v == null ? '–' : `${v >= 0 ? '+' : ''}${v.toFixed(3)} ms`;
}

function table(rows: string[][], alignLeft = 1): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i < alignLeft ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd());
}

export function printReport(r: Report, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): void {
  const s = r.settings;
  out('');
  out(`Strangler bench: ${r.generatedAt}, node ${r.environment.node}, ${r.environment.cpus} CPUs (${r.environment.cpuModel ?? '?'}), loopback`);
  out(`${s.roundsPerMode} round(s) × ${s.secondsPerPhase} s per scenario and mode, interleaved; medians over rounds; nginx: ${r.nginx.note}`);
  out(`facade process: ${s.facadeLoader}${s.profiled ? '; PROFILED (V8 sampling profiler): its CPU and latency figures are inflated' : ''}`);
  out('');
  const rows: string[][] = [
    ['', `saturation (${s.saturationConnections} conn)`, '', '', `${s.fixedRate} req/s`, '', 'proxy CPU µs/req', '', ''],
    ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'p50 ms', 'p99 ms', 'saturation', `${s.fixedRate}/s`, 'errors'],
  ];
  for (const sc of r.scenarios) {
    const sat = sc.saturation;
    const fx = sc.fixedRate;
    rows.push([
      sc.label, f(sat?.rps, 0), f(sat?.p50Ms, 3), f(sat?.p99Ms, 3), f(fx?.p50Ms, 3), f(fx?.p99Ms, 3),
      f(sat?.proxyCpuUsPerReq, 1), f(fx?.proxyCpuUsPerReq, 1), String((sat?.errors ?? 0) + (fx?.errors ?? 0)),
    ]);
  }
  for (const line of table(rows)) out(line);

  out('');
  out('CPU per request vs nginx\'s at the same answer size (targets: see the table at the end):');
  if (r.ratios.cpuPerRequestVsNginx.every((c) => c.saturation === null)) out('  – (nginx not measured)');
  else {
    for (const c of r.ratios.cpuPerRequestVsNginx) {
      out(`  ${c.label.padEnd(40)} saturation ${f(c.saturation, 2)}× (${f(c.proxyUsPerReq.saturation, 1)} vs ${f(c.nginxUsPerReq.saturation, 1)} µs), ` +
        `${s.fixedRate}/s ${f(c.fixedRate, 2)}× (${f(c.proxyUsPerReq.fixedRate, 1)} vs ${f(c.nginxUsPerReq.fixedRate, 1)} µs)${c.via === 'facade' ? '' : '  (reference)'}`);
    }
  }
  out(`Added latency at ${s.fixedRate} req/s (open loop) vs direct to the same upstream and size (median of per-round differences):`);
  for (const a of r.ratios.addedLatencyAtFixedRate) {
    out(`  ${a.label.padEnd(40)} p50 ${signed(a.addedP50Ms)}, p99 ${signed(a.addedP99Ms)}${a.judged ? '' : '  (reference)'}`);
  }
  out('Saturation throughput vs direct: ' + r.ratios.saturationThroughputVsDirect.map((t) => `${t.scenario} ${f(t.ratio, 2)}×`).join(', '));

  out('');
  out('Other processes, CPU µs/req (saturation / fixed rate):');
  for (const sc of r.scenarios) {
    out(`  ${sc.label.padEnd(40)} upstream ${f(sc.saturation?.upstreamCpuUsPerReq, 1)} / ${f(sc.fixedRate?.upstreamCpuUsPerReq, 1)}, ` +
      `load generator ${f(sc.saturation?.loadgenCpuUsPerReq, 1)} / ${f(sc.fixedRate?.loadgenCpuUsPerReq, 1)}; ` +
      `connections the upstream accepted while measured: ${sc.saturation?.upstreamNewConnections ?? '–'} / ${sc.fixedRate?.upstreamNewConnections ?? '–'}`);
  }
  for (const c of r.facadeCpuCrossCheck) {
    out(`  facade cross-check ${c.scenario}: process.cpuUsage ${f(c.processCpuUsage.saturation, 1)} / ${f(c.processCpuUsage.fixedRate, 1)}, ` +
      `/proc schedstat ${f(c.procSchedstat.saturation, 1)} / ${f(c.procSchedstat.fixedRate, 1)}`);
  }
  const spread = r.scenarios.map((sc) => `${sc.id} p50 ${f(sc.fixedRate?.p50MsRange[0], 3)}–${f(sc.fixedRate?.p50MsRange[1], 3)}, p99 ${f(sc.fixedRate?.p99MsRange[0], 3)}–${f(sc.fixedRate?.p99MsRange[1], 3)}`);
  out(`Fixed-rate spread over rounds (ms): ${spread.join('; ')}`);
  const lag = r.scenarios.map((sc) => sc.fixedRate?.sendLagP99Ms).filter((v): v is number => v != null);
  if (lag.length) out(`Load generator send lag at ${s.fixedRate}/s, p99 (median over scenarios' medians): ${f(lag.sort((a, b) => a - b)[Math.floor(lag.length / 2)], 3)} ms`);
  const errs = r.scenarios.filter((sc) => (sc.saturation?.errors ?? 0) + (sc.fixedRate?.errors ?? 0) > 0);
  for (const sc of errs) out(`ERRORS in ${sc.label}: ${JSON.stringify({ ...sc.saturation?.errorKinds, ...sc.fixedRate?.errorKinds })}`);
  if (r.profile) printProfile(r.profile, out);
  out(`\nChild processes left running: ${r.childProcessesLeft.length ? r.childProcessesLeft.join(', ') : 'none'}; total ${r.seconds} s`);
}
