// Steps 2 and 3: the service gets its data. The backfill copies and verifies every stock level;
// then `dualwrite` sends each inventory write to both sides, and orders (still in the monolith) show
// why the follow-mode backfill must keep copying the monolith's changes until the migration ends.
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import type { FieldFinding, Report } from '../../../facade/src/core/report-types';
import { ROUTE, rollbackHint, type Step, type WalkthroughContext } from '../context';

export const backfill: Step = {
  title: 'backfill the inventory service',
  short: 'backfill',
  async run(ctx) {
    const { narrator } = ctx;
    narrator.say(
      'The inventory service was deployed with an empty database. The backfill copies the monolith\'s `inventory` table ' +
      'into the service\'s `stock_levels` (through the same mapping the service\'s anti-corruption layer uses), in ' +
      'resumable batches, then compares the row counts and a sample of rows field by field.',
    );
    await narrator.cli(['backfill', ROUTE]);
    narrator.say('Counts match and the sample is clean, so the service can start receiving writes.');
    await narrator.cli(['route', 'list']);
    rollbackHint(ctx, 'nothing to undo: no traffic reaches the service at `off`; the backfill can be rerun at any time (it is idempotent), `--restart` copies everything again.');
  },
};

interface Drift {
  readonly sku: string;
  readonly monolith: number;
  readonly service: number;
}

/** on_hand of each SKU asked of the monolith and of the service directly (not through the facade). */
async function drift(ctx: WalkthroughContext, skus: readonly string[]): Promise<Drift[]> {
  const onHand = async (base: string, sku: string): Promise<number> => {
    const res = await fetch(`${base}/api/inventory/${sku}`);
    return ((await res.json()) as { on_hand: number }).on_hand;
  };
  const rows = await Promise.all(skus.map(async (sku) => ({
    sku, monolith: await onHand(ctx.stack.urls.monolith, sku), service: await onHand(ctx.stack.urls.inventory, sku),
  })));
  return rows.filter((r) => r.monolith !== r.service);
}

/** How each side stamped its last write of `sku`, read from each side's own database. */
function stamps(ctx: WalkthroughContext, sku: string): { sku: string; monolith: string; service: string } {
  const read = (file: string, sql: string): string => {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).pluck().get(sku) as string;
    } finally {
      db.close();
    }
  };
  return {
    sku,
    monolith: read(ctx.stack.dbs.monolith, 'SELECT updated_at FROM inventory WHERE sku = ?'),
    service: read(ctx.stack.dbs.inventory, 'SELECT last_changed_at FROM stock_levels WHERE sku = ?'),
  };
}

/** A field's findings summed over the route's endpoints (report v2 counts per endpoint and field). */
export interface FieldTotal {
  readonly field: string;
  /** The worst class the field has on any endpoint (real, then unjudged, generated, noise, ignored). */
  readonly class: FieldFinding['class'];
  /** Comparisons that differed at the field, over all endpoints. */
  readonly count: number;
  readonly endpoints: readonly string[];
  /** The newest example of the worst class. */
  readonly example: FieldFinding['example'];
}

const WORST: Readonly<Record<FieldFinding['class'], number>> = { real: 0, unjudged: 1, generated: 2, noise: 3, ignored: 4 };

/** Every differing field of the route so far, from `strangler report --json`, most comparisons first. */
export async function fieldTotals(ctx: WalkthroughContext): Promise<FieldTotal[]> {
  const run = await ctx.narrator.cli(['report', ROUTE, '--json'], { quiet: true });
  const report = JSON.parse(run.stdout) as Report;
  const totals = new Map<string, FieldTotal>();
  for (const e of report.routes.find((r) => r.route === ROUTE)?.endpoints ?? []) {
    for (const f of e.fields) {
      const seen = totals.get(f.field);
      const leads = !seen || WORST[f.class] < WORST[seen.class] || (f.class === seen.class && f.example.at > seen.example.at);
      totals.set(f.field, {
        field: f.field, count: (seen?.count ?? 0) + f.count, endpoints: [...(seen?.endpoints ?? []), e.endpoint],
        class: leads ? f.class : seen.class, example: leads ? f.example : seen.example,
      });
    }
  }
  return [...totals.values()].sort((a, b) => b.count - a.count || a.field.localeCompare(b.field));
}

/** Differences per field so far that are neither noise, generated values nor ignored (real or unjudged). */
export async function mismatchCounts(ctx: WalkthroughContext): Promise<Map<string, number>> {
  const fields = (await fieldTotals(ctx)).filter((f) => f.class === 'real' || f.class === 'unjudged');
  return new Map(fields.map((f) => [f.field, f.count]));
}

export const dualwrite: Step = {
  title: 'dualwrite: every inventory write reaches both databases',
  short: 'dualwrite',
  async run(ctx) {
    const { narrator } = ctx;
    narrator.say('Reads are still answered by the monolith. Each write goes to the monolith first and, once it succeeded, to the service.');
    await narrator.cli(['route', 'set', ROUTE, 'dualwrite', '--reason', 'backfill verified: counts and sample match']);
    await ctx.waitForStage('dualwrite');
    narrator.say('Shoppers now reserve and release stock (through the facade, so both sides get each write) and place orders (the monolith\'s order code decrements stock in its own table).');
    const traffic = await ctx.traffic({ label: 'dualwrite traffic', actions: ctx.sizes.dualwrite, mix: { reserve: 2, release: 2, order: 1, read: 1 }, seed: 3 });
    const ordered = traffic.orderedSkus;
    const sku = traffic.writtenSkus.find((s) => !ordered.includes(s));
    if (sku) {
      ctx.stamps = stamps(ctx, sku);
      narrator.say(`Both sides took the reserves and releases. Each stamps the time of a write itself; for ${sku}:`);
      narrator.typed(`sqlite3 $MONOLITH_DB "SELECT updated_at FROM inventory WHERE sku = '${sku}'"`);
      narrator.note(ctx.stamps.monolith);
      narrator.typed(`sqlite3 $INVENTORY_DB "SELECT last_changed_at FROM stock_levels WHERE sku = '${sku}'"`);
      narrator.note(ctx.stamps.service);
    }
    const drifted = await drift(ctx, ordered);
    narrator.say(`Now the ${ordered.length} SKUs that were ordered, asking each side directly (not through the facade):`);
    const first = drifted[0];
    if (first) {
      for (const base of [ctx.stack.urls.monolith, ctx.stack.urls.inventory]) {
        narrator.typed(`curl -s ${base}/api/inventory/${first.sku}`);
        narrator.note(await (await fetch(`${base}/api/inventory/${first.sku}`)).text());
      }
    }
    narrator.note(`${drifted.length} of ${ordered.length} ordered SKUs have a different on_hand on each side`);
    ctx.dualwriteFields = await mismatchCounts(ctx);
    const seen = [...ctx.dualwriteFields].map(([field, n]) => `${field} ${n}`).join(', ');
    if (seen) narrator.say(`The facade compares every second write with the monolith's answer, and those comparisons saw it too (differences by field: ${seen}).`);
    narrator.say(
      'An order decrements stock inside the monolith, in a code path the facade never sees: the service now believes it ' +
      'has stock that was sold. This is why the backfill has a follow mode: it keeps replaying the monolith\'s change log ' +
      'into the service until the migration is complete (each change about a second after it happened, so that a dual ' +
      'write in flight lands first and is not applied twice). In a second terminal:',
    );
    narrator.typed('npm run backfill -- inventory --follow');
    ctx.stack.startFollow([ROUTE]);
    const started = Date.now();
    let left = drifted.length;
    while (left > 0 && Date.now() - started < 10_000) {
      await sleep(200, undefined, { signal: ctx.signal });
      left = (await drift(ctx, ordered)).length;
    }
    narrator.note(`after ${((Date.now() - started) / 1000).toFixed(1)} s of follow mode: ${left} of ${ordered.length} ordered SKUs differ`);
    if (left > 0) throw new Error(`the follow-mode backfill did not catch up: ${left} SKUs still differ`);
    await narrator.cli(['route', 'list']);
    rollbackHint(ctx, '`npx strangler route rollback inventory` (back to `off`: the service stops getting writes; rerun the backfill before trying again).');
  },
};
