// The soak's history: what a facade in front of a shop would have recorded over N days, written
// through the stores' own write paths on an accelerated clock. Per route and simulated minute a
// sample of comparisons (the diff store writer's write, so facts, endpoint evidence and minute counts are
// the writer's own), stage changes with rollouts (StateStore.change: the audit log), and second
// writes the service missed (DivergenceStore.add; most settled a day later, some left open).
import type { ComparisonRecord, FieldFact } from '../../facade/src/core/comparison';
import type { Stage } from '../../facade/src/core/stages';
import type { ComparisonWriter } from '../../facade/src/io/diff-store/writer';
import type { DivergenceStore } from '../../facade/src/io/divergence-store';
import type { RouteStateStore } from '../../facade/src/io/state-api';

export interface HistoryShape {
  readonly routes: readonly string[];
  readonly endpointsPerRoute: number;
  /** Comparisons recorded per route and minute (a sample of the traffic; the minute counts are complete for it). */
  readonly perMinute: number;
  /** Divergences per route and day on the route that has writes (the last one). */
  readonly divergencesPerDay: number;
}

/** mulberry32: a small seeded generator, so two soaks write the same history. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A stage change at `day` (from the start) of route index `route`. */
interface Move { day: number; route: number; stage: Stage; percent?: number; reason: string }

/** The migration each route goes through: the first stays at shadow, the second goes live by a rollout. */
const MOVES: readonly Move[] = [
  ...[0, 1, 2].flatMap((route): Move[] => [
    { day: 0, route, stage: 'dualwrite', reason: 'service deployed, backfill verified' },
    { day: 1 + route, route, stage: 'shadow', reason: 'compare reads' },
  ]),
  { day: 30, route: 1, stage: 'live', percent: 10, reason: 'gate passed: 10 % of users on the service' },
  { day: 37, route: 1, stage: 'live', percent: 50, reason: 'no new findings' },
  { day: 45, route: 1, stage: 'live', reason: 'all users on the service' },
];

const fact = (field: string, primary: unknown, shadow: unknown, hash: string): FieldFact =>
  ({ path: field, field, kind: 'changed', primary, shadow, primaryHash: hash, generated: null });

export class HistoryWriter {
  private readonly random: () => number;
  private readonly stages: Stage[];
  private seq = 0;
  private readonly pending: Array<{ id: number; settleAt: number }> = [];
  readonly counts = { comparisons: 0, divergences: 0, settled: 0, moves: 0 };

  constructor(
    private readonly shape: HistoryShape,
    private readonly start: number,
    private readonly stores: { writer: ComparisonWriter; state: RouteStateStore; divergences: DivergenceStore },
    seed = 18,
  ) {
    this.random = seeded(seed);
    this.stages = shape.routes.map(() => 'off');
  }

  /** Records of one simulated minute (every route), stage changes and divergences due by then. */
  async minute(t: number): Promise<ComparisonRecord[]> {
    const day = Math.floor((t - this.start) / DAY);
    if (t % DAY === this.start % DAY) await this.applyMoves(day);
    const records: ComparisonRecord[] = [];
    this.shape.routes.forEach((route, r) => {
      if (this.stages[r] === 'off' || this.stages[r] === 'dualwrite') return;
      for (let i = 0; i < this.shape.perMinute; i++) records.push(this.comparison(route, r, t + Math.floor((i + this.random()) * (MINUTE / this.shape.perMinute))));
    });
    const writes = this.shape.routes.length - 1;
    if (this.random() < this.shape.divergencesPerDay / 1440) records.push(await this.divergence(this.shape.routes[writes], writes, t + 30_000));
    await this.settleDue(t);
    this.counts.comparisons += records.length;
    return records;
  }

  private async applyMoves(day: number): Promise<void> {
    for (const m of MOVES.filter((x) => x.day === day && x.route < this.shape.routes.length)) {
      await this.stores.state.change({ route: this.shape.routes[m.route], stage: m.stage, percent: m.percent, actor: 'soak', reason: m.reason, defaultStage: 'off' });
      if (m.percent === undefined) this.stages[m.route] = m.stage;
      this.counts.moves++;
    }
  }

  /** One read comparison: mostly matches; a price bug on the first endpoints, an `updatedAt` that is noise. */
  private comparison(route: string, r: number, at: number): ComparisonRecord {
    const n = ++this.seq;
    const e = n % this.shape.endpointsPerRoute;
    const live = this.stages[r] === 'live';
    const roll = this.random();
    const base: ComparisonRecord = {
      at: new Date(at).toISOString(), route, endpoint: `GET /api/${route}/e${e}/:id`, stage: this.stages[r], kind: 'read', method: 'GET',
      path: `/api/${route}/e${e}/${n}`, requestId: `soak-${n}`, primarySide: live ? 'service' : 'monolith', primaryStatus: 200, shadowStatus: 200,
      primaryMs: 3 + Math.round(this.random() * 40), shadowMs: 4 + Math.round(this.random() * 60), outcome: 'match', reason: null,
      facts: [], reasked: false, selfFields: [], diff: '', detail: null,
    };
    if (e < 3 && roll < 0.3) {
      return { ...base, outcome: 'mismatch', reasked: true, reasks: 3, facts: [fact('$.price', '1.00', '1.10', 'p100')],
        diff: '@@ -2 +2 @@\n-  "price": "1.00",\n+  "price": "1.10",\n' };
    }
    if (e >= 3 && e < 8 && roll < 0.5) {
      const when = (ms: number): string => new Date(at - ms).toISOString();
      return { ...base, outcome: 'noise', reasked: true, selfFields: ['$.updatedAt'], facts: [fact('$.updatedAt', when(0), when(900), `u${n}`)] };
    }
    if (roll > 0.995) return { ...base, outcome: 'error', reason: 'service_UPSTREAM_TIMEOUT', shadowStatus: null, shadowMs: null };
    if (roll > 0.99) return { ...base, outcome: 'skipped', reason: 'too_large', shadowMs: null };
    return base;
  }

  /** A second write the service answered 503: the divergence (with its sealed request) and its comparison record. */
  private async divergence(route: string, r: number, at: number): Promise<ComparisonRecord> {
    const n = ++this.seq;
    const path = `/api/${route}/${n}`;
    const id = await this.stores.divergences.add({
      at: new Date(at).toISOString(), route, stage: this.stages[r], requestId: `soak-${n}`, side: 'service', upstream: route, reason: 'second_write_status_503',
      path, request: { method: 'PUT', target: path, headers: { 'content-type': 'application/json', authorization: 'Bearer soak' }, body: Buffer.from(`{"qty":${n % 7}}`) },
      bodyBytes: 9, primaryStatus: 200, secondStatus: 503, secondError: null,
    });
    this.counts.divergences++;
    // Nine in ten are settled a day later (with an audit entry); the rest stay open for ever.
    if (this.random() < 0.9) this.pending.push({ id, settleAt: at + DAY });
    return {
      at: new Date(at).toISOString(), route, endpoint: `PUT /api/${route}/:id`, stage: this.stages[r], kind: 'write', method: 'PUT', path, requestId: `soak-${n}`,
      primarySide: 'monolith', primaryStatus: 200, shadowStatus: 503, primaryMs: 12, shadowMs: 8, outcome: 'divergence', reason: 'second_write_status_503',
      facts: [], reasked: false, selfFields: [], diff: '', detail: null,
    };
  }

  private async settleDue(t: number): Promise<void> {
    while (this.pending.length > 0 && this.pending[0].settleAt <= t) {
      const { id } = this.pending.shift()!;
      const at = new Date(t).toISOString();
      const route = this.shape.routes[this.shape.routes.length - 1];
      await this.stores.divergences.settle(id, { status: 'resolved', at, by: 'soak', reason: 'fixed in the service', attempted: false, outcome: null },
        { at, actor: 'soak', route, stage: this.stages[this.shape.routes.length - 1], reason: 'divergence resolved', details: { id } });
      this.counts.settled++;
    }
  }
}
