// The facade's state at start-up, on either engine: the state database (a SQLite file, or PostgreSQL
// shared by replicas), the state store, this replica's id and its local SQLite file, the state flag
// provider and the auto-rollback watcher that fit the engine. server.ts wires the rest around it.
import type { Logger } from 'pino';
import type { FacadeConfig } from '../config';
import { PostgresFlagProvider, type StateHealth } from '../flags/postgres';
import type { FlagProvider } from '../flags/provider';
import { SqliteFlagProvider } from '../flags/sqlite';
import type { RouteRuntime } from '../pipeline/context';
import { createAutoRollback, type AutoRollback } from './auto-rollback';
import { createSharedAutoRollback } from './auto-rollback-shared';
import { stateLocation } from './db/location';
import { openDatabase, openSqlite, type OpenedDatabase } from './db/open';
import { redactUrl } from './db/sql';
import type { FacadeMetrics } from './metrics';
import { PgStateStore } from './pg-state-store';
import { localStateFile, replicaId } from './replica';
import type { RouteStateStore } from './state-api';
import { openStateStore } from './state-open';
import { StateStore } from './state-store';

export interface StateRuntime {
  /** The state database: stages, audit log, ignore rules, the diff store. */
  readonly db: OpenedDatabase;
  /** This replica's own SQLite file (recorded cases): the state file itself on SQLite. */
  readonly local: OpenedDatabase;
  readonly state: RouteStateStore;
  readonly replica: string;
  /** Where per-replica files (key files, LaunchDarkly's last known flags) are: beside this path. */
  readonly localFile: string;
  close(): Promise<void>;
}

/** Opens the state database named by `state.db` (or STRANGLER_DATABASE_URL), and the replica's local file. */
export async function openStateRuntime(config: FacadeConfig, port: number | undefined, logger: Logger): Promise<StateRuntime> {
  const replica = replicaId(config, port);
  const location = stateLocation(config.state.db);
  const db = await openDatabase(location, { applicationName: `strangler ${replica}`.slice(0, 63) });
  try {
    const state = await openStateStore(db);
    const localFile = localStateFile(config, location);
    const local = db.sqlite ? db : openSqlite(localFile);
    if (db.pg) {
      logger.info({ database: redactUrl(location), replica, localFile }, 'state in PostgreSQL, shared with every replica on it');
      // Divergences are repaired, and secrets fingerprinted, by any replica: each needs the same keys.
      const unshared = ['STRANGLER_DIVERGENCE_KEY', ...(config.redaction.fingerprint && !config.redaction.keyFile ? ['STRANGLER_REDACTION_KEY'] : [])]
        .filter((k) => !process.env[k]);
      if (unshared.length > 0) logger.warn({ missing: unshared, localFile }, `set ${unshared.join(' and ')} to the same value on every replica: otherwise each replica makes its own key file, and divergences sealed by one cannot be repaired by another`);
    }
    return {
      db, local, state, replica, localFile,
      async close() {
        await state.close();
        if (local !== db) await local.close();
        await db.close();
      },
    };
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
}

/** The `sqlite` flag provider ("stages in the state database") for the engine the state is on. */
export function stateFlags(rt: StateRuntime, pollMs: number, logger: Logger): SqliteFlagProvider | PostgresFlagProvider {
  const onError = (err: unknown): void => logger.warn({ err }, 'flag reload failed; keeping the last snapshot');
  if (rt.state instanceof StateStore) return new SqliteFlagProvider({ store: rt.state, pollMs, onError });
  return new PostgresFlagProvider({
    store: rt.state as PgStateStore, pg: rt.db.pg!, pollMs, onError,
    onConnectivity: (up) => {
      if (up) logger.info('state database reachable again: stages caught up');
      else logger.error('state database unreachable: serving on the last known stages until it returns');
    },
  });
}

/** Applies a change this process just wrote (both state providers re-read; LaunchDarkly has nothing to do). */
export async function reloadFlags(flags: FlagProvider): Promise<void> {
  if (flags instanceof SqliteFlagProvider) flags.reload();
  else if (flags instanceof PostgresFlagProvider) await flags.reload();
}

/** /healthz fields: the shared state database's reachability (nothing to add on SQLite). */
export function stateHealth(flags: FlagProvider): (() => { state: StateHealth }) | undefined {
  return flags instanceof PostgresFlagProvider ? () => ({ state: flags.health() }) : undefined;
}

/** One window per machine on SQLite; on PostgreSQL one window over every replica. */
export function rollbackWatcher(rt: StateRuntime, o: { config: FacadeConfig; flags: FlagProvider; runtimes: readonly RouteRuntime[]; metrics: FacadeMetrics; logger: Logger }): AutoRollback {
  const reload = (): Promise<void> => reloadFlags(o.flags);
  if (rt.state instanceof StateStore) {
    return createAutoRollback({ config: o.config, store: rt.state, metrics: o.metrics, logger: o.logger, reloadFlags: () => { void reload(); } });
  }
  const flagOf = new Map(o.runtimes.map((r) => [r.config.name, r.flag]));
  return createSharedAutoRollback({
    config: o.config, store: rt.state, sql: rt.db.sql, replica: rt.replica, metrics: o.metrics, logger: o.logger, reloadFlags: reload,
    stateVersion: (route) => { const f = flagOf.get(route); return f ? o.flags.describe(f).updatedAt : null; },
  });
}
