// The local backend's divergence verbs: the divergence store on the state database, repairs sent
// straight to the upstream URLs of the config file (the facade need not run), the key read from
// STRANGLER_DIVERGENCE_KEY or the key file beside the database (never created here).
import type { FacadeConfig } from '../../facade/src/config';
import type { Side } from '../../facade/src/core/stages';
import { ALWAYS_REDACTED } from '../../facade/src/io/compare-rules';
import {
  DivergenceError, replayDivergences, resolveDivergence, showDivergence,
  type DivergenceDetail, type RepairDeps, type ReplayOptions, type ReplayReport,
} from '../../facade/src/io/divergence-repair';
import { DivergenceKeyError, loadKey } from '../../facade/src/io/divergence-seal';
import { DivergenceStore, type Divergence, type DivergenceStatus } from '../../facade/src/io/divergence-store';
import { createUpstream, destroyUpstream, type Upstream } from '../../facade/src/io/upstreams';
import type { Sql } from '../../facade/src/io/db/sql';
import type { DivergenceList } from './backend';
import { CliError, EXIT_FAILED, EXIT_USAGE } from './context';

export interface LocalDivergenceOptions {
  /** The state database, either engine. */
  readonly sql: Sql;
  /** The state database's path (the key file is beside it). */
  readonly dbPath: string;
  readonly config: FacadeConfig;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
  readonly actor: string;
  /** The route's stage as the state database has it (for audit entries). */
  readonly stageOf: (route: string) => string | Promise<string>;
}

/** Wrong id, header or order is the user's to fix (exit 2 or 1); a key problem is a failure (exit 1). */
function cliError(err: unknown): unknown {
  if (err instanceof DivergenceError) return new CliError(err.message, err.code === 'DIVERGENCE_UNKNOWN' || err.code === 'HEADER_INVALID' ? EXIT_USAGE : EXIT_FAILED);
  if (err instanceof DivergenceKeyError) return new CliError(err.message, EXIT_FAILED);
  return err;
}

export class LocalDivergences {
  private readonly store: DivergenceStore;
  private readonly upstreams = new Map<string, Upstream>();
  private readonly deps: RepairDeps;
  private key: Buffer | null = null;

  constructor(private readonly o: LocalDivergenceOptions) {
    this.store = new DivergenceStore(o.sql, () => (this.key ??= loadKey(o.dbPath, o.env, false)));
    this.deps = {
      store: this.store, now: o.now, stageOf: o.stageOf,
      upstreamFor: (route, side) => this.upstream(route, side),
      redactPaths: (route) => [...(o.config.routes.find((r) => r.name === route)?.compare.redact ?? []), ...ALWAYS_REDACTED],
      deadlineHeader: o.config.deadline.header || null,
    };
  }

  async list(route: string, status: DivergenceStatus | undefined): Promise<DivergenceList> {
    const open = await this.store.openStats(route);
    return { route, open: open.count, openBytes: open.bytes, divergences: await this.store.list(route, { status }) };
  }

  async show(route: string, id: number): Promise<DivergenceDetail> {
    try { return await showDivergence(this.deps, route, id); } catch (err) { throw cliError(err); }
  }

  async replay(route: string, opts: Omit<ReplayOptions, 'actor'>): Promise<ReplayReport> {
    try { return await replayDivergences(this.deps, route, { ...opts, actor: this.o.actor }); } catch (err) { throw cliError(err); }
  }

  async resolve(route: string, id: number, reason: string): Promise<Divergence> {
    try { return await resolveDivergence(this.deps, route, id, { reason, actor: this.o.actor }); } catch (err) { throw cliError(err); }
  }

  close(): void {
    for (const u of this.upstreams.values()) destroyUpstream(u);
  }

  /** The side's upstream as the config file has it now, made on first use. */
  private upstream(route: string, side: Side): Upstream {
    const name = side === 'monolith' ? 'monolith' : this.o.config.routes.find((r) => r.name === route)!.service;
    let u = this.upstreams.get(name);
    if (!u) {
      u = createUpstream(name, side, side === 'monolith' ? this.o.config.monolith : this.o.config.services[name]);
      this.upstreams.set(name, u);
    }
    return u;
  }
}
