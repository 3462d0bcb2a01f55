// The demo stack's child processes: each part (monolith, services, facade) runs as its own Node
// process under ts-node, is waited for on a readiness URL, and is stopped by its own PID only
// (SIGTERM, then SIGKILL after a grace period). Used by scripts/stack.ts.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ChildSpec {
  readonly name: string;
  /** Entry point, relative to the repository root. */
  readonly script: string;
  readonly env: Record<string, string>;
  readonly args?: readonly string[];
  /** Answered with a status below 500 once the process is ready. */
  readonly readyUrl: string;
}

export interface ChildrenOptions {
  readonly root: string;
  readonly log: (line: string) => void;
  /** A child exited while nobody was stopping it. */
  readonly onUnexpectedExit: (name: string, code: number | null, signal: string | null) => void;
  readonly signal?: AbortSignal;
  readonly readyTimeoutMs?: number;
}

// Longer than the facade's drain deadline (shutdown.drainTimeoutMs, 30 s): a second write in flight
// at stop time must land or be stored as a divergence, not be cut by SIGKILL. Processes that have
// nothing in flight exit at once.
const GRACE_MS = 35_000;
const TAIL_LINES = 15;

/** The processes one stack started; never touches a process it did not spawn. */
export class Children {
  private readonly running = new Map<string, ChildProcess>();
  private readonly stopping = new Set<string>();
  private readonly started: number[] = [];

  constructor(private readonly opts: ChildrenOptions) {}

  /** Every PID this set ever spawned (restarted processes included). */
  pids(): number[] {
    return [...this.started];
  }

  /** Spawns the process and resolves once `readyUrl` answers; rejects (with its last output) if it dies first. */
  async start(spec: ChildSpec): Promise<void> {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(this.opts.root, spec.script), ...(spec.args ?? [])], {
      cwd: this.opts.root,
      env: { ...process.env, ...spec.env, TS_NODE_PROJECT: path.join(this.opts.root, 'tsconfig.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid !== undefined) this.started.push(child.pid);
    this.running.set(spec.name, child);
    const tail: string[] = [];
    const keep = (chunk: Buffer): void => {
      tail.push(...chunk.toString().split('\n').filter((l) => l.trim() !== ''));
      tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
    };
    // stdout carries the pino logs: kept as a tail for error messages, not printed.
    child.stdout?.on('data', keep);
    child.stderr?.on('data', (chunk: Buffer) => {
      keep(chunk);
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') this.opts.log(`[${spec.name}] ${line}`);
    });
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => {
        if (this.running.get(spec.name) === child) this.running.delete(spec.name);
        if (!this.stopping.has(spec.name)) this.opts.onUnexpectedExit(spec.name, code, signal);
        resolve(`${spec.name} exited (code ${code}, signal ${signal}) before it was ready:\n  ${tail.join('\n  ')}`);
      });
    });
    const ready = waitForUrl(spec.readyUrl, this.opts.readyTimeoutMs ?? 60_000, this.opts.signal);
    const outcome = await Promise.race([ready.then(() => null), exited]);
    if (outcome !== null) throw new Error(outcome);
  }

  /** Stops one process by PID and waits for it to exit (SIGKILL after the grace period). */
  async stop(name: string): Promise<void> {
    const child = this.running.get(name);
    if (!child) return;
    this.stopping.add(name);
    try {
      await terminate(child);
    } finally {
      this.stopping.delete(name);
      this.running.delete(name);
    }
  }

  /** Stops every running process, in parallel. */
  async stopAll(): Promise<void> {
    for (const name of this.running.keys()) this.stopping.add(name);
    await Promise.all([...this.running.values()].map(terminate));
    this.running.clear();
  }
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** Polls `url` until it answers below 500, the timeout passes or `signal` aborts. */
export async function waitForUrl(url: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (signal?.aborted) throw new Error('stopped while waiting for ' + url);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status < 500) return;
    } catch {
      /* not listening yet */
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}
