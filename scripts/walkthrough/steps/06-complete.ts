// Step 11: complete. The service is the only implementation of inventory. The facade's own metrics
// prove it: while traffic continues, the monolith answers no inventory request, gets no second
// write and no shadow read. The audit log shows the whole migration.
import { ROUTE, rollbackHint, type Step, type WalkthroughContext } from '../context';

interface Counters {
  readonly monolithAnswers: number;
  readonly serviceAnswers: number;
  readonly monolithSecondWrites: number;
  readonly comparisons: number;
}

async function counters(ctx: WalkthroughContext): Promise<Counters> {
  return {
    monolithAnswers: await ctx.metric('strangler_requests_total', { route: ROUTE, side: 'monolith' }),
    serviceAnswers: await ctx.metric('strangler_requests_total', { route: ROUTE, side: 'service' }),
    monolithSecondWrites: await ctx.metric('strangler_second_writes_total', { route: ROUTE, side: 'monolith' }),
    comparisons: await ctx.metric('strangler_comparisons_total', { route: ROUTE }),
  };
}

export const complete: Step = {
  title: 'complete: the monolith\'s inventory endpoints get no more traffic',
  short: 'complete',
  async run(ctx) {
    const { narrator } = ctx;
    await narrator.cli(['route', 'promote', ROUTE, '--reason', 'second writes clean during rampdown']);
    await ctx.waitForStage('complete');
    narrator.say(
      'From now on inventory reads and writes go to the service only. (The monolith\'s order code still decrements its own ' +
      'stock table: before a real `complete`, point it at the inventory service, then stop the follow-mode backfill.)',
    );
    const before = await counters(ctx);
    await ctx.traffic({ label: 'complete traffic', actions: ctx.sizes.complete, mix: { read: 3, reserve: 1, release: 1 }, seed: 10 });
    const after = await counters(ctx);
    narrator.say(`The facade's metrics (${ctx.stack.urls.admin}/metrics), summed over their status and outcome labels, before -> after that traffic:`);
    const rows: [string, keyof Counters][] = [
      ['strangler_requests_total{route="inventory",side="monolith"}', 'monolithAnswers'],
      ['strangler_second_writes_total{route="inventory",side="monolith"}', 'monolithSecondWrites'],
      ['strangler_comparisons_total{route="inventory"}', 'comparisons'],
      ['strangler_requests_total{route="inventory",side="service"}', 'serviceAnswers'],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    for (const [label, key] of rows) narrator.note(`${label.padEnd(width)}  ${before[key]} -> ${after[key]} (+${after[key] - before[key]})`);
    const touched = after.monolithAnswers - before.monolithAnswers + after.monolithSecondWrites - before.monolithSecondWrites + after.comparisons - before.comparisons;
    if (touched !== 0) throw new Error(`the monolith still got inventory traffic at complete (${touched} requests)`);
    narrator.say('The monolith\'s inventory endpoints received nothing while the service answered every request. The audit log:');
    await narrator.cli(['route', 'history', ROUTE]);
    rollbackHint(ctx, '`npx strangler route rollback inventory` goes back to `rampdown`, but the monolith got no inventory writes while the route was at `complete`: copy the changes back into its table first (the backfill only copies monolith → service).');
  },
};
