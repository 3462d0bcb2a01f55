// The state database as `strangler cases`, `replay` and `divergences export` use it: always the local
// file (cases and divergence keys never travel through the admin API), opened with the same rules as
// the other verbs (--db, STRANGLER_DB or the config's state.db; a missing file is an error unless
// --create, and a database this command created is removed again if it fails).
import fs from 'node:fs';
import type { Command } from 'commander';
import type Database from 'better-sqlite3';
import type { FacadeConfig } from '../../facade/src/config';
import type * as StateStoreModule from '../../facade/src/io/state-store';
import { localStateFile } from '../../facade/src/io/replica';
import { CliError, globals, requireConfig, statePath, type CliDeps } from './context';

export interface CaseDb {
  readonly config: FacadeConfig;
  readonly db: Database.Database;
  readonly path: string;
}

/** Refuses --admin for a verb that needs the state database itself. */
export function localOnly(cmd: Command, verb: string): void {
  if (globals(cmd).admin !== undefined) {
    throw new CliError(`${verb} works on the state database itself (drop --admin; pass --config or --db to name it)`);
  }
}

/** Opens the config's state database, runs `fn`, closes it (removing it again if this call created it and `fn` failed). */
export async function withCaseDb<T>(cmd: Command, deps: CliDeps, verb: string, fn: (c: CaseDb) => Promise<T> | T): Promise<T> {
  localOnly(cmd, verb);
  const g = globals(cmd);
  const config = requireConfig(g, deps);
  // Cases stay with the replica that recorded them: with a PostgreSQL state, this machine's local file.
  const file = localStateFile(config, statePath(g, deps, config));
  const create = g.create === true;
  const created = create && !fs.existsSync(file);
  const { NotADatabaseError, StateStore, StateStoreMissingError } = require('../../facade/src/io/state-store') as typeof StateStoreModule;
  let store: InstanceType<typeof StateStore>;
  try {
    store = new StateStore(file, deps.now, { create });
  } catch (err) {
    if (err instanceof NotADatabaseError) throw new CliError(err.message);
    if (!(err instanceof StateStoreMissingError)) throw err;
    throw new CliError(`state database ${file} does not exist (a typo in --db, STRANGLER_DB or state.db?): start the facade once, or pass --create to make it`);
  }
  try {
    const result = await fn({ config, db: store.db, path: file });
    store.close();
    return result;
  } catch (err) {
    store.close();
    if (created) for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    throw err;
  }
}
