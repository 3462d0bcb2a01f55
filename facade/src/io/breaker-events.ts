// What happens at a circuit breaker transition (io/upstream-guard.ts calls it, never per request):
// one log line (open: warn, closed again: info), the transitions counter, and a row in the
// breaker_transitions table (io/breaker-log.ts), written off the request path; a failed write is
// logged and the breaker keeps working.
import type { Logger } from 'pino';
import type { BreakerTransition } from '../core/resilience/breaker';
import type { Sql } from './db/sql';
import { pruneTransitions, recordTransition } from './breaker-log';
import type { FacadeMetrics } from './metrics';
import type { Upstream } from './upstreams';

export interface BreakerEventDeps {
  readonly logger: Logger;
  readonly metrics: FacadeMetrics;
  /** The state database (null: transitions are only logged and counted). */
  readonly sql: Sql | null;
  /** Transitions older than this many days are deleted now and then (config retention.comparisonDays). */
  readonly keepDays: number;
}

const PRUNE_EVERY_MS = 3_600_000;

export function recordBreakerEvents(upstreams: readonly Upstream[], deps: BreakerEventDeps): void {
  let prunedAt = 0;
  for (const u of upstreams) {
    if (!u.guard.breaker) continue;
    u.guard.onTransition((t: BreakerTransition) => {
      deps.metrics.breakerTransitions.inc({ upstream: u.name, to: t.to });
      const fields = { upstream: u.name, from: t.from, to: t.to, requests: t.requests, failures: t.failures };
      if (t.to === 'open') deps.logger.warn(fields, `circuit breaker of ${u.name} opened: ${t.reason}; requests to it are answered at once (fallback or 503) for ${u.guard.breaker!.settings.coolDownMs} ms`);
      else deps.logger.info(fields, `circuit breaker of ${u.name} ${t.to}: ${t.reason}`);
      const sql = deps.sql;
      if (!sql) return;
      // Off the request path: the insert waits for the current request to be answered.
      setImmediate(() => {
        recordTransition(sql, u.name, t)
          .then(() => {
            if (t.at - prunedAt < PRUNE_EVERY_MS) return undefined;
            prunedAt = t.at;
            return pruneTransitions(sql, new Date(t.at - deps.keepDays * 86_400_000));
          })
          .catch((err: Error) => deps.logger.error({ err, upstream: u.name }, 'could not store a circuit breaker transition (the breaker keeps working)'));
      });
    });
  }
}
