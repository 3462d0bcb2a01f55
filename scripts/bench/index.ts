// `npm run bench`: the facade's overhead on loopback, in one run, against the same upstream direct
// and (when nginx is installed) behind nginx. scripts/bench/README.md says what is measured and how.
//
//   npm run bench                      full run (5 interleaved rounds of 3 s per scenario and mode)
//   npm run bench -- --quick           smoke run (1 round of 1 s)
//   npm run bench -- --only store-writes   only the diff store's comparisons written per second (SQLite, PostgreSQL)
//   npm run bench -- --only cli            only the CLI's start: `npx strangler --help` next to npx's own floor
//   npm run bench -- --duration 5 --rounds 7 --rate 1000 --concurrency 32 [--no-nginx] [--profile]
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { Command, InvalidArgumentError } from 'commander';
import { isAlive, liveChildren, spawnTsChild, stopAll, stopChild, tail, type ChildSample, type Spawned } from './children';
import type { ToChild } from './child-ipc';
import { procCpuUs } from './cpu';
import { closedLoop, newAgent, openLoop, type RunResult, type Target } from './load';
import { runHardening, printHardening, type HardeningReport } from './hardening';
import { runConsoleBench, printConsoleBench } from './console';
import { printStoreWrites, storeWritesPerSecond } from './store-writes';
import { findNginx, startNginx, type NginxFound, type RunningNginx } from './nginx';
import { summarizeProfile } from './profile-summary';
import { measureCliStart, printCliStart } from './cli-start';
import { buildReport, printReport, type PhaseSample, type ScenarioInfo } from './report';
import { buildTargets, printTargets } from './targets';
import { BENCH_ROUTES, differing, type BodySize } from './routes';
import { percentile } from './stats';

const ROOT = path.resolve(__dirname, '..', '..');
const SIZES: readonly BodySize[] = ['1k', '100k'];

export interface BenchOptions {
  readonly quick: boolean;
  readonly duration: number;
  readonly rounds: number;
  readonly rate: number;
  readonly concurrency: number;
  readonly warmup: number;
  readonly nginx: boolean;
  readonly nginxBin?: string;
  readonly profile: boolean;
  readonly out: string;
  readonly keep: boolean;
  readonly facadeNodeArgs: string[];
  /** Run the facade under ts-node (as `npm start` does) instead of plain node + ts-hook.js. */
  readonly tsNode: boolean;
  /** Also measure plain http-proxy and a bare node:http proxy (reference-proxy.ts) in front of the monolith. */
  readonly references: boolean;
  /** Also measure the naive shadow (reference-proxy.ts naive-shadow), the issue's reference for `shadow`. */
  readonly naive: boolean;
  /** Only the scenarios whose id starts with one of these (e.g. to profile one stage); empty: all. */
  readonly only: readonly string[];
  /** Also run the hardening scenarios (hardening.ts): shadow-flood peak RSS, reload and restart under load. */
  readonly hardening: boolean;
}

function positive(kind: 'int' | 'number') {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || (kind === 'int' && !Number.isInteger(n))) {
      throw new InvalidArgumentError(kind === 'int' ? 'must be a positive integer' : 'must be a positive number');
    }
    return n;
  };
}

export function parseArgs(argv: string[]): BenchOptions {
  const program = new Command('bench')
    .description('Facade overhead vs direct and vs nginx, on loopback')
    .option('--quick', 'smoke run: 1 s phases, 1 round, short warm-ups')
    .option('--duration <s>', 'seconds per measured phase (saturation and fixed rate)', positive('number'))
    .option('--rounds <n>', 'interleaved rounds per scenario and mode (medians are reported)', positive('int'))
    .option('--rate <rps>', 'fixed-rate mode: requests per second', positive('int'), 1000)
    .option('--concurrency <c>', 'saturation mode: connections', positive('int'), 32)
    .option('--warmup <s>', 'seconds of discarded load before each measured phase', positive('number'))
    .option('--no-nginx', 'do not measure nginx even if it is installed')
    .option('--nginx-bin <path>', 'nginx binary to use instead of looking on PATH and /usr/sbin')
    .option('--profile', 'profile the facade (V8 sampling profiler) over the measured phases and summarize where its CPU goes; figures are then inflated')
    .option('--keep', 'keep the temp dir (logs, nginx.conf, state.db)')
    .option('--facade-node-args <args>', 'extra node flags for the facade process, space-separated (e.g. "--trace-gc")')
    .option('--ts-node', 'run the facade under ts-node (loads node:domain) instead of plain node, as a compiled facade runs')
    .option('--references', 'also measure plain http-proxy (keep-alive agent) and a bare node:http proxy in front of the monolith')
    .option('--only <ids>', 'only the scenarios whose id starts with one of these, comma-separated (e.g. facade-off,facade-shadow-1k)')
    .option('--no-naive', 'skip the naive-shadow reference (http-proxy mirroring every GET, JSON.parse + deep equal)')
    .option('--no-hardening', 'skip the hardening scenarios (shadow-flood peak RSS, failed requests of a reload and of a service restart)')
    .option('--out <file>', 'JSON report', path.join(ROOT, 'reports', 'bench.json'))
    .showHelpAfterError();
  program.parse(argv);
  const o = program.opts<{
    quick?: boolean; duration?: number; rounds?: number; rate: number; concurrency: number; warmup?: number;
    nginx: boolean; nginxBin?: string; profile?: boolean; keep?: boolean; tsNode?: boolean; references?: boolean; naive: boolean; only?: string; hardening: boolean; out: string;
    facadeNodeArgs?: string;
  }>();
  const quick = o.quick === true;
  return {
    quick,
    duration: o.duration ?? (quick ? 1 : 3),
    rounds: o.rounds ?? (quick ? 1 : 5),
    rate: o.rate,
    concurrency: o.concurrency,
    warmup: o.warmup ?? (quick ? 0.2 : 0.5),
    nginx: o.nginx,
    nginxBin: o.nginxBin,
    profile: o.profile === true,
    keep: o.keep === true,
    facadeNodeArgs: o.facadeNodeArgs ? o.facadeNodeArgs.split(/\s+/).filter(Boolean) : [],
    tsNode: o.tsNode === true,
    references: o.references === true,
    naive: o.naive,
    only: o.only ? o.only.split(',').map((x) => x.trim()).filter(Boolean) : [],
    hardening: o.hardening,
    out: path.resolve(o.out),
  };
}

interface Scenario extends ScenarioInfo {
  readonly target: Target;
  /** The proxy's CPU time so far, µs (null: direct, nothing in between). */
  readonly proxyCpu: (() => Promise<number>) | null;
  /** The proxy's PIDs, read from /proc (the facade's as a cross-check of its own figure). */
  readonly proxyPids: readonly number[];
  readonly upstream: () => Promise<ChildSample>;
}

interface CpuSnapshot { proxy: number | null; proxyProc: number | null; upstream: number; upstreamConnections: number | null; loadgen: number; bystanders: number; faults: number; gcMs: number; at: number }

/** The proxies the bench started (facades, reference proxies): those not under test in a phase are its bystanders. */
const proxyPids = new Set<number>();

/** Garbage collection in the bench process (the load generator), ms in all since start. */
let loadgenGcMs = 0;
new PerformanceObserver((list) => { for (const e of list.getEntries()) loadgenGcMs += e.duration; }).observe({ entryTypes: ['gc'] });

async function cpuSnapshot(s: Scenario): Promise<CpuSnapshot> {
  const [proxy, upstream] = await Promise.all([s.proxyCpu ? s.proxyCpu() : Promise.resolve(null), s.upstream()]);
  const u = process.cpuUsage();
  return {
    proxy, proxyProc: s.proxyPids.length ? procCpuUs(s.proxyPids) : null,
    upstream: upstream.cpuUs, upstreamConnections: upstream.connections, loadgen: u.user + u.system,
    bystanders: procCpuUs([...proxyPids].filter((pid) => !s.proxyPids.includes(pid))), faults: process.resourceUsage().minorPageFault, gcMs: loadgenGcMs, at: performance.now(),
  };
}

function perRequest(a: number | null, b: number | null, requests: number): number | null {
  return a === null || b === null || requests === 0 ? null : (b - a) / requests;
}

/** Waits (up to 15 s) until the proxy uses < 5 % of a core over 200 ms: its deferred work is done. */
// Not under --profile: the sampling profiler keeps the facade busy even when no request is in flight.
async function settle(s: Scenario, o: BenchOptions): Promise<void> {
  if (!s.proxyCpu || o.profile) return;
  const deadline = Date.now() + 15_000;
  let last = await s.proxyCpu();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    const now = await s.proxyCpu();
    if (now - last < 10_000) return;
    last = now;
  }
  log(`bench: ${s.label}: the proxy was still busy (≥ 5 % of a core) after 15 s of waiting; measuring anyway`);
}

const MAX_REQUESTS_SATURATION = 2_000_000;
const MAX_IN_FLIGHT_FIXED = 256;

async function runPhase(s: Scenario, mode: 'saturation' | 'fixed', o: BenchOptions, round: number): Promise<PhaseSample> {
  const run = (seconds: number): Promise<RunResult> => mode === 'saturation'
    ? closedLoop(s.target, o.concurrency, seconds * 1000, MAX_REQUESTS_SATURATION)
    : openLoop(s.target, o.rate, seconds * 1000, MAX_IN_FLIGHT_FIXED);
  await settle(s, o);
  await run(o.warmup);
  await settle(s, o);
  const c0 = await cpuSnapshot(s);
  const r = await run(o.duration);
  // Work a request leaves behind (comparisons, stored records) is its scenario's cost: wait it out
  // before reading the CPU, so it is counted here and does not spill into the next scenario.
  await settle(s, o);
  const c1 = await cpuSnapshot(s);
  const ms = (ns: number): number => ns / 1e6;
  const requests = r.ok + r.errors;
  return {
    scenario: s.id, mode, round, ok: r.ok, errors: r.errors, errorKinds: r.errorKinds,
    seconds: r.elapsedNs / 1e9,
    rps: r.ok / (r.elapsedNs / 1e9),
    p50Ms: ms(percentile(r.latencyNs, 50)),
    p90Ms: ms(percentile(r.latencyNs, 90)),
    p99Ms: ms(percentile(r.latencyNs, 99)),
    p999Ms: ms(percentile(r.latencyNs, 99.9)),
    maxMs: ms(percentile(r.latencyNs, 100)),
    sentP50Ms: r.sentLatencyNs ? ms(percentile(r.sentLatencyNs, 50)) : null,
    sentP99Ms: r.sentLatencyNs ? ms(percentile(r.sentLatencyNs, 99)) : null,
    sendLagP50Ms: r.sendLagNs ? ms(percentile(r.sendLagNs, 50)) : null,
    sendLagP99Ms: r.sendLagNs ? ms(percentile(r.sendLagNs, 99)) : null,
    proxyCpuUsPerReq: perRequest(c0.proxy, c1.proxy, requests),
    proxyProcCpuUsPerReq: perRequest(c0.proxyProc, c1.proxyProc, requests),
    upstreamCpuUsPerReq: perRequest(c0.upstream, c1.upstream, requests),
    loadgenCpuUsPerReq: perRequest(c0.loadgen, c1.loadgen, requests),
    upstreamNewConnections: c0.upstreamConnections === null || c1.upstreamConnections === null ? null : c1.upstreamConnections - c0.upstreamConnections,
    bystanderCpuMsPerSec: (c1.bystanders - c0.bystanders) / 1000 / ((c1.at - c0.at) / 1000),
    loadgenFaultsPerReq: requests === 0 ? 0 : (c1.faults - c0.faults) / requests,
    loadgenGcUsPerReq: requests === 0 ? 0 : ((c1.gcMs - c0.gcMs) * 1000) / requests,
    loadgenHeapMb: process.memoryUsage().heapUsed / 1e6,
  };
}

/** One request, its body parsed: proves the scenario reaches the side it claims to. */
function check(s: Scenario): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: s.target.port, path: s.target.path, agent: s.target.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
          const side = res.headers['x-bench-side'];
          if (side !== s.expectSide) throw new Error(`answered by ${String(side)}, expected ${s.expectSide}`);
          const header = res.headers['x-strangler-side'];
          if (s.via === 'facade' && header !== s.expectSide) throw new Error(`x-strangler-side is ${String(header)}, expected ${s.expectSide}`);
          resolve();
        } catch (err) {
          reject(new Error(`${s.label}: ${(err as Error).message}`));
        }
      });
    });
    req.on('error', (err) => reject(new Error(`${s.label}: ${err.message}`)));
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
  });
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Phases `--only` can name that start no upstream or facade. */
const ALONE = ['store-writes', 'cli'] as const;

async function main(): Promise<number> {
  const o = parseArgs(process.argv);
  const named = (id: string): boolean => o.only.some((p) => id.startsWith(p) || p.startsWith(id));
  if (o.only.length > 0 && o.only.every((p) => ALONE.some((id) => id.startsWith(p) || p.startsWith(id)))) {
    // Only phases that need no upstreams or facade: the diff store's write rate, the CLI's start.
    fs.mkdirSync(path.dirname(o.out), { recursive: true });
    if (named('store-writes')) {
      const stores = await storeWritesPerSecond({ quick: o.quick, log });
      printStoreWrites(stores);
      const out = path.join(path.dirname(o.out), 'bench-store.json');
      fs.writeFileSync(out, `${JSON.stringify(stores, null, 2)}\n`);
      process.stdout.write(`JSON: ${path.relative(process.cwd(), out) || out}\n`);
    }
    if (named('cli')) printCliStart(measureCliStart({ quick: o.quick, log }));
    return 0;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-bench-'));
  const started = Date.now();
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    log(`\n${sig}: stopping the bench's child processes…`);
    void stopAll().then((left) => {
      if (left.length) log(`still alive: ${left.join(', ')}`);
      if (!o.keep) fs.rmSync(tmp, { recursive: true, force: true });
      process.exit(130);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const agents: http.Agent[] = [];
  const agent = (): http.Agent => {
    const a = newAgent(Math.max(o.concurrency, 64));
    agents.push(a);
    return a;
  };
  let nginx: RunningNginx | null = null;
  let facadeChild: Spawned | null = null;
  const refs: Spawned[] = [];
  const profileFile = path.join(path.dirname(o.out), 'facade.cpuprofile');
  try {
    const nginxFound: NginxFound | null = o.nginx ? findNginx(o.nginxBin) : null;
    const nginxNote = !o.nginx ? 'skipped (--no-nginx)' : nginxFound ? `${nginxFound.version} (${nginxFound.bin}, found via ${nginxFound.via})` : 'not found on PATH nor at /usr/sbin/nginx: skipped';
    log(`bench: node ${process.version}, ${os.cpus().length} CPUs, ${o.rounds} round(s) × ${o.duration} s per phase, ${o.rate} req/s fixed rate, ${o.concurrency} connections at saturation`);
    log(`bench: nginx ${nginxNote}`);

    const [monolith, service] = await Promise.all([
      spawnTsChild('monolith', 'upstream-server.ts', ['monolith'], { logDir: tmp }),
      spawnTsChild('service', 'upstream-server.ts', ['service'], { logDir: tmp }),
    ]);
    if (o.profile) fs.mkdirSync(path.dirname(profileFile), { recursive: true });
    const facade = await spawnTsChild('facade', 'facade-runner.ts', [], {
      logDir: tmp, nodeArgs: o.facadeNodeArgs,
      loader: o.tsNode ? 'ts-node' : 'hook',
      env: {
        BENCH_FACADE: JSON.stringify({ monolithUrl: `http://127.0.0.1:${monolith.port}`, serviceUrl: `http://127.0.0.1:${service.port}`, dir: tmp }),
        ...(o.profile ? { BENCH_PROFILE_FILE: profileFile } : {}),
      },
    });
    facadeChild = facade.child;
    proxyPids.add(facade.child.pid);
    log(`bench: upstreams on :${monolith.port} (monolith), :${service.port} (service); facade on :${facade.port} (pid ${facade.child.pid}), stages ${JSON.stringify(facade.info.stages)}`);
    if (nginxFound) {
      nginx = await startNginx(nginxFound, path.join(tmp, 'nginx'), monolith.port);
      log(`bench: nginx on :${nginx.port} (master ${nginx.master.pid}, worker ${nginx.workers.join(', ')})`);
    }

    const [legacy, moved, mirrored] = BENCH_ROUTES;
    const facadePids = [facade.child.pid];
    const scenarios: Scenario[] = [];
    const add = (sc: Omit<Scenario, 'label'> & { label: string }): void => { scenarios.push({ ...sc, label: `${sc.label}, ${sc.size === '1k' ? '1 KB' : '100 KB'}` }); };
    let naive: Awaited<ReturnType<typeof spawnTsChild>> | null = null;
    if (o.naive) {
      naive = await spawnTsChild('ref-naive-shadow', 'reference-proxy.ts', ['naive-shadow', `http://127.0.0.1:${monolith.port}`, `http://127.0.0.1:${service.port}`], { logDir: tmp });
      refs.push(naive.child);
      proxyPids.add(naive.child.pid);
    }
    for (const size of SIZES) {
      const direct = `direct-monolith-${size}`;
      add({ id: direct, label: 'direct → monolith', role: 'direct', size, via: 'direct', expectSide: 'monolith', baseline: null,
        target: { port: monolith.port, path: legacy.requestPath[size], agent: agent() }, proxyCpu: null, proxyPids: [], upstream: monolith.sample });
      if (nginx) {
        const pids = [nginx.master.pid, ...nginx.workers];
        add({ id: `nginx-${size}`, label: 'nginx → monolith', role: 'nginx', size, via: 'nginx', expectSide: 'monolith', baseline: direct,
          target: { port: nginx.port, path: legacy.requestPath[size], agent: agent() },
          proxyCpu: () => Promise.resolve(procCpuUs(pids)), proxyPids: pids, upstream: monolith.sample });
      }
      add({ id: `facade-off-${size}`, label: `facade (${legacy.stage}) → monolith`, role: 'off', size, via: 'facade', expectSide: 'monolith', baseline: direct,
        target: { port: facade.port, path: legacy.requestPath[size], agent: agent() }, proxyCpu: facade.cpu, proxyPids: facadePids, upstream: monolith.sample });
      add({ id: `facade-shadow-${size}`, label: `facade (${mirrored.stage}, sides agree)`, role: 'shadow', size, via: 'facade', expectSide: 'monolith', baseline: direct,
        target: { port: facade.port, path: mirrored.requestPath[size], agent: agent() }, proxyCpu: facade.cpu, proxyPids: facadePids, upstream: monolith.sample });
      if (naive) {
        add({ id: `naive-shadow-${size}`, label: 'naive shadow (http-proxy)', role: 'naive-shadow', size, via: 'reference', expectSide: 'monolith', baseline: direct,
          target: { port: naive.port, path: legacy.requestPath[size], agent: agent() }, proxyCpu: naive.cpu, proxyPids: [naive.child.pid], upstream: monolith.sample });
      }
    }
    // One size only for these: the sides-differ variant and the route at `complete`.
    add({ id: 'facade-shadow-differ-1k', label: `facade (${mirrored.stage}, sides differ)`, role: 'shadow-differ', size: '1k', via: 'facade', expectSide: 'monolith', baseline: 'direct-monolith-1k',
      target: { port: facade.port, path: differing(mirrored.requestPath['1k']), agent: agent() }, proxyCpu: facade.cpu, proxyPids: facadePids, upstream: monolith.sample });
    add({ id: 'direct-service-1k', label: 'direct → service', role: 'direct', size: '1k', via: 'direct', expectSide: 'service', baseline: null,
      target: { port: service.port, path: moved.requestPath['1k'], agent: agent() }, proxyCpu: null, proxyPids: [], upstream: service.sample });
    add({ id: 'facade-complete-1k', label: `facade (${moved.stage}) → service`, role: 'complete', size: '1k', via: 'facade', expectSide: 'service', baseline: 'direct-service-1k',
      target: { port: facade.port, path: moved.requestPath['1k'], agent: agent() }, proxyCpu: facade.cpu, proxyPids: facadePids, upstream: service.sample });
    // Circuit breakers and bulkheads (issue 16): the same route at `off` through this facade (guards on,
    // the default) and through a second one with both switched off, so their CPU cost shows side by side.
    if (!o.only.length || o.only.some((p) => p.startsWith('facade-guards') || 'facade-guards'.startsWith(p))) {
      const unguarded = await spawnTsChild('facade-unguarded', 'facade-runner.ts', [], {
        logDir: tmp, loader: o.tsNode ? 'ts-node' : 'hook',
        env: { BENCH_FACADE: JSON.stringify({ monolithUrl: `http://127.0.0.1:${monolith.port}`, serviceUrl: `http://127.0.0.1:${service.port}`, dir: fs.mkdtempSync(path.join(tmp, 'unguarded-')), guards: false }) },
      });
      refs.push(unguarded.child);
      proxyPids.add(unguarded.child.pid);
      add({ id: 'facade-guards-on-1k', label: `facade (${legacy.stage}), breakers + bulkheads on`, role: 'off', size: '1k', via: 'facade', expectSide: 'monolith', baseline: 'direct-monolith-1k',
        target: { port: facade.port, path: legacy.requestPath['1k'], agent: agent() }, proxyCpu: facade.cpu, proxyPids: facadePids, upstream: monolith.sample });
      add({ id: 'facade-guards-off-1k', label: `facade (${legacy.stage}), breakers + bulkheads off`, role: 'off', size: '1k', via: 'facade', expectSide: 'monolith', baseline: 'direct-monolith-1k',
        target: { port: unguarded.port, path: legacy.requestPath['1k'], agent: agent() }, proxyCpu: unguarded.cpu, proxyPids: [unguarded.child.pid], upstream: monolith.sample });
    }
    if (o.references) {
      const labels = { 'http-proxy': 'plain http-proxy', 'node-http': 'bare node:http', undici: 'bare undici Pool', 'undici-shadow': 'bare undici Pool + shadow (bytes compared)', llhttp: 'net + llhttp both sides (hand-rolled)', 'llhttp-client': 'node:http + llhttp client (hand-rolled)' } as const;
      for (const kind of ['http-proxy', 'node-http', 'undici', 'undici-shadow', 'llhttp', 'llhttp-client'] as const) {
        const ref = await spawnTsChild(`ref-${kind}`, 'reference-proxy.ts', [kind, `http://127.0.0.1:${monolith.port}`, `http://127.0.0.1:${service.port}`], { logDir: tmp });
        refs.push(ref.child);
        for (const size of SIZES) {
          add({ id: `ref-${kind}-${size}`, label: `${labels[kind]} → monolith`, role: kind, size, via: 'reference',
            expectSide: 'monolith', baseline: `direct-monolith-${size}`, target: { port: ref.port, path: legacy.requestPath[size], agent: agent() },
            proxyCpu: ref.cpu, proxyPids: [ref.child.pid], upstream: monolith.sample });
        }
      }
    }
    if (o.only.length) {
      const kept = scenarios.filter((sc) => o.only.some((prefix) => sc.id.startsWith(prefix)));
      if (kept.length === 0) throw new Error(`--only ${o.only.join(',')} matches no scenario (ids: ${scenarios.map((sc) => sc.id).join(', ')})`);
      scenarios.splice(0, scenarios.length, ...kept);
    }
    for (const s of scenarios) await check(s);

    // Warm every path once (JIT, connection pools) before anything is measured.
    for (const s of scenarios) await closedLoop(s.target, o.concurrency, (o.quick ? 0.3 : 1) * 1000, MAX_REQUESTS_SATURATION);
    if (o.profile) facade.child.proc.send({ type: 'profile-start' } satisfies ToChild);

    const samples: PhaseSample[] = [];
    for (let round = 0; round < o.rounds && !interrupted; round++) {
      const order = rotate(scenarios, round);
      for (const mode of ['fixed', 'saturation'] as const) {
        for (const s of order) {
          if (interrupted) break;
          const p = await runPhase(s, mode, o, round);
          samples.push(p);
          log(`round ${round + 1}/${o.rounds} ${mode === 'fixed' ? `${o.rate}/s` : 'saturation'} ${s.label}: ${p.rps.toFixed(0)} req/s, p50 ${p.p50Ms.toFixed(3)} ms, p99 ${p.p99Ms.toFixed(3)} ms${p.proxyCpuUsPerReq !== null ? `, proxy CPU ${p.proxyCpuUsPerReq.toFixed(1)} µs/req` : ''}, load generator ${p.loadgenCpuUsPerReq?.toFixed(1) ?? '–'} µs/req (GC ${(p.loadgenGcUsPerReq ?? 0).toFixed(1)}, heap ${(p.loadgenHeapMb ?? 0).toFixed(0)} MB, ${(p.loadgenFaultsPerReq ?? 0).toFixed(2)} faults), other proxies ${(p.bystanderCpuMsPerSec ?? 0).toFixed(0)} ms/s${p.errors ? `, ${p.errors} errors ${JSON.stringify(p.errorKinds)}` : ''}`);
        }
      }
    }
    if (interrupted) return 130;

    for (const a of agents) a.destroy();
    if (nginx) await nginx.stop();
    await stopChild(facade.child);
    await Promise.all([stopChild(monolith.child), stopChild(service.child), ...refs.map((c) => stopChild(c))]);
    const spawned = [monolith.child, service.child, facade.child, ...refs, ...(nginx ? [nginx.master] : [])];
    const left = [...spawned.flatMap((c) => [c.pid, ...c.extraPids]).filter(isAlive), ...liveChildren().map((c) => c.pid)];

    const profile = o.profile && fs.existsSync(profileFile) ? summarizeProfile(profileFile) : null;
    const report = buildReport({
      options: o, scenarios, samples, nginx: nginxFound ? { ...nginxFound, included: true, note: nginxNote } : { included: false, note: nginxNote },
      childProcessesLeft: left, seconds: (Date.now() - started) / 1000, profile,
    });
    fs.mkdirSync(path.dirname(o.out), { recursive: true });
    fs.writeFileSync(o.out, `${JSON.stringify(report, null, 2)}\n`);
    printReport(report);
    process.stdout.write(`\nJSON: ${path.relative(process.cwd(), o.out) || o.out}\n`);
    let hardening: HardeningReport | null = null;
    if (o.hardening && !interrupted) {
      hardening = await runHardening({ quick: o.quick, dir: tmp, log });
      printHardening(hardening);
      const out = path.join(path.dirname(o.out), 'bench-hardening.json');
      fs.writeFileSync(out, `${JSON.stringify(hardening, null, 2)}\n`);
      process.stdout.write(`JSON: ${path.relative(process.cwd(), out) || out}\n`);
    }
    // With --only, the console, store and CLI phases run only when named (`--only console`, `--only store-writes`, `--only cli`).
    const wanted = (id: string): boolean => o.only.length === 0 || named(id);
    if (!interrupted && wanted('console')) { // console.ts: the CPU an open console page costs per request
      const consoleCost = await runConsoleBench({ quick: o.quick, log });
      printConsoleBench(consoleCost);
      fs.writeFileSync(path.join(path.dirname(o.out), 'bench-console.json'), `${JSON.stringify(consoleCost, null, 2)}\n`);
    }
    if (!interrupted && wanted('store-writes')) { // store-writes.ts: comparisons written per second, SQLite and PostgreSQL
      const stores = await storeWritesPerSecond({ quick: o.quick, log });
      printStoreWrites(stores);
      fs.writeFileSync(path.join(path.dirname(o.out), 'bench-store.json'), `${JSON.stringify(stores, null, 2)}\n`);
    }
    const cliStart = !interrupted && wanted('cli') ? measureCliStart({ quick: o.quick, log }) : null;
    if (cliStart) printCliStart(cliStart);
    if (interrupted) return 130;
    // Last, with every child stopped: the comparison engine alone on this process's core (corpus.ts).
    const comparisonSeconds = o.quick ? 1 : 3;
    const { comparisonsPerSecond } = await import('./corpus');
    const comparisons = { ...comparisonsPerSecond(comparisonSeconds), seconds: comparisonSeconds };
    const targets = buildTargets({ report, comparisons, hardening, cliStart });
    printTargets(targets);
    fs.writeFileSync(o.out, `${JSON.stringify({ ...report, targets, comparisonEngine: comparisons, hardeningFlood: hardening?.flood ?? null, cliStart }, null, 2)}\n`);
    if (left.length) log(`WARNING: child processes still alive: ${left.join(', ')}`);
    return left.length ? 1 : 0;
  } catch (err) {
    log(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
    if (facadeChild) log(`--- facade log (tail) ---\n${tail(facadeChild.log)}`);
    return 1;
  } finally {
    for (const a of agents) a.destroy();
    const left = await stopAll();
    if (left.length) log(`WARNING: could not stop ${left.join(', ')}`);
    if (o.keep) log(`bench: kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then((code) => process.exit(code), (err: unknown) => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
  });
}
