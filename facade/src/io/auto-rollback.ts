// Auto-rollback: in `live` and `rampdown` the facade watches the service's failures (refused, reset,
// timed out, 5xx — also those a fallback hid from the client) over a sliding window; when the rate
// passes `autoRollback.maxErrorRate` it moves the route back one stage itself, writes the figures to
// the audit log and logs it. Fed with every finished request by server.ts (the onRequestDone hook).
import type { Logger } from 'pino';
import type { FacadeConfig } from '../config';
import { breaches, ErrorWindow, type WindowFigures } from '../core/error-window';
import { previousStage, type Stage } from '../core/stages';
import { leadingStage } from '../core/transitions';
import type { RequestContext } from '../pipeline/context';
import type { FacadeMetrics } from './metrics';
import type { AuditEntry } from './state-api';
import type { StateStore } from './state-store';

export interface AutoRollbackOptions {
  readonly config: FacadeConfig;
  /** The SQLite state: one window per machine (several replicas on PostgreSQL: io/auto-rollback-shared.ts). */
  readonly store: StateStore;
  /** Applies a stage change this process just wrote (the state provider's reload). */
  readonly reloadFlags: () => void;
  readonly metrics: FacadeMetrics;
  readonly logger: Logger;
  /** Epoch milliseconds, the same clock as the state store's timestamps. */
  readonly now?: () => number;
}

export interface AutoRollback {
  /** Counts one finished request; never throws. */
  observe(ctx: RequestContext): void;
  close(): void;
}

export const WATCHED: ReadonlySet<Stage> = new Set<Stage>(['live', 'rampdown']);

/**
 * What a finished request says about the service: null when it says nothing (not answered first by
 * the service at live/rampdown, or the client left), else whether the service failed it.
 */
export function serviceOutcome(ctx: RequestContext): 'ok' | 'failed' | null {
  const d = ctx.decision;
  const p = ctx.primary;
  if (!d || !ctx.runtime || !p || d.primary !== 'service' || !WATCHED.has(d.stage)) return null;
  // A fallback happens only after the service failed (refused, reset, timed out or held 5xx).
  if (ctx.answeredBy !== null && ctx.answeredBy !== 'service') return 'failed';
  // Breaker-open and bulkhead-full answers count as the service's failures; a client's spent deadline
  // does not, nor a timeout under the deadline the client lowered (it asked for less than the service's due).
  if (p.kind === 'failed') return p.error.code === 'DEADLINE_EXCEEDED' || p.clientDeadline || p.declinedUpload ? null : 'failed';
  if (p.kind === 'answered' || p.kind === 'held') return p.status >= 500 ? 'failed' : 'ok';
  return null;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

export type RollbackPlan =
  | { readonly skipped: string }
  | { readonly to: Stage; readonly reason: string; readonly details: Record<string, unknown> };

/**
 * Whether the window's figures move the route back, judged against its state at decision time
 * (another process may have moved it, or moved it while the window was filling): the same rule on
 * both engines.
 */
export function planRollback(
  state: { readonly stage: Stage; readonly rollout: { readonly stage: Stage; readonly percent: number } | null; readonly updatedAt: string | null },
  f: WindowFigures, settings: FacadeConfig['autoRollback'], nowMs: number,
): RollbackPlan {
  const from = leadingStage(state);
  const to = previousStage(from);
  if (!WATCHED.has(from) || to === null) return { skipped: `the route is at ${from} now` };
  if (state.updatedAt !== null && f.oldestAt !== null && Date.parse(state.updatedAt) > f.oldestAt) {
    return { skipped: `the route was moved at ${state.updatedAt}, while the window was filling` };
  }
  const reason = `service error rate ${pct(f.rate)} over the last ${settings.windowMs / 1000} s (${f.failures} of ${f.requests} requests)`;
  const details = {
    windowMs: settings.windowMs, requests: f.requests, failures: f.failures, errorRate: f.rate,
    maxErrorRate: settings.maxErrorRate, minRequests: settings.minRequests, oldestRequestAt: new Date(f.oldestAt ?? nowMs).toISOString(),
  };
  return { to, reason, details };
}

/** Creates the watcher; with `autoRollback.enabled: false` (or flags not in the state database) observe does nothing. */
export function createAutoRollback(opts: AutoRollbackOptions): AutoRollback {
  const { config, store, logger, metrics } = opts;
  const settings = config.autoRollback;
  const now = opts.now ?? Date.now;
  const window = new ErrorWindow(settings.windowMs);
  // A rollback (or a failed attempt) mutes the route for one window, so the same burst never rolls it
  // back twice; any stage change after it (a person promoting again) lifts the mute at once.
  const muted = new Map<string, { readonly at: number; readonly updatedAt: string | null }>();
  const stateVersion = (route: string): string | null => store.state(route)?.updatedAt ?? null;
  const isMuted = (route: string, at: number): boolean => {
    const m = muted.get(route);
    if (m === undefined || at - m.at >= settings.windowMs) return false;
    let now: string | null;
    try { now = stateVersion(route); } catch { return true; } // unreadable state: stay muted, try again later
    if (now === m.updatedAt) return true;
    muted.delete(route);
    return false;
  };
  const mute = (route: string, at: number, updatedAt: string | null): void => { muted.set(route, { at, updatedAt }); };
  let enabled = settings.enabled;
  if (enabled && config.flags.provider !== 'sqlite') {
    // The stages would be written where LaunchDarkly never reads them.
    logger.warn('auto-rollback is off: it needs the stages in the state database (flags.provider "sqlite"; with LaunchDarkly, use its guarded rollouts)');
    enabled = false;
  }

  type Verdict = { entry: AuditEntry } | { skipped: string };

  /** Reads the stage at decision time (another process may have moved the route) and moves it back one. */
  function rollBack(route: string, f: WindowFigures): Verdict {
    const defaultStage = config.routes.find((r) => r.name === route)?.defaultStage ?? 'off';
    const decide = store.db.transaction((): Verdict => {
      const state = store.state(route) ?? { stage: defaultStage, rollout: null, updatedAt: null };
      const plan = planRollback(state, f, settings, now());
      if ('skipped' in plan) return plan;
      return { entry: store.change({ route, stage: plan.to, actor: 'auto-rollback', reason: plan.reason, details: plan.details, defaultStage }) };
    });
    return decide.immediate();
  }

  function judge(route: string, f: WindowFigures, at: number): void {
    let verdict: Verdict;
    try {
      verdict = rollBack(route, f);
    } catch (err) {
      let version: string | null = null;
      try { version = stateVersion(route); } catch { /* locked: the mute holds for the window */ }
      mute(route, at, version); // a locked database is not retried on every failing request
      logger.error({ err, route, ...f }, 'auto-rollback could not write the stage change; will judge again after a window');
      return;
    }
    // Either way the evidence is used up: the next decision needs a fresh window.
    window.reset(route);
    if ('skipped' in verdict) {
      logger.info({ route, ...f }, `auto-rollback: no action, ${verdict.skipped}`);
      return;
    }
    const e = verdict.entry;
    mute(route, at, e.at);
    opts.reloadFlags();
    metrics.autoRollbacks.inc({ route });
    logger.error({ route, from: e.from, to: e.to, ...f, auditId: e.id }, `auto-rollback: ${route} moved ${e.from} → ${e.to}: ${e.reason}`);
  }

  return {
    observe(ctx) {
      if (!enabled) return;
      try {
        const outcome = serviceOutcome(ctx);
        if (outcome === null) return;
        const route = ctx.runtime!.config.name;
        const at = now();
        const f = window.record(route, outcome === 'failed', at);
        if (outcome === 'ok' || !breaches(f, settings)) return;
        // At most one rollback per window per route, unless the route's stage was changed since.
        if (!isMuted(route, at)) judge(route, f, at);
      } catch (err) {
        logger.error({ err, requestId: ctx.requestId }, 'auto-rollback failed to observe a request');
      }
    },
    close() {
      enabled = false;
    },
  };
}
