// `strangler backfill <capability>`: the backfill verb of scripts/backfill/command.ts (shared with
// `npm run backfill`), wired to the CLI's streams. It reports its outcome as an exit code:
// 0 verified, 1 failed, 3 copied but the verification found differences, 130 interrupted.
import type { Command } from 'commander';
import { registerBackfill } from '../backfill/command';
import type { CliDeps } from '../cli/context';

export function register(program: Command, deps: CliDeps): Command {
  const command = registerBackfill(program, {
    stdout: deps.stdout,
    stderr: deps.stderr,
    env: deps.env,
    onInterrupt: deps.onInterrupt,
    setExitCode: deps.setExitCode,
  });
  return command.summary("copy a capability's data into its service's database, then verify");
}
