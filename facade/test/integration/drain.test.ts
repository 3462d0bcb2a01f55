// The facade as a process (issue 11, items 5 and 7): SIGTERM drains (a slow second write finishes
// or is recorded before exit 0), SIGHUP with --workers 2 replaces the workers under load with no
// failed request, and a port that is taken stops the facade with a message naming it.
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { putStage } from '../helpers/admin-client';
import { tempDir } from '../helpers/facade';
import { freePort } from '../helpers/net';
import { killAll, spawnTs } from '../helpers/processes';
import { deferred, rawRequest, within } from '../helpers/raw-http';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

jest.setTimeout(240_000);

const TOKEN = 'drain-test-token-0123456789';
let monolith: TestUpstream;
let catalog: TestUpstream;
let dir: string;
const cleanups: Array<() => Promise<void> | void> = [];

beforeEach(async () => {
  monolith = await startUpstream('monolith');
  catalog = await startUpstream('catalog');
  dir = tempDir('strangler-drain-');
});

afterEach(async () => {
  killAll();
  for (const c of cleanups.splice(0).reverse()) await c();
  await Promise.all([monolith.close(), catalog.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Running {
  readonly proc: ChildProcess;
  readonly url: string;
  readonly adminUrl: string;
  output(): string;
  /** Resolves once `count` log lines match `pattern` (rejects if the process exits first). */
  lines(pattern: RegExp, count?: number): Promise<void>;
  exited: Promise<number | null>;
}

async function writeConfig(extra: Record<string, unknown> = {}, ports?: { port: number; adminPort: number }): Promise<{ file: string; port: number; adminPort: number }> {
  const port = ports?.port ?? await freePort();
  const adminPort = ports?.adminPort ?? await freePort();
  const file = path.join(dir, 'strangler.config.json');
  fs.writeFileSync(file, JSON.stringify({
    monolith: { url: monolith.url },
    services: { catalog: { url: catalog.url } },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' }],
    state: { db: 'state.db' },
    listen: { host: '127.0.0.1', port },
    admin: { host: '127.0.0.1', port: adminPort },
    ...extra,
  }));
  return { file, port, adminPort };
}

function run(file: string, port: number, adminPort: number, args: string[] = []): Running {
  const proc = spawnTs(path.join('facade', 'src', 'main.ts'), ['--config', file, ...args], { STRANGLER_ADMIN_TOKEN: TOKEN });
  let out = '';
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  proc.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
  proc.stderr!.on('data', (c: Buffer) => { out += c.toString(); });
  const lines = (pattern: RegExp, count = 1): Promise<void> => new Promise((resolve, reject) => {
    const check = (): void => {
      if ((out.match(new RegExp(pattern.source, 'g')) ?? []).length >= count) { stop(); resolve(); }
    };
    const onExit = (code: number | null): void => { stop(); reject(new Error(`the facade exited (${code}) before ${pattern}:\n${out}`)); };
    const stop = (): void => { proc.stdout!.off('data', check); proc.stderr!.off('data', check); proc.off('exit', onExit); };
    proc.stdout!.on('data', check);
    proc.stderr!.on('data', check);
    proc.once('exit', onExit);
    check();
  });
  return { proc, url: `http://127.0.0.1:${port}`, adminUrl: `http://127.0.0.1:${adminPort}`, output: () => out, lines, exited };
}

it('SIGTERM during a slow second write: the write completes before the facade exits 0', async () => {
  const answered = deferred<number>();
  catalog.handler = (_req, res) => {
    setTimeout(() => { res.writeHead(201, { 'content-type': 'application/json' }); res.end('{"ok":true}'); answered.resolve(performance.now()); }, 1500);
  };
  const { file, port, adminPort } = await writeConfig();
  const f = run(file, port, adminPort);
  await within(f.lines(/"msg":"facade listening"/), 60_000, 'facade listening');
  expect((await putStage(f.adminUrl, 'catalog', { stage: 'dualwrite', force: true, reason: 'test' }, TOKEN)).status).toBe(200);
  const res = await rawRequest(f.url, '/api/products', { method: 'POST', body: '{"sku":"T"}', headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(200);
  await catalog.waitFor(1);
  process.kill(f.proc.pid!, 'SIGTERM');
  const code = await within(f.exited, 20_000, 'the facade exiting');
  const exitedAt = performance.now();
  expect(code).toBe(0);
  expect(await within(answered.promise, 1, 'the service answered')).toBeLessThan(exitedAt);
  expect(f.output()).toMatch(/"msg":"drained"/);
  expect(f.output()).toMatch(/"cut":0/);
  expect(f.output()).not.toMatch(/second write missed/);
});

it('SIGTERM with a second write slower than the drain deadline: it is cut, stored as a divergence, and the facade exits 0', async () => {
  catalog.handler = (_req, res) => { setTimeout(() => { if (!res.destroyed) res.end('{}'); }, 10_000); };
  const { file, port, adminPort } = await writeConfig({ shutdown: { drainTimeoutMs: 500 } });
  const f = run(file, port, adminPort);
  await within(f.lines(/"msg":"facade listening"/), 60_000, 'facade listening');
  expect((await putStage(f.adminUrl, 'catalog', { stage: 'dualwrite', force: true, reason: 'test' }, TOKEN)).status).toBe(200);
  expect((await rawRequest(f.url, '/api/products', { method: 'POST', body: '{"sku":"U"}', headers: { 'content-type': 'application/json' } })).status).toBe(200);
  await catalog.waitFor(1);
  process.kill(f.proc.pid!, 'SIGTERM');
  expect(await within(f.exited, 20_000, 'the facade exiting')).toBe(0);
  expect(f.output()).toMatch(/"cut":1/);
  const db = new Database(path.join(dir, 'state.db'), { readonly: true });
  cleanups.push(() => { db.close(); });
  const rows = db.prepare('SELECT route, method, path, reason FROM divergences').all() as Array<{ route: string; method: string; path: string; reason: string }>;
  expect(rows).toEqual([expect.objectContaining({ route: 'catalog', method: 'POST', path: '/api/products' })]);
  expect(rows[0].reason).toMatch(/^second_write_/);
});

/** Children of `pid` (the cluster's workers). */
function childrenOf(pid: number): number[] {
  const text = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text ? text.split(/\s+/).map(Number) : [];
}

it('SIGHUP with --workers 2 replaces both workers under steady load with no failed request', async () => {
  const { file, port, adminPort } = await writeConfig();
  const f = run(file, port, adminPort, ['--workers', '2']);
  await within(f.lines(/"msg":"facade listening"/, 3), 90_000, 'primary and two workers listening');
  const before = childrenOf(f.proc.pid!);
  expect(before).toHaveLength(2);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  cleanups.push(() => agent.destroy());
  let reloaded = false;
  let sent = 0;
  const failures: string[] = [];
  const pending: Array<Promise<void>> = [];
  // 50 requests per second until a second after the reload is done (at most 6,000: two minutes).
  const load = (async () => {
    const t0 = performance.now();
    let doneAt = Infinity;
    while (sent < 6000 && performance.now() < doneAt + 1000) {
      if (reloaded && doneAt === Infinity) doneAt = performance.now();
      const i = sent++;
      pending.push(rawRequest(f.url, `/api/orders/${i}`, { agent, timeoutMs: 10_000 }).then(
        (r) => { if (r.status !== 200) failures.push(`#${i}: ${r.status}`); },
        (err: Error) => { failures.push(`#${i}: ${err.message}`); },
      ));
      const due = t0 + sent * 20;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
    }
    await Promise.all(pending);
  })();
  await new Promise((r) => setTimeout(r, 1000));
  process.kill(f.proc.pid!, 'SIGHUP');
  await within(f.lines(/"msg":"reload done"/), 90_000, 'the reload finishing');
  reloaded = true;
  await load;
  expect(failures).toEqual([]);
  expect(sent).toBeGreaterThan(100);
  expect(sent).toBeLessThan(6000); // the load ran through the whole reload, not just part of it
  const after = childrenOf(f.proc.pid!);
  expect(after).toHaveLength(2);
  expect(after.filter((pid) => before.includes(pid))).toEqual([]);
  expect(monolith.received.length).toBe(sent);
  process.kill(f.proc.pid!, 'SIGTERM');
  expect(await within(f.exited, 30_000, 'the cluster exiting')).toBe(0);
});

/** Holds a port on 127.0.0.1 until the test ends. */
async function occupy(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as net.AddressInfo).port;
}

it.each([
  ['the public port', 'listen.port', [] as string[]],
  ['the admin port', 'admin.port', [] as string[]],
  ['the public port, with workers', 'listen.port', ['--workers', '2']],
])('%s taken: the facade exits non-zero naming the address and %s', async (_what, field, args) => {
  const taken = await occupy();
  const ports = field === 'listen.port' ? { port: taken, adminPort: await freePort() } : { port: await freePort(), adminPort: taken };
  const { file } = await writeConfig({}, ports);
  const f = run(file, ports.port, ports.adminPort, args);
  const code = await within(f.exited, 60_000, 'the facade exiting');
  expect(code).not.toBe(0);
  expect(f.output()).toContain(`cannot listen on 127.0.0.1:${taken} (${field})`);
  expect(f.output()).toContain('already in use');
  // Nothing stays behind: the other port is free again.
  const other = field === 'listen.port' ? ports.adminPort : ports.port;
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => { probe.once('error', reject); probe.listen(other, '127.0.0.1', () => resolve()); });
  await new Promise<void>((r) => probe.close(() => r()));
});
