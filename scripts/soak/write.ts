// The soak's write phase: N days of history (history.ts) on an accelerated clock, written in the
// recorder's batch size, with the retention pass run every `retention.intervalMs` of simulated time
// exactly as the facade's timer runs it (DiffStoreRetention.steps, batch by batch). Records the
// store's size on disk at the end of every simulated day and how long each retention step took.
import type { FacadeConfig } from '../../facade/src/config';
import type { ComparisonRecord } from '../../facade/src/core/comparison';
import { HistoryWriter, type HistoryShape } from './history';
import { openSoakStore, storeBytes } from './store';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** The comparison recorder's largest batch (io/comparison-recorder.ts). */
const BATCH = 500;

export interface WriteFigures {
  readonly records: number;
  readonly divergences: number;
  readonly settled: number;
  readonly stageChanges: number;
  readonly writeSeconds: number;
  readonly retentionPasses: number;
  readonly retentionBatches: number;
  /** Each retention step's duration (what runs between two event-loop turns in the facade), ms, sorted. */
  readonly stepMs: readonly number[];
  /** The store's size at the end of each simulated day, bytes (SQLite: file plus write-ahead log; PostgreSQL: the database). */
  readonly bytesByDay: readonly number[];
}

/** Writes `days` days of history ending at `end` into the config's state database (either engine); `dir` holds key files. */
export async function writeHistory(config: FacadeConfig, shape: HistoryShape, days: number, end: number, dir: string, log: (line: string) => void): Promise<WriteFigures> {
  const start = Math.floor((end - days * DAY) / MINUTE) * MINUTE;
  let now = start;
  const store = await openSoakStore(config, dir, () => new Date(now));
  const { writer, retention } = store;
  const history = new HistoryWriter(shape, start, store);
  const figures = { retentionPasses: 0, retentionBatches: 0 };
  const stepMs: number[] = [];
  const bytesByDay: number[] = [];
  let batch: ComparisonRecord[] = [];
  const flush = async (): Promise<void> => { await writer.write(batch); batch = []; };
  const started = performance.now();

  for (let t = start; t < end; t += MINUTE) {
    now = t;
    batch.push(...await history.minute(t));
    if (batch.length >= BATCH) await flush();
    if ((t - start) % config.retention.intervalMs === 0 && t > start) {
      figures.retentionPasses++;
      const steps = retention.steps(new Date(t));
      for (;;) {
        // Each next() is what runs between two event-loop turns in the facade (the last one too).
        const before = performance.now();
        const r = await steps.next();
        stepMs.push(performance.now() - before);
        if (r.done) break;
        figures.retentionBatches++;
      }
    }
    if ((t + MINUTE - start) % DAY === 0) {
      await flush();
      bytesByDay.push(await storeBytes(store.db));
      const day = bytesByDay.length;
      if (day % 10 === 0 || day === days) log(`soak: day ${day}/${days} written, ${(bytesByDay[day - 1] / 1048576).toFixed(1)} MB on disk, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  }
  await flush();
  await store.close();
  return {
    records: history.counts.comparisons, divergences: history.counts.divergences, settled: history.counts.settled, stageChanges: history.counts.moves,
    writeSeconds: (performance.now() - started) / 1000, bytesByDay, stepMs: stepMs.sort((a, b) => a - b), ...figures,
  };
}
