// Builds the console's snapshot off the event loop: the flag states are read here (cheap, in
// memory), the report and gates in a worker thread (console-worker.ts) on its own connection (a
// read-only one to the SQLite file, or its own small pool on PostgreSQL). A database without a
// file (':memory:') is built inline. The worker starts with the first page opened and stops a
// minute after the last one closed.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { GateThresholds } from '../../core/gate';
import { isPgPool, type Sql } from '../db/sql';
import { SqliteSql } from '../db/sqlite-sql';
import type { FlagProvider } from '../../flags/provider';
import type { RouteRuntime } from '../../pipeline/context';
import { buildSnapshot, type SnapshotInput } from './console-snapshot';

export interface BuilderDeps {
  /** The state database, either engine. */
  readonly sql: Sql;
  readonly routes: ReadonlyMap<string, RouteRuntime>;
  readonly flags: FlagProvider;
  readonly gate: GateThresholds;
}

/** Where a worker opens the database `sql` is on: the SQLite file's path or the PostgreSQL URL; null: build inline. */
export function workerLocation(sql: Sql): string | null {
  if (isPgPool(sql)) return sql.url;
  if (!(sql instanceof SqliteSql)) return null;
  const file = sql.db.name;
  return sql.db.memory || file === '' || file === ':memory:' ? null : path.resolve(file);
}

/** A snapshot as JSON text, and how long building it took (ms; the worker's start-up not included). */
export interface Built { readonly json: string; readonly ms: number }

export class SnapshotBuilder {
  private worker: Worker | null = null;
  private nextId = 1;
  private stopTimer: NodeJS.Timeout | null = null;
  private readonly waiting = new Map<number, { resolve: (built: Built) => void; reject: (err: Error) => void }>();

  constructor(private readonly deps: BuilderDeps) {}

  /** The snapshot as JSON text, built now, and the time the build itself took. */
  build(): Promise<Built> {
    const input: SnapshotInput = {
      routes: [...this.deps.routes.values()].map((r) => r.config),
      states: Object.fromEntries([...this.deps.routes.values()].map((r) => [r.config.name, this.deps.flags.describe(r.flag)])),
      provider: this.deps.flags.kind, gate: this.deps.gate,
    };
    const location = workerLocation(this.deps.sql);
    if (location === null) {
      const started = performance.now();
      return buildSnapshot(this.deps.sql, input, new Date()).then((snapshot) => ({ json: JSON.stringify(snapshot), ms: performance.now() - started }));
    }
    const id = this.nextId++;
    return new Promise<Built>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.start().postMessage({ id, db: location, input, now: new Date().toISOString() });
    });
  }

  /**
   * No page open: the worker stops after `graceMs` unless a page opens again before (a reload, the
   * next round of a bench), since starting one costs more than keeping it.
   */
  release(graceMs = 60_000): void {
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.stopTimer = setTimeout(() => this.stop(), graceMs).unref();
  }

  /** Stops the worker now; a later build starts a new one. */
  stop(): void {
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.stopTimer = null;
    const w = this.worker;
    this.worker = null;
    if (w) void w.terminate();
    this.fail(new Error('console snapshot builder stopped'));
  }

  private start(): Worker {
    if (this.stopTimer) { clearTimeout(this.stopTimer); this.stopTimer = null; }
    if (this.worker) return this.worker;
    const ts = __filename.endsWith('.ts');
    const worker = new Worker(path.join(__dirname, ts ? 'console-worker.ts' : 'console-worker.js'),
      { execArgv: ts ? ['-r', 'ts-node/register/transpile-only'] : [] });
    worker.unref(); // an open console never keeps the facade from exiting
    worker.on('message', (m: { id: number; json?: string; ms?: number; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.json !== undefined) w?.resolve({ json: m.json, ms: m.ms ?? 0 });
      else w?.reject(new Error(m.error ?? 'snapshot failed'));
    });
    worker.on('error', (err) => { if (this.worker === worker) this.worker = null; this.fail(err); });
    worker.on('exit', () => { if (this.worker === worker) { this.worker = null; this.fail(new Error('console snapshot worker exited')); } });
    this.worker = worker;
    return worker;
  }

  private fail(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}
