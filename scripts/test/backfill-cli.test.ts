// `npm run backfill` as a user runs it: a real child process (ts-node, transpile only) with
// real files, checking exit codes, the one-line messages, the report and Ctrl-C in follow mode.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createMonolithFixture } from '../backfill/fixtures';

const ROOT = resolve(__dirname, '..', '..');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Running {
  child: ChildProcess;
  done: Promise<Outcome>;
  /** Resolves when stdout has contained `text`. */
  printed: (text: string) => Promise<void>;
}

function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'scripts/backfill.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Outcome>((res) => child.on('close', (code) => res({ code, stdout, stderr })));
  const printed = (text: string) =>
    new Promise<void>((res) => {
      const check = () => stdout.includes(text) && (child.stdout!.off('data', check), res());
      child.stdout!.on('data', check);
      check();
    });
  return { child, done, printed };
}

const cli = (args: string[], env?: NodeJS.ProcessEnv) => startCli(args, env).done;

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'backfill-cli-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run backfill', () => {
  it('a bad capability exits 2 with one line naming it', async () => {
    const r = await cli(['bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("'bogus'");
    expect(r.stderr).toContain('catalog, inventory');
  });

  it('a bad batch size exits 2 naming the option and the value', async () => {
    const r = await cli(['catalog', '--batch-size', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--batch-size.*'lots'.*positive|--batch-size.*'lots'.*>= 1/);
  });

  it('copies, prints plain progress lines when not on a TTY, then counts and the sample check', async () => {
    const monolithDb = join(dir, 'monolith.db');
    createMonolithFixture(monolithDb, 300);
    const r = await cli(['inventory', '--batch-size', '50', '--monolith-db', monolithDb], { INVENTORY_DB: join(dir, 'inv.db') });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('inventory backfill: 150/300 rows (50%)');
    expect(r.stdout).toContain('copied 300 rows; applied 0 change(s)');
    expect(r.stdout).toContain('counts: monolith 300, service 300 (equal)');
    expect(r.stdout).toContain('sample check: 100 rows compared, 0 mismatching field(s)');
    expect(existsSync(join(dir, 'inv.db'))).toBe(true);
  });

  it('a missing monolith database exits 1 with its code and creates nothing', async () => {
    const r = await cli(['catalog'], { MONOLITH_DB: join(dir, 'nope.db'), CATALOG_DB: join(dir, 'catalog.db') });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('backfill failed [MONOLITH_DB_MISSING]');
    expect(existsSync(join(dir, 'catalog.db'))).toBe(false);
  });

  it('--follow keeps running until Ctrl-C, then exits 0', async () => {
    const monolithDb = join(dir, 'monolith.db');
    createMonolithFixture(monolithDb, 100);
    const run = startCli(['catalog', '--follow', '--interval', '20'], {
      MONOLITH_DB: monolithDb,
      CATALOG_DB: join(dir, 'catalog.db'),
    });
    await run.printed('Ctrl-C to stop');
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('stopped following: applied 0 change(s)');
  });
});
