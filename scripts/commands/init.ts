// `strangler init --monolith URL`: writes a starter config for someone else's monolith: the
// monolith, one example service and one example route at `off` (nothing changes until a stage
// is set), the sqlite flag provider and loopback ports. The file written always passes loadConfig.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { FacadeConfigInput } from '../../facade/src/config';
import { CliError, configModule, EXIT_FAILED, parseHttpUrl, type CliDeps } from '../cli/context';
import { visible } from '../cli/terminal';

interface InitOptions { monolith: string; out?: string; force?: boolean }

/** The port a URL points at (its default when none is written). */
function portOf(url: string): number {
  const u = new URL(url);
  return u.port !== '' ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
}

/** `preferred`, or the next port that is not in `taken`. */
function freePort(preferred: number, taken: Set<number>): number {
  let port = preferred;
  while (taken.has(port)) port++;
  taken.add(port);
  return port;
}

/** The starter config: JSON has no comments, so the example route shows the shape instead. */
export function starterConfig(monolithUrl: string): FacadeConfigInput {
  const taken = new Set([portOf(monolithUrl)]);
  const listen = freePort(8080, taken);
  const admin = freePort(8081, taken);
  const service = freePort(9001, taken);
  return {
    monolith: { url: monolithUrl },
    services: { 'example-service': { url: `http://127.0.0.1:${service}` } },
    routes: [
      {
        name: 'example',
        match: { path: '/api/example/**', methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] },
        service: 'example-service',
        defaultStage: 'off',
        compare: { sample: 100, ignore: [], normalizers: [], redact: [] },
      },
    ],
    contextKey: { header: 'x-user-id' },
    flags: { provider: 'sqlite' },
    state: { db: '.strangler/state.db' },
    listen: { host: '127.0.0.1', port: listen },
    admin: { host: '127.0.0.1', port: admin },
    gate: { minComparisons: 100, maxMismatchRate: 0.01, confidence: 0.95 },
  };
}

export function register(program: Command, deps: CliDeps): Command {
  return program
    .command('init')
    .description('write a starter config for your monolith (one example route, at stage off)')
    .summary('write a starter config for your monolith')
    .requiredOption('--monolith <url>', "your monolith's base URL, e.g. http://127.0.0.1:3000", parseHttpUrl)
    // No commander default: it would load the config module (and zod) just to print help.
    .option('--out <file>', 'where to write it (default: strangler.config.json)')
    .option('--force', 'overwrite an existing file')
    .addHelpText('after', `
Examples:
  $ strangler init --monolith http://127.0.0.1:3000
  $ strangler init --monolith https://shop.internal:8443 --out config/strangler.json`)
    .action((opts: InitOptions) => {
      const { DEFAULT_CONFIG_PATH, parseConfig } = configModule();
      const out = path.resolve(deps.cwd, opts.out ?? DEFAULT_CONFIG_PATH);
      if (fs.existsSync(out) && !opts.force) throw new CliError(`${out} already exists: pass --force to overwrite it`, EXIT_FAILED);
      const config = starterConfig(opts.monolith);
      const parsed = parseConfig(config, out, path.dirname(out)); // never write a file the facade would refuse
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, `${JSON.stringify(config, null, 2)}\n`);
      // The state database too (mode 0600): other verbs never create one by accident, `init` does it on purpose.
      const { StateStore } = require('../../facade/src/io/state-store') as typeof import('../../facade/src/io/state-store');
      new StateStore(parsed.state.db).close();
      const shown = path.relative(deps.cwd, out) || out;
      const withConfig = (opts.out ?? DEFAULT_CONFIG_PATH) === DEFAULT_CONFIG_PATH ? '' : ` --config ${shown}`;
      deps.stdout.write([
        `wrote ${shown}: monolith ${opts.monolith}, facade on http://127.0.0.1:${config.listen!.port}, admin API on http://127.0.0.1:${config.admin!.port}`,
        `state database ${path.relative(deps.cwd, parsed.state.db) || parsed.state.db} ready`,
        'next:',
        '  1. name your extracted service under "services" and describe what it takes over under "routes"',
        `  2. strangler${withConfig} facade                     # run the facade; send your traffic to it`,
        `  3. strangler${withConfig} route set example dualwrite --reason "service deployed"`,
        '',
      ].map(visible).join('\n')); // paths and the URL are the user's, shown as typed but never obeyed
    });
}
