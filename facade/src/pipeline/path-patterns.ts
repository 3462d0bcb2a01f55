// Whether a request's path is one of a route's own path lists (`primaryOnly`, `reads.postPaths`,
// `reads.graphqlPaths`, `compare.reask.exclude`): route patterns as in match.path, compiled once per list.
import { compileRoutes, matchRoute, type RouteTable } from '../core/routing';
import type { FacadeDeps, RequestContext } from './context';

const tables = new WeakMap<readonly string[], RouteTable>();

/**
 * Whether the request's normalized path matches one of `patterns`, a list of the request's route
 * (route patterns, as in match.path, with the route's case sensitivity). An empty list matches nothing.
 */
export function onPaths(ctx: RequestContext, deps: FacadeDeps, patterns: readonly string[]): boolean {
  if (patterns.length === 0) return false;
  let table = tables.get(patterns);
  if (!table) {
    const caseSensitive = ctx.runtime?.config.caseSensitive ?? deps.config.routing.caseSensitive;
    table = compileRoutes(patterns.map((path, i) => ({ name: `path-${i}`, match: { path } })), { caseSensitive });
    tables.set(patterns, table);
  }
  return matchRoute(table, { method: ctx.req.method ?? 'GET', path: ctx.path }) !== null;
}
