// Starts a real facade for integration tests: temp state database, ports chosen by the OS,
// a silent logger, and a hook to await the end of each request (second writes included).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { parseConfig, type FacadeConfig, type FacadeConfigInput } from '../../src/config';
import type { ComparisonRecord } from '../../src/core/comparison';
import type { RequestContext } from '../../src/pipeline/context';
import { startFacade, type RunningFacade, type StartOptions } from '../../src/server';

export interface TestFacade extends RunningFacade {
  readonly config: FacadeConfig;
  readonly dir: string;
  readonly done: RequestContext[];
  /** Resolves when `n` requests have finished every pipeline step. */
  waitForDone(n: number, timeoutMs?: number): Promise<RequestContext[]>;
}

export function tempDir(prefix = 'strangler-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function startTestFacade(input: Omit<FacadeConfigInput, 'state'>, opts: StartOptions = {}): Promise<TestFacade> {
  const dir = tempDir();
  // The diff store's writer thread (on by default) costs each facade a ts-node thread from sources;
  // tests write on the main connection unless they ask for it (diff-store-thread.test.ts does).
  const diffStore = { writerThread: false, ...(input as { diffStore?: Record<string, unknown> }).diffStore };
  const config = parseConfig({ ...input, diffStore, state: { db: path.join(dir, 'state.db') } }, 'test config');
  const done: RequestContext[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  const facade = await startFacade(config, {
    logger: pino({ level: process.env.STRANGLER_TEST_LOG ?? 'silent' }), port: 0, adminPort: 0, adminToken: 'test-token',
    ...opts,
    onRequestDone: (ctx) => {
      done.push(ctx);
      for (const w of waiters.filter((w) => done.length >= w.n)) w.resolve();
      opts.onRequestDone?.(ctx);
    },
  });
  return Object.assign(Object.create(null) as TestFacade, facade, {
    config, dir, done,
    close: async () => { await facade.close(); fs.rmSync(dir, { recursive: true, force: true }); },
    waitForDone(n: number, timeoutMs = 5000): Promise<RequestContext[]> {
      if (done.length >= n) return Promise.resolve(done);
      return new Promise<RequestContext[]>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`expected ${n} finished requests, got ${done.length}`)), timeoutMs);
        waiters.push({ n, resolve: () => { clearTimeout(t); resolve(done); } });
      });
    },
  });
}

/** Resolves with the next `n` comparison records `facade` writes (its noise samples left out). */
export function nextComparisons(facade: RunningFacade, n: number, timeoutMs = 5000): Promise<ComparisonRecord[]> {
  const got: ComparisonRecord[] = [];
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`expected ${n} comparisons, got ${got.length}`)), timeoutMs);
    const off = facade.recorder.onRecorded((batch) => {
      got.push(...batch.filter((r) => r.reason !== 'noise_sample'));
      if (got.length >= n) { clearTimeout(t); off(); resolve(got); }
    });
  });
}
