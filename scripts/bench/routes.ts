// The facade's routes in the benchmark and the request paths the load generator sends to each.
// upstream-server.ts answers ~1 KB of JSON, or ~100 KB under `/big/`; the two sides' answers are
// identical unless the query asks them to differ.
import type { Stage } from '../../facade/src/core/stages';

export type BodySize = '1k' | '100k';

export interface BenchRoute {
  readonly name: string;
  readonly pattern: string;
  readonly stage: Stage;
  /** What the load generator requests (direct and through a proxy alike), per answer size. */
  readonly requestPath: Readonly<Record<BodySize, string>>;
}

/** `legacy` stays at `off` (monolith), `moved` is at `complete` (service), `mirrored` at `shadow` (monolith answers, service compared; 100 % sampled, the default). */
export const BENCH_ROUTES: readonly BenchRoute[] = [
  { name: 'legacy', pattern: '/api/legacy/**', stage: 'off', requestPath: { '1k': '/api/legacy/items/42?view=full', '100k': '/api/legacy/big/42?view=full' } },
  { name: 'moved', pattern: '/api/moved/**', stage: 'complete', requestPath: { '1k': '/api/moved/items/42?view=full', '100k': '/api/moved/big/42?view=full' } },
  { name: 'mirrored', pattern: '/api/mirrored/**', stage: 'shadow', requestPath: { '1k': '/api/mirrored/items/42?view=full', '100k': '/api/mirrored/big/42?view=full' } },
];

/** The same request with answers that differ between the sides (`servedBy` names the side). */
export function differing(requestPath: string): string {
  return `${requestPath}${requestPath.includes('?') ? '&' : '?'}differ=1`;
}
