// Step 1: normalize the path once, refuse malformed ones (400), and find the route. Routing decides
// on the normalized path; the request-target itself (`req.url`) is left as the client sent it and
// forwarded byte for byte (escapes, `%2F`, case), so the upstream answers the request it was sent.
// `OPTIONS *` follows a catch-all route. WebSocket upgrades route through the same function.
// Results for a method + host + path already seen come from a small LRU per route table.
import type { IncomingMessage } from 'node:http';
import type { RouteConfig } from '../config';
import { normalizePath, splitTarget } from '../core/paths';
import { matchAsterisk, matchNormalized, RouteCache, type CompiledRoute, type RouteTable } from '../core/routing';
import { sendJsonError } from '../io/respond';
import type { FacadeDeps, RouteRuntime, Step } from './context';

export type Routed =
  | { readonly ok: true; readonly path: string; readonly query: string; readonly route: CompiledRoute<RouteConfig> | null; readonly runtime: RouteRuntime | null }
  | { readonly ok: false; readonly reason: string };

type Found = { readonly path: string; readonly route: CompiledRoute<RouteConfig> | null; readonly runtime: RouteRuntime | null };

const CACHE_ENTRIES = 1024;
const MAX_KEY_CHARS = 512;
// One cache per table (a table is immutable; a new one starts empty). Only well-formed paths are kept.
const caches = new WeakMap<RouteTable<RouteConfig>, RouteCache<Found>>();

function cacheFor(table: RouteTable<RouteConfig>): RouteCache<Found> {
  let c = caches.get(table);
  if (!c) { c = new RouteCache<Found>(CACHE_ENTRIES); caches.set(table, c); }
  return c;
}

/** Normalizes the request's path (for deciding only: `req.url` is not changed) and finds its route. */
export function routeRequest(req: IncomingMessage, deps: FacadeDeps): Routed {
  const method = req.method ?? 'GET';
  if (req.url === '*') {
    // The asterisk form is OPTIONS' alone (RFC 9112 §3.2.4); `GET *` would reach an upstream that never expects it.
    if (method !== 'OPTIONS') return { ok: false, reason: `'*' is a request-target for OPTIONS only, not ${method}` };
    // `OPTIONS *` asks about the server itself: whoever answers everything (a catch-all route) answers it.
    const route = matchAsterisk(deps.table, { method, host: req.headers.host });
    return { ok: true, path: '*', query: '', route, runtime: route ? deps.routes.get(route.route.name) ?? null : null };
  }
  const { path: rawPath, query } = splitTarget(req.url ?? '/');
  const host = req.headers.host;
  // NUL cannot occur in a method, a Host header or a request-target, so the key is unambiguous.
  const key = `${method}\0${host ?? ''}\0${host === undefined ? 'n' : 'h'}\0${rawPath}`;
  const cache = cacheFor(deps.table);
  const hit = cache.get(key);
  if (hit) return { ok: true, path: hit.path, query, route: hit.route, runtime: hit.runtime };
  const normalized = normalizePath(rawPath);
  if (!normalized.ok) return normalized;
  const route = matchNormalized(deps.table, { method, path: normalized.path, host });
  const found: Found = { path: normalized.path, route, runtime: route ? deps.routes.get(route.route.name) ?? null : null };
  if (key.length <= MAX_KEY_CHARS) cache.set(key, found); // long keys would make the bound bytes, not entries
  return { ok: true, path: found.path, query, route: found.route, runtime: found.runtime };
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
