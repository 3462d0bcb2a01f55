// Auto-rollback across replicas (state in PostgreSQL): every replica adds its service outcomes to the
// shared window (io/shared-error-window.ts) every `flushMs`, and judges a route on the sum over all of
// them with the same rule as one facade (planRollback). The stage change is conditional on the state
// the replica read, so replicas judging at once write one audit entry; NOTIFY brings it to every replica.
import type { Logger } from 'pino';
import type { FacadeConfig } from '../config';
import { breaches, type WindowFigures } from '../core/error-window';
import { planRollback, serviceOutcome, type AutoRollback } from './auto-rollback';
import type { Sql } from './db/sql';
import type { FacadeMetrics } from './metrics';
import { SharedErrorWindow } from './shared-error-window';
import { StageChangeError, type AuditEntry, type RouteStateStore } from './state-api';

export interface SharedAutoRollbackOptions {
  readonly config: FacadeConfig;
  readonly store: RouteStateStore;
  readonly sql: Sql;
  /** This replica's id: its row in the shared window. */
  readonly replica: string;
  /** The route's updatedAt as this replica's flag snapshot has it (a change lifts the mute). */
  readonly stateVersion: (route: string) => string | null;
  /** Applies a stage change this replica just wrote. */
  readonly reloadFlags: () => void | Promise<void>;
  readonly metrics: FacadeMetrics;
  readonly logger: Logger;
  readonly now?: () => number;
  /** How often pending counts are written and judged (default 200 ms). */
  readonly flushMs?: number;
}

export interface SharedAutoRollback extends AutoRollback {
  /** Writes the pending counts and judges now (tests, shutdown). */
  flush(): Promise<void>;
}

export function createSharedAutoRollback(opts: SharedAutoRollbackOptions): SharedAutoRollback {
  const { config, store, logger, metrics } = opts;
  const settings = config.autoRollback;
  const now = opts.now ?? Date.now;
  const window = new SharedErrorWindow(opts.sql, opts.replica, settings.windowMs);
  const muted = new Map<string, { readonly at: number; readonly updatedAt: string | null }>();
  const isMuted = (route: string, at: number): boolean => {
    const m = muted.get(route);
    if (m === undefined || at - m.at >= settings.windowMs) return false;
    if (opts.stateVersion(route) === m.updatedAt) return true;
    muted.delete(route);
    return false;
  };
  let enabled = settings.enabled;
  if (enabled && config.flags.provider !== 'sqlite') {
    logger.warn('auto-rollback is off: it needs the stages in the state database (flags.provider "sqlite"; with LaunchDarkly, use its guarded rollouts)');
    enabled = false;
  }
  let running: Promise<void> | null = null;
  let unreachable = false;
  let flushes = 0;

  async function judge(route: string, f: WindowFigures, at: number): Promise<void> {
    const defaultStage = config.routes.find((r) => r.name === route)?.defaultStage ?? 'off';
    let entry: AuditEntry | null = null;
    let skipped: string | null = null;
    try {
      const stored = await store.state(route);
      const plan = planRollback(stored ?? { stage: defaultStage, rollout: null, updatedAt: null }, f, settings, now());
      if ('skipped' in plan) skipped = plan.skipped;
      else entry = await store.change({ route, stage: plan.to, actor: 'auto-rollback', reason: plan.reason, details: { ...plan.details, replica: opts.replica }, defaultStage, expected: stored });
    } catch (err) {
      if (!(err instanceof StageChangeError && err.code === 'STAGE_CHANGED')) {
        muted.set(route, { at, updatedAt: opts.stateVersion(route) });
        logger.error({ err, route, ...f }, 'auto-rollback could not write the stage change; will judge again after a window');
        return;
      }
      skipped = 'another replica (or a person) moved the route meanwhile';
    }
    await window.reset(route, at).catch(() => undefined); // the evidence is used up either way
    if (entry === null) {
      logger.info({ route, ...f }, `auto-rollback: no action, ${skipped}`);
      return;
    }
    muted.set(route, { at, updatedAt: entry.at });
    await opts.reloadFlags();
    metrics.autoRollbacks.inc({ route });
    logger.error({ route, from: entry.from, to: entry.to, ...f, auditId: entry.id, replica: opts.replica }, `auto-rollback: ${route} moved ${entry.from} → ${entry.to}: ${entry.reason}`);
  }

  async function tick(): Promise<void> {
    if (!enabled || !window.hasPending()) return;
    const at = now();
    let failing: Set<string>;
    try {
      failing = await window.flush(at);
      if (++flushes % 100 === 0) await window.prune(at);
    } catch (err) {
      if (!unreachable && enabled) logger.warn({ err: (err as Error).message }, 'auto-rollback: cannot reach the state database; counts are kept until it returns');
      unreachable = true;
      return;
    }
    unreachable = false;
    for (const route of failing) {
      if (isMuted(route, at)) continue;
      try {
        const f = await window.figures(route, at);
        if (breaches(f, settings)) await judge(route, f, at);
      } catch (err) {
        logger.warn({ err: (err as Error).message, route }, 'auto-rollback: could not read the shared window');
      }
    }
  }

  const flush = (): Promise<void> => {
    running ??= tick().finally(() => { running = null; });
    return running;
  };
  const timer = setInterval(() => { void flush(); }, opts.flushMs ?? 200);
  timer.unref();

  return {
    observe(ctx) {
      if (!enabled) return;
      try {
        const outcome = serviceOutcome(ctx);
        if (outcome === null) return;
        window.record(ctx.runtime!.config.name, outcome === 'failed', now());
      } catch (err) {
        logger.error({ err, requestId: ctx.requestId }, 'auto-rollback failed to observe a request');
      }
    },
    flush,
    close() {
      enabled = false;
      clearInterval(timer);
    },
  };
}
