// The state-database flag provider when the state is in PostgreSQL (several replicas): a committed
// stage change NOTIFYs `strangler_state`, which this replica LISTENs for on a connection of its own
// and answers with a re-read; a periodic re-read is the safety net for a missed notification.
// Losing the database keeps the last known stages (and says so in health()); it catches up on return.
import type pg from 'pg';
import type { PgSql } from '../io/db/pg-sql';
import { STATE_CHANNEL, type PgStateStore } from '../io/pg-state-store';
import type { FlagProvider } from './provider';
import { SnapshotFlags } from './snapshot';

export interface PostgresFlagOptions {
  readonly store: PgStateStore;
  readonly pg: PgSql;
  /** Re-read period, also how often a lost database is tried again. */
  readonly pollMs: number;
  readonly onError?: (err: unknown) => void;
  /** Called when the database is lost (false) and when it is back (true). */
  readonly onConnectivity?: (connected: boolean) => void;
  readonly now?: () => Date;
}

/** What /healthz and /metrics tell about the state database. */
export interface StateHealth {
  readonly engine: 'postgres';
  readonly connected: boolean;
  /** Since when it is connected or lost (ISO). */
  readonly since: string;
  /** Last time the stages were read (ISO); while lost, the stages served are as of then. */
  readonly lastSyncAt: string | null;
  readonly error: string | null;
}

export class PostgresFlagProvider extends SnapshotFlags implements FlagProvider {
  readonly kind = 'postgres' as const;
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | null = null;
  private listenClient: pg.Client | null = null;
  private syncing: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private state: { connected: boolean; since: string; lastSyncAt: string | null; error: string | null };
  private readonly backListeners: Array<() => void> = [];

  constructor(private readonly opts: PostgresFlagOptions) {
    super();
    this.now = opts.now ?? (() => new Date());
    this.state = { connected: false, since: this.now().toISOString(), lastSyncAt: null, error: null };
  }

  /** First read (start-up fails when the database is unreachable: there are no known stages yet), then LISTEN and the timer. */
  async ready(): Promise<void> {
    this.snapshot.replace(await this.opts.store.states());
    this.markUp();
    await this.listen().catch((err) => this.markDown(err));
    this.timer = setInterval(() => { void this.sync(); }, this.opts.pollMs);
    this.timer.unref();
  }

  /** Calls `fn` each time the database is reachable again after it was lost (not at the first read). */
  onReachableAgain(fn: () => void): void {
    this.backListeners.push(fn);
  }

  health(): StateHealth {
    return { engine: 'postgres', ...this.state };
  }

  /** Re-reads now (after this replica wrote a change, a notification, the timer); one read at a time. */
  reload(): Promise<void> {
    if (this.syncing) { this.again = true; return this.syncing; }
    return this.sync();
  }

  private sync(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.syncing) return this.syncing;
    this.syncing = (async () => {
      do {
        this.again = false;
        try {
          if (!this.listenClient) await this.listen(); // back after an outage: listen first, then read
          const changed = this.snapshot.replace(await this.opts.store.states());
          this.markUp();
          if (changed) this.notify();
        } catch (err) {
          this.markDown(err);
          this.again = false;
        }
      } while (this.again && !this.closed);
    })().finally(() => { this.syncing = null; });
    return this.syncing;
  }

  private async listen(): Promise<void> {
    const client = await this.opts.pg.dedicated();
    const lost = (err?: unknown): void => {
      if (this.listenClient !== client) return;
      this.listenClient = null;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (!this.closed) this.markDown(err ?? new Error('the LISTEN connection ended'));
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (n) => { if (n.channel === STATE_CHANNEL) void this.reload(); });
    try {
      await client.query(`LISTEN ${STATE_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) { await client.end().catch(() => undefined); return; }
    this.listenClient = client;
  }

  private markUp(): void {
    const at = this.now().toISOString();
    const was = this.state.connected;
    const first = this.state.lastSyncAt === null;
    this.state = { connected: true, since: was ? this.state.since : at, lastSyncAt: at, error: null };
    if (!was && !first) {
      this.opts.onConnectivity?.(true);
      for (const fn of this.backListeners) fn();
    }
  }

  private markDown(err: unknown): void {
    const message = (err as Error)?.message ?? String(err);
    const was = this.state.connected;
    this.state = { ...this.state, connected: false, since: was ? this.now().toISOString() : this.state.since, error: message };
    if (was) { this.opts.onConnectivity?.(false); this.opts.onError?.(err); }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    const client = this.listenClient;
    this.listenClient = null;
    await this.syncing?.catch(() => undefined);
    await client?.end().catch(() => undefined);
  }
}
