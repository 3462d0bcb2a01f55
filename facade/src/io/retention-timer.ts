// Runs the diff store's retention (io/diff-store/retention.ts) in the facade, off the request path:
// every `intervalMs` (unref'd, so it never keeps a process alive) one pass, a batch per event-loop
// turn, so a request waits at most one small transaction. One pass at a time; `close` stops it.
import type { Logger } from 'pino';
import type { RetentionPolicy } from '../core/retention';
import type { Sql } from './db/sql';
import { SqliteSql } from './db/sqlite-sql';
import { DiffStoreRetention, type PruneSummary } from './diff-store/retention';

export interface RetentionTimerOptions {
  /** The state database, either engine (with several replicas each runs passes; batches are small transactions, safe side by side). */
  readonly sql: Sql;
  readonly policy: RetentionPolicy;
  readonly logger: Pick<Logger, 'info' | 'warn'>;
  readonly now?: () => Date;
  /** Called after every pass (tests and the soak await it). */
  readonly onPass?: (summary: PruneSummary | null, err?: unknown) => void;
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class RetentionTimer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<PruneSummary | null> | null = null;
  private closed = false;
  private readonly retention: DiffStoreRetention;

  constructor(private readonly o: RetentionTimerOptions) {
    this.retention = new DiffStoreRetention(o.sql, o.policy);
  }

  /**
   * Schedules the passes: the first one after `firstMs` (default: a minute, or the interval when
   * shorter, so a facade restarted often still prunes), then one per interval.
   */
  start(firstMs = Math.min(60_000, this.o.policy.intervalMs)): this {
    this.schedule(firstMs);
    return this;
  }

  /** One pass now (or the one under way); null when it failed, or was stopped by `close` (after which none runs). */
  runNow(): Promise<PruneSummary | null> {
    if (this.closed) return Promise.resolve(null);
    this.running ??= this.pass().finally(() => { this.running = null; });
    return this.running;
  }

  /** Stops the timer; a pass under way stops before its next batch. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      void this.runNow().then(() => this.schedule(this.o.policy.intervalMs));
    }, ms);
    this.timer.unref();
  }

  private async pass(): Promise<PruneSummary | null> {
    const started = Date.now();
    try {
      const steps = this.retention.steps(this.o.now?.() ?? new Date());
      for (let r = await steps.next(); ; r = await steps.next()) {
        if (r.done) {
          const s = r.value;
          if (s.batches > 0) {
            this.o.logger.info({ minuteRows: s.minuteRows, hourRows: s.hourRows, comparisons: s.comparisons, facts: s.facts, batches: s.batches, ms: Date.now() - started },
              'retention: rolled up old counts and pruned old comparisons');
          }
          this.o.onPass?.(s);
          return s;
        }
        await turn();
        if (this.closed || (this.o.sql instanceof SqliteSql && !this.o.sql.db.open)) { this.o.onPass?.(null); return null; }
      }
    } catch (err) {
      // A locked database (another process's long write) or a closed one: the next pass tries again.
      this.o.logger.warn({ err: (err as Error).message }, 'retention pass failed; retrying at the next interval');
      this.o.onPass?.(null, err);
      return null;
    }
  }
}
