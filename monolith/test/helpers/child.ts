// Runs a monolith as a child process on port 0 (the real entry point main.ts, or a test
// fixture script) and waits for the startup line that names its URL. Used to put two
// processes on one database file.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '../../..');

export interface MonolithProcess {
  url: string;
  pid: number;
  /** SIGTERM to this child only; resolves with its exit code (null if killed by a signal). */
  stop(): Promise<number | null>;
}

export interface SpawnOptions {
  /** Script to run, relative to the repo root. Default: the real entry point. */
  script?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((done) => child.once('exit', (code) => done(code)));
}

export function spawnMonolith(dbPath: string, opts: SpawnOptions = {}): Promise<MonolithProcess> {
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', opts.script ?? 'monolith/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, MONOLITH_PORT: '0', HOST: '127.0.0.1', MONOLITH_DB: dbPath, SEED_PRODUCTS: '0', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = (): Promise<number | null> => {
    const gone = exited(child);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return gone;
  };

  return new Promise((resolveStart, rejectStart) => {
    let output = '';
    const timer = setTimeout(() => {
      void stop();
      rejectStart(new Error(`monolith child did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume(); // keep draining so a chatty child never blocks on a full pipe
        resolveStart({ url: match[1]!, pid: child.pid!, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      rejectStart(new Error(`monolith child exited early (code ${code}, signal ${signal}):\n${output}`));
    });
  });
}
