// Step 1: normalize the path once, refuse malformed ones (400), and find the route. The
// normalized path is what the upstream receives, so what was decided is what gets served.
import { normalizePath, splitTarget } from '../core/paths';
import { matchRoute as findRoute } from '../core/routing';
import { sendJsonError } from '../io/respond';
import type { Step } from './context';

export const matchRoute: Step = (ctx, deps) => {
  // `OPTIONS *` asks about the server itself: it is the monolith's to answer.
  if (ctx.req.url === '*') return undefined;
  const { path: rawPath, query } = splitTarget(ctx.req.url ?? '/');
  const normalized = normalizePath(rawPath);
  if (!normalized.ok) {
    deps.metrics.badRequests.inc({ code: 'PATH_MALFORMED' });
    sendJsonError(ctx.res, 400, { error: 'PATH_MALFORMED', message: `malformed path: ${normalized.reason}`, requestId: ctx.requestId });
    return 'handled';
  }
  ctx.path = normalized.path;
  ctx.query = query;
  ctx.req.url = normalized.path + query;
  ctx.route = findRoute(deps.table, { method: ctx.req.method ?? 'GET', path: normalized.path, host: ctx.req.headers.host });
  ctx.runtime = ctx.route ? deps.routes.get(ctx.route.route.name) ?? null : null;
  return undefined;
};
