// `--workers N`: the primary process forks N facade workers sharing the public port (node cluster)
// and serves the admin API itself. SIGHUP replaces the workers one at a time (a new one listens
// before an old one drains), so a reload under load fails no request; SIGTERM drains them all.
// A worker that cannot start (a taken port) stops the whole facade with its message.
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

/** What a worker tells the primary when it cannot start (sent before it exits non-zero). */
export interface FatalMessage { readonly type: 'strangler:fatal'; readonly message: string }

export function isFatal(m: unknown): m is FatalMessage {
  return typeof m === 'object' && m !== null && (m as FatalMessage).type === 'strangler:fatal';
}

/** Called in a worker that failed to start: the primary prints `message` and stops. */
export function reportFatal(message: string): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) { resolve(); return; }
    process.send({ type: 'strangler:fatal', message } satisfies FatalMessage, undefined, {}, () => resolve());
  });
}

export class WorkerSupervisor {
  private readonly workers = new Set<Worker>();
  /** Workers being replaced or stopped on purpose: their exit is not a crash. */
  private readonly leaving = new WeakSet<Worker>();
  private started = false;
  private reloading = false;
  private stopping = false;

  constructor(
    private readonly count: number,
    private readonly drainTimeoutMs: number,
    private readonly logger: Logger,
    /** A worker that crashed after it had started is replaced; `onFatal` is told when one cannot start at all. */
    private readonly onFatal: (message: string) => void,
  ) {}

  /** Forks the workers; resolves when every one listens, rejects with the first one's start-up failure. */
  async start(): Promise<void> {
    await Promise.all(Array.from({ length: this.count }, () => this.fork()));
    this.started = true;
  }

  /** Replaces each worker in turn: the new one listens before the old one drains. */
  async reload(): Promise<void> {
    if (this.reloading || this.stopping) return;
    this.reloading = true;
    const old = [...this.workers];
    this.logger.info({ workers: old.length }, 'reload: replacing workers one at a time');
    try {
      for (const w of old) {
        const fresh = await this.fork();
        this.logger.info({ old: w.process.pid, new: fresh.process.pid }, 'reload: new worker listening; draining the old one');
        await this.retire(w);
      }
      this.logger.info('reload done');
    } catch (err) {
      this.logger.error({ err: (err as Error).message }, 'reload stopped: a new worker did not start; the running workers keep serving');
    } finally {
      this.reloading = false;
    }
  }

  /** Drains every worker (SIGTERM) and waits for them to exit. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.workers].map((w) => this.retire(w)));
  }

  private fork(): Promise<Worker> {
    const worker = cluster.fork();
    this.workers.add(worker);
    let fatal: string | null = null;
    worker.on('message', (m: unknown) => { if (isFatal(m)) fatal = m.message; });
    return new Promise((resolve, reject) => {
      let listening = false;
      worker.once('listening', () => { listening = true; resolve(worker); });
      worker.once('exit', (code, signal) => {
        this.workers.delete(worker);
        if (!listening) {
          const why = fatal ?? `worker ${worker.process.pid} exited before it listened (code ${code}, signal ${signal})`;
          // At start-up and during a reload the caller hears of it; later (a crash's replacement) only onFatal can.
          if (fatal && this.started && !this.reloading && !this.stopping) this.onFatal(fatal);
          reject(new Error(why));
          return;
        }
        if (this.leaving.has(worker) || this.stopping) return;
        this.logger.error({ pid: worker.process.pid, code, signal }, 'facade worker died; starting a new one');
        this.fork().catch((err: Error) => this.logger.error({ err: err.message }, 'replacement worker did not start'));
      });
    });
  }

  /** SIGTERM (the worker drains and exits 0); SIGKILL if it outlives its drain deadline by 5 s. */
  private retire(worker: Worker): Promise<void> {
    this.leaving.add(worker);
    if (worker.isDead()) return Promise.resolve();
    return new Promise((resolve) => {
      const killer = setTimeout(() => {
        this.logger.error({ pid: worker.process.pid }, 'worker still running after its drain deadline; killing it');
        worker.process.kill('SIGKILL');
      }, this.drainTimeoutMs + 5000);
      worker.once('exit', () => { clearTimeout(killer); resolve(); });
      worker.process.kill('SIGTERM');
    });
  }
}
