// Collects comparison records off the response path, gives each made comparison its verdict from
// the live noise evidence (core/comparison), and writes records to the diff store in batches (one
// transaction each, one batch in flight at a time). The evidence book is loaded from the store at
// start, so a restart keeps what was learnt. A store failure is logged and counted, never thrown:
// the batch goes back to the front of the queue and is retried.
//
// What a crash can lose: the records not yet committed, i.e. the batch being written (at most
// maxBatch, 500) and those queued behind it, which are written within flushMs (50 ms) while the
// database keeps up; a graceful stop (close) writes everything first. When the database falls
// behind, the queue holds up to maxQueue (20,000) records and drops (counted) beyond that.
import type { Logger } from 'pino';
import type { CompiledRules } from '../core/compare';
import { classifyComparison, EvidenceBook, isVerdict, type ClassifyRules, type ComparisonRecord } from '../core/comparison';
import type { FacadeMetrics } from './metrics';
import type { ComparisonWriter } from './diff-store/writer';
import { DEFAULT_GENERATED } from './classify-rules';

export interface RecorderOptions {
  readonly flushMs: number;
  readonly maxBatch: number;
  readonly maxQueue: number;
  /** Wait after a failed write before the next try (default 1000 ms). */
  readonly retryMs?: number;
}

/** The recorder's defaults; `maxBatch` is the most a crash loses while the database keeps up (docs/operations/replicas.md). */
export const RECORDER_DEFAULTS: RecorderOptions = { flushMs: 50, maxBatch: 500, maxQueue: 20_000, retryMs: 1000 };

const DEFAULT_POLICY: ClassifyRules['generated'] = { toleranceMs: DEFAULT_GENERATED.toleranceMs, kinds: new Set(DEFAULT_GENERATED.kinds), exactFields: [] };

/** Per-route settings the recorder needs: the generated-value policy and the field cap per endpoint. */
export interface RouteSettings { readonly generated: ClassifyRules['generated']; readonly maxFields: number }

/** The field that fields past an endpoint's cap count under. */
export const OTHER_FIELDS = '(other fields)';

export class ComparisonRecorder {
  private queue: ComparisonRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** The write loop while it runs (one batch in flight at a time). */
  private running: Promise<void> | null = null;
  private inFlight = 0;
  /** Set after a failed write: only the retry timer writes until it fires. */
  private backoff = false;
  private readonly listeners = new Set<(batch: readonly ComparisonRecord[]) => void>();
  private readonly rules = new Map<string, ClassifyRules>();
  private closed = false;

  constructor(
    private readonly store: ComparisonWriter,
    readonly evidence: EvidenceBook,
    private readonly metrics: FacadeMetrics,
    private readonly logger: Logger,
    private readonly settings: (route: string) => RouteSettings = () => ({ generated: DEFAULT_POLICY, maxFields: 1000 }),
    private readonly opts: RecorderOptions = RECORDER_DEFAULTS,
  ) {}

  /** The route's classification rules (ignore rules as compiled for the comparison engine, generated policy). */
  rulesFor(route: string): ClassifyRules {
    return this.rules.get(route) ?? { ignore: [], generated: this.settings(route).generated };
  }

  /** RulesWatcher target: the route's ignore rules changed. */
  setRules(route: string, compiled: CompiledRules): void {
    this.rules.set(route, { ignore: compiled.ignore, generated: this.settings(route).generated });
  }

  /**
   * Queues a record. A made comparison (outcome is a verdict) first adds its facts to the evidence,
   * then gets its verdict from them: the caller's outcome is replaced. Returns the stored record.
   */
  add(input: ComparisonRecord): ComparisonRecord {
    let record = input;
    if (isVerdict(record.outcome)) {
      record = this.capFields(record);
      this.evidence.add(record);
      const verdict = classifyComparison(record, this.rulesFor(record.route), this.evidence).verdict;
      if (verdict !== record.outcome) record = { ...record, outcome: verdict }; // sides that agree keep their record as is
    }
    if (this.closed) return record; // a shadow that settled after shutdown: the store is gone
    this.metrics.comparisons.inc({ route: record.route, outcome: record.outcome });
    if (this.queue.length >= this.opts.maxQueue) {
      this.metrics.shadowDrops.inc({ route: record.route, reason: 'store_backlog' });
      return record;
    }
    this.queue.push(record);
    if (this.backoff || this.running) return record; // the retry timer, or the loop in progress, takes it
    if (this.queue.length >= this.opts.maxBatch) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.opts.flushMs).unref();
    return record;
  }

  /** Fields new to an endpoint that has reached its cap count under one `(other fields)` field. */
  private capFields(record: ComparisonRecord): ComparisonRecord {
    const known = this.evidence.endpoints(record.route).get(record.endpoint)?.fields;
    if (!known || known.size < this.settings(record.route).maxFields) return record;
    const fold = (f: string): string => (known.has(f) ? f : OTHER_FIELDS);
    const shadowSelf = record.shadowSelfFields ?? [];
    if (record.facts.every((f) => known.has(f.field)) && record.selfFields.every((f) => known.has(f)) && shadowSelf.every((f) => known.has(f))) return record;
    const folded = { ...record, facts: record.facts.map((f) => ({ ...f, field: fold(f.field) })), selfFields: [...new Set(record.selfFields.map(fold))] };
    return record.shadowSelfFields ? { ...folded, shadowSelfFields: [...new Set(shadowSelf.map(fold))] } : folded;
  }

  /** Called after each batch is committed (tests await comparisons with it). */
  onRecorded(listener: (batch: readonly ComparisonRecord[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records queued or being written, not yet committed. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  /**
   * Writes what is queued now, batch by batch; resolves when the queue is empty or a write failed
   * (the batch then waits at the front of the queue for the retry). On SQLite the first batch is
   * committed before this returns (the store is synchronous underneath).
   */
  flush(): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    this.backoff = false;
    if (this.running) return this.running.then(() => (this.queue.length > 0 && !this.backoff ? this.flush() : undefined));
    if (this.queue.length === 0) return Promise.resolve();
    const run = this.writeAll().finally(() => {
      if (this.running === run) this.running = null;
      // Records queued while the loop was finishing its last batch: the usual short wait, then written.
      if (this.queue.length > 0 && !this.backoff && !this.timer && !this.closed) this.timer = setTimeout(() => void this.flush(), this.opts.flushMs).unref();
    });
    this.running = run;
    return run;
  }

  private async writeAll(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.opts.maxBatch);
      this.inFlight = batch.length;
      try {
        await this.store.write(batch);
      } catch (err) {
        // A locked, full or unreachable database must not touch requests: keep the batch for the next try.
        this.inFlight = 0;
        this.logger.warn({ err: (err as Error).message, records: batch.length, queued: this.queue.length }, 'diff store write failed; will retry');
        const room = this.opts.maxQueue - this.queue.length;
        if (room < batch.length) this.metrics.shadowDrops.inc({ route: batch[0]!.route, reason: 'store_backlog' }, batch.length - Math.max(0, room));
        this.queue.unshift(...batch.slice(0, Math.max(0, room)));
        this.backoff = true;
        if (!this.timer && !this.closed) this.timer = setTimeout(() => void this.flush(), this.opts.retryMs ?? 1000).unref();
        return;
      }
      this.inFlight = 0;
      for (const l of this.listeners) l(batch);
    }
  }

  /**
   * Graceful stop: writes everything still queued (retrying a failed batch a few times), then refuses
   * new records. What still cannot be written is logged with its count.
   */
  async close(): Promise<void> {
    for (let attempt = 0; attempt < 3 && (this.queue.length > 0 || this.running); attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(this.opts.retryMs ?? 1000, 250)));
      await this.flush();
    }
    this.closed = true;
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (this.queue.length > 0) this.logger.error({ records: this.queue.length }, 'diff store unreachable at shutdown: these comparisons were not written');
    this.queue = [];
  }
}
