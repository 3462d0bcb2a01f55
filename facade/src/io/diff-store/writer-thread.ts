// The diff store's SQLite writer on a thread of its own (thread-writer.ts): a second connection to
// the state database file, writing each batch the recorder sends in one transaction, as writer.ts
// does on the main connection. Replies `{ id }` when the batch is committed, `{ id, error }` when not.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { ComparisonRecord } from '../../core/comparison';
import { DiffStoreWriter, type DiffStoreLimits } from './writer';

interface Input { readonly file: string; readonly limits: DiffStoreLimits; readonly replica: string | null }

const input = workerData as Input;
const db = new Database(input.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000'); // the main connection writes the other tables (stages, divergences, cases)
const writer = new DiffStoreWriter(db, input.limits, input.replica);

parentPort!.on('message', (m: { id: number; records: ComparisonRecord[] } | { stop: true }) => {
  // Asked to stop (thread-writer.ts close): the thread ends by itself, between batches. Terminated from
  // outside while better-sqlite3 waited on a lock, the error it then raised aborted the whole process.
  if ('stop' in m) { db.close(); parentPort!.close(); return; }
  writer.write(m.records).then(
    () => parentPort!.postMessage({ id: m.id }),
    (err: Error) => parentPort!.postMessage({ id: m.id, error: err.message }),
  );
});
