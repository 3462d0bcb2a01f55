// Runs comparisons: small ones inline (cheaper than a thread hop), large ones in one worker
// thread so a multi-megabyte JSON diff never blocks the requests of other clients.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CompiledRules } from '../core/compare';
import type { CompareRules, Observation } from '../core/compare/types';
import { evaluate, type Evaluated } from '../core/comparison';

/** Bodies above this many bytes (both sides together) are compared in the worker. */
export const WORKER_THRESHOLD = 256 * 1024;

export class ComparePool {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (e: Evaluated) => void; reject: (err: Error) => void }>();

  private readonly rules = new Map<string, CompiledRules>();
  private readonly raw: Record<string, CompareRules> = {};

  /** Replaces a route's rules (at start-up and whenever stored ignore rules change). */
  setRules(route: string, compiled: CompiledRules, raw: CompareRules): void {
    this.rules.set(route, compiled);
    this.raw[route] = raw;
    this.worker?.postMessage({ type: 'rules', route, rules: raw });
  }

  evaluate(route: string, primary: Observation, shadow: Observation): Promise<Evaluated> {
    const size = (primary.ok ? primary.body.length : 0) + (shadow.ok ? shadow.body.length : 0);
    if (size < WORKER_THRESHOLD) {
      try {
        return Promise.resolve(evaluate(primary, shadow, this.rules.get(route)!));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ type: 'compare', id, route, primary, shadow });
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const ts = __filename.endsWith('.ts');
    const file = path.join(__dirname, ts ? 'compare-worker.ts' : 'compare-worker.js');
    // From TypeScript sources (npm start, tests) the worker needs ts-node to load its module.
    const worker = new Worker(file, { workerData: this.raw, execArgv: ts ? ['-r', 'ts-node/register/transpile-only'] : [] });
    worker.unref();
    worker.on('message', (m: { id: number; result?: Evaluated; error?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (!p) return;
      if (m.result) p.resolve(m.result); else p.reject(new Error(m.error ?? 'compare worker failed'));
    });
    worker.on('error', (err) => this.failAll(err));
    worker.on('exit', () => { this.worker = null; this.failAll(new Error('compare worker exited')); });
    this.worker = worker;
    return worker;
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
