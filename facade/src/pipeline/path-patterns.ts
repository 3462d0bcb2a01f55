// Whether a request's path is one of a route's own path lists (`primaryOnly`, `reads.postPaths`,
// `reads.graphqlPaths`, `compare.reask.exclude`): route patterns as in match.path, compiled once per list.
import { compileRoutes, matchRoute, type RouteTable } from '../core/routing';
import type { RequestContext } from './context';

const tables = new WeakMap<readonly string[], RouteTable>();

/** Whether the normalized path matches one of `patterns` (route patterns, as in match.path). */
export function onPaths(ctx: RequestContext, patterns: readonly string[], caseSensitive: boolean): boolean {
  let table = tables.get(patterns);
  if (!table) {
    table = compileRoutes(patterns.map((path, i) => ({ name: `path-${i}`, match: { path } })), { caseSensitive });
    tables.set(patterns, table);
  }
  return matchRoute(table, { method: ctx.req.method ?? 'GET', path: ctx.path }) !== null;
}
