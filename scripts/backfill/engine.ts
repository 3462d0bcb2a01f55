// The backfill engine: copies one capability's rows from the monolith into its service database
// (bulk phase, resumable by cursor), then replays the monolith's change_log from the checkpoint
// taken before the copy, then verifies counts and a sample. followBackfill keeps replaying.
import { setImmediate as nextTick, setTimeout as sleep } from 'node:timers/promises';
import { catalogMapping } from './catalog';
import { BackfillError } from './errors';
import { inventoryMapping } from './inventory';
import type { AnyMapping, CapabilityName } from './mapping';
import { openSource, type Source } from './source';
import { openTarget, type Target } from './target';
import { verifySample, type Verification } from './verify';

export const MAPPINGS: Readonly<Record<CapabilityName, AnyMapping>> = {
  catalog: catalogMapping,
  inventory: inventoryMapping,
};

export interface BackfillOptions {
  capability: CapabilityName;
  monolithDb: string;
  serviceDb: string;
  /** Rows (or change_log entries) per transaction; default 1000. */
  batchSize?: number;
  /** Called after each committed bulk batch; throwing stops the run (the batch stays committed). */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  /** Rows compared field by field at the end; default 100, 0 skips the sample. */
  sampleSize?: number;
  /** How long to wait on a locked database before DB_LOCKED; default 2000 ms. */
  busyTimeoutMs?: number;
  /** Forget the stored cursor and checkpoint and copy everything again (upserts stay idempotent). */
  restart?: boolean;
}

export interface BackfillResult extends Verification {
  capability: CapabilityName;
  /** Rows copied by this run's bulk phase (0 when an earlier run finished it). */
  copied: number;
  /** change_log entries applied by this run. */
  changesApplied: number;
  /** The bulk cursor an interrupted earlier run left behind, or null when this run started fresh. */
  resumedFrom: string | null;
  /** True when an earlier run had finished the bulk phase, so only changes were applied. */
  bulkSkipped: boolean;
  /** change_log seq the service database reflects after this run. */
  checkpoint: number;
  durationMs: number;
}

export interface FollowOptions extends BackfillOptions {
  /** Pause between polls of the change_log; default 250 ms. */
  intervalMs?: number;
  /** Follow mode runs until this signal aborts. */
  signal: AbortSignal;
  /** Called after each committed batch of change_log entries with its size. */
  onApplied?: (entries: number) => void;
  /**
   * Apply a change only once it is this old (default 1000 ms), and copy a key only when it has no
   * younger change. While the facade dual-writes, the monolith commits first and the service gets
   * the same (relative) write a few ms later; copying the monolith's row in between would apply
   * that write to the service twice. 0 applies every change at once.
   */
  settleMs?: number;
}

/** Default settle time of follow mode: far longer than a second write takes to land. */
export const DEFAULT_SETTLE_MS = 1000;

export interface FollowResult {
  capability: CapabilityName;
  copied: number;
  changesApplied: number;
  batches: number;
  checkpoint: number;
  durationMs: number;
}

interface Run {
  mapping: AnyMapping;
  source: Source;
  target: Target;
  batchSize: number;
  signal?: AbortSignal;
}

/** Copies, catches up and verifies one capability. Rejects with a BackfillError (ABORTED on abort). */
export async function runBackfill(opts: BackfillOptions): Promise<BackfillResult> {
  const started = Date.now();
  return withRun(opts, async (run) => {
    const begun = beginState(run, opts.restart ?? false);
    const { copied } = await copyBulk(run, begun.resumeFrom, opts.onProgress, { copied: 0 });
    const changes = await applyChanges(run, run.source.maxSeq());
    const verification = verifySample(run.mapping, run.source, run.target, opts.sampleSize ?? 100);
    return {
      capability: run.mapping.name,
      copied,
      changesApplied: changes,
      resumedFrom: begun.resumedFrom,
      bulkSkipped: begun.bulkSkipped,
      checkpoint: run.target.state()!.changeLogSeq,
      ...verification,
      durationMs: Date.now() - started,
    };
  });
}

/**
 * Finishes the bulk phase if needed, then applies change_log entries every `intervalMs`
 * until `signal` aborts; resolves with the totals (an abort is the normal way to stop).
 */
export async function followBackfill(opts: FollowOptions): Promise<FollowResult> {
  const started = Date.now();
  return withRun(opts, async (run) => {
    const totals = { copied: 0, changesApplied: 0, batches: 0 };
    try {
      const begun = beginState(run, opts.restart ?? false);
      await copyBulk(run, begun.resumeFrom, opts.onProgress, totals);
      while (!opts.signal.aborted) {
        const settleMs = opts.settleMs ?? DEFAULT_SETTLE_MS;
        const upTo = settleMs > 0 ? run.source.settledSeq(run.target.state()!.changeLogSeq, changeLogTime(Date.now() - settleMs)) : run.source.maxSeq();
        // Counted per committed batch: an abort inside applyChanges must not lose the tally.
        await applyChanges(run, upTo, (n) => {
          totals.changesApplied += n;
          totals.batches += 1;
          opts.onApplied?.(n);
        }, settleMs > 0);
        await sleep(opts.intervalMs ?? 250, undefined, { signal: opts.signal }).catch(() => undefined);
      }
    } catch (err) {
      if (!(err instanceof BackfillError && err.code === 'ABORTED')) throw err;
    }
    const checkpoint = run.target.state()?.changeLogSeq ?? 0;
    return { capability: run.mapping.name, ...totals, checkpoint, durationMs: Date.now() - started };
  });
}

async function withRun<T>(opts: BackfillOptions, body: (run: Run) => Promise<T>): Promise<T> {
  const mapping = MAPPINGS[opts.capability];
  if (!mapping) throw new RangeError(`unknown capability "${String(opts.capability)}" (expected catalog or inventory)`);
  const batchSize = opts.batchSize ?? 1000;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const busy = opts.busyTimeoutMs ?? 2000;
  // The monolith is opened and checked first: a bad monolith never creates a service database.
  const source = openSource(opts.monolithDb, mapping, busy);
  try {
    const target = openTarget(opts.serviceDb, mapping, busy);
    try {
      return await body({ mapping, source, target, batchSize, signal: opts.signal });
    } finally {
      target.close();
    }
  } finally {
    source.close();
  }
}

/** Loads or creates the backfill_state row; a fresh start records the change_log position first. */
function beginState(run: Run, restart: boolean) {
  const state = restart ? null : run.target.state();
  if (!state) {
    // Taken BEFORE the first row is read: every change committed during the copy has a larger seq.
    run.target.begin(run.source.maxSeq());
    return { resumeFrom: null, resumedFrom: null, bulkSkipped: false };
  }
  const maxSeq = run.source.maxSeq();
  if (state.changeLogSeq > maxSeq) {
    throw new BackfillError(
      'CHECKPOINT_AHEAD',
      `the ${run.mapping.name} checkpoint (change_log seq ${state.changeLogSeq}) is ahead of the monolith's change_log ` +
        `(seq ${maxSeq}): the monolith database was replaced; rerun with --restart to copy everything again`,
    );
  }
  if (state.bulkDone) return { resumeFrom: null, resumedFrom: null, bulkSkipped: true };
  return { resumeFrom: state.bulkCursor, resumedFrom: state.bulkCursor, bulkSkipped: false };
}

function checkAbort(run: Run, where: string): void {
  if (run.signal?.aborted) {
    throw new BackfillError('ABORTED', `${run.mapping.name} backfill stopped ${where}; run it again to resume`);
  }
}

/**
 * Key-ordered batches after `cursor`; each batch and the cursor move commit together.
 * `tally.copied` grows per committed batch, so an abort still reports what was copied.
 */
async function copyBulk<T extends { copied: number }>(
  run: Run,
  cursor: string | null,
  onProgress: ((done: number, total: number) => void) | undefined,
  tally: T,
): Promise<T> {
  if (run.target.state()!.bulkDone) return tally;
  let done = cursor === null ? 0 : run.source.countUpTo(cursor);
  const total = run.source.count();
  for (;;) {
    checkAbort(run, `during the bulk copy after cursor ${cursor ?? '(start)'}`);
    const rows = run.source.batchAfter(cursor, run.batchSize);
    const last = rows.length > 0 ? run.mapping.cursorOf(rows[rows.length - 1]) : cursor;
    const finished = rows.length < run.batchSize;
    run.target.writeBulk(rows, last, finished);
    cursor = last;
    tally.copied += rows.length;
    done += rows.length;
    if (rows.length > 0) onProgress?.(done, Math.max(total, done));
    if (finished) return tally;
    await nextTick(); // let timers and signal handlers run between batches
  }
}

/**
 * Applies change_log entries after the checkpoint up to `upTo`, a batch per transaction.
 * Each touched key is re-read from the monolith: present → upsert, gone → delete. Replaying the
 * current row instead of the logged operation makes out-of-order or repeated entries harmless.
 */
async function applyChanges(run: Run, upTo: number, onBatch?: (entries: number) => void, deferBusy = false): Promise<number> {
  let applied = 0;
  for (;;) {
    checkAbort(run, 'while applying changes');
    const after = run.target.state()!.changeLogSeq;
    const entries = run.source.changesAfter(after, upTo, run.batchSize);
    if (entries.length === 0) return applied;
    // A key with a younger change is copied when that change has settled: its second write may be in flight.
    const all = [...new Set(entries.map((e) => e.entity_key))];
    const busy = deferBusy ? new Set(run.source.keysChangedAfter(upTo, all)) : null;
    const keys = busy ? all.filter((k) => !busy.has(k)) : all;
    const present = run.source.byKeys(keys);
    const found = new Set(present.map((row) => run.mapping.keyOf(row)));
    run.target.writeChanges(present, keys.filter((k) => !found.has(k)), entries[entries.length - 1]!.seq);
    applied += entries.length;
    onBatch?.(entries.length);
    await nextTick();
  }
}

/** A time in change_log's `changed_at` format ("YYYY-MM-DD HH:MM:SS.SSS", UTC). */
function changeLogTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
}
