// The route states a state-database flag provider (SQLite or PostgreSQL) routes by: an immutable
// map swapped whole on reload (requests keep the snapshot they started with), with the sticky
// rollout bucketing of core/rollout.ts applied per request.
import { createHash } from 'node:crypto';
import type { Stage } from '../core/stages';
import { effectiveStage } from '../core/rollout';
import type { RouteStateRow } from '../io/state-api';
import type { FlagRoute, RouteState } from './provider';

const sha1Hex = (s: string): string => createHash('sha1').update(s).digest('hex');

function signature(states: ReadonlyMap<string, RouteState>): string {
  return JSON.stringify([...states].map(([name, s]) => [name, s.stage, s.rollout, s.updatedAt]));
}

export class StateSnapshot {
  private states: ReadonlyMap<string, RouteState> = new Map();
  private sig = signature(this.states);

  stageFor(route: FlagRoute, contextKey: string | null, sample: () => number): Stage {
    const state = this.states.get(route.name);
    if (!state) return route.defaultStage;
    if (!state.rollout) return state.stage;
    return effectiveStage(state, route.name, contextKey, sha1Hex, sample);
  }

  describe(route: FlagRoute): RouteState {
    return this.states.get(route.name) ?? { stage: route.defaultStage, rollout: null, updatedAt: null };
  }

  /** Swaps in the stored rows; true when a stage or rollout changed. */
  replace(rows: ReadonlyMap<string, RouteStateRow>): boolean {
    const next = new Map<string, RouteState>();
    for (const [name, row] of rows) next.set(name, Object.freeze({ stage: row.stage, rollout: row.rollout, updatedAt: row.updatedAt }));
    const sig = signature(next);
    const changed = sig !== this.sig;
    this.states = next;
    this.sig = sig;
    return changed;
  }
}

/**
 * What the two state-database providers (sqlite.ts, postgres.ts) share: requests read the current
 * snapshot; a re-read swaps it (`snapshot.replace`) and, when a stage changed, tells the listeners. Each subclass decides
 * when to re-read (a poll of SQLite's data_version; PostgreSQL's NOTIFY and a timer).
 */
export abstract class SnapshotFlags {
  protected readonly snapshot = new StateSnapshot();
  private readonly listeners = new Set<() => void>();

  stageFor(route: FlagRoute, contextKey: string | null, sample: () => number): Stage {
    return this.snapshot.stageFor(route, contextKey, sample);
  }

  describe(route: FlagRoute): RouteState {
    return this.snapshot.describe(route);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells the listeners that a re-read changed a stage or rollout. */
  protected notify(): void {
    for (const l of this.listeners) l();
  }
}
