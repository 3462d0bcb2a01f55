// Bench scenario: what an open console costs the facade in CPU per request. One process holds
// two tiny upstreams, a facade shadowing every read (so every request records a comparison and
// wakes the console feed) and the load generator; rounds alternate "no page open" and "one page
// open" (an event stream read to the end), at the same fixed rate. The difference of process CPU
// per request between the two is the console's cost (load generator and upstreams cancel out);
// beside it, the cost of one snapshot build (timed directly) times the pushes per request.
//
//   npx ts-node --transpile-only scripts/bench/console.ts [--quick]   (npm run bench runs it last)
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import pino from 'pino';
import { parseConfig } from '../../facade/src/config';
import { buildSnapshot } from '../../facade/src/io/console/console-snapshot';
import { sqlOf } from '../../facade/src/io/db/sqlite-sql';
import { startFacade, type RunningFacade } from '../../facade/src/server';
import { newAgent, openLoop } from './load';
import { percentile } from './stats';

export interface ConsoleBenchResult {
  readonly rate: number;
  readonly durationS: number;
  readonly rounds: number;
  /** Median process CPU per answered request, µs, without and with a console page open. */
  readonly cpuUsPerRequest: { readonly closed: number; readonly open: number; readonly delta: number };
  /** Median of each round's p99 answer time (ms), from when each request was due. */
  readonly p99Ms: { readonly closed: number; readonly open: number };
  /** Median of each round's longest event-loop stall (ms) of the process that proxies. */
  readonly eventLoopMaxMs: { readonly closed: number; readonly open: number };
  /** Pushes the open page received per second (the feed's throttle is 1/s). */
  readonly pushesPerSecond: number;
  readonly snapshotBytes: number;
  /** Median time to build and serialise one snapshot, ms, after all rounds (the store at its fullest); the facade does it in a worker thread. */
  readonly snapshotBuildMs: number;
  /** snapshotBuildMs × pushes ÷ requests, µs: the modelled cost per request. */
  readonly modelUsPerRequest: number;
  readonly comparisonsStored: number;
}

const TOKEN = 'bench-console-token';

function upstream(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const n = Number(/(\d+)$/.exec(req.url ?? '')?.[1] ?? 0);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ sku: `S${n}`, name: 'Widget', on_hand: 3, tags: ['a', 'b'] }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}
const portOf = (s: http.Server): number => (s.address() as { port: number }).port;

/** Opens the console's event stream and counts snapshots until `stop()`. */
async function openPage(adminUrl: string): Promise<{ stop: () => Promise<{ pushes: number; bytes: number }> }> {
  const ctrl = new AbortController();
  const res = await fetch(`${adminUrl}/console/events`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: ctrl.signal });
  if (!res.ok || !res.body) throw new Error(`console stream: ${res.status}`);
  let pushes = 0;
  let bytes = 0;
  const reading = (async () => {
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const text = Buffer.from(chunk).toString();
        pushes += text.split('event: snapshot').length - 1;
        bytes += chunk.byteLength;
      }
    } catch { /* aborted */ }
  })();
  return { stop: async () => { ctrl.abort(); await reading; return { pushes, bytes }; } };
}

export async function runConsoleBench(opts: { quick: boolean; rate?: number; log?: (s: string) => void }): Promise<ConsoleBenchResult> {
  const log = opts.log ?? ((s: string) => process.stdout.write(`${s}\n`));
  const rate = opts.rate ?? 300;
  const durationS = opts.quick ? 1 : 3;
  const rounds = opts.quick ? 2 : 5;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-bench-console-'));
  const [mono, svc] = await Promise.all([upstream(), upstream()]);
  let facade: RunningFacade | null = null;
  try {
    const config = parseConfig({
      monolith: { url: `http://127.0.0.1:${portOf(mono)}` }, services: { svc: { url: `http://127.0.0.1:${portOf(svc)}` } },
      routes: [{ name: 'inventory', match: { path: '/api/inventory/**' }, service: 'svc' }],
      state: { db: path.join(dir, 'state.db') }, listen: { host: '127.0.0.1', port: 0 }, admin: { host: '127.0.0.1', port: 0 },
    }, 'console bench');
    facade = await startFacade(config, { logger: pino({ level: 'silent' }), port: 0, adminPort: 0, adminToken: TOKEN });
    facade.store.change({ route: 'inventory', stage: 'shadow', force: true, actor: 'bench', defaultStage: 'off' });
    (facade.deps.flags as unknown as { reload(): void }).reload();
    const target = { port: Number(new URL(facade.url).port), path: '/api/inventory/1', agent: newAgent(64) };
    const warm = await openPage(facade.adminUrl!); // warm-up: JIT, pools, the first comparisons, the console's worker thread
    await openLoop(target, rate, opts.quick ? 2000 : 5000, 256);
    await warm.stop();

    const perRequest: Record<'closed' | 'open', number[]> = { closed: [], open: [] };
    const p99: Record<'closed' | 'open', number[]> = { closed: [], open: [] };
    const loopMax: Record<'closed' | 'open', number[]> = { closed: [], open: [] };
    let pushes = 0;
    let bytes = 0;
    let openSeconds = 0;
    for (let round = 0; round < rounds; round++) {
      for (const mode of (round % 2 === 0 ? ['closed', 'open'] : ['open', 'closed']) as Array<'closed' | 'open'>) {
        const page = mode === 'open' ? await openPage(facade.adminUrl!) : null;
        const loop = monitorEventLoopDelay({ resolution: 10 });
        loop.enable();
        const cpu = process.cpuUsage();
        const r = await openLoop(target, rate, durationS * 1000, 256);
        const used = process.cpuUsage(cpu);
        loop.disable();
        loopMax[mode].push(loop.max / 1e6);
        if (page) { const seen = await page.stop(); pushes += seen.pushes; bytes = seen.bytes / Math.max(1, seen.pushes); openSeconds += durationS; }
        perRequest[mode].push((used.user + used.system) / Math.max(1, r.ok));
        p99[mode].push(percentile(r.latencyNs, 99) / 1e6);
        log(`  round ${round + 1} ${mode.padEnd(6)} ${r.ok} ok, ${r.errors} errors, ${((used.user + used.system) / Math.max(1, r.ok)).toFixed(1)} µs CPU/request, p99 ${p99[mode].at(-1)!.toFixed(1)} ms, loop stall ${loopMax[mode].at(-1)!.toFixed(1)} ms`);
      }
    }
    const builds: number[] = [];
    const flags = facade.deps.flags;
    const input = { routes: config.routes, states: Object.fromEntries([...facade.deps.routes].map(([n, r]) => [n, flags.describe(r.flag)])), provider: flags.kind, gate: config.gate };
    for (let i = 0; i < 7; i++) {
      const t = process.hrtime.bigint();
      JSON.stringify(await buildSnapshot(sqlOf(facade.store.db), input, new Date()));
      builds.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const median = (xs: number[]): number => percentile(Float64Array.from(xs), 50);
    const closed = median(perRequest.closed);
    const open = median(perRequest.open);
    const pushesPerSecond = pushes / Math.max(1, openSeconds);
    const buildMs = median(builds);
    const stored = (facade.store.db.prepare('SELECT COUNT(*) AS n FROM comparisons').get() as { n: number }).n;
    return {
      rate, durationS, rounds, cpuUsPerRequest: { closed, open, delta: open - closed }, p99Ms: { closed: median(p99.closed), open: median(p99.open) },
      eventLoopMaxMs: { closed: median(loopMax.closed), open: median(loopMax.open) }, pushesPerSecond, snapshotBytes: Math.round(bytes),
      snapshotBuildMs: buildMs, modelUsPerRequest: (buildMs * 1000 * pushesPerSecond) / rate, comparisonsStored: stored,
    };
  } finally {
    await facade?.close();
    mono.close();
    svc.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function printConsoleBench(r: ConsoleBenchResult): void {
  process.stdout.write([
    `console open vs closed (${r.rate} req/s shadowed reads, ${r.rounds} rounds × ${r.durationS} s each, medians):`,
    `  CPU per request: ${r.cpuUsPerRequest.closed.toFixed(1)} µs closed, ${r.cpuUsPerRequest.open.toFixed(1)} µs open, difference ${r.cpuUsPerRequest.delta.toFixed(1)} µs`,
    `  p99 answer time: ${r.p99Ms.closed.toFixed(1)} ms closed, ${r.p99Ms.open.toFixed(1)} ms open`,
    `  longest event-loop stall: ${r.eventLoopMaxMs.closed.toFixed(1)} ms closed, ${r.eventLoopMaxMs.open.toFixed(1)} ms open`,
    `  pushes ${r.pushesPerSecond.toFixed(2)}/s of ${r.snapshotBytes} bytes; one snapshot ${r.snapshotBuildMs.toFixed(1)} ms to build over ${r.comparisonsStored} stored comparisons`,
    `  modelled: ${r.modelUsPerRequest.toFixed(1)} µs per request (build time × pushes ÷ requests)`,
    '',
  ].join('\n'));
}

if (require.main === module) {
  const quick = process.argv.includes('--quick');
  runConsoleBench({ quick }).then((r) => {
    printConsoleBench(r);
    const out = path.resolve(__dirname, '../../reports/bench-console.json');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify(r, null, 2)}\n`);
    process.stdout.write(`wrote ${path.relative(process.cwd(), out)}\n`);
  }).catch((err: unknown) => { process.stderr.write(`${(err as Error).stack ?? String(err)}\n`); process.exitCode = 1; });
}
