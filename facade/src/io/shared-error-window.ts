// The auto-rollback error window when several replicas share one PostgreSQL: each replica counts the
// service's outcomes in memory per time slot and adds them to `service_outcomes` in small batches;
// a route is judged on the sum over every replica (same slots and figures as core/error-window.ts).
// Replicas' clocks are assumed in step (NTP); a slot is windowMs / 60.
import type { WindowFigures } from '../core/error-window';
import type { Sql } from './db/sql';

interface Count { requests: number; failures: number; firstAt: number }

const EMPTY: WindowFigures = Object.freeze({ requests: 0, failures: 0, rate: 0, oldestAt: null });

export class SharedErrorWindow {
  private readonly slotMs: number;
  /** route → slot → counts not yet written. */
  private pending = new Map<string, Map<number, Count>>();

  constructor(private readonly sql: Sql, private readonly replica: string, readonly windowMs: number, readonly slots = 60) {
    this.slotMs = windowMs / slots;
  }

  private slotOf(at: number): number {
    return Math.floor(at / this.slotMs);
  }

  /** Counts one outcome in memory (no I/O: called on every finished request). */
  record(route: string, failed: boolean, at: number): void {
    let perSlot = this.pending.get(route);
    if (!perSlot) this.pending.set(route, (perSlot = new Map()));
    const slot = this.slotOf(at);
    const c = perSlot.get(slot);
    if (c) {
      c.requests++;
      if (failed) c.failures++;
    } else {
      perSlot.set(slot, { requests: 1, failures: failed ? 1 : 0, firstAt: at });
    }
  }

  hasPending(): boolean {
    return this.pending.size > 0;
  }

  /**
   * Adds the pending counts to the shared table (one transaction) and returns the routes whose
   * counts held a failure. When the database is unreachable the counts stay pending (those that
   * have left the window are dropped, so memory stays bounded) and the error is thrown.
   */
  async flush(now: number): Promise<Set<string>> {
    const batch = this.pending;
    this.pending = new Map();
    const failing = new Set<string>();
    try {
      await this.sql.transaction(async (tx) => {
        for (const [route, perSlot] of batch) {
          for (const [slot, c] of perSlot) {
            await tx.run(`INSERT INTO service_outcomes (route, slot, replica, requests, failures, first_at) VALUES (?, ?, ?, ?, ?, ?)
              ON CONFLICT (route, slot, replica) DO UPDATE SET requests = service_outcomes.requests + excluded.requests,
                failures = service_outcomes.failures + excluded.failures, first_at = LEAST(service_outcomes.first_at, excluded.first_at)`,
            [route, slot, this.replica, c.requests, c.failures, c.firstAt]);
            if (c.failures > 0) failing.add(route);
          }
        }
      });
    } catch (err) {
      this.restore(batch, now);
      throw err;
    }
    return failing;
  }

  private restore(batch: Map<string, Map<number, Count>>, now: number): void {
    const oldest = this.slotOf(now) - this.slots;
    for (const [route, perSlot] of batch) {
      for (const [slot, c] of perSlot) {
        if (slot <= oldest) continue;
        let mine = this.pending.get(route);
        if (!mine) this.pending.set(route, (mine = new Map()));
        const newer = mine.get(slot);
        mine.set(slot, newer
          ? { requests: newer.requests + c.requests, failures: newer.failures + c.failures, firstAt: Math.min(newer.firstAt, c.firstAt) }
          : c);
      }
    }
  }

  /** The route's figures summed over every replica, as of `now`. */
  async figures(route: string, now: number): Promise<WindowFigures> {
    const current = this.slotOf(now);
    const row = await this.sql.get<{ requests: number | null; failures: number | null; oldest: number | null }>(
      `SELECT SUM(requests) AS requests, SUM(failures) AS failures, MIN(first_at) AS oldest
       FROM service_outcomes WHERE route = ? AND slot > ? AND slot <= ?`, [route, current - this.slots, current]);
    const requests = Number(row?.requests ?? 0);
    if (requests === 0) return EMPTY;
    const failures = Number(row?.failures ?? 0);
    return { requests, failures, rate: failures / requests, oldestAt: Number(row!.oldest) };
  }

  /** Forgets every replica's counts for the route up to now (the evidence of a decision is used up). */
  async reset(route: string, now: number): Promise<void> {
    await this.sql.run('DELETE FROM service_outcomes WHERE route = ? AND slot <= ?', [route, this.slotOf(now)]);
  }

  /** Drops counts that have left the window (any replica may do it). */
  async prune(now: number): Promise<void> {
    await this.sql.run('DELETE FROM service_outcomes WHERE slot <= ?', [this.slotOf(now) - this.slots]);
  }
}
