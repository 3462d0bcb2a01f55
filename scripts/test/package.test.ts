// The published package as a team with its own monolith gets it: `npm pack` of (a copy of) this
// working tree, `npm install <tarball>` into an empty project, then `npx strangler init` and
// `npx strangler facade` in front of tiny upstreams: compiled JavaScript only, no demo shop.
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WalkthroughModule } from '../commands/walkthrough';
import type { BackfillModule } from '../commands/backfill';
import { WORKER_THRESHOLD } from '../../facade/src/io/compare-pool';
import { freePort } from '../../facade/test/helpers/net';
import { within } from '../../facade/test/helpers/raw-http';
import { startUpstream, type TestUpstream } from '../../facade/test/helpers/upstream';

// The demo verbs describe the demo modules by hand (a type import would compile the demo into
// dist/); `npm run typecheck` fails here when a demo module stops matching that description.
type Holds<T extends true> = T;
export type DemoModulesMatch = [
  Holds<typeof import('../walkthrough') extends WalkthroughModule ? true : false>,
  Holds<typeof import('../backfill/command') extends BackfillModule ? true : false>,
];

const ROOT = path.resolve(__dirname, '..', '..');
/** Not copied into the packed tree: what a fresh clone does not have, and the build output. */
const NOT_COPIED = new Set(['node_modules', 'dist', '.git', 'data', '.strangler', 'reports', 'coverage']);

interface Finished { code: number | null; stdout: string; stderr: string }

/** Runs a command to completion, collecting its output; rejects after `timeoutMs`. */
function run(cmd: string, args: readonly string[], opts: SpawnOptions & { timeoutMs?: number } = {}): Promise<Finished> {
  const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<Finished>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
  return within(done, opts.timeoutMs ?? 60_000, `${cmd} ${args.join(' ')}`).catch((err: Error) => {
    child.kill('SIGKILL');
    throw err;
  });
}

/** Like `run`, but a non-zero exit fails with the command's output. */
async function ok(cmd: string, args: readonly string[], opts: SpawnOptions & { timeoutMs?: number } = {}): Promise<Finished> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.code}:\n${r.stderr}\n${r.stdout}`);
  return r;
}

/**
 * better-sqlite3 compiles from source when its prebuilt binary cannot be downloaded (~80 s here).
 * Its installer (prebuild-install) first looks in a local prebuilds folder: hand it the binary that
 * `npm ci` built for this very version and Node ABI, packed as a prebuild. Returns that folder.
 */
function localPrebuilds(dir: string): { dir: string; version: string } {
  const pkgDir = path.join(ROOT, 'node_modules', 'better-sqlite3');
  const version = (JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string }).version;
  const glibc = (process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime;
  const libc = process.platform === 'linux' && glibc === undefined ? 'musl' : '';
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}${libc}-${process.arch}.tar.gz`;
  fs.mkdirSync(dir, { recursive: true });
  const tar = spawnSync('tar', ['-czf', path.join(dir, name), '-C', pkgDir, 'build/Release/better_sqlite3.node']);
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  return { dir, version };
}

let work: string;
let app: string;
let packed: { filename: string; size: number; entryCount: number; files: Array<{ path: string }> };
let env: NodeJS.ProcessEnv;
const npx = (args: readonly string[], timeoutMs = 60_000) => run('npx', ['--no-install', 'strangler', ...args], { cwd: app, env, timeoutMs });

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-package-'));
  // Pack a copy, as a fresh clone would be packed: `prepare` builds dist/ there, not in the repository.
  const src = path.join(work, 'src');
  fs.cpSync(ROOT, src, { recursive: true, filter: (from) => !NOT_COPIED.has(path.relative(ROOT, from).split(path.sep)[0]) });
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(src, 'node_modules'), 'dir');
  const pack = await ok('npm', ['pack', '--json', '--pack-destination', work], { cwd: src, timeoutMs: 180_000 });
  // npm prints the build's output before its JSON answer.
  packed = (JSON.parse(pack.stdout.slice(pack.stdout.search(/^\[/m))) as Array<typeof packed>)[0];

  app = path.join(work, 'app');
  const prebuilds = localPrebuilds(path.join(work, 'prebuilds'));
  // Pinned to the version the prebuild was made from; a user gets the newest 12.x the range allows.
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({
    name: 'my-monolith-migration', version: '1.0.0', private: true, overrides: { 'better-sqlite3': prebuilds.version },
  }));
  env = { ...process.env };
  for (const name of ['STRANGLER_CONFIG', 'STRANGLER_DB', 'STRANGLER_ADMIN_TOKEN']) delete env[name];
  await ok('npm', ['install', path.join(work, packed.filename), '--prefer-offline', '--no-audit', '--no-fund'], {
    cwd: app, env: { ...env, npm_config_better_sqlite3_local_prebuilds: prebuilds.dir }, timeoutMs: 300_000,
  });
}, 480_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('holds the compiled facade and CLI, the bin and the docs; not the demo shop, tests or TypeScript', () => {
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining([
      'package.json', 'README.md', 'scripts/strangler.js', 'dist/scripts/cli.js', 'dist/facade/src/main.js',
      'dist/facade/src/io/compare-worker.js', 'dist/scripts/report/html.js', 'docs/reference/config.md',
      'dist/facade/src/io/console/assets/index.html', 'dist/facade/src/io/console/assets/console.js', 'dist/facade/src/io/console/assets/console.css',
      'dist/facade/src/io/console/console-worker.js',
    ]));
    expect(files.filter((f) => /^(monolith|extracted|dist\/monolith|dist\/extracted)\//.test(f))).toEqual([]);
    expect(files.filter((f) => /(^|\/)(walkthrough|backfill|bench|stack|test)\//.test(f) && !f.startsWith('docs/'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'strangler', 'package.json'), 'utf8')) as { private?: boolean };
    expect(manifest.private).toBeUndefined();
  });

  it('installs without TypeScript or ts-node, and its help lists the toolkit verbs, not the demo ones', async () => {
    for (const dev of ['typescript', 'ts-node', 'jest']) expect(fs.existsSync(path.join(app, 'node_modules', dev))).toBe(false);
    const help = await npx(['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^ {2}init \[options\][\s\S]*^ {2}facade \[options\][\s\S]*^ {2}route[\s\S]*^ {2}report/m);
    expect(help.stdout).not.toMatch(/^ {2}(walkthrough|backfill)\b/m);
  });

  it.each(['walkthrough', 'backfill'])('`strangler %s` answers that it belongs to the demo repository (one line, exit 1)', async (verb) => {
    const r = await npx([verb, 'inventory']);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`\`strangler ${verb}\` runs the demo shop, which is not part of the installed package`);
  });

  describe('init, then the facade with --workers 2 in front of a monolith and a service', () => {
    let monolith: TestUpstream;
    let service: TestUpstream;
    let facadePid: number | undefined;

    // Big enough to be compared in the worker thread (compare-worker.js, loaded from dist/); the two
    // sides differ in bytes, not in JSON. About 54 bytes an item compact, 75 pretty-printed.
    const count = Math.ceil((WORKER_THRESHOLD * 0.75) / 54);
    const big = { items: Array.from({ length: count }, (_, i) => ({ sku: `SKU-${i}`, name: `product ${i}`, price: i * 1.5 })) };
    const answer = (json: string) => (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
      res.end(json);
    };

    beforeAll(async () => {
      monolith = await startUpstream('monolith', answer(JSON.stringify(big)));
      service = await startUpstream('service', answer(JSON.stringify(big, null, 1)));
    });

    afterAll(async () => {
      // Only the process group this test started (npx, its shell, the facade and its workers).
      if (facadePid !== undefined) try { process.kill(-facadePid, 'SIGKILL'); } catch { /* already gone */ }
      await Promise.all([monolith.close(), service.close()]);
    });

    it('proxies to the monolith, compares with the service, and stops on SIGTERM', async () => {
      const init = await npx(['init', '--monolith', monolith.url]);
      expect(init).toMatchObject({ code: 0, stderr: '' });
      expect(init.stdout).toContain('wrote strangler.config.json');

      // What the README tells the user to edit: the service's URL, the stage, the ports.
      const configFile = path.join(app, 'strangler.config.json');
      const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
      const [port, adminPort] = [await freePort(), await freePort()];
      config.services['example-service'].url = service.url;
      config.routes[0].defaultStage = 'shadow';
      config.listen.port = port;
      config.admin.port = adminPort;
      fs.writeFileSync(configFile, JSON.stringify(config, null, 2));

      const facade = spawn('npx', ['--no-install', 'strangler', 'facade', '--config', configFile, '--workers', '2'], {
        cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true, // its own process group, stopped by PID below
      });
      facadePid = facade.pid;
      let output = '';
      const listening = new Promise<void>((resolve, reject) => {
        const onData = (c: Buffer): void => {
          output += c.toString();
          // The primary (admin API) and both workers each log "facade listening".
          if ((output.match(/"msg":"facade listening"/g) ?? []).length >= 3) resolve();
        };
        facade.stdout!.on('data', onData);
        facade.stderr!.on('data', onData);
        facade.once('exit', (code) => reject(new Error(`the facade exited (${code}):\n${output}`)));
      });
      const exited = new Promise<number | null>((resolve) => facade.once('exit', (code) => resolve(code)));
      await within(listening, 60_000, `the facade listening:\n${output}`);

      const res = await fetch(`http://127.0.0.1:${port}/api/example/catalog`);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-strangler-side')).toBe('monolith');
      expect(await res.json()).toEqual(big);
      await service.waitFor(1, 10_000); // the shadow copy

      // The comparison is recorded after the answer, in another process: ask the installed CLI.
      const bin = path.join(app, 'node_modules', '.bin', 'strangler');
      let routes: Array<{ route: string; comparisons: number; mismatchRate: number | null }> = [];
      const deadline = Date.now() + 20_000;
      while (routes[0]?.comparisons !== 1 && Date.now() < deadline) {
        const list = await ok(process.execPath, [bin, '--config', configFile, 'route', 'list', '--json'], { cwd: app, env });
        routes = JSON.parse(list.stdout);
      }
      expect(routes).toEqual([expect.objectContaining({ route: 'example', comparisons: 1, mismatchRate: 0 })]);
      // The console's page and script come from the installed package (the build copies them beside its module).
      for (const asset of ['/console', '/console/assets/console.js']) {
        expect((await fetch(`http://127.0.0.1:${adminPort}${asset}`)).status).toBe(200);
      }

      process.kill(-facade.pid!, 'SIGTERM');
      await within(exited, 20_000, 'the facade stopping on SIGTERM');
      facadePid = undefined;
      // npx exits at the signal while the facade's workers still drain (a request on a kept-alive
      // socket may still be answered, with `connection: close`): the port must close soon after.
      const closedBy = Date.now() + 20_000;
      let closed = false;
      while (!closed && Date.now() < closedBy) {
        closed = await fetch(`http://127.0.0.1:${port}/`).then(() => false, () => true);
        if (!closed) await new Promise((r) => setTimeout(r, 200));
      }
      expect(closed).toBe(true);
    }, 120_000);
  });
});
