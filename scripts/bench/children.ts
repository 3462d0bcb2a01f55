// The bench's child processes: spawned here, remembered by PID, and ended here (also on SIGINT).
// Only PIDs this process spawned are ever signalled (plus nginx's own workers, which are
// children of the nginx master spawned here and are only killed if they outlive it).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { FromChild, ToChild } from './child-ipc';

const ROOT = path.resolve(__dirname, '..', '..');

export interface Spawned {
  readonly name: string;
  readonly proc: ChildProcess;
  readonly pid: number;
  readonly log: string;
  /** PIDs besides `pid` that belong to this child (nginx workers), killed if they outlive it. */
  extraPids: number[];
}

/** What a child reports of itself: CPU time (µs, all threads) and, for an upstream, connections accepted. */
export interface ChildSample {
  readonly cpuUs: number;
  readonly connections: number | null;
}

const live = new Set<Spawned>();

export function liveChildren(): readonly Spawned[] {
  return [...live];
}

function open(log: string): number {
  return fs.openSync(log, 'a');
}

/** Spawns a bench TypeScript child (IPC channel) and resolves with its port once it is `ready`. */
export function spawnTsChild(
  name: string, script: string, args: string[],
  opts: { logDir: string; env?: NodeJS.ProcessEnv; nodeArgs?: string[]; timeoutMs?: number; loader?: 'hook' | 'ts-node' },
): Promise<{ child: Spawned; port: number; info: Record<string, unknown>; cpu(): Promise<number>; sample(): Promise<ChildSample> }> {
  const log = path.join(opts.logDir, `${name}.log`);
  const fd = open(log);
  // ts-hook.js by default (no ts-node in the child: see ts-hook.js for why that matters).
  const loader = opts.loader === 'ts-node' ? 'ts-node/register/transpile-only' : path.join(__dirname, 'ts-hook.js');
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), '-r', loader, path.join(__dirname, script), ...args], {
    cwd: ROOT, env: { ...process.env, ...opts.env, TS_NODE_TRANSPILE_ONLY: 'true' }, stdio: ['ignore', fd, fd, 'ipc'],
  });
  fs.closeSync(fd);
  if (proc.pid === undefined) return Promise.reject(new Error(`could not spawn ${name}`));
  const child: Spawned = { name, proc, pid: proc.pid, log, extraPids: [] };
  live.add(child);
  proc.once('exit', () => live.delete(child));

  let nextId = 1;
  const pending = new Map<number, (s: ChildSample) => void>();
  proc.on('message', (msg: FromChild) => {
    if (msg.type === 'cpu') {
      pending.get(msg.id)?.({ cpuUs: msg.user + msg.system, connections: msg.connections ?? null });
      pending.delete(msg.id);
    }
  });
  const sample = (): Promise<ChildSample> => new Promise((resolve, reject) => {
    const id = nextId++;
    const t = setTimeout(() => { pending.delete(id); reject(new Error(`${name} did not report its CPU time`)); }, 5000);
    pending.set(id, (s) => { clearTimeout(t); resolve(s); });
    proc.send({ type: 'cpu', id } satisfies ToChild);
  });
  const cpu = (): Promise<number> => sample().then((s) => s.cpuUs);

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name} not ready after ${opts.timeoutMs ?? 30000} ms`)), opts.timeoutMs ?? 30000);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      proc.off('message', onMessage);
      reject(new Error(`${err.message}\n--- ${log} (tail) ---\n${tail(log)}`));
    };
    const onMessage = (msg: FromChild): void => {
      if (msg.type === 'ready') {
        clearTimeout(timer);
        proc.off('message', onMessage);
        proc.off('exit', onExit);
        resolve({ child, port: msg.port, info: msg.info ?? {}, cpu, sample });
      } else if (msg.type === 'failed') {
        fail(new Error(`${name} failed to start: ${msg.message}`));
      }
    };
    const onExit = (code: number | null, signal: string | null): void => fail(new Error(`${name} exited before it was ready (code ${code}, signal ${signal})`));
    proc.on('message', onMessage);
    proc.once('exit', onExit);
  });
}

/** Spawns a plain command (nginx) with its output into a log file; no IPC. */
export function spawnCommand(name: string, command: string, args: string[], logDir: string): Spawned {
  const log = path.join(logDir, `${name}.log`);
  const fd = open(log);
  const proc = spawn(command, args, { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  if (proc.pid === undefined) throw new Error(`could not spawn ${command}`);
  const child: Spawned = { name, proc, pid: proc.pid, log, extraPids: [] };
  live.add(child);
  proc.once('exit', () => live.delete(child));
  proc.once('error', () => live.delete(child));
  return child;
}

export function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch {
    return false;
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

function exited(child: Spawned): boolean {
  return child.proc.exitCode !== null || child.proc.signalCode !== null;
}

function waitExit(child: Spawned, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.proc.once('exit', () => { clearTimeout(t); resolve(true); });
  });
}

/** Asks one child to stop (IPC `stop` or `sig`), then SIGKILLs it and its extra PIDs if they linger. */
export async function stopChild(child: Spawned, sig: NodeJS.Signals = 'SIGTERM', graceMs = 3000): Promise<void> {
  if (!exited(child)) {
    if (child.proc.connected) child.proc.send({ type: 'stop' } satisfies ToChild);
    else signal(child.pid, sig);
    if (!(await waitExit(child, graceMs))) {
      signal(child.pid, 'SIGKILL');
      await waitExit(child, 2000);
    }
  }
  for (const pid of child.extraPids) {
    if (!isAlive(pid)) continue;
    signal(pid, 'SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    if (isAlive(pid)) signal(pid, 'SIGKILL');
  }
  live.delete(child);
}

/** Stops every child still running; returns the PIDs (of ours) still alive afterwards. */
export async function stopAll(): Promise<number[]> {
  const all = [...live];
  await Promise.all(all.map((c) => stopChild(c, c.proc.connected ? 'SIGTERM' : 'SIGQUIT')));
  return all.flatMap((c) => [c.pid, ...c.extraPids]).filter(isAlive);
}

/** A port the OS considers free right now on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ host: '127.0.0.1', port: 0 }, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs: number, gone?: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (gone?.()) throw new Error(`the process meant to listen on ${port} exited`);
    if (Date.now() > deadline) throw new Error(`nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
