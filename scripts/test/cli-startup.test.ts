// What `strangler --help` loads: only commander and the CLI's own small modules. The stores, the
// proxy, the admin server, the flag SDKs and the comparison engine load when a verb needs them, so
// every start stays fast (a top-level import of one of them here costs 50-120 ms per command).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** The packages in require.cache after running the CLI on `argv` in a fresh process (TypeScript sources). */
function packagesLoadedBy(argv: readonly string[]): { packages: string[]; stdout: string } {
  const script = `
    let out = '';
    const { runCli } = require('./scripts/cli');
    runCli(${JSON.stringify(argv)}, { stdout: { write: (s) => { out += s; return true; } } }).then((code) => {
      const names = new Set();
      for (const file of Object.keys(require.cache)) {
        const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(file);
        if (m) names.add(m[1]);
      }
      process.stdout.write(JSON.stringify({ code, packages: [...names], out }));
    });`;
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`the CLI process failed (${r.status}): ${r.stderr}`);
  const result = JSON.parse(r.stdout) as { code: number; packages: string[]; out: string };
  expect(result.code).toBe(0);
  return { packages: result.packages, stdout: result.out };
}

const HEAVY = ['better-sqlite3', 'express', 'http-proxy', '@launchdarkly/node-server-sdk', 'zod', 'prom-client', 'pino', 'diff', 'ws', 'cli-progress'];

describe('CLI start-up', () => {
  it('--help prints every verb without loading the stores, proxy, admin server, flag SDK or comparison engine', () => {
    const { packages, stdout } = packagesLoadedBy(['--help']);
    expect(stdout).toMatch(/Commands:[\s\S]*init[\s\S]*facade[\s\S]*route[\s\S]*report[\s\S]*backfill[\s\S]*walkthrough/);
    expect(packages.filter((p) => HEAVY.includes(p))).toEqual([]);
  });

  it('route --help loads no more than --help', () => {
    const { packages, stdout } = packagesLoadedBy(['route', '--help']);
    expect(stdout).toMatch(/list[\s\S]*set[\s\S]*promote[\s\S]*rollback[\s\S]*history/);
    expect(packages.filter((p) => HEAVY.includes(p))).toEqual([]);
  });

  it('a command on a SQLite state database does not load the PostgreSQL driver', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-startup-'));
    try {
      const config = path.join(dir, 'strangler.config.json');
      fs.writeFileSync(config, JSON.stringify({
        monolith: { url: 'http://127.0.0.1:9' }, services: { catalog: { url: 'http://127.0.0.1:9' } },
        routes: [{ name: 'catalog', match: { path: '/api/catalog/**' }, service: 'catalog' }],
        state: { db: path.join(dir, 'state.db') },
      }));
      const { packages, stdout } = packagesLoadedBy(['route', 'list', '--config', config, '--create']);
      expect(stdout).toMatch(/^catalog\s+\/api\/catalog\/\*\*\s+catalog\s+off/m);
      expect(packages).toContain('better-sqlite3');
      expect(packages.filter((p) => p === 'pg' || p.startsWith('pg-'))).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loading the PostgreSQL driver leaves no global navigator behind (lent to pg for its runtime check)', () => {
    const script = `
      const before = typeof globalThis.navigator;
      require('./facade/src/io/db/pg-sql');
      process.stdout.write(JSON.stringify({ before, after: typeof globalThis.navigator, undici: process.moduleLoadList.some((m) => m.includes('deps/undici')) }));`;
    const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const seen = JSON.parse(r.stdout) as { before: string; after: string; undici: boolean };
    expect(seen.after).toBe(seen.before);
    // Without the lent navigator pg builds a fetch Response on Node 20, loading Node's bundled undici.
    expect(seen.undici).toBe(false);
  });
});
