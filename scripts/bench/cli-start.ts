// How long `npx strangler --help` takes, next to what npx itself costs: a temp project whose
// node_modules/.bin holds the `strangler` bin (a link to this repository's, which runs dist/) and a
// one-line bin, so npx's own start-up (npm loading its exec machinery) is measured in the same run.
// Also the bin run by node directly and `node -e 0`, the floor of any Node command.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median } from './stats';

const ROOT = path.join(__dirname, '..', '..');

export interface CliStart {
  readonly runs: number;
  /** Medians, ms of wall time. */
  readonly nodeMs: number;
  readonly binMs: number;
  readonly npxFloorMs: number;
  readonly npxMs: number;
}

function timedMs(cmd: string, args: readonly string[], cwd: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 30_000 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}: ${(r.stderr || r.stdout).slice(0, 300)}`);
  return ms;
}

/** The compiled CLI must be current, or the bin would fall back to ts-node and measure that. */
function ensureBuilt(log: (line: string) => void): void {
  const { compiledIsCurrent } = require(path.join(ROOT, 'scripts', 'strangler.js')) as { compiledIsCurrent: () => boolean };
  if (compiledIsCurrent()) return;
  log('bench: dist/ is missing or older than the sources: npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed: ${r.stderr.slice(-500)}`);
}

export function measureCliStart(opts: { quick: boolean; log: (line: string) => void }): CliStart {
  ensureBuilt(opts.log);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-cli-start-'));
  try {
    fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"cli-start-probe","private":true}\n');
    const bin = path.join(dir, 'node_modules', '.bin');
    const oneLine = path.join(dir, 'node_modules', 'one-line', 'cli.js');
    fs.mkdirSync(bin, { recursive: true });
    fs.mkdirSync(path.dirname(oneLine));
    fs.writeFileSync(oneLine, '#!/usr/bin/env node\nconsole.log("one line");\n', { mode: 0o755 });
    fs.symlinkSync(oneLine, path.join(bin, 'one-line'));
    fs.symlinkSync(path.join(ROOT, 'scripts', 'strangler.js'), path.join(bin, 'strangler'));
    const runs = opts.quick ? 3 : 7;
    const series = { node: [] as number[], bin: [] as number[], npxFloor: [] as number[], npx: [] as number[] };
    timedMs('npx', ['strangler', '--help'], dir); // first run: npm's and the OS's caches
    for (let i = 0; i < runs; i++) { // interleaved, so a slow stretch of the machine falls on all four
      series.node.push(timedMs(process.execPath, ['-e', '0'], dir));
      series.bin.push(timedMs(process.execPath, [path.join(ROOT, 'scripts', 'strangler.js'), '--help'], dir));
      series.npxFloor.push(timedMs('npx', ['one-line'], dir));
      series.npx.push(timedMs('npx', ['strangler', '--help'], dir));
    }
    const m = (xs: number[]): number => Math.round(median(xs));
    return { runs, nodeMs: m(series.node), binMs: m(series.bin), npxFloorMs: m(series.npxFloor), npxMs: m(series.npx) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function printCliStart(c: CliStart, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): void {
  out('');
  out(`CLI start (wall time, median of ${c.runs} interleaved runs):`);
  out(`  npx strangler --help        ${c.npxMs} ms`);
  out(`  npx one-line (npx's floor)  ${c.npxFloorMs} ms   npx's own start, whatever bin it runs`);
  out(`  node scripts/strangler.js   ${c.binMs} ms   the bin alone (dist/)`);
  out(`  node -e 0                   ${c.nodeMs} ms`);
}
