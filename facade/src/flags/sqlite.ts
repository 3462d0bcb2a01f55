// The embedded default flag provider: stages live in the state database. A poll of
// `PRAGMA data_version` (a cheap read) notices commits from other processes (CLI, admin API of
// another worker) and swaps in a new snapshot; requests keep the snapshot they started with.
import type { StateStore } from '../io/state-store';
import type { FlagProvider } from './provider';
import { SnapshotFlags } from './snapshot';

export interface SqliteFlagOptions {
  readonly store: StateStore;
  readonly pollMs: number;
  readonly onError?: (err: unknown) => void;
}

export class SqliteFlagProvider extends SnapshotFlags implements FlagProvider {
  readonly kind = 'sqlite' as const;
  private version = -1;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly opts: SqliteFlagOptions) {
    super();
    this.reload();
    this.timer = setInterval(() => this.poll(), opts.pollMs);
    this.timer.unref();
  }

  async ready(): Promise<void> {}

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
      if (this.reload()) this.notify();
    } catch (err) {
      // A locked or briefly unreadable file must not stop routing: keep the last snapshot.
      this.opts.onError?.(err);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
  }
}
