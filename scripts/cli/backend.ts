// Where `strangler` commands read and change state: `LocalBackend` opens the state database
// (routes from the config file), `AdminBackend` talks to a running facade's admin API
// (`--admin URL`). Commands see only this interface, so each verb works the same in both modes.
import type { Command } from 'commander';
import type { Report } from '../../facade/src/core/report-types';
import type { Stage } from '../../facade/src/core/stages';
import type { AuditEntry } from '../../facade/src/io/state-store';
import type { GateInput, GateThresholds } from '../../facade/src/core/gate';
import type { BreakerState } from '../../facade/src/core/resilience/breaker';
import type { UpstreamView } from '../../facade/src/io/upstream-view';
import type { Divergence, DivergenceStatus } from '../../facade/src/io/divergence-store';
import type { DivergenceDetail, ReplayOptions, ReplayReport } from '../../facade/src/io/divergence-repair';
import type * as AdminModule from './admin-backend';
import { actor, configPath, globals, optionalConfig, requireConfig, statePath, type CliDeps } from './context';
import type * as LocalModule from './local-backend';

/** One row of `route list` (and its `--json` contract). */
export interface RouteView {
  readonly route: string;
  readonly pattern: string;
  readonly service: string;
  readonly stage: Stage;
  readonly rollout: { readonly stage: Stage; readonly percent: number } | null;
  /** Comparisons that got a verdict (match, mismatch, noise), lifetime. */
  readonly comparisons: number;
  /** Mismatches / comparisons, or null before the first comparison. */
  readonly mismatchRate: number | null;
  /** ISO time of the last stage change, or null when the route was never moved. */
  readonly lastChange: string | null;
  /** The circuit breaker of the route's service (closed, open, half-open), or null when it has none. */
  readonly breaker: BreakerState | null;
}

export interface StageChange {
  readonly route: string;
  readonly stage: Stage;
  readonly percent?: number;
  readonly reason?: string;
  readonly force?: boolean;
  /** Stored with the audit entry (the gate result of a promotion). */
  readonly details?: unknown;
}

/** An ignore rule as listed: from the config file, or stored in the state database by `ignore add`. */
export interface IgnoreView {
  readonly route: string;
  readonly path: string;
  readonly reason: string;
  readonly source: 'config' | 'state';
  readonly actor: string | null;
  readonly createdAt: string | null;
}

export interface ReportQuery {
  readonly route?: string;
  /** A duration as typed (`15m`, `2h`), already checked with parseDuration. */
  readonly since?: string;
}

/** `divergences list` (and its `--json` contract): a route's divergences, oldest first. */
export interface DivergenceList {
  readonly route: string;
  /** Open (unrepaired, unresolved) divergences of the route and the bytes their stored requests take. */
  readonly open: number;
  readonly openBytes: number;
  readonly divergences: readonly Divergence[];
}

export interface Backend {
  readonly kind: 'local' | 'admin';
  /** Gate thresholds from the config (`gate`), or the config defaults when there is none. */
  readonly gateThresholds: GateThresholds;
  listRoutes(): Promise<RouteView[]>;
  /** One route; an unknown name throws a usage error listing the known ones. */
  route(name: string): Promise<RouteView>;
  /** Moves a route; a skipped stage without force throws a usage error with the store's message. */
  setStage(change: StageChange): Promise<AuditEntry>;
  /** Audit log, newest first. */
  history(route: string | undefined, limit: number): Promise<AuditEntry[]>;
  addIgnore(route: string, path: string, reason: string): Promise<IgnoreView>;
  listIgnore(route?: string): Promise<IgnoreView[]>;
  /** Removes a stored rule; a rule that is not stored (or comes from the config) is a usage error. */
  removeIgnore(route: string, path: string): Promise<void>;
  report(query: ReportQuery): Promise<Report>;
  /** What the gate needs to judge moving `route` from `stage` to `target`. */
  gateInput(route: string, stage: Stage, target: Stage): Promise<GateInput>;
  /** A route's divergences with one status (undefined: every status). */
  listDivergences(route: string, status: DivergenceStatus | undefined): Promise<DivergenceList>;
  /** One divergence and its stored request, credentials and secret body fields masked. */
  showDivergence(route: string, id: number): Promise<DivergenceDetail>;
  /** Re-sends the route's open divergences (or one) in order; audited. */
  replayDivergences(route: string, opts: Omit<ReplayOptions, 'actor'>): Promise<ReplayReport>;
  /** Marks a divergence resolved without re-sending it; audited. */
  resolveDivergence(route: string, id: number, reason: string): Promise<Divergence>;
  /** Every upstream's circuit breaker and bulkhead (`strangler upstreams`), transitions over the last `windowMs`. */
  upstreams(windowMs: number): Promise<UpstreamView[]>;
  /** `failed`: the command failed, so a state database this backend created (`--create`) is removed again. */
  close(failed?: boolean): void;
}

/** The backend the global options name: `--admin URL` or the local state database. */
export function openBackend(cmd: Command, deps: CliDeps): Backend {
  const g = globals(cmd);
  // Each backend loads when a verb opens it: the local one pulls in better-sqlite3 and the stores.
  if (g.admin !== undefined) {
    const { AdminBackend } = require('./admin-backend') as typeof AdminModule;
    return new AdminBackend({ url: g.admin, token: deps.env.STRANGLER_ADMIN_TOKEN, fetch: deps.fetch, now: deps.now, config: optionalConfig(g, deps), actor: actor(deps) });
  }
  const config = requireConfig(g, deps);
  const { LocalBackend } = require('./local-backend') as typeof LocalModule;
  return new LocalBackend({ config, configFile: configPath(g, deps).file, db: statePath(g, deps, config), now: deps.now, actor: actor(deps), env: deps.env, create: g.create === true });
}

/** Opens the backend, runs `fn`, and always closes it (the state database handle). */
export async function withBackend<T>(cmd: Command, deps: CliDeps, fn: (backend: Backend) => Promise<T>): Promise<T> {
  const backend = openBackend(cmd, deps);
  let result: T;
  try {
    result = await fn(backend);
  } catch (err) {
    backend.close(true); // a failing command leaves no new state database behind
    throw err;
  }
  backend.close();
  return result;
}

