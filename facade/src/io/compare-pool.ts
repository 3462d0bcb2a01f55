// Runs comparisons: small ones inline (cheaper than a thread hop), larger ones in a pool of worker
// threads so a multi-megabyte JSON diff never blocks the requests of other clients. Each thread
// runs one comparison at a time; at most `maxQueued` wait for a thread, and what does not fit is
// skipped (CompareSkipped, counted through `onSkip`), never queued without bound.
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CompiledRules } from '../core/compare';
import { OverBudget, withinBudget } from '../core/compare/budget';
import type { CompareRules, Observation } from '../core/compare/types';
import { evaluate, type Evaluated } from '../core/comparison/evaluate';

/** Bodies above this many bytes (both sides together) are compared in a worker thread. */
export const WORKER_THRESHOLD = 64 * 1024;

/**
 * Milliseconds a smaller comparison's line diffs may take on the event loop (core/compare/budget.ts);
 * one that needs longer (a few KB of short lines, every one of them different) is made again in a
 * worker thread, with the same verdict.
 */
export const INLINE_BUDGET_MS = 50;

export type SkipReason = 'compare_queue_full' | 'compare_pool_closed';

/** A comparison the pool did not make; the caller records it as skipped with `reason`. */
export class CompareSkipped extends Error {
  readonly code = 'COMPARE_SKIPPED';
  constructor(readonly reason: SkipReason) {
    super(`comparison skipped: ${reason}`);
    this.name = 'CompareSkipped';
  }
}

export interface ComparePoolOptions {
  /** Worker threads; default one per spare CPU, from 1 to 4. */
  readonly threads?: number;
  /** Comparisons that may wait for a free thread (default 32). */
  readonly maxQueued?: number;
  /** Called for each skipped comparison (metrics). */
  readonly onSkip?: (route: string, reason: SkipReason) => void;
  /** Called when a small comparison ran past INLINE_BUDGET_MS on the event loop and goes to a thread instead. */
  readonly onOffLoop?: (route: string) => void;
}

/** The default thread count: the CPUs left over by the event loop, at least one, at most four. */
export function defaultThreads(): number {
  return Math.max(1, Math.min(4, os.availableParallelism() - 1));
}

interface Task {
  readonly id: number;
  readonly route: string;
  readonly primary: Observation;
  readonly shadow: Observation;
  readonly withDiff: boolean;
  resolve(e: Evaluated): void;
  reject(err: Error): void;
}

export class ComparePool {
  readonly threads: number;
  private readonly maxQueued: number;
  private readonly idle: Worker[] = [];
  private readonly running = new Map<Worker, Task>();
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;

  private readonly rules = new Map<string, CompiledRules>();
  private readonly raw: Record<string, CompareRules> = {};

  constructor(private readonly opts: ComparePoolOptions = {}) {
    this.threads = opts.threads ?? defaultThreads();
    this.maxQueued = opts.maxQueued ?? 32;
  }

  /** Replaces a route's rules (at start-up and whenever stored ignore rules change). */
  setRules(route: string, compiled: CompiledRules, raw: CompareRules): void {
    this.rules.set(route, compiled);
    this.raw[route] = raw;
    for (const w of this.workers()) w.postMessage({ type: 'rules', route, rules: raw });
  }

  /** Compares two observations; rejects with CompareSkipped when the pool is full or closed. */
  evaluate(route: string, primary: Observation, shadow: Observation, withDiff = true, bodiesEqual = false): Promise<Evaluated> {
    // Equal bytes (the sides agree, the common case) cost one memcmp here, or none when the caller
    // already found them equal as received (pipeline/observations.ts, whose bodies are not read
    // again): copying both bodies to a thread and back would cost more than the whole comparison.
    const sameBytes = bodiesEqual || (primary.ok && shadow.ok && primary.body.length === shadow.body.length && primary.body.equals(shadow.body));
    if (sameBytes || (primary.ok ? primary.body.length : 0) + (shadow.ok ? shadow.body.length : 0) < WORKER_THRESHOLD) {
      try {
        return Promise.resolve(withinBudget(INLINE_BUDGET_MS, () => evaluate(primary, shadow, this.rules.get(route)!, withDiff, sameBytes)));
      } catch (err) {
        if (!(err instanceof OverBudget)) return Promise.reject(err);
        this.opts.onOffLoop?.(route); // over the budget: made in a thread instead, below
      }
    }
    if (this.closed) return this.skip(route, 'compare_pool_closed');
    const worker = this.idle.pop() ?? (this.live() < this.threads ? this.spawn() : null);
    if (!worker && this.queue.length >= this.maxQueued) return this.skip(route, 'compare_queue_full');
    return new Promise<Evaluated>((resolve, reject) => {
      const task: Task = { id: this.nextId++, route, primary, shadow, withDiff, resolve, reject };
      if (worker) this.run(worker, task);
      else this.queue.push(task);
    });
  }

  /** Threads busy and comparisons waiting, for metrics and tests. */
  get load(): { readonly busy: number; readonly queued: number } {
    return { busy: this.running.size, queued: this.queue.length };
  }

  private skip(route: string, reason: SkipReason): Promise<never> {
    this.opts.onSkip?.(route, reason);
    return Promise.reject(new CompareSkipped(reason));
  }

  private live(): number {
    return this.idle.length + this.running.size;
  }

  private workers(): Worker[] {
    return [...this.idle, ...this.running.keys()];
  }

  private run(worker: Worker, task: Task): void {
    this.running.set(worker, task);
    worker.postMessage({ type: 'compare', id: task.id, route: task.route, primary: task.primary, shadow: task.shadow, withDiff: task.withDiff });
  }

  /** The thread is free again: the next waiting comparison, or back to the idle list. */
  private next(worker: Worker): void {
    const task = this.queue.shift();
    if (task) this.run(worker, task);
    else this.idle.push(worker);
  }

  private spawn(): Worker {
    const ts = __filename.endsWith('.ts');
    const file = path.join(__dirname, ts ? 'compare-worker.ts' : 'compare-worker.js');
    // From TypeScript sources (npm start, tests) the worker needs ts-node to load its module.
    const worker = new Worker(file, { workerData: this.raw, execArgv: ts ? ['-r', 'ts-node/register/transpile-only'] : [] });
    worker.unref();
    worker.on('message', (m: { id: number; result?: Evaluated; error?: string }) => {
      const task = this.running.get(worker);
      this.running.delete(worker);
      if (task && task.id === m.id) {
        if (m.result) task.resolve(m.result); else task.reject(new Error(m.error ?? 'compare worker failed'));
      }
      if (!this.closed) this.next(worker);
    });
    worker.on('error', () => undefined); // followed by 'exit', handled there
    worker.on('exit', () => this.lost(worker));
    return worker;
  }

  /** A thread died: its comparison fails; a replacement takes the waiting ones. */
  private lost(worker: Worker): void {
    const task = this.running.get(worker);
    this.running.delete(worker);
    const i = this.idle.indexOf(worker);
    if (i >= 0) this.idle.splice(i, 1);
    task?.reject(new Error('compare worker exited'));
    if (!this.closed && this.queue.length > 0) this.next(this.spawn());
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new CompareSkipped('compare_pool_closed'));
    const all = this.workers();
    this.idle.length = 0;
    await Promise.all(all.map((w) => w.terminate()));
  }
}
