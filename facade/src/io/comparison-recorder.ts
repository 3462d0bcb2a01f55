// Collects comparison records off the response path and writes them to the diff store in
// batches (one transaction each). Keeps per-route field counts in memory so each new comparison
// can be classed mismatch or noise at once; a store failure is logged and counted, never thrown.
import type { Logger } from 'pino';
import { classifyField } from '../core/compare';
import type { FacadeMetrics } from './metrics';
import type { ComparisonRecord, ComparisonStore } from './comparison-store';

interface RouteCounts { compared: number; noiseSamples: number; fields: Map<string, { mismatches: number; noiseDiffs: number }> }

export class ComparisonRecorder {
  private queue: ComparisonRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly counts = new Map<string, RouteCounts>();
  private readonly listeners = new Set<(batch: readonly ComparisonRecord[]) => void>();
  private closed = false;

  constructor(
    private readonly store: ComparisonStore,
    private readonly metrics: FacadeMetrics,
    private readonly logger: Logger,
    private readonly opts = { flushMs: 50, maxBatch: 500, maxQueue: 20_000 },
  ) {
    for (const r of store.routeAggregates()) Object.assign(this.routeCounts(r.route), { compared: r.compared, noiseSamples: r.noiseSamples });
    for (const f of store.fieldAggregates()) this.routeCounts(f.route).fields.set(f.field, { mismatches: f.mismatches, noiseDiffs: f.noiseDiffs });
  }

  private routeCounts(route: string): RouteCounts {
    let c = this.counts.get(route);
    if (!c) { c = { compared: 0, noiseSamples: 0, fields: new Map() }; this.counts.set(route, c); }
    return c;
  }

  /** 'noise' when every mismatched field is classed noise from what this route has seen so far. */
  classify(route: string, fields: readonly string[]): 'mismatch' | 'noise' {
    if (fields.length === 0) return 'mismatch';
    const c = this.routeCounts(route);
    const allNoise = fields.every((f) => {
      const fc = c.fields.get(f) ?? { mismatches: 0, noiseDiffs: 0 };
      return classifyField({ shadowComparisons: c.compared, shadowDiffs: fc.mismatches, noiseSamples: c.noiseSamples, noiseDiffs: fc.noiseDiffs }).class === 'noise';
    });
    return allNoise ? 'noise' : 'mismatch';
  }

  add(record: ComparisonRecord): void {
    if (this.closed) return; // a shadow that settled after shutdown: the store is gone
    const c = this.routeCounts(record.route);
    if (record.outcome === 'match' || record.outcome === 'mismatch' || record.outcome === 'noise') c.compared++;
    for (const f of record.mismatchedFields) this.field(c, f).mismatches++;
    if (record.noiseFields) {
      c.noiseSamples++;
      for (const f of record.noiseFields) this.field(c, f).noiseDiffs++;
    }
    this.metrics.comparisons.inc({ route: record.route, outcome: record.outcome });
    if (this.queue.length >= this.opts.maxQueue) {
      this.metrics.shadowDrops.inc({ route: record.route, reason: 'store_backlog' });
      return;
    }
    this.queue.push(record);
    if (this.queue.length >= this.opts.maxBatch) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.opts.flushMs).unref();
  }

  private field(c: RouteCounts, f: string): { mismatches: number; noiseDiffs: number } {
    let v = c.fields.get(f);
    if (!v) { v = { mismatches: 0, noiseDiffs: 0 }; c.fields.set(f, v); }
    return v;
  }

  /** Called after each batch is committed (tests await comparisons with it). */
  onRecorded(listener: (batch: readonly ComparisonRecord[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      this.store.write(batch);
    } catch (err) {
      // A locked or full database must not touch requests: keep the batch for the next try, once.
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
