// Step 1: normalize the path once, refuse malformed ones (400), and find the route. The
// normalized path is what the upstream receives, so what was decided is what gets served.
// WebSocket upgrades route through the same function.
import type { IncomingMessage } from 'node:http';
import type { RouteConfig } from '../config';
import { normalizePath, splitTarget } from '../core/paths';
import { matchRoute as findRoute, type CompiledRoute } from '../core/routing';
import { sendJsonError } from '../io/respond';
import type { FacadeDeps, RouteRuntime, Step } from './context';

export type Routed =
  | { readonly ok: true; readonly path: string; readonly query: string; readonly route: CompiledRoute<RouteConfig> | null; readonly runtime: RouteRuntime | null }
  | { readonly ok: false; readonly reason: string };

/** Normalizes the request's path (rewriting `req.url` to what the upstream gets) and finds its route. */
export function routeRequest(req: IncomingMessage, deps: FacadeDeps): Routed {
  const { path: rawPath, query } = splitTarget(req.url ?? '/');
  const normalized = normalizePath(rawPath);
  if (!normalized.ok) return normalized;
  req.url = normalized.path + query;
  const route = findRoute(deps.table, { method: req.method ?? 'GET', path: normalized.path, host: req.headers.host });
  return { ok: true, path: normalized.path, query, route, runtime: route ? deps.routes.get(route.route.name) ?? null : null };
}

export const matchRoute: Step = (ctx, deps) => {
  // `OPTIONS *` asks about the server itself: it is the monolith's to answer.
  if (ctx.req.url === '*') return undefined;
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
