// The walkthrough's traffic generator: shoppers (x-user-id contexts) reading stock, reserving and
// releasing it, and placing orders on the monolith, through the facade with bounded concurrency.
// A seeded PRNG picks the actions, a steady rate paces them; a cli-progress bar on a TTY, one line otherwise.
import { mulberry32 } from '../../monolith/src/seed-data';
import { setTimeout as sleep } from 'node:timers/promises';
import { Presets, SingleBar } from 'cli-progress';

/** SKUs to aim at: out-of-stock ones make the inventory service's seeded bug visible. */
export interface SkuPool {
  readonly inStock: readonly string[];
  readonly outOfStock: readonly string[];
}

export type Action = 'read' | 'reserve' | 'release' | 'order';

export interface TrafficPlan {
  readonly label: string;
  /** Actions to perform (plus a release for every reservation still open at the end). */
  readonly actions: number;
  /** Relative weights of the actions; a release with no open reservation becomes a reserve. */
  readonly mix: Readonly<Partial<Record<Action, number>>>;
  /** Share of reads aimed at out-of-stock SKUs (default 0.2). */
  readonly outOfStockShare?: number;
  /** Distinct x-user-id contexts (default 500). */
  readonly users?: number;
  readonly concurrency?: number;
  /** Actions started per second at most (default: as fast as the stack answers). */
  readonly rate?: number;
  readonly seed?: number;
}

export interface TrafficResult {
  readonly requests: number;
  readonly byAction: Readonly<Record<Action, number>>;
  /** Requests by the `x-strangler-side` response header (unrouted requests count as `monolith`). */
  readonly answeredBy: Readonly<Record<string, number>>;
  readonly statuses: Readonly<Record<string, number>>;
  /** Requests that got no answer or a 5xx. */
  readonly failures: number;
  /** SKUs the orders were placed for. */
  readonly orderedSkus: readonly string[];
  /** SKUs reserved or released through the facade. */
  readonly writtenSkus: readonly string[];
  readonly durationMs: number;
}


interface Tally {
  requests: number;
  failures: number;
  byAction: Record<Action, number>;
  answeredBy: Record<string, number>;
  statuses: Record<string, number>;
  ordered: Set<string>;
  written: Set<string>;
}

/**
 * A SKU just written is left alone for this long. The client gets its answer before the facade's
 * second write lands on the other side; touching the SKU again at once would compare timing (a read
 * between the two writes, or two writes overtaking each other), not behaviour.
 */
const COOLDOWN_MS = 400;

/** Which SKUs are free to touch, and the reservations waiting for their release. */
class Shelf {
  private readonly busyUntil = new Map<string, number>();
  readonly open: string[] = [];

  constructor(private readonly random: () => number) {}

  /**
   * A random SKU of `list` that is not cooling down, waiting if every one is. A read also leaves alone
   * a SKU with a reservation still open: what it reads would be true only until the release, so a
   * case recorded from it could not be replayed later against the same data (step 6).
   */
  async take(list: readonly string[], signal?: AbortSignal, forRead = false): Promise<string> {
    // Only while it can wait: with every SKU reserved, reads would otherwise block the releases behind them.
    const avoidOpenUntil = forRead ? Date.now() + 1000 : 0;
    for (;;) {
      for (let i = 0; i < 20; i++) {
        const sku = list[Math.floor(this.random() * list.length)];
        if (this.free(sku) && !(Date.now() < avoidOpenUntil && this.open.includes(sku))) return sku;
      }
      await sleep(20, undefined, { signal });
    }
  }

  free(sku: string): boolean {
    return (this.busyUntil.get(sku) ?? 0) <= Date.now();
  }

  hold(sku: string): void {
    this.busyUntil.set(sku, Infinity);
  }

  release(sku: string): void {
    this.busyUntil.set(sku, Date.now() + COOLDOWN_MS);
  }

  /** The oldest open reservation whose SKU is free again, removed from the list. */
  takeOpen(): string | null {
    const i = this.open.findIndex((sku) => this.free(sku));
    return i < 0 ? null : this.open.splice(i, 1)[0];
  }
}

/** Sends `plan` to the facade at `base` and resolves when every action is done. */
export async function driveTraffic(base: string, skus: SkuPool, plan: TrafficPlan, out: NodeJS.WritableStream, signal?: AbortSignal): Promise<TrafficResult> {
  // The seed's PRNG, so every run sends the same traffic.
  const random = mulberry32(plan.seed ?? 42);
  const shelf = new Shelf(random);
  const weights = Object.entries(plan.mix) as [Action, number][];
  const totalWeight = weights.reduce((s, [, w]) => s + w, 0);
  const chooseAction = (): Action => {
    let r = random() * totalWeight;
    for (const [a, w] of weights) if ((r -= w) < 0) return a;
    return weights[weights.length - 1][0];
  };
  const tally: Tally = { requests: 0, failures: 0, byAction: { read: 0, reserve: 0, release: 0, order: 0 }, answeredBy: {}, statuses: {}, ordered: new Set(), written: new Set() };
  const bar = (out as { isTTY?: boolean }).isTTY
    ? new SingleBar({ format: `  ${plan.label} [{bar}] {value}/{total} actions | {rps} req/s`, stream: out, hideCursor: true }, Presets.shades_classic)
    : null;
  const started = Date.now();
  bar?.start(plan.actions, 0, { rps: 0 });
  let next = 0;
  const user = (): string => `user-${1 + Math.floor(random() * (plan.users ?? 500))}`;
  const write = async (action: Exclude<Action, 'read'>, sku: string): Promise<void> => {
    shelf.hold(sku);
    await perform(base, action, sku, user(), tally, shelf, signal);
    shelf.release(sku);
    tally.byAction[action] += 1;
  };
  const act = async (action: Action): Promise<void> => {
    if (action === 'release') {
      const sku = shelf.takeOpen();
      return sku === null ? act('reserve') : write('release', sku);
    }
    if (action !== 'read') return write(action, await shelf.take(skus.inStock, signal));
    const outOfStock = skus.outOfStock.length > 0 && random() < (plan.outOfStockShare ?? 0.2);
    await perform(base, 'read', await shelf.take(outOfStock ? skus.outOfStock : skus.inStock, signal, true), user(), tally, shelf, signal);
    tally.byAction.read += 1;
  };
  const worker = async (): Promise<void> => {
    while (next < plan.actions && !signal?.aborted) {
      // A steady rate, not a flood: latency figures taken on a saturated machine measure the machine.
      const due = plan.rate ? started + (next * 1000) / plan.rate : 0;
      next += 1;
      if (due > Date.now()) await sleep(due - Date.now(), undefined, { signal });
      await act(chooseAction());
      bar?.increment(1, { rps: Math.round(tally.requests / Math.max(0.001, (Date.now() - started) / 1000)) });
    }
    // Every reservation made here is released again, so stock levels stay put across phases.
    while (shelf.open.length > 0 && !signal?.aborted) {
      const sku = shelf.takeOpen();
      if (sku === null) await sleep(20, undefined, { signal });
      else await write('release', sku);
    }
  };
  try {
    await Promise.all(Array.from({ length: plan.concurrency ?? 8 }, worker));
  } finally {
    bar?.stop();
  }
  const durationMs = Date.now() - started;
  const result = { ...tally, orderedSkus: [...tally.ordered], writtenSkus: [...tally.written], durationMs };
  out.write(`  ${plan.label}: ${describeTraffic(result)}\n`);
  return result;
}

/** `600 requests in 2.1 s (285 req/s): 480 reads, 60 reserves, 60 releases, 0 orders; answered by monolith 600` */
export function describeTraffic(r: Omit<TrafficResult, 'orderedSkus' | 'writtenSkus'>): string {
  const secs = r.durationMs / 1000;
  const sides = Object.entries(r.answeredBy).sort().map(([side, n]) => `${side} ${n}`).join(', ');
  const failed = r.failures > 0 ? `; ${r.failures} failed` : '';
  return `${r.requests} requests in ${secs.toFixed(1)} s (${Math.round(r.requests / Math.max(secs, 0.001))} req/s): ` +
    `${r.byAction.read} reads, ${r.byAction.reserve} reserves, ${r.byAction.release} releases, ${r.byAction.order} orders; ` +
    `answered by ${sides || 'nobody'}${failed}`;
}

async function perform(base: string, action: Action, sku: string, user: string, tally: Tally, shelf: Shelf, signal?: AbortSignal): Promise<void> {
  const headers = { 'x-user-id': user, 'content-type': 'application/json' };
  const quantity = JSON.stringify({ quantity: 1 });
  if (action === 'read') {
    await send(tally, `${base}/api/inventory/${sku}`, { headers }, signal);
  } else if (action === 'reserve') {
    const status = await send(tally, `${base}/api/inventory/${sku}/reserve`, { method: 'POST', headers, body: quantity }, signal);
    if (status === 200) shelf.open.push(sku);
    tally.written.add(sku);
  } else if (action === 'release') {
    await send(tally, `${base}/api/inventory/${sku}/release`, { method: 'POST', headers, body: quantity }, signal);
    tally.written.add(sku);
  } else {
    // Orders are not routed: the facade passes them to the monolith, which decrements stock itself.
    const body = JSON.stringify({ items: [{ sku, quantity: 1 }] });
    const status = await send(tally, `${base}/api/orders`, { method: 'POST', headers, body }, signal);
    if (status === 201) tally.ordered.add(sku);
  }
}

async function send(tally: Tally, url: string, init: RequestInit, signal?: AbortSignal): Promise<number | null> {
  tally.requests += 1;
  try {
    // No AbortSignal per request: undici keeps a listener on it until GC, and a walkthrough sends thousands.
    const res = await fetch(url, init);
    await res.arrayBuffer();
    const side = res.headers.get('x-strangler-side') ?? 'monolith';
    tally.answeredBy[side] = (tally.answeredBy[side] ?? 0) + 1;
    tally.statuses[res.status] = (tally.statuses[res.status] ?? 0) + 1;
    if (res.status >= 500) tally.failures += 1;
    return res.status;
  } catch (err) {
    if (signal?.aborted) throw err;
    tally.failures += 1;
    tally.statuses.none = (tally.statuses.none ?? 0) + 1;
    return null;
  }
}
