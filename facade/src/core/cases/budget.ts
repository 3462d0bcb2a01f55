// What a case store keeps (config `cases`): every exchange with a real difference (the newest
// `realPerEndpoint` per endpoint), a sample of the others (the first `perEndpoint` distinct
// requests per endpoint), all within `maxBytes`, past which the oldest samples go first, then the
// oldest real ones. One case per request: the same request again is kept once, and moves between
// sample and real when its verdict does. Pure: the store asks, then acts in one transaction.
import type { CaseClass } from './case';

export interface CaseBudget {
  readonly perEndpoint: number;
  readonly realPerEndpoint: number;
  readonly maxBytes: number;
}

export type Admission =
  | { readonly action: 'insert' | 'replace' }
  | { readonly action: 'skip'; readonly why: 'known' | 'endpoint_sampled' };

/**
 * Whether a new case of `candidate` class goes in: `existing` is the class of a stored case with
 * the same id (null: none), `samples` the endpoint's stored samples.
 */
export function admit(candidate: CaseClass, existing: CaseClass | null, samples: number, budget: CaseBudget): Admission {
  if (existing === candidate) return { action: 'skip', why: 'known' };
  if (existing !== null) return { action: 'replace' };
  if (candidate === 'sample' && samples >= budget.perEndpoint) return { action: 'skip', why: 'endpoint_sampled' };
  return { action: 'insert' };
}

/** Eviction order when the store is over `maxBytes`: samples before real differences, oldest first. */
export const EVICTION_ORDER: readonly CaseClass[] = ['sample', 'real'];
