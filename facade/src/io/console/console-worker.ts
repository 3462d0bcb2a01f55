// Worker thread of the console: builds snapshots (console-snapshot.ts) on its own connection to
// the state database, so that re-classifying a large diff store never holds up the event loop that
// proxies requests: a read-only SQLite connection to the file, or a small pool of its own on
// PostgreSQL (every replica's data). Message in: { id, db, input, now } (db: a file path or a
// postgres:// URL); out: { id, json, ms } or { id, error }.
import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { isPostgresUrl, pgSqlModule, type Sql } from '../db/sql';
import { SqliteSql } from '../db/sqlite-sql';
import { tuneForReads } from '../db/sqlite-file';
import { buildSnapshot, type SnapshotInput } from './console-snapshot';

interface Request { readonly id: number; readonly db: string; readonly input: SnapshotInput; readonly now: string }

let sql: Sql | null = null;

function open(location: string): Sql {
  if (isPostgresUrl(location)) return new (pgSqlModule().PgSql)(location, { max: 2, applicationName: 'strangler-console' });
  const db = new Database(location, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 2000'); // the facade may be committing a batch
  tuneForReads(db);
  return new SqliteSql(db, true);
}

parentPort!.on('message', (req: Request) => {
  void (async () => {
    try {
      sql ??= open(req.db);
      const started = performance.now();
      const json = JSON.stringify(await buildSnapshot(sql, req.input, new Date(req.now)));
      parentPort!.postMessage({ id: req.id, json, ms: performance.now() - started });
    } catch (err) {
      parentPort!.postMessage({ id: req.id, error: (err as Error).message });
    }
  })();
});
