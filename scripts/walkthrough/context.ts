// What every walkthrough step receives: the running stack, the narrator, the traffic sizes of this
// mode (--fast or full), and small helpers over the facade (wait for a stage, read metrics) and the
// state database (comparisons of a time window), so the steps read as the story they tell.
import Database from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Stack } from '../stack';
import type { Narrator } from './narrator';
import { driveTraffic, type SkuPool, type TrafficPlan, type TrafficResult } from './traffic';

/** How much traffic each phase sends (actions; a reserve action is a reserve and a release). */
export interface Sizes {
  readonly seedProducts: number;
  readonly dualwrite: number;
  readonly shadowBuggy: number;
  readonly shadowFixed: number;
  readonly tenPercent: number;
  readonly live: number;
  readonly rampdown: number;
  readonly complete: number;
  readonly concurrency: number;
  /** Actions per second the traffic generator starts. */
  readonly rate: number;
}

// The gate wants 0 mismatches in at least ~381 comparisons (Wilson upper bound <= 1 % at 95 %); with
// ~750 it still passes with one, so a stray timing difference cannot stop a --fast run at a gate.
export const FAST: Sizes = { seedProducts: 2000, dualwrite: 160, shadowBuggy: 600, shadowFixed: 720, tenPercent: 250, live: 720, rampdown: 900, complete: 200, concurrency: 8, rate: 300 };
export const FULL: Sizes = { seedProducts: 10_000, dualwrite: 600, shadowBuggy: 1500, shadowFixed: 1500, tenPercent: 1000, live: 1500, rampdown: 1200, complete: 600, concurrency: 8, rate: 300 };

export type OutcomeCounts = Record<'match' | 'mismatch' | 'noise' | 'skipped' | 'error' | 'divergence', number>;

export const ROUTE = 'inventory';

/** One `strangler replay` the walkthrough ran (step 6): which build, its exit code and what it printed last. */
export interface ReplayRun {
  readonly build: 'unfixed' | 'fixed';
  readonly target: string;
  readonly code: number;
  /** The replay's summary line: `67 cases: 67 passed, 0 failed, …: PASSED`. */
  readonly summary: string;
  /** Each way the cases failed with its count: `fail: real $.warehouse (47)`. */
  readonly failures: readonly string[];
}

export class WalkthroughContext {
  /** When the fixed build started being compared (the start of the report window that must be clean). */
  fixedAt: Date | null = null;
  /** Mismatches per field recorded in step 3, while the order drift was still there. */
  dualwriteFields: ReadonlyMap<string, number> = new Map();
  /** One write as each side stamped it (step 3), the evidence behind the `$.updated_at` decision. */
  stamps: { readonly sku: string; readonly monolith: string; readonly service: string } | null = null;
  /** The replays of the recorded cases (step 6), in the order they ran. */
  readonly replays: ReplayRun[] = [];
  /** Processes the steps started beside the stack (the throwaway build), stopped by the step itself. */
  readonly pids: number[] = [];
  private readonly db: Database.Database;

  constructor(
    readonly stack: Stack,
    readonly narrator: Narrator,
    readonly sizes: Sizes,
    readonly skus: SkuPool,
    readonly signal: AbortSignal,
    /** The facade's admin token: reading a route from the admin API needs it. */
    private readonly adminToken = '',
  ) {
    this.db = new Database(stack.stateDb, { readonly: true, fileMustExist: true });
  }

  /** Sends traffic through the facade, then waits until its comparisons are stored. */
  async traffic(plan: Omit<TrafficPlan, 'concurrency' | 'rate'>): Promise<TrafficResult> {
    const result = await driveTraffic(this.stack.urls.facade, this.skus, { concurrency: this.sizes.concurrency, rate: this.sizes.rate, ...plan }, this.narrator.out, this.signal);
    this.signal.throwIfAborted();
    await this.settle();
    return result;
  }

  /** Waits (up to 5 s) until the facade has applied the route's stored stage and rollout. */
  async waitForStage(stage: string, rollout: { stage: string; percent: number } | null = null): Promise<void> {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const res = await fetch(`${this.stack.urls.admin}/routes/${ROUTE}`, { headers: { authorization: `Bearer ${this.adminToken}` } });
      const view = (await res.json()) as { stage: string; rollout: { stage: string; percent: number } | null };
      if (view.stage === stage && JSON.stringify(view.rollout) === JSON.stringify(rollout)) return;
      await sleep(100, undefined, { signal: this.signal });
    }
    throw new Error(`the facade did not apply ${ROUTE} = ${stage} within 5 s`);
  }

  /** Comparisons of the route stored at or after `since` (and before `until`), by outcome. */
  outcomes(since: Date, until?: Date): OutcomeCounts {
    const counts: OutcomeCounts = { match: 0, mismatch: 0, noise: 0, skipped: 0, error: 0, divergence: 0 };
    if (!this.hasComparisons()) return counts;
    const rows = this.db.prepare(`SELECT outcome, COUNT(*) AS n FROM comparisons WHERE route = ? AND at >= ? AND at < ?
      AND (reason IS NULL OR reason <> 'noise_sample') GROUP BY outcome`)
      .all(ROUTE, since.toISOString(), until ? until.toISOString() : '9999') as { outcome: keyof OutcomeCounts; n: number }[];
    for (const r of rows) counts[r.outcome] = r.n;
    return counts;
  }

  /** The facade's Prometheus text, summed per metric over the label sets that match `labels`. */
  async metric(name: string, labels: Record<string, string>): Promise<number> {
    const text = await (await fetch(`${this.stack.urls.admin}/metrics`)).text();
    let sum = 0;
    for (const m of text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm'))) {
      const have = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
      if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[2]);
    }
    return sum;
  }

  /** Waits until no new comparison has been stored for a moment (shadows and batches settle). */
  async settle(): Promise<void> {
    let last = -1;
    for (let i = 0; i < 40; i++) {
      const now = this.hasComparisons() ? (this.db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM comparisons').get() as { id: number }).id : 0;
      if (now === last) return;
      last = now;
      await sleep(250, undefined, { signal: this.signal });
    }
  }

  private hasComparisons(): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'comparisons'").get() !== undefined;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** One step of the walkthrough after the stack is up: a heading and what it does. */
export interface Step {
  readonly title: string;
  /** A word or two for the summary table. */
  readonly short: string;
  run(ctx: WalkthroughContext): Promise<void>;
}

/** The one-line rollback every step ends with. */
export function rollbackHint(ctx: WalkthroughContext, text: string): void {
  ctx.narrator.say(`Rollback: ${text}`);
}
