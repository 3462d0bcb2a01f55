// Child processes for tests that need a second process: run a TypeScript file with ts-node and
// collect its output; every process started here is killed by `killAll` (call it in afterEach).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

const started = new Set<ChildProcess>();

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Starts `node -r ts-node/register/transpile-only <file> ...args` in the repository root. */
export function spawnTs(file: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', file, ...args], {
    cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

/** Runs a TypeScript file to completion; rejects if it runs longer than `timeoutMs`. */
export function runTs(file: string, args: readonly string[], timeoutMs = 20_000): Promise<Finished> {
  const child = spawnTs(file, args);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${file} still running after ${timeoutMs} ms`)); }, timeoutMs);
    child.once('error', (err) => { clearTimeout(timer); reject(err); });
    child.once('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

/** Kills (SIGKILL) every child a test started here that is still running. */
export function killAll(): void {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  started.clear();
}
