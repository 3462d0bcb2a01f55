// Steps 4 and 5: compare, then decide. In `shadow` the service answers every read too and the facade
// compares the answers; the report ranks the endpoints and names each differing field with its class,
// counts and an example, and the walkthrough decides from the figures: a field the service gets wrong
// is fixed, one that differs by design gets an ignore rule with its reason.
import { ROUTE, rollbackHint, type Step, type WalkthroughContext } from '../context';
import { fieldTotals, type FieldTotal } from './02-data';

export const shadow: Step = {
  title: 'shadow: the service answers every read too, and the answers are compared',
  short: 'shadow',
  async run(ctx) {
    const { narrator } = ctx;
    narrator.say(
      'Clients still get the monolith\'s answer. In the background the facade sends the same read to the service (tagged ' +
      '`x-strangler-shadow: 1`), compares status, chosen headers and the JSON body, and stores each difference in the ' +
      'diff store. Second writes are compared with the monolith\'s answer too.',
    );
    await narrator.cli(['route', 'set', ROUTE, 'shadow', '--reason', 'dual writes and follow mode keep both databases in step']);
    await ctx.waitForStage('shadow');
    narrator.say(
      `Shoppers read stock (a fifth of the reads on the ${ctx.skus.outOfStock.length} out-of-stock SKUs), reserve and release it. ` +
      'From here on the traffic places no orders: an order changes the monolith\'s stock behind the facade, and the follow ' +
      'mode copies it about a second later, so a shadow read of that item in that second would report the lag, not the ' +
      'service. (In a shop that keeps taking orders, expect such `on_hand` differences on items ordered a moment before.)',
    );
    await ctx.traffic({ label: 'shadow traffic', actions: ctx.sizes.shadowBuggy, mix: { read: 8, reserve: 1, release: 1 }, seed: 4 });
    await narrator.cli(['route', 'list']);
    rollbackHint(ctx, '`npx strangler route rollback inventory` (back to `dualwrite`: no more shadow reads; clients never saw a difference).');
  },
};

/** The ignore rule's reason for `$.updated_at`: the same write, stamped by two clocks. */
const STAMP_REASON = 'each side stamps its own write time; the two stamps differ by a second when the two writes straddle a second boundary';

function describeExample(f: FieldTotal): string {
  const e = f.example;
  const show = (v: unknown): string => (v === undefined ? '(absent)' : JSON.stringify(v));
  const on = f.endpoints.length <= 2 ? f.endpoints.join(', ') : `${f.endpoints.length} endpoints`;
  return `${f.field} (${f.class}, ${on}): differed in ${f.count} comparison(s); e.g. ${e.kind} on ${e.request.method} ${e.request.path}: `
    + `monolith ${show(e.primary)}, service ${show(e.shadow)}`;
}

/**
 * `$.updated_at` is ignored only on evidence: step 3 read one write's stamp from each database. Two
 * clocks stamp the same write, so the rule is about the design, whether or not this run's few
 * seconds of traffic happened to straddle a second boundary yet.
 */
async function decideUpdatedAt(ctx: WalkthroughContext, stamp: FieldTotal | undefined): Promise<void> {
  const s = ctx.stamps;
  if (!s) return;
  const seen = stamp && stamp.class !== 'ignored' ? stamp.count : 0;
  const classed = stamp?.class === 'generated' ? ', and the report already classes it as a generated value within the tolerance' : '';
  ctx.narrator.say(
    `${seen > 0 ? `\`$.updated_at\` differed in ${seen} comparison(s)${classed}.` : '`$.updated_at` has not differed yet in this run.'} ` +
    `Step 3 showed why it can: for the same write of ${s.sku} the monolith stored ${s.monolith} and the service ` +
    `${s.service}. Each side stamps its own write time, and on the wire both round it to the second, so the two ` +
    'differ by a second whenever the first and the second write straddle a second boundary: the more writes per ' +
    'second, the more often. That is expected while both sides take writes, not a bug, so it gets an ignore rule ' +
    '(ignored differences stay counted in the report, with this reason):',
  );
  await ctx.narrator.cli(['ignore', 'add', ROUTE, '$.updated_at', '--reason', STAMP_REASON]);
}

export const readReport: Step = {
  title: 'read the report: fix or ignore',
  short: 'read the report',
  async run(ctx) {
    const { narrator } = ctx;
    narrator.say('The report shows what the comparisons found, endpoint by endpoint (the one with the highest rate of real differences first) and field by field:');
    await narrator.cli(['report', ROUTE]);
    const totals = await fieldTotals(ctx);
    // Differences not explained as noise, generated values or ignore rules.
    const fields = totals.filter((f) => f.class === 'real' || f.class === 'unjudged');
    for (const f of fields) narrator.note(describeExample(f));
    const warehouse = fields.find((f) => f.field === '$.warehouse');
    if (!warehouse) throw new Error('the report did not reveal the seeded $.warehouse difference');
    narrator.say(
      '`$.warehouse` is removed on out-of-stock items: the service drops the field when on_hand is 0, and clients of the ' +
      'legacy API read it to show where stock will arrive. That is a bug in the service, not noise: it gets fixed, ' +
      'never ignored.',
    );
    for (const f of fields.filter((x) => x !== warehouse && x.field !== '$.updated_at')) {
      const early = ctx.dualwriteFields.get(f.field) ?? 0;
      narrator.say(early === f.count
        ? `\`${f.field}\`: all ${early} differences were recorded in step 3, before the follow mode caught the service up with the orders (the drift shown there), none since. Nothing to fix or ignore; the gate only counts the current stage.`
        : `\`${f.field}\` differed ${f.count - early} time(s) since step 3, which the design does not explain: it stays a finding (${f.class}), and the gate counts it.`);
    }
    await decideUpdatedAt(ctx, totals.find((f) => f.field === '$.updated_at'));
    narrator.say('The gate refuses to move the route on while the mismatches are there:');
    await narrator.cli(['route', 'promote', ROUTE], { allowFail: true });
    rollbackHint(ctx, '`npx strangler ignore remove inventory <pattern>` undoes an ignore rule; the stage is unchanged.');
  },
};
