// The one interface every flag provider implements: where a route's migration stage comes from.
// The pipeline asks it once per request; providers keep their own snapshot so that lookups are cheap.
import type { Stage } from '../core/stages';

/** What the facade needs to know of a route to ask for its stage. */
export interface FlagRoute {
  readonly name: string;
  /** LaunchDarkly flag key (defaults to `strangler-<name>` in config). */
  readonly flagKey: string;
  /** Stage used when the provider has no value for the route (new route, provider unreachable). */
  readonly defaultStage: Stage;
}

/** A route's stored position: a base stage, optionally with a share of contexts held at another stage. */
export interface RouteState {
  readonly stage: Stage;
  readonly rollout: { readonly stage: Stage; readonly percent: number } | null;
  readonly updatedAt: string | null;
}

export interface FlagProvider {
  readonly kind: 'sqlite' | 'postgres' | 'launchdarkly';
  /** Resolves once the provider has its first snapshot (or has given up and uses defaults). */
  ready(): Promise<void>;
  /**
   * The stage this request runs at. `contextKey` is the sticky bucketing key (null: bucket per
   * request with `sample`, a number in [0, 1)).
   */
  stageFor(route: FlagRoute, contextKey: string | null, sample: () => number): Stage | Promise<Stage>;
  /** The stored state per route, for listings (admin API, CLI). */
  describe(route: FlagRoute): RouteState;
  /** Subscribe to reloads (another process changed a stage); returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  close(): Promise<void>;
}
