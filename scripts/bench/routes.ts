// The facade's two routes in the benchmark and the request path the load generator sends to each.
import type { Stage } from '../../facade/src/core/stages';

export interface BenchRoute {
  readonly name: string;
  readonly pattern: string;
  readonly stage: Stage;
  /** What the load generator requests (direct and through a proxy alike). */
  readonly requestPath: string;
}

/** `legacy` stays at `off` (answered by the monolith); `moved` is at `complete` (answered by the service). */
export const BENCH_ROUTES: readonly BenchRoute[] = [
  { name: 'legacy', pattern: '/api/legacy/**', stage: 'off', requestPath: '/api/legacy/items/42?view=full' },
  { name: 'moved', pattern: '/api/moved/**', stage: 'complete', requestPath: '/api/moved/items/42?view=full' },
];
