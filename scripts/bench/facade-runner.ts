// Benchmark facade (child process): one facade process exactly as `npm run facade` would run it
// (sqlite flags, admin API, metrics, info-level pino log), in front of the two bench upstreams.
// Route `legacy` (/api/legacy/**) stays at `off`; routes `moved` (/api/moved/**, `complete`) and
// `mirrored` (/api/mirrored/**, `shadow`, 100 % sampled) are put at their stage through the
// StateStore before start, as the CLI or admin API would.
// Input: env BENCH_FACADE = JSON { monolithUrl, serviceUrl, dir, guards? }; with BENCH_PROFILE_FILE, a CPU
// profile of the measured phases (from the bench's `profile-start` to `stop`) is written there.
import fs from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import pino from 'pino';
import { parseConfig, type FacadeConfigInput } from '../../facade/src/config';
import { startFacade } from '../../facade/src/server';
import { StateStore } from '../../facade/src/io/state-store';
import { serveBench } from './child-ipc';
import { BENCH_ROUTES } from './routes';

interface RunnerInput {
  readonly monolithUrl: string;
  readonly serviceUrl: string;
  readonly dir: string;
  /** false: circuit breakers and bulkheads off on both upstreams (the `facade-guards-off` scenario). */
  readonly guards?: boolean;
}

/** V8's sampling profiler in this process, started when the measured phases begin (not at start-up). */
class Profiler {
  private readonly session = new Session();
  private running = false;

  constructor(private readonly file: string) {}

  private post(method: string, params?: object): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result)));
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.session.connect();
    void this.post('Profiler.enable')
      .then(() => this.post('Profiler.setSamplingInterval', { interval: 100 }))
      .then(() => this.post('Profiler.start'));
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    const { profile } = (await this.post('Profiler.stop')) as { profile: unknown };
    fs.writeFileSync(this.file, JSON.stringify(profile));
    this.session.disconnect();
  }
}

async function main(): Promise<void> {
  const input = JSON.parse(process.env.BENCH_FACADE ?? '{}') as RunnerInput;
  const db = path.join(input.dir, 'state.db');
  const guards = input.guards === false ? { breaker: { enabled: false }, bulkhead: { enabled: false } } : {};
  const raw: FacadeConfigInput = {
    monolith: { url: input.monolithUrl, ...guards },
    services: { svc: { url: input.serviceUrl, ...guards } },
    routes: BENCH_ROUTES.map((r) => ({ name: r.name, match: { path: r.pattern }, service: 'svc', ...(r.stage === 'shadow' ? { compare: { sample: 100 } } : {}) })),
    contextKey: { header: 'x-user-id' },
    flags: { provider: 'sqlite' },
    state: { db },
    listen: { host: '127.0.0.1', port: 0 },
    admin: { host: '127.0.0.1', port: 0 },
  };
  const config = parseConfig(raw, 'bench config');

  const store = new StateStore(db);
  for (const r of BENCH_ROUTES) {
    if (r.stage === 'off') continue; // the default stage: nothing to store
    store.change({ route: r.name, actor: 'bench', stage: r.stage, force: true, defaultStage: 'off', reason: 'benchmark setup' });
  }
  store.close();

  const logger = pino({ name: 'strangler-facade', level: 'info' });
  const facade = await startFacade(config, { logger, port: 0, adminPort: 0 });
  const profiler = process.env.BENCH_PROFILE_FILE ? new Profiler(process.env.BENCH_PROFILE_FILE) : null;
  const ipc = serveBench(async () => {
    await profiler?.stop();
    await facade.close();
  }, { profileStart: () => profiler?.start() });
  const stages = Object.fromEntries([...facade.deps.routes.values()].map((r) => [r.config.name, facade.deps.flags.stageFor(r.flag, null, () => 0)]));
  ipc.ready(Number(new URL(facade.url).port), { stages, adminUrl: facade.adminUrl });
}

main().catch((err: unknown) => {
  process.send?.({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
  setTimeout(() => process.exit(1), 100).unref();
});
