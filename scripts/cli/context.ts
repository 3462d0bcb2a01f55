// What every `strangler` command receives: the injected deps (streams, env, clock, fetch), the
// CLI's error class with its exit code, and the global options (--config, --db, --admin) that
// choose where commands read and write: the local state database or a facade's admin API.
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type * as ConfigModule from '../../facade/src/config';
import type { FacadeConfig } from '../../facade/src/config';
import { parseStrictInt } from '../../facade/src/core/strict-int';
import { DatabaseLocationError, stateLocation } from '../../facade/src/io/db/location';
import { isPostgresUrl } from '../../facade/src/io/db/sql';
import type { Out } from './output';

/** The config module (and zod) load on first use: `strangler --help` must not pay for them. */
export function configModule(): typeof ConfigModule {
  return require('../../facade/src/config') as typeof ConfigModule;
}

export interface CliDeps {
  readonly stdout: Out;
  readonly stderr: Out;
  readonly env: NodeJS.ProcessEnv;
  /** Relative --config, --db, --out and --html paths resolve against this. */
  readonly cwd: string;
  readonly now: () => Date;
  readonly fetch: typeof fetch;
  /** Runs the facade process (facade/src/main.ts's `main`) with a full argv. */
  readonly runFacade: (argv: string[]) => Promise<void>;
  /** For commands that report their outcome as an exit code instead of throwing (backfill). */
  readonly setExitCode: (code: number) => void;
  /** Installs a Ctrl-C handler; returns a function that removes it. */
  readonly onInterrupt: (handler: () => void) => () => void;
}

/** Exit codes: 1 refused or failed (gate, admin API, I/O), 2 bad usage (typo, bad value, unknown name). */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** An error the CLI prints as one `error: ...` line, exiting with `exitCode`. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT_USAGE) {
    super(message);
    this.name = 'CliError';
  }
}

/** Options given on the program, before or after the verb. */
export interface GlobalOptions {
  config?: string;
  db?: string;
  admin?: string;
  /** Make the state database if it does not exist (otherwise a missing one is an error). */
  create?: boolean;
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

/** --config, else STRANGLER_CONFIG, else ./strangler.config.json; `explicit` says whether one was named. */
export function configPath(g: GlobalOptions, deps: CliDeps): { file: string; explicit: boolean } {
  const named = g.config ?? deps.env.STRANGLER_CONFIG;
  return { file: path.resolve(deps.cwd, named ?? configModule().DEFAULT_CONFIG_PATH), explicit: named !== undefined };
}

/** Loads the config; a missing file gets one line saying how to name one or create one. */
export function requireConfig(g: GlobalOptions, deps: CliDeps): FacadeConfig {
  const { file } = configPath(g, deps);
  if (!fs.existsSync(file)) {
    throw new CliError(`config file ${file} not found: pass --config FILE, set STRANGLER_CONFIG, or create one with \`strangler init\``);
  }
  return configModule().loadConfig(file);
}

/** The config when there is one (admin mode uses it only for gate thresholds). */
export function optionalConfig(g: GlobalOptions, deps: CliDeps): FacadeConfig | null {
  const { file, explicit } = configPath(g, deps);
  return explicit || fs.existsSync(file) ? configModule().loadConfig(file) : null;
}

/**
 * --db, else STRANGLER_DB, else STRANGLER_DATABASE_URL, else the config's `state.db` (already resolved
 * against the config's folder). A file path resolves against the working directory; a postgres://
 * URL passes through as written.
 */
export function statePath(g: GlobalOptions, deps: CliDeps, config: FacadeConfig): string {
  const named = g.db ?? deps.env.STRANGLER_DB;
  if (named === undefined) {
    try {
      return stateLocation(config.state.db, deps.env);
    } catch (err) {
      if (err instanceof DatabaseLocationError) throw new CliError(err.message);
      throw err;
    }
  }
  return isPostgresUrl(named) ? named : path.resolve(deps.cwd, named);
}

/** Who made a change, for the audit log. */
export function actor(deps: CliDeps): string {
  return deps.env.STRANGLER_ACTOR ?? deps.env.USER ?? deps.env.USERNAME ?? 'cli';
}

/** commander argument parser: a whole number in [min, max] in plain digits (`0x10`, `1e1`, ` 5`, `5.0` refused). */
export function strictInt(min: number, max?: number): (value: string) => number {
  return (value) => {
    const parsed = parseStrictInt(value, min, max);
    if (!parsed.ok) throw new InvalidArgumentError(parsed.message);
    return parsed.value;
  };
}

/** commander argument parser: a share of contexts, a whole percent from 0 to 100. */
export function parsePercent(value: string): number {
  const parsed = parseStrictInt(value, 0, 100);
  if (!parsed.ok) throw new InvalidArgumentError(`percent ${parsed.message}`);
  return parsed.value;
}

/** commander argument parser: a whole number >= 1. */
export const parseCount = strictInt(1);

/** commander argument parser: an http(s) URL without query or fragment (the admin API, a monolith). */
export function parseHttpUrl(value: string): string {
  const url = URL.canParse(value) ? new URL(value) : null;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new InvalidArgumentError('must be an http(s) URL such as http://127.0.0.1:8081, without query or fragment.');
  }
  return value.replace(/\/+$/, '');
}

/** Unknown names list the known ones, so a typo is fixed in one look. */
export function unknownRoute(name: string, known: readonly string[]): CliError {
  const list = known.length > 0 ? known.join(', ') : 'none configured';
  return new CliError(`unknown route "${name}" (known: ${list})`);
}
