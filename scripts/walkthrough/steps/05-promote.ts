// Steps 8 to 10: promotion through the gate. 10 % of shoppers at `live` (sticky per x-user-id), then
// everyone at `live` (the service answers, the monolith is the shadow), then `rampdown` (no more
// shadow reads; the monolith still gets every write second, so a way back exists until `complete`).
import { ROUTE, rollbackHint, type Step } from '../context';

export const tenPercent: Step = {
  title: 'promote through the gate: 10 % of shoppers at live',
  short: '10 % at live',
  async run(ctx) {
    const { narrator } = ctx;
    narrator.say(
      '`route promote` runs the gate first: enough comparisons at the current stage since the route entered it, a ' +
      'mismatch rate whose upper confidence bound is at most 1 %, no divergences, and a service that is not clearly ' +
      'slower or failing more often than the monolith.',
    );
    await narrator.cli(['route', 'promote', ROUTE, '--percent', '10', '--reason', 'clean shadow window after the fix']);
    await ctx.waitForStage('shadow', { stage: 'live', percent: 10 });
    narrator.say('Shoppers are bucketed by their x-user-id: the same shopper always lands on the same side.');
    const t = await ctx.traffic({ label: '10 % live traffic', actions: ctx.sizes.tenPercent, mix: { read: 8, reserve: 1, release: 1 }, users: 2000, seed: 7 });
    const inventoryAnswers = (t.answeredBy.service ?? 0);
    narrator.note(`answered by the service: ${inventoryAnswers} of ${t.requests} requests (${((100 * inventoryAnswers) / t.requests).toFixed(1)} %)`);
    await narrator.cli(['route', 'list']);
    rollbackHint(ctx, '`npx strangler route set inventory shadow --reason "..."` takes the 10 % back to `shadow` (or `route rollback inventory`).');
  },
};

export const live: Step = {
  title: 'live: the service answers, the monolith is the shadow',
  short: 'live',
  async run(ctx) {
    const { narrator } = ctx;
    narrator.say('The 10 % saw no trouble; promoting again moves every shopper to `live` (the gate judges the same shadow window).');
    await narrator.cli(['route', 'promote', ROUTE, '--reason', '10 % at live without errors']);
    await ctx.waitForStage('live');
    narrator.say('Reads are answered by the service and compared with the monolith\'s answer; writes go to the service first, then to the monolith.');
    const t = await ctx.traffic({ label: 'live traffic', actions: ctx.sizes.live, mix: { read: 8, reserve: 1, release: 1 }, seed: 8 });
    narrator.note(`answered by the service: ${t.answeredBy.service ?? 0} of ${t.requests} requests`);
    await narrator.cli(['route', 'list']);
    rollbackHint(ctx, '`npx strangler route rollback inventory` (back to `shadow`: the monolith answers again and has every write). The facade also does this by itself when the service\'s 5xx/timeout rate passes the auto-rollback threshold.');
  },
};

export const rampdown: Step = {
  title: 'rampdown: no more shadow reads, the monolith still gets every write',
  short: 'rampdown',
  async run(ctx) {
    const { narrator } = ctx;
    await narrator.cli(['route', 'promote', ROUTE, '--reason', 'live window clean']);
    await ctx.waitForStage('rampdown');
    narrator.say(
      'The monolith no longer gets reads, but it still gets every inventory write after the service, so its table stays ' +
      'current and a rollback to `live` loses nothing. The gate for `complete` judges those second writes.',
    );
    await ctx.traffic({ label: 'rampdown traffic', actions: ctx.sizes.rampdown, mix: { reserve: 2, release: 2, read: 1 }, seed: 9 });
    await narrator.cli(['route', 'list']);
    rollbackHint(ctx, '`npx strangler route rollback inventory` (back to `live`: shadow reads against the monolith resume).');
  },
};
