// The facade as a cluster: `main.ts --workers 2` forks two workers sharing the public port and the
// state database; the primary serves the admin API with the whole cluster's metrics. A stage change
// reaches every worker, and SIGTERM to the primary stops every process and frees the ports.
import fs from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import path from 'node:path';
import { metricSum, putStage } from '../helpers/admin-client';
import { tempDir } from '../helpers/facade';
import { freePort, portIsFree } from '../helpers/net';
import { killAll, spawnTs } from '../helpers/processes';
import { rawRequest, within } from '../helpers/raw-http';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

jest.setTimeout(90_000);

let monolith: TestUpstream;
let catalog: TestUpstream;
let dir: string;
let primary: ChildProcess | null = null;
let output = '';

beforeEach(async () => {
  monolith = await startUpstream('monolith');
  catalog = await startUpstream('catalog');
  dir = tempDir('strangler-cluster-');
  output = '';
});

afterEach(async () => {
  killAll();
  for (const pid of workerPids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  workerPids = [];
  await Promise.all([monolith.close(), catalog.close()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

let workerPids: number[] = [];

/** Alive and not a zombie (a worker orphaned by its primary may linger unreaped). */
function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function childrenOf(pid: number): number[] {
  const text = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text ? text.split(/\s+/).map(Number) : [];
}

/** Resolves once `count` log lines match `pattern` in the cluster's output. */
function logLines(pattern: RegExp, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if ((output.match(new RegExp(pattern.source, 'g')) ?? []).length >= count) { cleanup(); resolve(); }
    };
    const onExit = (code: number | null): void => { cleanup(); reject(new Error(`the cluster exited (${code}):\n${output}`)); };
    const cleanup = (): void => { primary!.stdout!.off('data', check); primary!.stderr!.off('data', check); primary!.off('exit', onExit); };
    primary!.stdout!.on('data', check);
    primary!.stderr!.on('data', check);
    primary!.once('exit', onExit);
    check();
  });
}

/** `main.ts --config F --workers 2`, or the same through the `strangler` CLI (`cli.ts --config F facade --workers 2`). */
async function startCluster(viaCli = false): Promise<{ port: number; adminPort: number; url: string; adminUrl: string; configFile: string }> {
  const port = await freePort();
  const adminPort = await freePort();
  const configFile = path.join(dir, 'strangler.config.json');
  fs.writeFileSync(configFile, JSON.stringify({
    monolith: { url: monolith.url },
    services: { catalog: { url: catalog.url } },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' }],
    state: { db: 'state.db' },
    listen: { host: '127.0.0.1', port },
    admin: { host: '127.0.0.1', port: adminPort },
  }));
  primary = viaCli
    ? spawnTs(path.join('scripts', 'cli.ts'), ['--config', configFile, 'facade', '--workers', '2'], { STRANGLER_ADMIN_TOKEN: 'cluster-token' })
    : spawnTs(path.join('facade', 'src', 'main.ts'), ['--config', configFile, '--workers', '2'], { STRANGLER_ADMIN_TOKEN: 'cluster-token' });
  primary.stdout!.on('data', (c: Buffer) => { output += c.toString(); });
  primary.stderr!.on('data', (c: Buffer) => { output += c.toString(); });
  // The primary and both workers each log "facade listening" once they serve.
  await within(logLines(/"msg":"facade listening"/, 3), 60_000, 'three processes listening');
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const ready = await fetch(`${adminUrl}/readyz`);
  expect(ready.status).toBe(200);
  workerPids = childrenOf(primary.pid!);
  expect(workerPids).toHaveLength(2);
  return { port, adminPort, url: `http://127.0.0.1:${port}`, adminUrl, configFile };
}

it('two workers share the port, a stage change reaches both, and SIGTERM stops every process', async () => {
  const cluster = await startCluster();

  // 40 requests on fresh connections: the primary hands connections to the workers in turn.
  const upstreamSockets = new Set<Socket>();
  monolith.server.on('connection', (s: Socket) => upstreamSockets.add(s));
  for (let i = 0; i < 40; i++) {
    const res = await rawRequest(cluster.url, `/api/products/${i}`);
    expect(res.status).toBe(200);
    expect(res.json().from).toBe('monolith');
  }
  expect(monolith.received).toHaveLength(40);
  // Sequential requests reuse one keep-alive socket per worker: two sockets mean both workers served.
  expect(upstreamSockets.size).toBeGreaterThanOrEqual(2);

  // The primary's /metrics adds up both workers' registries.
  let total = 0;
  let status = 0;
  for (let attempt = 0; attempt < 20 && total < 40; attempt++) {
    const res = await fetch(`${cluster.adminUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
    status = res.status;
    total = metricSum(await res.text(), 'strangler_requests_total', { route: 'catalog' });
    if (status !== 200) break;
  }
  expect(status).toBe(200);
  expect(total).toBe(40);

  // A stage change through the primary's admin API reaches both workers (10 answers in a row,
  // on fresh connections handed out in turn, come from the service).
  const changed = await putStage(cluster.adminUrl, 'catalog', { stage: 'complete', force: true }, 'cluster-token');
  expect(changed.status).toBe(200);
  const changedAt = Date.now();
  let streak = 0;
  let streakStart = 0;
  while (streak < 10 && Date.now() - changedAt < 5000) {
    const side = (await rawRequest(cluster.url, '/api/products/x')).headers['x-strangler-side'];
    if (side === 'service') { if (streak++ === 0) streakStart = Date.now(); } else streak = 0;
  }
  expect(streak).toBe(10);
  expect(streakStart - changedAt).toBeLessThan(1500);

  // SIGTERM to the primary: it stops its workers and itself, and both ports are free again.
  const exited = new Promise<number | null>((r) => primary!.once('exit', (code) => r(code)));
  process.kill(primary!.pid!, 'SIGTERM');
  expect(await within(exited, 15_000, 'the primary exiting')).toBe(0);
  const deadline = Date.now() + 15_000;
  while (workerPids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(workerPids.filter(isAlive)).toEqual([]);
  expect(await portIsFree(cluster.port)).toBe(true);
  expect(await portIsFree(cluster.adminPort)).toBe(true);
});

it('through the CLI, a reload with an invalid config stops and says why, and the next reload with a fixed one is done', async () => {
  const { url, configFile } = await startCluster(true);
  const valid = fs.readFileSync(configFile, 'utf8');
  fs.writeFileSync(configFile, '{ "monolith": ');
  process.kill(primary!.pid!, 'SIGHUP');
  // The new worker used to print the error and stay alive (its IPC channel held it), never listening.
  await within(logLines(/reload stopped: a new worker did not start/, 1), 30_000, 'the reload stopping');
  expect(output).toMatch(/"err":"invalid config [^"]*not valid JSON/);
  expect((await fetch(`${url}/api/products/1`)).status).toBe(200); // the old workers keep serving

  fs.writeFileSync(configFile, valid);
  process.kill(primary!.pid!, 'SIGHUP');
  await within(logLines(/"msg":"reload done"/, 1), 60_000, 'the fixed reload');
  expect(childrenOf(primary!.pid!)).toHaveLength(2);
  expect((await fetch(`${url}/api/products/1`)).status).toBe(200);
}, 180_000);
