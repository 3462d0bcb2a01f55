// `npm run backfill -- <catalog|inventory> [options]`: the backfill verb on its own, the same
// command `strangler backfill` runs. Maps parse errors to exit 2; the command sets 0/1/3/130.
import { Command, CommanderError } from 'commander';
import { registerBackfill } from './backfill/command';

async function main(argv: readonly string[]): Promise<void> {
  const program = new Command('strangler').exitOverride();
  registerBackfill(program);
  try {
    await program.parseAsync(['backfill', ...argv], { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    // commander has already printed its one-line message; help and version are not errors.
    const asked = ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(err.code);
    process.exitCode = asked ? 0 : 2;
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`backfill crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
