// The embedded default flag provider: stages live in the state database. A poll of
// `PRAGMA data_version` (a cheap read) notices commits from other processes (CLI, admin API of
// another worker) and swaps in a new snapshot; requests keep the snapshot they started with.
import type { Stage } from '../core/stages';
import type { StateStore } from '../io/state-store';
import type { FlagProvider, FlagRoute, RouteState } from './provider';
import { StateSnapshot } from './snapshot';

export interface SqliteFlagOptions {
  readonly store: StateStore;
  readonly pollMs: number;
  readonly onError?: (err: unknown) => void;
}

export class SqliteFlagProvider implements FlagProvider {
  readonly kind = 'sqlite' as const;
  private readonly snapshot = new StateSnapshot();
  private version = -1;
  private readonly listeners = new Set<() => void>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly opts: SqliteFlagOptions) {
    this.reload();
    this.timer = setInterval(() => this.poll(), opts.pollMs);
    this.timer.unref();
  }

  async ready(): Promise<void> {}

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

  /**
   * Re-reads now (also used after this process itself wrote a change, so it applies at once).
   * Returns true when a stage or rollout changed: other commits (comparisons written by other
   * workers) also move data_version, and must not count as flag reloads.
   */
  reload(): boolean {
    this.version = this.opts.store.dataVersion();
    return this.snapshot.replace(this.opts.store.states());
  }

  private poll(): void {
    try {
      if (this.opts.store.dataVersion() === this.version) return;
      if (!this.reload()) return;
      for (const l of this.listeners) l();
    } catch (err) {
      // A locked or briefly unreadable file must not stop routing: keep the last snapshot.
      this.opts.onError?.(err);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
  }
}
