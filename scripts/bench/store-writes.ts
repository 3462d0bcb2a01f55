// `npm run bench -- --only store-writes`: comparisons written per second by the diff store's own
// writers, in the recorder's batches (500), on SQLite (a WAL file in a temp dir) and on PostgreSQL
// (a throwaway cluster, as the tests start one: initdb + pg_ctl on a free port; skipped with a note
// when the binaries are missing), with one writer and with three at once (three replicas). The
// records are the soak's mix: 3 routes × 50 endpoints, mostly matches, some with differing fields.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ComparisonRecord } from '../../facade/src/core/comparison';
import { PgSql } from '../../facade/src/io/db/pg-sql';
import { openDiffStoreWriter } from '../../facade/src/io/diff-store/open-writer';
import type { ComparisonWriter } from '../../facade/src/io/diff-store/writer';
import { RECORDER_DEFAULTS } from '../../facade/src/io/comparison-recorder';
import { StateStore } from '../../facade/src/io/state-store';
import { postgresBinDir, startPostgres } from '../../facade/test/helpers/postgres';

export interface StoreWriteFigure {
  readonly engine: 'sqlite' | 'postgres';
  /** Writers running at once (replicas). */
  readonly writers: number;
  readonly perSecond: number;
  readonly records: number;
  readonly seconds: number;
}

export interface StoreWriteReport {
  readonly batch: number;
  readonly figures: readonly StoreWriteFigure[];
  /** Why an engine was not measured, if one was not. */
  readonly skipped: readonly string[];
}

const ROUTES = ['catalog', 'inventory', 'orders'];

/** The n-th record of the mix: 1 in 8 with one or two differing fields (and a unified diff), the rest matches. */
function record(n: number, replica: number): ComparisonRecord {
  const route = ROUTES[n % 3]!;
  const e = Math.floor(n / 3) % 50;
  const at = new Date(Date.UTC(2030, 0, 1) + n * 20).toISOString();
  const base: ComparisonRecord = {
    at, route, endpoint: `GET /api/${route}/e${e}/:id`, stage: 'shadow', kind: 'read', method: 'GET', path: `/api/${route}/e${e}/${n}`,
    requestId: `b${replica}-${n}`, primarySide: 'monolith', primaryStatus: 200, shadowStatus: 200, primaryMs: 3 + (n % 17), shadowMs: 4 + (n % 23),
    outcome: 'match', reason: null, facts: [], reasked: false, selfFields: [], diff: '', detail: null,
  };
  if (n % 8 !== 0) return base;
  const facts = [{ path: '$.price', field: '$.price', kind: 'changed' as const, primary: '1.00', shadow: '1.10', primaryHash: 'p100', generated: null }];
  if (n % 16 === 0) facts.push({ path: '$.updatedAt', field: '$.updatedAt', kind: 'changed', primary: at, shadow: at.replace('Z', '+00:00'), primaryHash: `u${n}`, generated: null });
  return { ...base, outcome: 'mismatch', reasked: true, reasks: 3, facts, diff: '@@ -2 +2 @@\n-  "price": "1.00",\n+  "price": "1.10",\n' };
}

/** Batches written by `writers` writers at once for `seconds`; records per second over all of them. */
async function measure(writers: readonly ComparisonWriter[], seconds: number, batch: number): Promise<{ perSecond: number; records: number; seconds: number }> {
  let records = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(writers.map(async (w, i) => {
    for (let n = 0; performance.now() < end; n += batch) {
      await w.write(Array.from({ length: batch }, (_, k) => record(n + k, i)));
      records += batch;
    }
  }));
  const took = (performance.now() - started) / 1000;
  return { perSecond: records / took, records, seconds: took };
}

async function sqliteFigures(seconds: number, batch: number, dir: string): Promise<StoreWriteFigure[]> {
  // Three replicas on SQLite are three processes on one file; in one process the writes take turns.
  const state = new StateStore(path.join(dir, 'bench-store.db'));
  try {
    const one = await measure([await openDiffStoreWriter({ sqlite: state.db, pg: null }, undefined, 'bench')], seconds, batch);
    return [{ engine: 'sqlite', writers: 1, ...one }];
  } finally {
    state.close();
  }
}

async function postgresFigures(seconds: number, batch: number): Promise<StoreWriteFigure[]> {
  const cluster = await startPostgres();
  const out: StoreWriteFigure[] = [];
  try {
    for (const writers of [1, 3]) {
      // A fresh database per figure, shared by its writers as replicas share one.
      const url = await cluster.createDatabase();
      const pools = Array.from({ length: writers }, () => new PgSql(url, { max: 2 }));
      try {
        const ws = await Promise.all(pools.map((p, i) => openDiffStoreWriter({ sqlite: null, pg: p }, undefined, `bench-${i}`)));
        out.push({ engine: 'postgres', writers, ...await measure(ws, seconds, batch) });
      } finally {
        await Promise.all(pools.map((p) => p.close()));
      }
    }
  } finally {
    await cluster.stop();
  }
  return out;
}

/** Every figure; PostgreSQL is skipped (with the reason) when its binaries are not installed. */
export async function storeWritesPerSecond(o: { quick: boolean; log: (line: string) => void }): Promise<StoreWriteReport> {
  const seconds = o.quick ? 1 : 5;
  const batch = RECORDER_DEFAULTS.maxBatch;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-bench-store-'));
  const skipped: string[] = [];
  try {
    o.log(`store writes: ${seconds} s per figure, batches of ${batch}`);
    const figures = await sqliteFigures(seconds, batch, dir);
    if (postgresBinDir()) figures.push(...await postgresFigures(seconds, batch));
    else skipped.push('postgres: PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)');
    return { batch, figures, skipped };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function printStoreWrites(r: StoreWriteReport): void {
  const lines = [
    '', `diff store: comparisons written per second (batches of ${r.batch}, the recorder's size)`,
    ...r.figures.map((f) => `  ${f.engine.padEnd(9)} ${String(f.writers).padStart(2)} writer${f.writers === 1 ? ' ' : 's'}  ${Math.round(f.perSecond).toLocaleString('en-US').padStart(9)} /s  (${f.records.toLocaleString('en-US')} in ${f.seconds.toFixed(1)} s)`),
    ...r.skipped.map((s) => `  skipped: ${s}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
