// Worker thread of the console: builds snapshots (console-snapshot.ts) on its own read-only
// connection to the state database, so that re-classifying a large diff store never holds up the
// event loop that proxies requests. Message in: { id, db, input, now }; out: { id, json, ms } or { id, error }.
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { buildSnapshot, type SnapshotInput } from './console-snapshot';

interface Request { readonly id: number; readonly db: string; readonly input: SnapshotInput; readonly now: string }

let db: Database.Database | null = null;

parentPort!.on('message', (req: Request) => {
  try {
    db ??= new Database(req.db, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 2000'); // the facade may be committing a batch
    const started = performance.now();
    const json = JSON.stringify(buildSnapshot(db, req.input, new Date(req.now)));
    parentPort!.postMessage({ id: req.id, json, ms: performance.now() - started });
  } catch (err) {
    parentPort!.postMessage({ id: req.id, error: (err as Error).message });
  }
});
