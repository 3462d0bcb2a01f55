// `strangler walkthrough [--fast] [--step]`: the narrated migration of one capability on the demo
// system (scripts/walkthrough/index.ts). Loaded only when run: it pulls in the whole demo stack.
import type { Command } from 'commander';
import { CliError, EXIT_FAILED, type CliDeps } from '../cli/context';

/** Only the type: the module itself is required when the verb runs. */
type WalkthroughModule = typeof import('../walkthrough');

function loadWalkthrough(): WalkthroughModule {
  try {
    return require('../walkthrough') as WalkthroughModule;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // Only the walkthrough itself missing, not a module it requires (its require stack names it too).
    if (e.code === 'MODULE_NOT_FOUND' && e.message.split('\n')[0].includes("'../walkthrough'")) {
      throw new CliError('the walkthrough is not part of this installation (scripts/walkthrough/index.ts is missing)', EXIT_FAILED);
    }
    throw err;
  }
}

export function register(program: Command, deps: CliDeps): Command {
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
      await loadWalkthrough().runWalkthrough({ fast: opts.fast === true, step: opts.step === true, out: deps.stdout });
    });
}
