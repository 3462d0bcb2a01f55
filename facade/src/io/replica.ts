// Who this facade process is among replicas, and where it keeps what stays its own. With a SQLite
// state everything sits beside the state file, as always; with PostgreSQL the shared state is in the
// database and each replica keeps recorded cases and its key files in `state.localDir`.
import os from 'node:os';
import path from 'node:path';
import type { FacadeConfig } from '../config';
import { isPostgresUrl } from './db/sql';

/** config `replica.id`, else `<hostname>:<port>` (the listen port; the pid when the port is chosen by the OS). */
export function replicaId(config: FacadeConfig, port: number = config.listen.port): string {
  if (config.replica.id) return config.replica.id;
  return `${os.hostname()}:${port === 0 ? `pid${process.pid}` : port}`;
}

/**
 * The SQLite file for this replica's own data (cases) and the directory of its key files: the state
 * file itself on SQLite; `<state.localDir>/replica.db` when the state is a PostgreSQL URL.
 */
export function localStateFile(config: FacadeConfig, location: string = config.state.db): string {
  if (!isPostgresUrl(location)) return location;
  return path.join(path.resolve(config.state.localDir ?? '.strangler'), 'replica.db');
}
