// The `strangler` CLI: builds the commander program from one file per verb (scripts/commands/)
// and runs it, mapping every outcome to an exit code: 0 done, 1 refused or failed, 2 bad usage.
// Library code never exits the process; scripts/strangler.js (the bin) sets process.exitCode.
import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../facade/src/errors';
import { version } from '../package.json';
import { CliError, EXIT_FAILED, EXIT_USAGE, parseHttpUrl, type CliDeps } from './cli/context';
import { visible, visibleLines } from './cli/terminal';
import * as backfill from './commands/backfill';
import * as cases from './commands/cases';
import * as db from './commands/db';
import * as divergences from './commands/divergences';
import * as facade from './commands/facade';
import * as ignore from './commands/ignore';
import * as init from './commands/init';
import * as report from './commands/report';
import * as replay from './commands/replay';
import * as routeHistory from './commands/route-history';
import * as routeList from './commands/route-list';
import * as routePromote from './commands/route-promote';
import * as routeRollback from './commands/route-rollback';
import * as routeSet from './commands/route-set';
import * as upstreams from './commands/upstreams';
import * as walkthrough from './commands/walkthrough';

export type { CliDeps } from './cli/context';

const EXAMPLES = `
Examples:
  $ strangler init --monolith http://127.0.0.1:3000     # a starter strangler.config.json for your monolith
  $ strangler facade --workers 2                        # run the facade with that config
  $ strangler route list                                # every route, its stage and its comparisons
  $ strangler route set catalog dualwrite --reason "service deployed, backfill verified"
  $ strangler route promote catalog --percent 10        # 10 % of users one stage further, if the gate passes
  $ strangler route rollback catalog --reason "5xx after deploy"
  $ strangler ignore add catalog '$.updatedAt' --reason "each database stamps its own time"
  $ strangler report catalog --since 1h --html catalog-report.html
  $ strangler upstreams                                 # circuit breakers and bulkheads per upstream
  $ strangler divergences replay catalog --dry-run       # writes the service missed, re-sent in order
  $ strangler cases export catalog --out test/cases/catalog   # recorded exchanges as files, for git
  $ strangler replay --from test/cases/catalog --target http://127.0.0.1:5001 --junit replay.xml
  $ STRANGLER_ADMIN_TOKEN=... strangler --admin http://127.0.0.1:8081 route list

Exit codes: 0 done, 1 refused or failed (gate, admin API, I/O), 2 bad usage (typo, unknown name, bad value).`;

const ROUTE_EXAMPLES = `
Examples:
  $ strangler route list --json
  $ strangler route set inventory dualwrite --reason "backfill verified"
  $ strangler route set inventory live --force --reason "hotfix: the shadow stage was skipped on purpose"
  $ strangler route promote inventory                    # next stage, through the gate
  $ strangler route promote inventory --percent 10       # hold 10 % of users at the next stage
  $ strangler route rollback inventory --reason "p99 doubled"
  $ strangler route history inventory --limit 5`;

/**
 * The whole command tree, writing through `deps`; commander errors throw (exitOverride) instead of exiting.
 * `argv` lets a verb whose definition is costly to load (backfill) build it only when it is used.
 */
export function buildProgram(deps: CliDeps, argv: readonly string[] = []): Command {
  const program = new Command('strangler')
    .description('Move routes from a legacy monolith to extracted services in small, reversible, measured steps.')
    .version(version, '-V, --version')
    .option('--config <file>', 'config file (env STRANGLER_CONFIG; default strangler.config.json)')
    .option('--db <file|url>', "state database: a SQLite file or a postgres:// URL (env STRANGLER_DB, STRANGLER_DATABASE_URL; default: the config's state.db)")
    .option('--create', 'create the state database if it does not exist (never by accident: a missing one is an error)')
    .addOption(new Option('--admin <url>', "use a running facade's admin API (token: STRANGLER_ADMIN_TOKEN)").argParser(parseHttpUrl))
    // Set before any subcommand is added: subcommands copy these settings when created.
    .exitOverride()
    .configureOutput({
      writeOut: (s) => deps.stdout.write(s),
      writeErr: (s) => deps.stderr.write(s),
      // One line per error: commander puts its "(Did you mean ...?)" suggestion on a second one.
      outputError: (s, write) => write(`${visible(s.trimEnd().replace(/\s*\n\s*/g, ' '))}\n`),
      getOutHelpWidth: () => 100,
      getErrHelpWidth: () => 100,
    })
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .addHelpText('after', EXAMPLES);

  init.register(program, deps);
  facade.register(program, deps);
  const route = program
    .command('route')
    .description('list routes, move them between stages, show the audit log')
    .addHelpText('after', ROUTE_EXAMPLES);
  routeList.register(route, deps);
  routeSet.register(route, deps);
  routePromote.register(route, deps);
  routeRollback.register(route, deps);
  routeHistory.register(route, deps);
  upstreams.register(program, deps);
  ignore.register(program, deps);
  report.register(program, deps);
  divergences.register(program, deps);
  cases.register(program, deps);
  replay.register(program, deps);
  db.register(program, deps);
  backfill.register(program, deps, argv);
  walkthrough.register(program, deps);
  return program;
}

function defaultDeps(): CliDeps {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    fetch: globalThis.fetch,
    // Loaded on demand: `route list` should not pay for loading the whole facade.
    runFacade: async (argv) => (await import('../facade/src/main')).main(argv),
    setExitCode: () => undefined,
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
  };
}

/** Runs the CLI on `argv` (without node and script) and resolves to the exit code. */
export async function runCli(argv: readonly string[], overrides: Partial<CliDeps> = {}): Promise<number> {
  let exitCode = 0;
  const deps: CliDeps = {
    ...defaultDeps(),
    ...overrides,
    setExitCode: (code) => {
      exitCode = code;
      overrides.setExitCode?.(code);
    },
  };
  try {
    await buildProgram(deps, argv).parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    return exitCodeFor(err, deps);
  }
}

/** Prints a failure as one `error: ...` line (a config error lists each problem) and picks its exit code. */
function exitCodeFor(err: unknown, deps: CliDeps): number {
  // commander has printed its own one-line message already; --help and --version are not failures.
  if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
  // Messages quote data (names typed, an admin API's answer, file paths): escaped, line breaks kept.
  if (err instanceof CliError) {
    deps.stderr.write(`error: ${visibleLines(err.message)}\n`);
    return err.exitCode;
  }
  if (err instanceof ConfigError) {
    deps.stderr.write(`error: ${visibleLines(err.message)}\n`);
    return EXIT_USAGE;
  }
  const detail = deps.env.STRANGLER_DEBUG ? ((err as Error)?.stack ?? String(err)) : ((err as Error)?.message ?? String(err));
  deps.stderr.write(`error: ${visibleLines(detail)}\n`);
  return EXIT_FAILED;
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
