// The demo-only verbs (`backfill`, `walkthrough`) run the demo shop's TypeScript sources, which live
// in the repository and are not in the published package. From a clone they load on demand (through
// ts-node when this CLI runs compiled from dist/); in an installed package they answer with one line.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError, EXIT_FAILED } from './context';

/** True when this module runs compiled (dist/scripts/cli/demo.js), false from its TypeScript source. */
const COMPILED = __filename.endsWith('.js');

/** The repository (or installed package) root: two folders up from the sources, three from dist/. */
const ROOT = path.resolve(__dirname, COMPILED ? '../../..' : '../..');

/** The demo verbs and the source file each one loads, relative to the repository root. */
export const DEMO_SOURCES = {
  backfill: 'scripts/backfill/command.ts',
  walkthrough: 'scripts/walkthrough/index.ts',
} as const;

export type DemoVerb = keyof typeof DEMO_SOURCES;

/** Whether the demo sources of `verb` are here (a clone of the repository, not an installed package). */
export function demoAvailable(verb: DemoVerb): boolean {
  return fs.existsSync(path.join(ROOT, DEMO_SOURCES[verb]));
}

/** The one-line refusal of a demo verb where the demo shop is not installed. */
function notInstalled(verb: DemoVerb): CliError {
  return new CliError(
    `\`strangler ${verb}\` runs the demo shop, which is not part of the installed package (${DEMO_SOURCES[verb]} is missing): ` +
      `clone the Strangler repository and run \`npx strangler ${verb}\` there`,
    EXIT_FAILED,
  );
}

/** Where the demo is not installed: a hidden `verb` taking any arguments, so every use gets the same line. */
export function registerUnavailable(program: Command, verb: DemoVerb): Command {
  return program
    .command(verb, { hidden: true })
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      throw notInstalled(verb);
    });
}

let tsNodeRegistered = false;

/** Compiled JS cannot require .ts files: register ts-node (a devDependency of the repository) once. */
function registerTsNode(verb: DemoVerb): void {
  if (tsNodeRegistered) return;
  let tsNode: typeof import('ts-node');
  try {
    tsNode = require('ts-node') as typeof import('ts-node');
  } catch {
    throw new CliError(`\`strangler ${verb}\` runs the demo's TypeScript sources and needs ts-node: run \`npm install\` in the repository`, EXIT_FAILED);
  }
  tsNode.register({ project: path.join(ROOT, 'tsconfig.json'), transpileOnly: true });
  tsNodeRegistered = true;
}

/** Loads the demo module of `verb`; `T` is the caller's view of its exports. */
export function loadDemo<T>(verb: DemoVerb): T {
  if (!demoAvailable(verb)) throw notInstalled(verb);
  if (COMPILED) registerTsNode(verb);
  return require(path.join(ROOT, DEMO_SOURCES[verb])) as T;
}
