// Records divergences for the pipeline (pipeline/second-write.ts) as soon as the second write settled:
// one committed row each, counted in metrics and logged loudly without secrets. A store that fails
// (locked, full, unreachable) keeps the divergence in memory and retries; nothing is dropped while the process lives.
// While the store fails, one try per retry round (backed off), never one per divergence: on SQLite a
// locked file holds the event loop for the whole busy timeout (5 s) at every try, for every client.
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { DivergenceStore, NewDivergence } from './divergence-store';

export interface DivergenceMetrics {
  readonly recorded: Counter<'route' | 'reason'>;
  readonly overWarn: Counter<'route'>;
  /** Divergences kept in memory because the store failed: not yet listed by `divergences list`. */
  readonly unstored: Gauge;
}

/** Registers the divergence metrics; the open-count gauges read the store at scrape time. */
export function divergenceMetrics(registry: Registry, store: DivergenceStore, routes: readonly string[]): DivergenceMetrics {
  const registers = [registry];
  // `max`, not the default `sum`, across cluster workers: every worker reads the same database.
  // A read that fails (the state database is down) leaves these two out of the scrape: a collector
  // that threw failed the whole /metrics with a 500, so `strangler_state_db_up 0` and
  // `strangler_divergences_unstored` were never seen while the database was away (hostile15).
  new Gauge({
    name: 'strangler_divergences_open', help: 'Divergences not yet repaired or resolved, by route', labelNames: ['route'], registers, aggregator: 'max',
    async collect() { await collectOpen(this, routes, store, (s) => s.count); },
  });
  new Gauge({
    name: 'strangler_divergences_open_bytes', help: 'Bytes taken by the stored requests of open divergences, by route', labelNames: ['route'], registers, aggregator: 'max',
    async collect() { await collectOpen(this, routes, store, (s) => s.bytes); },
  });
  return {
    recorded: new Counter({ name: 'strangler_divergences_total', help: 'Divergences recorded (second writes failed or not sent), by route and reason', labelNames: ['route', 'reason'], registers }),
    unstored: new Gauge({ name: 'strangler_divergences_unstored', help: 'Divergences kept in memory because the state database failed; retried, not yet listed', registers }),
    overWarn: new Counter({ name: 'strangler_divergences_over_warn_total', help: 'Divergences stored while the route\'s open divergences were over dualWrite.warnStoredBytes', labelNames: ['route'], registers }),
  };
}

/** Sets `gauge` per route from the store, or clears it when the store cannot be read now. */
async function collectOpen(gauge: Gauge, routes: readonly string[], store: DivergenceStore, pick: (s: { count: number; bytes: number }) => number): Promise<void> {
  try {
    const values = await Promise.all(routes.map(async (route) => [route, pick(await store.openStats(route))] as const));
    for (const [route, v] of values) gauge.set({ route }, v);
  } catch {
    gauge.reset();
  }
}

/**
 * While serving, a divergence waits at most this long for a SQLite write lock held by another
 * connection (the writer thread's batches and checkpoints take milliseconds): a `sqlite3` shell or a
 * backup holding it cost every client the connection's 5 s at each try. A try that fails waits in memory.
 */
const SERVING_BUSY_MS = 500;

export class DivergenceRecorder {
  private pending: Array<{ d: NewDivergence; warnBytes: number }> = [];
  private timer: NodeJS.Timeout | null = null;
  /** Retry rounds in a row that failed: the back-off doubles with each, up to maxRetryMs. */
  private failedRounds = 0;
  /** A round in progress: never a second beside it, and close() waits for it (each would store the same divergence). */
  private round: Promise<void> | null = null;
  private closing = false;
  /** Stores in progress, so close() waits for them. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly store: DivergenceStore,
    private readonly metrics: DivergenceMetrics,
    private readonly logger: Logger,
    private readonly retryMs = 1000,
    private readonly maxRetryMs = 30_000,
    /**
     * A store on the replica's own disk (`state.localDir/replica.db`) that keeps, sealed, what the
     * shared database could not take before shutdown; the next start moves it over. Without it a
     * replica stopped while PostgreSQL was away (a rolling deploy during database maintenance)
     * lost those divergences and their bodies: only a log line was left (hostile15).
     */
    private readonly spill: { readonly store: DivergenceStore; readonly where: string } | null = null,
  ) {}

  /**
   * Moves divergences kept in the local spill by an earlier shutdown into the store, oldest first.
   * Each is stored, then removed from the spill; one the store already holds (a stop between the
   * two) is only removed, so it is never listed, and replayed, twice.
   */
  async recoverSpilled(routes: readonly string[]): Promise<number> {
    if (!this.spill) return 0;
    const spilled = (await Promise.all(routes.map((r) => this.spill!.store.list(r, { status: 'open' })))).flat()
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id - b.id));
    let moved = 0;
    for (const s of spilled) {
      const request = await this.spill.store.request(s.route, s.id);
      if (!request) continue;
      const d: NewDivergence = {
        at: s.at, route: s.route, stage: s.stage, requestId: s.requestId ?? '', side: s.side, upstream: s.upstream, reason: s.reason,
        path: s.path, request, bodyBytes: s.bodyBytes, primaryStatus: s.primaryStatus, secondStatus: s.secondStatus, secondError: s.secondError,
      };
      if (!(await this.store.holds(d))) await this.store.add(d);
      await this.spill.store.sql.run('DELETE FROM divergences WHERE id = ?', [s.id]);
      moved++;
    }
    if (moved > 0) this.logger.warn({ moved, from: this.spill.where }, 'divergences kept on local disk at the last shutdown are now in the state database (strangler divergences list)');
    return moved;
  }

  /** Stores `d` now; resolves to its id, or null when the store failed and it waits in memory for a retry. */
  async record(d: NewDivergence, warnBytes: number): Promise<number | null> {
    this.metrics.recorded.inc({ route: d.route, reason: d.reason });
    // Behind earlier ones that wait for a failing store, it waits too, without a try of its own.
    const attempt = this.pending.length > 0 ? Promise.resolve(this.queueBehind(d)) : this.tryStore(d, warnBytes);
    // Kept for the retry before this promise settles, so close() never misses it.
    const stored = attempt.then((id) => {
      if (id === null) {
        this.pending.push({ d, warnBytes });
        this.metrics.unstored.set(this.pending.length);
        this.schedule();
      }
      return id;
    });
    this.inFlight.add(stored);
    try {
      return await stored;
    } finally {
      this.inFlight.delete(stored);
    }
  }

  /** `busyMs`: the wait for a SQLite lock held elsewhere, short while serving (a failed try waits in memory), the connection's own at shutdown. */
  private async tryStore(d: NewDivergence, warnBytes: number, busyMs: number | undefined = SERVING_BUSY_MS): Promise<number | null> {
    const fields = { route: d.route, side: d.side, reason: d.reason, method: d.request.method, path: d.path, requestId: d.requestId };
    let id: number;
    try {
      id = await this.store.add(d, { busyMs });
    } catch (err) {
      this.logger.error({ ...fields, err: (err as Error).message }, 'divergence could not be stored yet; kept in memory and retried');
      return null;
    }
    this.logger.error({ ...fields, divergence: id, status: d.secondStatus, error: d.secondError }, 'second write missed: the two sides now disagree; stored as a divergence (strangler divergences list)');
    const open = await this.store.openStats(d.route).catch(() => ({ count: 0, bytes: 0 }));
    if (open.bytes > warnBytes) {
      // Never evicted: an unrepaired write is data. Say so loudly instead, every time.
      this.metrics.overWarn.inc({ route: d.route });
      this.logger.error({ route: d.route, open: open.count, openBytes: open.bytes, warnStoredBytes: warnBytes },
        'open divergences are over dualWrite.warnStoredBytes: repair or resolve them (strangler divergences replay); nothing is evicted');
    }
    return id;
  }

  private queueBehind(d: NewDivergence): null {
    this.logger.error({ route: d.route, side: d.side, reason: d.reason, method: d.request.method, path: d.path, requestId: d.requestId, waiting: this.pending.length },
      'divergence could not be stored yet (the state database is failing); kept in memory and retried');
    return null;
  }

  private schedule(): void {
    if (this.timer) return;
    const delay = Math.min(this.retryMs * 2 ** Math.min(this.failedRounds, 16), this.maxRetryMs);
    this.timer = setTimeout(() => { this.timer = null; void this.retry(); }, delay).unref();
  }

  /**
   * The state database is back (the flag provider reconnected): a round now, and the back-off starts
   * over. Without it the divergences waiting reached `divergences list` up to maxRetryMs late (hostile15).
   */
  retryNow(): void {
    if (this.pending.length === 0 || this.round) return;
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    this.failedRounds = 0;
    void this.retry();
  }

  /** Stores the waiting divergences oldest first; the first that fails ends the round (the rest would fail too). */
  private async retry(): Promise<void> {
    if (this.round) return;
    this.round = this.storeWaiting();
    try {
      await this.round;
    } finally {
      this.round = null;
    }
    if (this.closing) return;
    this.failedRounds = this.pending.length > 0 ? this.failedRounds + 1 : 0;
    if (this.pending.length > 0) this.schedule();
  }

  private async storeWaiting(): Promise<void> {
    while (this.pending.length > 0) {
      const p = this.pending[0]!;
      if ((await this.tryStore(p.d, p.warnBytes)) === null) break;
      this.pending.shift();
      this.metrics.unstored.set(this.pending.length);
    }
  }

  /** Waits for stores in progress, then a last try for anything still in memory; what still fails is logged as lost, with what it was. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    await Promise.allSettled([...this.inFlight, ...(this.round ? [this.round] : [])]);
    const waiting = this.pending;
    this.pending = [];
    this.metrics.unstored.set(0);
    let failing = false;
    for (const p of waiting) {
      // After one failure the rest are logged at once: each try could hold the shutdown for a busy timeout.
      if (!failing && (await this.tryStore(p.d, p.warnBytes, undefined)) !== null) continue;
      failing = true;
      if (this.spill && (await this.spill.store.add(p.d).then(() => true, () => false))) {
        this.logger.error({ route: p.d.route, method: p.d.request.method, path: p.d.path, requestId: p.d.requestId, side: p.d.side, keptIn: this.spill.where },
          'a divergence could not be stored before shutdown: kept on local disk, sealed; the next start of this replica moves it to the state database');
        continue;
      }
      this.logger.fatal({ route: p.d.route, method: p.d.request.method, path: p.d.path, requestId: p.d.requestId, side: p.d.side },
        'a divergence could not be stored before shutdown: repair this write by hand');
    }
  }
}
