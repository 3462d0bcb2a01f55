// `strangler ignore add|list|remove`: ignore rules stored in the state database, which every
// running facade adds to the route's config rules within a second. Ignored differences stay
// visible in reports, with the rule's reason, so nothing is hidden without saying why.
import type { Command } from 'commander';
import { withBackend, type IgnoreView } from '../cli/backend';
import { CliError, type CliDeps } from '../cli/context';
import { json, table, time, type Column } from '../cli/output';
import { safe } from '../cli/terminal';

const COLUMNS: readonly Column<IgnoreView>[] = [
  { header: 'ROUTE', cell: (r) => r.route },
  { header: 'PATTERN', cell: (r) => r.path },
  { header: 'SOURCE', cell: (r) => r.source },
  { header: 'ADDED', cell: (r) => (r.source === 'config' ? '-' : `${time(r.createdAt)} by ${r.actor ?? '?'}`) },
  { header: 'REASON', cell: (r) => r.reason },
];

const EXAMPLES = `
Examples:
  $ strangler ignore add catalog '$.updatedAt' --reason "each database stamps its own time"
  $ strangler ignore add catalog '$.items[*].etag' --reason "etags are computed per implementation"
  $ strangler ignore add catalog 'headers.x-request-id' --reason "random per response"
  $ strangler ignore list catalog
  $ strangler ignore remove catalog '$.updatedAt'`;

export function register(program: Command, deps: CliDeps): Command {
  const ignore = program
    .command('ignore')
    .description('ignore rules: differences that are expected and must not count as mismatches')
    .summary('add, list or remove ignore rules (expected differences)')
    .addHelpText('after', EXAMPLES);

  ignore
    .command('add')
    .description('ignore differences at a field pattern on a route (picked up by running facades)')
    .argument('<route>', 'route name')
    .argument('<pattern>', 'field pattern: $.body.path, $.items[*].field, $..anywhere, headers.<name>, status')
    .requiredOption('--reason <text>', 'why the difference is expected (shown next to every difference it hides)')
    .action(async (route: string, pattern: string, opts: { reason: string }, cmd: Command) => {
      // The comparison engine loads only for this verb, not for every `strangler` start.
      const { validIgnorePattern } = await import('../../facade/src/io/compare-rules');
      const problem = validIgnorePattern(pattern);
      if (problem !== null) throw new CliError(`invalid ignore pattern "${pattern}": ${problem}`);
      if (opts.reason.trim() === '') throw new CliError('--reason must not be empty: it is shown next to every difference this rule hides');
      const rule = await withBackend(cmd, deps, (backend) => backend.addIgnore(route, pattern, opts.reason));
      deps.stdout.write(safe`${rule.route}: ignoring ${rule.path} (${rule.reason})` + '\n');
    });

  ignore
    .command('list')
    .description('ignore rules from the config file and from the state database')
    .argument('[route]', 'only this route')
    .option('--json', 'print a JSON array (stable contract)')
    .action(async (route: string | undefined, opts: { json?: boolean }, cmd: Command) => {
      const rules = await withBackend(cmd, deps, (backend) => backend.listIgnore(route));
      deps.stdout.write(opts.json ? json(rules) : table(rules, COLUMNS, '(no ignore rules)'));
    });

  ignore
    .command('remove')
    .description('remove a stored ignore rule (rules in the config file are edited there)')
    .argument('<route>', 'route name')
    .argument('<pattern>', 'the pattern exactly as listed')
    .action(async (route: string, pattern: string, _opts: unknown, cmd: Command) => {
      await withBackend(cmd, deps, (backend) => backend.removeIgnore(route, pattern));
      deps.stdout.write(safe`${route}: no longer ignoring ${pattern}` + '\n');
    });
  return ignore;
}
