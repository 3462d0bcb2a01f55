// `strangler walkthrough [--fast] [--step]`: the narrated migration of one capability on the demo
// system (scripts/walkthrough/index.ts). Loaded only when run: it pulls in the whole demo stack.
// Demo only: an installed package hides it and answers with one line (scripts/cli/demo.ts).
import type { Command } from 'commander';
import { demoAvailable, loadDemo, registerUnavailable } from '../cli/demo';
import type { CliDeps } from '../cli/context';

/**
 * What this verb uses of scripts/walkthrough/index.ts, written out instead of `typeof import(...)`:
 * a type import would make tsc compile the demo into dist/. scripts/test/package.test.ts checks it.
 */
export interface WalkthroughModule {
  runWalkthrough(opts: { fast: boolean; step: boolean; out: NodeJS.WritableStream }): Promise<unknown>;
}

export function register(program: Command, deps: CliDeps): Command {
  if (!demoAvailable('walkthrough')) return registerUnavailable(program, 'walkthrough');
  return program
    .command('walkthrough')
    .description('migrate the inventory capability of the demo shop step by step, with real processes and traffic')
    .summary('migrate the demo shop\'s inventory, step by step, narrated')
    .option('--fast', 'less traffic per step (CI)')
    .option('--step', 'pause for Enter between steps')
    .addHelpText('after', `
Examples:
  $ strangler walkthrough --step                        # read each step before it runs
  $ strangler walkthrough --fast                        # the whole migration in CI`)
    .action(async (opts: { fast?: boolean; step?: boolean }) => {
      const { runWalkthrough } = loadDemo<WalkthroughModule>('walkthrough');
      await runWalkthrough({ fast: opts.fast === true, step: opts.step === true, out: deps.stdout });
    });
}
