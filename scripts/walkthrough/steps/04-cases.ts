// Step 6: prove the fix before deploying it. The cases the facade recorded at `shadow` are exported as
// files and replayed with `strangler replay`: against the unfixed build that runs now they fail on
// `$.warehouse`, against the fixed build (a throwaway process on a copy of the service's database and
// a port of its own) they pass. The live stack is not changed.
import path from 'node:path';
import { ROUTE, rollbackHint, type Step, type WalkthroughContext } from '../context';
import type { CommandRun } from '../narrator';
import { parseReplayText, shortenReplayText } from '../replay-text';
import { startThrowaway, type Throwaway } from '../throwaway';

/** The endpoint the bug is on; its recorded cases are reads, which a copy of the database can answer as recorded. */
const READS = 'GET /api/inventory/:id';
const FIX = { INVENTORY_OUT_OF_STOCK_WAREHOUSE: 'keep' } as const;

function replayArgs(dir: string, target: string): string[] {
  return ['replay', ROUTE, '--from', dir, '--endpoint', READS, '--target', target];
}

/** What the replay's text says: the summary line and each way of failing with its count. */
function outcomeOf(run: CommandRun): { summary: string; failures: string[] } {
  const text = parseReplayText(run.stdout);
  return { summary: text.tail[text.tail.length - 1] ?? '', failures: text.groups.map((g) => `${g.signature} (${g.count})`) };
}

async function replayUnfixed(ctx: WalkthroughContext, dir: string): Promise<void> {
  const { narrator } = ctx;
  const run = await narrator.cli(replayArgs(dir, ctx.stack.urls.inventory), { allowFail: true, show: shortenReplayText });
  const seen = outcomeOf(run);
  ctx.replays.push({ build: 'unfixed', target: ctx.stack.urls.inventory, code: run.code, ...seen });
  if (run.code !== 1 || !seen.failures.some((f) => f.startsWith('fail: real $.warehouse'))) {
    throw new Error(`the replay against the unfixed build did not fail on $.warehouse (exit ${run.code}: ${seen.summary})`);
  }
  const others = seen.failures.filter((f) => !f.startsWith('fail: real $.warehouse ('));
  narrator.say(others.length === 0
    ? 'The cases reproduce the bug without the facade and without a single shopper: every failing case fails on ' +
      '`$.warehouse` alone, exactly what the report showed, and the other recorded reads pass.'
    : `The cases reproduce \`$.warehouse\`, and fail in other ways too (${others.join('; ')}): read them above.`);
}

async function replayFixed(ctx: WalkthroughContext, dir: string, build: Throwaway): Promise<void> {
  const run = await ctx.narrator.cli(replayArgs(dir, build.url), { allowFail: true });
  const seen = outcomeOf(run);
  ctx.replays.push({ build: 'fixed', target: build.url, code: run.code, ...seen });
  if (run.code !== 0) {
    ctx.narrator.say('The fixed build does not pass its replay (the differences are above): in a pipeline this stops the deploy, and the walkthrough stops here.');
    throw new Error(`the replay against the fixed build failed (exit ${run.code}: ${seen.summary})`);
  }
}

export const proveFix: Step = {
  title: 'prove the fix before deploying it: replay the recorded cases',
  short: 'replay the cases',
  async run(ctx) {
    const { narrator, stack } = ctx;
    const dataDir = path.dirname(stack.configPath);
    const dir = path.join(dataDir, 'cases', ROUTE);
    narrator.say(
      'While it compared, the facade kept cases: the exchanges with a real difference (the newest ' +
      '`cases.realPerEndpoint` per endpoint) and a sample of the others (the first `cases.perEndpoint` distinct ' +
      'requests), each with the request, the monolith\'s answer and what the comparison found, redacted like the diff store:',
    );
    await narrator.cli(['cases', 'list', ROUTE]);
    narrator.say('Exported as files, one JSON document per case, they can be committed next to the service\'s code:');
    await narrator.cli(['cases', 'export', ROUTE, '--out', dir]);
    narrator.say(
      '`strangler replay` sends each recorded request to a build of the service and judges its answer against the ' +
      'recorded monolith answer with the route\'s rules and the diff store\'s noise evidence. Only the reads of ' +
      `\`${READS}\`, where the bug is: the recorded reserves and releases are writes (sent only with \`--writes\`, to a ` +
      'throwaway build), and each one\'s answer depends on the stock at the moment it was made. First against the ' +
      'build that runs now, the unfixed one (reads change nothing, so replaying them against a live service is safe):',
    );
    await replayUnfixed(ctx, dir);
    narrator.say(
      'Now the fixed build, before it is deployed (in the demo the fix is a switch, ' +
      '`INVENTORY_OUT_OF_STOCK_WAREHOUSE=keep`): a throwaway process on a copy of the service\'s database, on a port ' +
      'of its own; the live inventory service keeps running the unfixed build. The copy is taken now, while no traffic ' +
      'runs: no order was placed since step 3 and every traffic phase released the reservations it made, so its stock ' +
      'is the stock the recorded reads saw. (A read recorded while a reservation was open would still differ in ' +
      '`reserved`, and the replay would show it.)',
    );
    const copy = path.join(dataDir, 'inventory-throwaway.db');
    narrator.typed(`sqlite3 $INVENTORY_DB ".backup '${copy}'"`);
    const build = await startThrowaway({ service: 'inventory', fromDb: stack.dbs.inventory, copyDb: copy, env: FIX, log: (l) => narrator.note(l), signal: ctx.signal });
    ctx.pids.push(build.pid);
    try {
      narrator.typed(`${Object.entries(build.env).map(([k, v]) => `${k}=${v}`).join(' ')} npm run service:inventory &`);
      narrator.note(`throwaway inventory build (the fix) started as pid ${build.pid} on ${build.url}; the live one still runs the unfixed build`);
      await replayFixed(ctx, dir, build);
    } finally {
      await build.stop();
    }
    narrator.note(`throwaway build stopped (pid ${build.pid}), its database copy deleted`);
    narrator.say('Green: every recorded read passes against the fixed build, the `$.warehouse` cases included. Now it can be deployed.');
    rollbackHint(ctx, 'nothing to roll back: the live stack did not change (the throwaway build and its copy are gone; the case files stay).');
  },
};
