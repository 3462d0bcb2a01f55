// What `strangler --help` loads: only commander and the CLI's own small modules. The stores, the
// proxy, the admin server, the flag SDKs and the comparison engine load when a verb needs them, so
// every start stays fast (a top-level import of one of them here costs 50-120 ms per command).
import { spawnSync } from 'node:child_process';
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
});
