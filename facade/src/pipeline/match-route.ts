// Step 1: normalize the path once, refuse malformed ones (400), and find the route. Routing decides
// on the normalized path; the request-target itself (`req.url`) is left as the client sent it and
// forwarded byte for byte (escapes, `%2F`, case), so the upstream answers the request it was sent.
// `OPTIONS *` follows a catch-all route. WebSocket upgrades route through the same function.
import type { IncomingMessage } from 'node:http';
import type { RouteConfig } from '../config';
import { normalizePath, splitTarget } from '../core/paths';
import { matchAsterisk, matchNormalized, type CompiledRoute } from '../core/routing';
import { sendJsonError } from '../io/respond';
import type { FacadeDeps, RouteRuntime, Step } from './context';

export type Routed =
  | { readonly ok: true; readonly path: string; readonly query: string; readonly route: CompiledRoute<RouteConfig> | null; readonly runtime: RouteRuntime | null }
  | { readonly ok: false; readonly reason: string };

/** Normalizes the request's path (for deciding only: `req.url` is not changed) and finds its route. */
export function routeRequest(req: IncomingMessage, deps: FacadeDeps): Routed {
  const method = req.method ?? 'GET';
  if (req.url === '*') {
    // `OPTIONS *` asks about the server itself: whoever answers everything (a catch-all route) answers it.
    const route = matchAsterisk(deps.table, { method, host: req.headers.host });
    return { ok: true, path: '*', query: '', route, runtime: route ? deps.routes.get(route.route.name) ?? null : null };
  }
  const { path: rawPath, query } = splitTarget(req.url ?? '/');
  const normalized = normalizePath(rawPath);
  if (!normalized.ok) return normalized;
  const route = matchNormalized(deps.table, { method, path: normalized.path, host: req.headers.host });
  return { ok: true, path: normalized.path, query, route, runtime: route ? deps.routes.get(route.route.name) ?? null : null };
}

export const matchRoute: Step = (ctx, deps) => {
  const routed = routeRequest(ctx.req, deps);
  if (!routed.ok) {
    deps.metrics.badRequests.inc({ code: 'PATH_MALFORMED' });
    sendJsonError(ctx.res, 400, { error: 'PATH_MALFORMED', message: `malformed path: ${routed.reason}`, requestId: ctx.requestId });
    return 'handled';
  }
  ctx.path = routed.path;
  ctx.query = routed.query;
  ctx.route = routed.route;
  ctx.runtime = routed.runtime;
  return undefined;
};
