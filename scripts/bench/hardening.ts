// `npm run bench` (after the overhead table), or alone: the hardening figures of issue 11, measured
// on the facade as it is deployed: compiled to JavaScript (tsc -p tsconfig.build.json into a temp
// dir) and started as `node facade/src/main.js --config FILE`, no TypeScript loader in the process.
//  - shadow flood: 100 KB bodies on both sides, a route at `shadow`, closed loop; peak RSS of the
//    facade process (VmHWM from /proc, all threads) against the 300 MB target;
//  - facade reload: `--workers 2`, SIGHUP one second into 4,000 requests at 200 req/s;
//  - service restart: a route at `complete`, its service down for 1.1 s during 4,000 requests at 200 req/s.
// Every request counts: a failed one is a network error, a timeout or a status other than 200.
//   npx ts-node --transpile-only scripts/bench/hardening.ts [--quick] [--keep] [--flood-seconds N] [--flood-only]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Stage } from '../../facade/src/core/stages';
import { StateStore } from '../../facade/src/io/state-store';
import { freePort, spawnCommand, spawnTsChild, stopAll, stopChild, tail, type Spawned } from './children';
import { closedLoop, newAgent, openLoop, type RunResult } from './load';

const ROOT = path.resolve(__dirname, '..', '..');
const RSS_TARGET_MB = 300;

export interface HardeningOptions {
  readonly quick: boolean;
  /** Length of the shadow flood (default 10 s, 3 s with quick). */
  readonly floodSeconds?: number;
  readonly dir: string;
  readonly log: (line: string) => void;
}

export interface HardeningReport {
  /** How the facade ran: compiled JavaScript, or (if the build failed) TypeScript through ts-hook. */
  readonly facadeBuild: string;
  readonly flood: { readonly seconds: number; readonly connections: number; readonly bodyKb: number; readonly requests: number; readonly errors: number; readonly errorKinds: Record<string, number>;
    readonly rssBeforeMb: number; readonly peakRssMb: number; readonly targetMb: number; readonly shadowsDropped: number; readonly comparisonsSkipped: number; readonly comparisons: number };
  /** Null when not run (--flood-only). */
  readonly reload: (LoadFigures & { readonly reloadSeconds: number | null }) | null;
  readonly restart: (LoadFigures & { readonly downMs: number }) | null;
}

interface LoadFigures { readonly requests: number; readonly failed: number; readonly failures: Record<string, number> }

/** VmRSS and VmHWM (peak) of a process, MB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function metric(adminUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

function figures(r: RunResult): LoadFigures {
  return { requests: r.ok + r.errors, failed: r.errors, failures: r.errorKinds };
}

/** The facade's entry point, compiled as `npm run build` would; the TypeScript source if that fails. */
interface FacadeEntry { readonly args: readonly string[]; readonly note: string }

function buildFacade(o: HardeningOptions): FacadeEntry {
  const out = path.join(o.dir, 'dist');
  o.log('hardening: compiling the facade (tsc -p tsconfig.build.json) to run it as deployed');
  const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', out], { cwd: ROOT, encoding: 'utf8' });
  const main = path.join(out, 'facade', 'src', 'main.js');
  if (r.status === 0 && fs.existsSync(main)) {
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(out, 'node_modules'), 'dir');
    return { args: [main], note: 'compiled JavaScript' };
  }
  o.log(`hardening: build failed, running the TypeScript sources instead (RSS then includes the compiler, ~110 MB):\n${(r.stdout + r.stderr).slice(0, 2000)}`);
  return { args: ['-r', path.join(__dirname, 'ts-hook.js'), path.join(ROOT, 'facade', 'src', 'main.ts')], note: 'TypeScript via ts-hook (build failed)' };
}

interface FacadeProcess { readonly proc: Spawned; readonly url: string; readonly port: number; readonly adminUrl: string }

/** Writes a config with route `flood` (/api/flood/**) at `stage`, starts the facade, waits until every process listens. */
async function startFacadeProcess(o: HardeningOptions, entry: FacadeEntry, name: string, upstreams: { monolith: string; service: string }, stage: Stage, workers = 1): Promise<FacadeProcess> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const db = path.join(o.dir, `${name}.db`);
  const store = new StateStore(db);
  store.change({ route: 'flood', actor: 'bench', stage, force: true, defaultStage: 'off', reason: 'benchmark setup' });
  store.close();
  const config = path.join(o.dir, `${name}.config.json`);
  fs.writeFileSync(config, JSON.stringify({
    monolith: { url: upstreams.monolith }, services: { svc: { url: upstreams.service } },
    routes: [{ name: 'flood', match: { path: '/api/flood/**' }, service: 'svc' }],
    state: { db }, listen: { host: '127.0.0.1', port }, admin: { host: '127.0.0.1', port: adminPort },
  }));
  const proc = spawnCommand(name, process.execPath, [...entry.args, '--config', config, '--workers', String(workers)], o.dir);
  await logLines(proc.log, /"msg":"facade listening"/, workers > 1 ? workers + 1 : 1, 120_000, proc);
  return { proc, url: `http://127.0.0.1:${port}`, port, adminUrl: `http://127.0.0.1:${adminPort}` };
}

/** SIGTERM (the facade drains and exits), SIGKILL if it has not exited within `ms`. */
async function stopFacadeProcess(f: FacadeProcess, ms = 60_000): Promise<void> {
  if (f.proc.proc.exitCode !== null) return;
  process.kill(f.proc.pid, 'SIGTERM');
  if ((await exited(f.proc, ms)) === null) process.kill(f.proc.pid, 'SIGKILL');
}

async function flood(o: HardeningOptions, entry: FacadeEntry): Promise<HardeningReport['flood']> {
  const bodyKb = 100;
  const seconds = o.floodSeconds ?? (o.quick ? 3 : 10);
  const connections = 64;
  const [monolith, service] = await Promise.all([
    spawnTsChild('flood-monolith', 'flood-upstream.ts', ['monolith', String(bodyKb)], { logDir: o.dir }),
    spawnTsChild('flood-service', 'flood-upstream.ts', ['service', String(bodyKb)], { logDir: o.dir }),
  ]);
  const agent = newAgent(connections);
  let facade: FacadeProcess | null = null;
  try {
    facade = await startFacadeProcess(o, entry, 'flood-facade', { monolith: `http://127.0.0.1:${monolith.port}`, service: `http://127.0.0.1:${service.port}` }, 'shadow');
    const adminUrl = facade.adminUrl;
    const before = memoryOf(facade.proc.pid);
    o.log(`hardening: shadow flood of ${bodyKb} KB bodies, ${connections} connections, ${seconds} s (facade pid ${facade.proc.pid}, ${before.rss.toFixed(0)} MB before)`);
    const r = await closedLoop({ port: facade.port, path: '/api/flood/items?page=1', agent }, connections, seconds * 1000, 10_000_000);
    // Comparisons still running finish (or are skipped) after the last answer: the peak includes them.
    await new Promise((res) => setTimeout(res, 2000));
    const after = memoryOf(facade.proc.pid);
    return {
      seconds, connections, bodyKb, requests: r.ok + r.errors, errors: r.errors, errorKinds: r.errorKinds,
      rssBeforeMb: before.rss, peakRssMb: after.peak, targetMb: RSS_TARGET_MB,
      shadowsDropped: await metric(adminUrl, 'strangler_shadow_dropped_total', { reason: 'in_flight_limit' }),
      comparisonsSkipped: await metric(adminUrl, 'strangler_shadow_dropped_total', { reason: 'compare_queue_full' }),
      comparisons: await metric(adminUrl, 'strangler_comparisons_total'),
    };
  } finally {
    agent.destroy();
    if (facade) await stopFacadeProcess(facade);
    await Promise.all([stopChild(monolith.child), stopChild(service.child)]);
  }
}

/** Resolves when `pattern` has appeared `count` times in `file` (polled), or rejects after `ms`. */
async function logLines(file: string, pattern: RegExp, count: number, ms: number, proc: Spawned): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if ((text.match(new RegExp(pattern.source, 'g')) ?? []).length >= count) return;
    if (proc.proc.exitCode !== null) throw new Error(`the facade exited (${proc.proc.exitCode}):\n${tail(file)}`);
    if (Date.now() > deadline) throw new Error(`${pattern} not seen ${count} times within ${ms} ms:\n${tail(file)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function exited(proc: Spawned, ms: number): Promise<number | null> {
  if (proc.proc.exitCode !== null) return Promise.resolve(proc.proc.exitCode);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(null), ms);
    proc.proc.once('exit', (code) => { clearTimeout(t); resolve(code); });
  });
}

async function reload(o: HardeningOptions, entry: FacadeEntry): Promise<HardeningReport['reload']> {
  const monolith = await spawnTsChild('reload-monolith', 'flood-upstream.ts', ['monolith', '1'], { logDir: o.dir });
  const agent = newAgent(64);
  let facade: FacadeProcess | null = null;
  try {
    const upstream = `http://127.0.0.1:${monolith.port}`;
    facade = await startFacadeProcess(o, entry, 'reload-facade', { monolith: upstream, service: upstream }, 'off', 2);
    const cluster = facade.proc;
    o.log(`hardening: facade cluster (pid ${cluster.pid}, 2 workers) on :${facade.port}; 4,000 requests at 200 req/s, SIGHUP after 1 s`);
    let reloadedAfter: number | null = null;
    const started = Date.now();
    const hup = setTimeout(() => {
      process.kill(cluster.pid, 'SIGHUP');
      void logLines(cluster.log, /"msg":"reload done"/, 1, 60_000, cluster).then(() => { reloadedAfter = (Date.now() - started - 1000) / 1000; }, () => undefined);
    }, 1000);
    const r = await openLoop({ port: facade.port, path: '/api/flood/items/42', agent }, 200, 20_000, 512);
    clearTimeout(hup);
    return { ...figures(r), reloadSeconds: reloadedAfter };
  } finally {
    agent.destroy();
    if (facade) await stopFacadeProcess(facade);
    await stopChild(monolith.child);
  }
}

async function restart(o: HardeningOptions, entry: FacadeEntry): Promise<HardeningReport['restart']> {
  const downMs = 1100;
  const servicePort = await freePort();
  const [monolith, service] = await Promise.all([
    spawnTsChild('restart-monolith', 'flood-upstream.ts', ['monolith', '1'], { logDir: o.dir }),
    spawnTsChild('restart-service', 'flood-upstream.ts', ['service', '1', String(servicePort)], { logDir: o.dir }),
  ]);
  const agent = newAgent(64);
  let facade: FacadeProcess | null = null;
  try {
    facade = await startFacadeProcess(o, entry, 'restart-facade', { monolith: `http://127.0.0.1:${monolith.port}`, service: `http://127.0.0.1:${servicePort}` }, 'complete');
    o.log(`hardening: service at complete restarted (down ${downMs} ms) 5 s into 4,000 requests at 200 req/s`);
    const t = setTimeout(() => service.child.proc.send({ type: 'restart', downMs }), 5000);
    const r = await openLoop({ port: facade.port, path: '/api/flood/items/1', agent }, 200, 20_000, 512);
    clearTimeout(t);
    return { ...figures(r), downMs };
  } finally {
    agent.destroy();
    if (facade) await stopFacadeProcess(facade);
    await Promise.all([stopChild(monolith.child), stopChild(service.child)]);
  }
}

const mb = (n: number): string => `${n.toFixed(0)} MB`;
const count = (n: number): string => n.toLocaleString('en-US');

export function printHardening(r: HardeningReport, write: (s: string) => void = (s) => process.stdout.write(s)): void {
  const f = r.flood;
  const kinds = (x: Record<string, number>): string => (Object.keys(x).length ? ` ${JSON.stringify(x)}` : '');
  write(`\nHardening (issue 11; facade as ${r.facadeBuild})\n`);
  write(`  shadow flood, ${f.bodyKb} KB bodies, ${f.connections} connections, ${f.seconds} s: peak RSS ${mb(f.peakRssMb)} `
    + `(target < ${f.targetMb} MB: ${f.peakRssMb < f.targetMb ? 'met' : 'MISSED'}; ${mb(f.rssBeforeMb)} before); `
    + `${count(f.requests)} requests, ${count(f.errors)} errors${kinds(f.errorKinds)}; ${count(f.comparisons)} comparison records, of which `
    + `${count(f.comparisonsSkipped)} skipped (compare pool full); ${count(f.shadowsDropped)} shadows not sent (in-flight limit)\n`);
  const rl = r.reload;
  if (rl) {
    write(`  facade reload (SIGHUP, --workers 2) under 200 req/s: ${count(rl.failed)} failed of ${count(rl.requests)}${kinds(rl.failures)}; `
      + `${rl.reloadSeconds === null ? 'the reload did not finish within the run' : `reload took ${rl.reloadSeconds.toFixed(1)} s`}\n`);
  }
  const rs = r.restart;
  if (rs) write(`  service restart at complete (down ${rs.downMs} ms) under 200 req/s: ${count(rs.failed)} failed of ${count(rs.requests)}${kinds(rs.failures)}\n`);
}

export async function runHardening(o: HardeningOptions): Promise<HardeningReport> {
  const entry = buildFacade(o);
  const floodFigures = await flood(o, entry);
  const reloadFigures = await reload(o, entry);
  const restartFigures = await restart(o, entry);
  return { facadeBuild: entry.note, flood: floodFigures, reload: reloadFigures, restart: restartFigures };
}

function argValue(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  const n = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

if (require.main === module) {
  const quick = process.argv.includes('--quick');
  const keep = process.argv.includes('--keep');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-bench-hardening-'));
  const log = (line: string): void => { process.stderr.write(`${line}\n`); };
  const floodSeconds = argValue('--flood-seconds');
  const run = process.argv.includes('--flood-only')
    ? (async () => { const entry = buildFacade({ quick, dir, log }); return { note: entry.note, flood: await flood({ quick, dir, log, floodSeconds }, entry) }; })()
        .then((r) => { printHardening({ facadeBuild: r.note, flood: r.flood, reload: null, restart: null }); return r; })
    : runHardening({ quick, dir, log, floodSeconds }).then((report) => { printHardening(report); return report; });
  run
    .then((report) => {
      const out = path.join(ROOT, 'reports', 'bench-hardening.json');
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(`\nJSON: ${path.relative(process.cwd(), out)}\n`);
      return 0;
    }, (err: unknown) => { log(`hardening bench failed: ${err instanceof Error ? err.message : String(err)}`); return 1; })
    .then(async (code) => {
      const left = await stopAll();
      if (left.length) log(`WARNING: could not stop ${left.join(', ')}`);
      if (keep) log(`kept ${dir}`); else fs.rmSync(dir, { recursive: true, force: true });
      process.exit(code);
    });
}
