// The `backfill <capability>` command: parses options, runs (or follows) the engine, prints
// progress, counts and the sample check. registerBackfill is shared by `npm run backfill`
// (scripts/backfill.ts) and the `strangler backfill` verb.
import { Argument, Command, InvalidArgumentError } from 'commander';
import { followBackfill, runBackfill, type BackfillOptions } from './engine';
import { BackfillError } from './errors';
import { CAPABILITIES, type CapabilityName } from './mapping';
import { progressReporter, type OutputStream } from './progress';
import { describeVerification, verified } from './verify';

export interface BackfillDeps {
  stdout: OutputStream;
  stderr: OutputStream;
  env: NodeJS.ProcessEnv;
  /** Installs a Ctrl-C handler and returns a function that removes it. */
  onInterrupt: (handler: () => void) => () => void;
  setExitCode: (code: number) => void;
}

const defaultDeps: BackfillDeps = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  onInterrupt(handler) {
    process.on('SIGINT', handler);
    return () => process.off('SIGINT', handler);
  },
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

interface CliOptions {
  follow?: boolean;
  batchSize: number;
  sampleSize: number;
  interval: number;
  restart?: boolean;
  monolithDb?: string;
  serviceDb?: string;
}

const SERVICE_DB_ENV: Record<CapabilityName, string> = { catalog: 'CATALOG_DB', inventory: 'INVENTORY_DB' };

function integer(what: string, min: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min) {
      throw new InvalidArgumentError(`${what} must be an integer >= ${min}.`);
    }
    return Number(value);
  };
}

/** Adds `backfill <capability>` to `program`; returns the new command. */
export function registerBackfill(program: Command, deps: Partial<BackfillDeps> = {}): Command {
  const d: BackfillDeps = { ...defaultDeps, ...deps };
  return program
    .command('backfill')
    .description("copy a capability's data from the monolith into its service database, then verify it")
    .addArgument(new Argument('<capability>', 'which service to fill').choices(CAPABILITIES))
    .option('--follow', 'after the copy, keep applying monolith changes until Ctrl-C')
    .option('--batch-size <n>', 'rows per transaction', integer('batch size', 1), 1000)
    .option('--sample-size <n>', 'rows compared field by field at the end', integer('sample size', 0), 100)
    .option('--interval <ms>', 'follow mode: pause between change_log polls', integer('interval', 1), 250)
    .option('--restart', 'forget the stored cursor and checkpoint and copy everything again')
    .option('--monolith-db <path>', 'monolith database (env MONOLITH_DB, default data/monolith.db)')
    .option('--service-db <path>', 'service database (env CATALOG_DB / INVENTORY_DB, default data/<capability>.db)')
    .addHelpText(
      'after',
      `
Exit codes: 0 done and verified, 1 backfill error (message names its code), 2 bad arguments,
3 copied but the verification found differences, 130 interrupted (run again to resume).

Try the following:
  npm run backfill -- catalog
  npm run backfill -- inventory --batch-size 500 --follow
  MONOLITH_DB=/tmp/shop.db npm run backfill -- catalog --service-db /tmp/catalog.db`,
    )
    .action((capability: CapabilityName, opts: CliOptions) => execute(capability, opts, d));
}

async function execute(capability: CapabilityName, cli: CliOptions, d: BackfillDeps): Promise<void> {
  const controller = new AbortController();
  const removeInterrupt = d.onInterrupt(() => controller.abort());
  const progress = progressReporter(`${capability} backfill`, d.stdout);
  const say = (line: string) => d.stdout.write(line + '\n');
  const base: BackfillOptions = {
    capability,
    monolithDb: cli.monolithDb ?? d.env.MONOLITH_DB ?? 'data/monolith.db',
    serviceDb: cli.serviceDb ?? d.env[SERVICE_DB_ENV[capability]] ?? `data/${capability}.db`,
    batchSize: cli.batchSize,
    sampleSize: cli.sampleSize,
    restart: cli.restart,
    signal: controller.signal,
    onProgress: (done, total) => progress.update(done, total),
  };
  try {
    say(`${capability} backfill: ${base.monolithDb} -> ${base.serviceDb}`);
    const r = await runBackfill(base);
    progress.stop();
    const resumed = r.resumedFrom !== null ? ` (resumed after cursor ${r.resumedFrom})` : '';
    const bulk = r.bulkSkipped ? 'bulk copy already complete' : `copied ${r.copied} rows${resumed}`;
    say(`${bulk}; applied ${r.changesApplied} change(s), checkpoint seq ${r.checkpoint}; took ${r.durationMs} ms`);
    describeVerification(r).forEach(say);
    // In follow mode the changes still to come settle differences; Ctrl-C is the normal, clean end.
    if (cli.follow) await follow(base, cli.interval, controller.signal, say);
    else if (!verified(r)) d.setExitCode(3);
  } catch (err) {
    progress.stop();
    if (!(err instanceof BackfillError)) throw err;
    d.stderr.write(`backfill ${err.code === 'ABORTED' ? 'interrupted' : 'failed'} [${err.code}]: ${err.message}\n`);
    d.setExitCode(err.code === 'ABORTED' ? 130 : 1);
  } finally {
    removeInterrupt();
  }
}

async function follow(base: BackfillOptions, intervalMs: number, signal: AbortSignal, say: (line: string) => void) {
  say('following the monolith change_log; Ctrl-C to stop');
  let total = 0;
  const r = await followBackfill({
    ...base,
    restart: false, // a --restart was done by the run before following
    signal,
    intervalMs,
    onApplied: (n) => {
      total += n;
      say(`applied ${n} change(s) (${total} since following)`);
    },
  });
  say(`stopped following: applied ${r.changesApplied} change(s) in ${r.batches} batch(es), checkpoint seq ${r.checkpoint}`);
}
