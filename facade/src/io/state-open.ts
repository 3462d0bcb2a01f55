// The state store for an opened database: the SQLite StateStore on its connection, or the
// PostgreSQL one (migrated first). What server.ts, the CLI and `db migrate` call.
import type { OpenedDatabase } from './db/open';
import { PgStateStore } from './pg-state-store';
import type { RouteStateStore } from './state-api';
import { StateStore } from './state-store';

export async function openStateStore(db: OpenedDatabase, now: () => Date = () => new Date()): Promise<RouteStateStore> {
  if (db.pg) return PgStateStore.open(db.pg, now);
  return new StateStore(db.sqlite!, now);
}
