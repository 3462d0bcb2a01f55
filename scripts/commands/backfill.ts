// `strangler backfill <capability>`: the backfill verb of scripts/backfill/command.ts (shared with
// `npm run backfill`), wired to the CLI's streams. It reports its outcome as an exit code:
// 0 verified, 1 failed, 3 copied but the verification found differences, 130 interrupted.
// Demo only (its capabilities are the demo shop's): the engine loads only when `backfill` is on the
// command line, and an installed package hides the verb and answers with one line (scripts/cli/demo.ts).
import type { Command } from 'commander';
import type { CliDeps } from '../cli/context';
import { demoAvailable, loadDemo, registerUnavailable } from '../cli/demo';

const SUMMARY = "copy a capability's data into its service's database, then verify";

/** What this verb uses of scripts/backfill/command.ts (no type import: tsc would compile the demo into dist/). */
export interface BackfillModule {
  registerBackfill(program: Command, deps: Pick<CliDeps, 'stdout' | 'stderr' | 'env' | 'onInterrupt' | 'setExitCode'>): Command;
}

/** `argv` is the command line: the real command (and its engine) is built only when it names `backfill`. */
export function register(program: Command, deps: CliDeps, argv: readonly string[] = []): Command {
  if (!demoAvailable('backfill')) return registerUnavailable(program, 'backfill');
  // A false positive (say a route named "backfill") only costs loading the engine.
  if (!argv.includes('backfill')) return program.command('backfill').argument('<capability>').summary(SUMMARY);
  const { registerBackfill } = loadDemo<BackfillModule>('backfill');
  const command = registerBackfill(program, {
    stdout: deps.stdout,
    stderr: deps.stderr,
    env: deps.env,
    onInterrupt: deps.onInterrupt,
    setExitCode: deps.setExitCode,
  });
  return command.summary(SUMMARY);
}
