// `GET /upstreams` on the admin API (read token): every upstream's circuit breaker and bulkhead,
// live from the facade's metrics (a cluster's workers summed) plus the transitions recorded in the
// state database over the gate's breaker window (io/upstream-view.ts). `?window=15m` changes it.
import type express from 'express';
import { parseDuration } from '../core/duration';
import { DEFAULT_BREAKER_WINDOW_MS } from '../core/gate';
import type { Sql } from './db/sql';
import { loadUpstreamViews, type UpstreamSpecView } from './upstream-view';

export interface UpstreamAdminDeps {
  readonly specs: readonly UpstreamSpecView[];
  readonly sql: Sql;
  readonly metricsText: () => Promise<string>;
  readonly windowMs?: number;
}

export function mountUpstreamRoutes(app: express.Express, deps: UpstreamAdminDeps): void {
  app.get('/upstreams', async (req, res) => {
    let windowMs = deps.windowMs ?? DEFAULT_BREAKER_WINDOW_MS;
    if (typeof req.query.window === 'string') {
      try {
        windowMs = parseDuration(req.query.window);
      } catch (err) {
        res.status(400).json({ error: 'QUERY_INVALID', message: `window: ${(err as Error).message}` });
        return;
      }
    }
    const upstreams = await loadUpstreamViews(deps.sql, deps.specs, await deps.metricsText(), new Date(), windowMs);
    res.json({ windowMs, upstreams });
  });
}
