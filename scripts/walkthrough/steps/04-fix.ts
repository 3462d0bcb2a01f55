// Step 7: deploy the fixed service. Comparisons pause (back to `dualwrite`), only the inventory
// process restarts with the fix switched on and warms up, and re-entering `shadow` starts a new
// gate window; fresh traffic is compared and the report over that window is clean.
import { ROUTE, rollbackHint, type Step, type WalkthroughContext } from '../context';

const WARM_UP_READS = 300;

/** Reads straight from the restarted service (not through the facade: nothing is compared or changed). */
async function warmUp(ctx: WalkthroughContext): Promise<void> {
  for (let i = 0; i < WARM_UP_READS && !ctx.signal.aborted; i++) {
    await (await fetch(`${ctx.stack.urls.inventory}/api/inventory/${ctx.skus.inStock[0]}`)).arrayBuffer();
  }
}

export const deployFix: Step = {
  title: 'deploy the fixed inventory service and compare again',
  short: 'deploy the fix',
  async run(ctx) {
    const { narrator, stack } = ctx;
    narrator.say(
      'The fix keeps `warehouse` on out-of-stock items. First stop comparing: the old build\'s answers are known to be ' +
      'wrong, and a restarting service would only add errors. Writes keep reaching both sides.',
    );
    await narrator.cli(['route', 'rollback', ROUTE, '--reason', 'deploying the fix for $.warehouse']);
    await ctx.waitForStage('dualwrite');
    narrator.say('In the demo the fix is switched by an environment variable, so "deploying" it means restarting only the inventory process:');
    narrator.typed('INVENTORY_OUT_OF_STOCK_WAREHOUSE=keep npm run service:inventory');
    const before = stack.pids();
    await stack.restartService('inventory', { INVENTORY_OUT_OF_STOCK_WAREHOUSE: 'keep' });
    const fresh = stack.pids().filter((pid) => !before.includes(pid));
    narrator.note(`inventory restarted as pid ${fresh.join(', ')}; the monolith, the catalog service and the facade kept running`);
    narrator.say(
      'A service is not compared the moment it starts: in trial runs, comparing the just-restarted process at once ' +
      'sometimes failed the gate\'s latency check, always within its first hundred or so comparisons, and a few seconds ' +
      'of traffic first avoided it. Like any deploy, it warms up: on reads straight to the service, and on the dual ' +
      'writes it already gets.',
    );
    narrator.typed(`for i in $(seq ${WARM_UP_READS}); do curl -s ${stack.urls.inventory}/api/inventory/${ctx.skus.inStock[0]} > /dev/null; done`);
    await warmUp(ctx);
    await ctx.traffic({ label: 'dualwrite traffic (warm-up)', actions: 150, mix: { reserve: 1, release: 1, read: 1 }, seed: 66 });
    narrator.say('Re-entering `shadow` records the deploy in the audit log and starts a new gate window: comparisons of the old build no longer count for the gate.');
    await narrator.cli(['route', 'set', ROUTE, 'shadow', '--reason', 'fixed build deployed']);
    await ctx.waitForStage('shadow');
    ctx.fixedAt = new Date();
    await ctx.traffic({ label: 'shadow traffic (fixed build)', actions: ctx.sizes.shadowFixed, mix: { read: 8, reserve: 1, release: 1 }, seed: 6 });
    const seconds = Math.ceil((Date.now() - ctx.fixedAt.getTime()) / 1000);
    narrator.say(`The report over the comparisons since the deploy (the last ${seconds} s):`);
    await narrator.cli(['report', ROUTE, '--since', `${seconds}s`]);
    const window = ctx.outcomes(ctx.fixedAt);
    narrator.note(`since the deploy: ${window.match} match, ${window.mismatch} mismatch, ${window.noise} noise, ${window.divergence} divergences`);
    if (window.mismatch > 0) narrator.say('Mismatches remain after the fix: read the report above before going on.');
    rollbackHint(ctx, '`npx strangler route rollback inventory` (back to `dualwrite`), then restart the inventory process with the previous build.');
  },
};
