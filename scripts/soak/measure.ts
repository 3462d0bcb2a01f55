// The soak's measurements, each in the process a user would run: the toolkit compiled as
// `npm run build` does (plain JavaScript: the TypeScript loader alone costs ~110 MB of RSS), then
// `strangler report` in every format and the gate probe as fresh processes under rss-hook.js, and
// the admin API's GET /report and GET /routes/:name/gate on a running facade (its VmHWM from /proc).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, spawnCommand, stopChild, tail, type Spawned } from '../bench/children';

const ROOT = path.resolve(__dirname, '..', '..');

export interface Build {
  /** Folder holding the compiled facade/ and scripts/ (with node_modules linked in). */
  readonly root: string;
  /** How it went: 'compiled JavaScript', or the type errors tsc reported (the JavaScript is emitted anyway). */
  readonly note: string;
}

/** Compiles the installable toolkit plus probe.ts into `dir`/build, as `npm run build` would. */
export function buildToolkit(dir: string): Build {
  const out = path.join(dir, 'build');
  const tsconfig = path.join(dir, 'tsconfig.soak.json');
  const r = (p: string): string => path.join(ROOT, p);
  fs.writeFileSync(tsconfig, JSON.stringify({
    extends: r('tsconfig.build.json'),
    compilerOptions: { outDir: out, rootDir: ROOT, typeRoots: [r('node_modules/@types')] },
    include: ['facade/src/**/*.ts', 'scripts/cli.ts', 'scripts/cli/**/*.ts', 'scripts/commands/**/*.ts', 'scripts/report/**/*.ts', 'scripts/soak/probe.ts'].map(r),
    exclude: [r('node_modules'), r('dist'), '**/test/**'],
  }));
  const result = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', tsconfig], { cwd: ROOT, encoding: 'utf8' });
  for (const f of ['scripts/cli.js', 'scripts/soak/probe.js', 'facade/src/main.js']) {
    if (!fs.existsSync(path.join(out, f))) throw new Error(`the build emitted no ${f}:\n${(result.stdout + result.stderr).slice(0, 3000)}`);
  }
  fs.symlinkSync(r('node_modules'), path.join(out, 'node_modules'), 'dir');
  const errors = (result.stdout.match(/error TS\d+/g) ?? []).length;
  return { root: out, note: result.status === 0 ? 'compiled JavaScript' : `compiled JavaScript (tsc reported ${errors} type errors, emitted anyway)` };
}

/** One run of a measured process: wall time (spawn to exit), its own lifetime, its peak RSS. */
export interface ProcessRun {
  readonly wallMs: number;
  readonly ms: number;
  readonly maxRssBytes: number;
  readonly code: number;
  readonly stdout: string;
}

/** Runs `node -r rss-hook.js <args>` to completion; stdout kept (up to what the caller reads), stderr into the log. */
export function runMeasured(args: readonly string[], dir: string, env: NodeJS.ProcessEnv = {}): Promise<ProcessRun> {
  const probeOut = path.join(dir, `probe-${process.hrtime.bigint()}.json`);
  const started = performance.now();
  const child = spawn(process.execPath, ['-r', path.join(__dirname, 'rss-hook.js'), ...args], {
    cwd: dir, env: { ...process.env, ...env, SOAK_PROBE_OUT: probeOut }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { if (stdout.length < 1_000_000) stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const wallMs = performance.now() - started;
      let hook: { maxRssBytes: number; ms: number };
      try {
        hook = JSON.parse(fs.readFileSync(probeOut, 'utf8')) as typeof hook;
        fs.rmSync(probeOut);
      } catch {
        reject(new Error(`${args.join(' ')} exited ${code} without its figures:\n${stderr.slice(0, 2000)}`));
        return;
      }
      if (code !== 0) { reject(new Error(`${args.join(' ')} exited ${code}:\n${stderr.slice(0, 2000)}`)); return; }
      resolve({ wallMs, ms: hook.ms, maxRssBytes: hook.maxRssBytes, code: code ?? -1, stdout });
    });
  });
}

/** VmHWM (peak resident set) of a live process, bytes. */
export function peakRssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) * 1024;
}

export interface RunningFacade {
  readonly child: Spawned;
  readonly adminUrl: string;
  readonly token: string;
}

/** Starts the compiled facade on the soak's config (free ports) and waits for its "facade listening" line. */
export async function startFacade(build: Build, config: string, dir: string, token: string): Promise<RunningFacade> {
  const [port, adminPort] = [await freePort(), await freePort()];
  const json = JSON.parse(fs.readFileSync(config, 'utf8')) as Record<string, unknown>;
  const file = path.join(dir, 'facade.config.json');
  fs.writeFileSync(file, JSON.stringify({ ...json, listen: { host: '127.0.0.1', port }, admin: { host: '127.0.0.1', port: adminPort } }));
  // spawnCommand passes no env of its own: the token goes in through this process's environment.
  process.env.STRANGLER_ADMIN_TOKEN = token;
  const child = spawnCommand('facade', process.execPath, [path.join(build.root, 'facade', 'src', 'main.js'), '--config', file], dir);
  const deadline = Date.now() + 60_000;
  while (!fs.readFileSync(child.log, 'utf8').includes('"msg":"facade listening"')) {
    if (child.proc.exitCode !== null || Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`the facade did not start:\n${tail(child.log)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, adminUrl: `http://127.0.0.1:${adminPort}`, token };
}

/** One admin API GET: its time (request to the last body byte) and the parsed JSON. */
export async function timedGet(f: RunningFacade, pathAndQuery: string): Promise<{ ms: number; body: unknown }> {
  const started = performance.now();
  const res = await fetch(`${f.adminUrl}${pathAndQuery}`, { headers: { authorization: `Bearer ${f.token}` } });
  const text = await res.text();
  const ms = performance.now() - started;
  if (!res.ok) throw new Error(`GET ${pathAndQuery}: ${res.status} ${text.slice(0, 500)}`);
  return { ms, body: JSON.parse(text) as unknown };
}
