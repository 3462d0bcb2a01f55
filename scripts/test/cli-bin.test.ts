// The real entry point: `node scripts/strangler.js ...` (the package.json bin) as a child process,
// from the repository root with its own strangler.config.json, proving the shim loads the
// TypeScript CLI and that exit codes reach the shell.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../facade/src/config';
import { StateStore } from '../../facade/src/io/state-store';

const ROOT = path.resolve(__dirname, '..', '..');

function bin(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env };
  for (const name of ['STRANGLER_CONFIG', 'STRANGLER_DB', 'STRANGLER_ADMIN_TOKEN']) delete env[name];
  const child = spawn(process.execPath, ['scripts/strangler.js', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-bin-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the strangler bin', () => {
  it('package.json names scripts/strangler.js as the strangler bin', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin.strangler).toBe('scripts/strangler.js');
  });

  it('route list --json --db <tmp> lists the repository config\'s routes with the stages in that database', async () => {
    const db = path.join(dir, 'state.db');
    const routes = loadConfig(path.join(ROOT, 'strangler.config.json')).routes.map((r) => r.name);
    const store = new StateStore(db);
    store.change({ route: routes[0], stage: 'dualwrite', actor: 'test', defaultStage: 'off' });
    store.close();
    const r = await bin(['route', 'list', '--json', '--db', db]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const rows = JSON.parse(r.stdout) as Array<{ route: string; stage: string }>;
    expect(rows.map((row) => row.route)).toEqual(routes);
    expect(rows[0].stage).toBe('dualwrite');
  });

  it('a typo exits 2 with one line on stderr', async () => {
    const r = await bin(['route', 'set', 'catalog', 'liv', '--db', path.join(dir, 'state.db')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("'liv' is invalid for argument 'stage'");
  });
});

describe('output piped to a reader that stops early (strangler --help | head -1)', () => {
  it('exits quietly instead of crashing on EPIPE', async () => {
    const child = spawn(process.execPath, ['scripts/strangler.js', '--help'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // the reader is gone before the CLI writes a byte
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });
});
