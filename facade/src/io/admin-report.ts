// Admin API: `GET /report?route=&since=15m` answers the shadow-diff report as JSON (the same
// contract as `strangler report --json`). Parses, calls io/report-query, serializes. It is traffic
// data: admin.ts mounts it behind a read token (io/admin-auth.ts), before its 404 handler.
import type express from 'express';
import type { Request, Response } from 'express';
import { DurationError, parseDuration } from '../core/duration';
import type { Sql } from './db/sql';
import { loadReport } from './report-query';

export interface ReportRouteDeps {
  /** The state database (it holds the diff store tables too), either engine. */
  readonly sql: Sql;
  /** Configured route names, in config order. */
  readonly routes: readonly string[];
  /** The report's clock; `new Date()` by default. */
  readonly now?: () => Date;
  /** Route configs, so stored comparisons are re-classified with their ignore rules and generated-value policy. */
  readonly configs?: ReadonlyMap<string, import('../config').RouteConfig>;
}

/** A query parameter as one string; repeated or nested parameters are refused. */
function single(req: Request, name: string): string | undefined | Error {
  const v = req.query[name];
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : new Error(`${name}: give it once, as a plain value`);
}

/** Adds `GET /report`: 400 QUERY_INVALID / SINCE_INVALID on bad parameters, 404 ROUTE_UNKNOWN. */
export function mountReportRoutes(app: express.Express, deps: ReportRouteDeps): void {
  app.get('/report', async (req: Request, res: Response) => {
    const route = single(req, 'route');
    const since = single(req, 'since');
    for (const v of [route, since]) {
      if (v instanceof Error) { res.status(400).json({ error: 'QUERY_INVALID', message: v.message }); return; }
    }
    const name = route === '' ? undefined : (route as string | undefined);
    if (name !== undefined && !deps.routes.includes(name)) {
      res.status(404).json({ error: 'ROUTE_UNKNOWN', message: `no route named ${JSON.stringify(name)} (known: ${deps.routes.join(', ') || 'none'})` });
      return;
    }
    const now = deps.now?.() ?? new Date();
    let sinceDate: Date | undefined;
    if (since !== undefined && since !== '') {
      try {
        sinceDate = new Date(now.getTime() - parseDuration(since as string));
      } catch (err) {
        if (!(err instanceof DurationError)) throw err;
        res.status(400).json({ error: 'SINCE_INVALID', message: `since: ${err.message}` });
        return;
      }
    }
    res.json(await loadReport(deps.sql, { route: name, since: sinceDate, now, routes: deps.routes, configs: deps.configs }));
  });
}
