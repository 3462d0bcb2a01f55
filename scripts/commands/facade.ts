// `strangler facade [--config FILE] [--workers N]`: runs the facade process (facade/src/main.ts)
// with the CLI's config. The config is checked here first, so a bad one is reported like any
// other CLI error (exit 2) instead of after the facade started to boot.
import cluster from 'node:cluster';
import type { Command } from 'commander';
import { reportFatal } from '../../facade/src/cluster';
import { configPath, globals, requireConfig, strictInt, EXIT_USAGE, type CliDeps } from '../cli/context';

/** Same bounds as facade/src/main.ts, checked here so a bad value is a CLI error like any other. */
const workers = strictInt(1, 64);

export function register(program: Command, deps: CliDeps): Command {
  return program
    .command('facade')
    .description('run the facade (proxy, shadow comparisons, admin API) with the config file')
    .summary('run the facade with the config file')
    .option('--workers <n>', 'worker processes sharing the port (1 to 64)', workers, 1)
    .addHelpText('after', `
Examples:
  $ strangler facade                                   # ./strangler.config.json, one process
  $ strangler --config /etc/strangler/shop.json facade --workers 4`)
    .action(async (opts: { workers: number }, cmd: Command) => {
      const g = globals(cmd);
      try {
        requireConfig(g, deps);
      } catch (err) {
        // A worker forked by a reload (SIGHUP) reads the config again. Its IPC channel to the primary kept
        // it alive after the error, never listening, and the reload (and every later SIGHUP) waited for it.
        if (cluster.isWorker) {
          await reportFatal((err as Error).message);
          process.exit(EXIT_USAGE);
        }
        throw err;
      }
      const { file } = configPath(g, deps);
      // main() parses a full argv (node, script, ...), as process.argv is.
      await deps.runFacade(['node', 'strangler-facade', '--config', file, '--workers', String(opts.workers)]);
    });
}
