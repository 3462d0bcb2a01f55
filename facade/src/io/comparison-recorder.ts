// Collects comparison records off the response path, gives each made comparison its verdict from
// the live noise evidence (core/comparison), and writes records to the diff store in batches (one
// transaction each). The evidence book is loaded from the store at start, so a restart keeps what
// was learnt. A store failure is logged and counted, never thrown.
import type { Logger } from 'pino';
import type { CompiledRules } from '../core/compare';
import { classifyComparison, EvidenceBook, isVerdict, type ClassifyRules, type ComparisonRecord } from '../core/comparison';
import type { FacadeMetrics } from './metrics';
import type { DiffStoreWriter } from './diff-store/writer';
import { DEFAULT_GENERATED } from './classify-rules';

export interface RecorderOptions { readonly flushMs: number; readonly maxBatch: number; readonly maxQueue: number }

const DEFAULT_POLICY: ClassifyRules['generated'] = { toleranceMs: DEFAULT_GENERATED.toleranceMs, kinds: new Set(DEFAULT_GENERATED.kinds), exactFields: [] };

/** Per-route settings the recorder needs: the generated-value policy and the field cap per endpoint. */
export interface RouteSettings { readonly generated: ClassifyRules['generated']; readonly maxFields: number }

/** The field that fields past an endpoint's cap count under. */
export const OTHER_FIELDS = '(other fields)';

export class ComparisonRecorder {
  private queue: ComparisonRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<(batch: readonly ComparisonRecord[]) => void>();
  private readonly rules = new Map<string, ClassifyRules>();
  private closed = false;

  constructor(
    private readonly store: DiffStoreWriter,
    readonly evidence: EvidenceBook,
    private readonly metrics: FacadeMetrics,
    private readonly logger: Logger,
    private readonly settings: (route: string) => RouteSettings = () => ({ generated: DEFAULT_POLICY, maxFields: 1000 }),
    private readonly opts: RecorderOptions = { flushMs: 50, maxBatch: 500, maxQueue: 20_000 },
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
      record = { ...record, outcome: classifyComparison(record, this.rulesFor(record.route), this.evidence).verdict };
    }
    if (this.closed) return record; // a shadow that settled after shutdown: the store is gone
    this.metrics.comparisons.inc({ route: record.route, outcome: record.outcome });
    if (this.queue.length >= this.opts.maxQueue) {
      this.metrics.shadowDrops.inc({ route: record.route, reason: 'store_backlog' });
      return record;
    }
    this.queue.push(record);
    if (this.queue.length >= this.opts.maxBatch) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.opts.flushMs).unref();
    return record;
  }

  /** Fields new to an endpoint that has reached its cap count under one `(other fields)` field. */
  private capFields(record: ComparisonRecord): ComparisonRecord {
    const known = this.evidence.endpoints(record.route).get(record.endpoint)?.fields;
    if (!known || known.size < this.settings(record.route).maxFields) return record;
    const fold = (f: string): string => (known.has(f) ? f : OTHER_FIELDS);
    if (record.facts.every((f) => known.has(f.field)) && record.selfFields.every((f) => known.has(f))) return record;
    return { ...record, facts: record.facts.map((f) => ({ ...f, field: fold(f.field) })), selfFields: [...new Set(record.selfFields.map(fold))] };
  }

  /** Called after each batch is committed (tests await comparisons with it). */
  onRecorded(listener: (batch: readonly ComparisonRecord[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records queued and not yet written. */
  get pending(): number {
    return this.queue.length;
  }

  flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      this.store.write(batch);
    } catch (err) {
      // A locked or full database must not touch requests: keep the batch for the next try.
      this.logger.warn({ err: (err as Error).message, records: batch.length }, 'diff store write failed; will retry');
      if (this.queue.length + batch.length <= this.opts.maxQueue) this.queue.unshift(...batch);
      if (!this.timer && !this.closed) this.timer = setTimeout(() => this.flush(), 1000).unref();
      return;
    }
    for (const l of this.listeners) l(batch);
  }

  close(): void {
    this.flush();
    this.closed = true;
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
  }
}
