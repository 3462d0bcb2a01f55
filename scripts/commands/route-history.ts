// `strangler route history [route] [--limit N]`: the audit log, newest first: who moved which
// route from where to where, when, why, and whether the gate was forced.
import type { Command } from 'commander';
import type { AuditEntry } from '../../facade/src/io/state-store';
import { withBackend } from '../cli/backend';
import { parseCount, type CliDeps } from '../cli/context';
import { json, table, time, type Column } from '../cli/output';

const COLUMNS: readonly Column<AuditEntry>[] = [
  { header: 'AT', cell: (e) => time(e.at) },
  { header: 'ROUTE', cell: (e) => e.route },
  { header: 'CHANGE', cell: (e) => `${e.from} → ${e.to}` },
  { header: 'PERCENT', cell: (e) => (e.percent === null ? '-' : `${e.percent} %`), right: true },
  { header: 'ACTOR', cell: (e) => e.actor },
  { header: 'FORCED', cell: (e) => (e.forced ? 'yes' : '') },
  { header: 'REASON', cell: (e) => e.reason ?? '' },
];

export function register(route: Command, deps: CliDeps): Command {
  return route
    .command('history')
    .description('the audit log of stage changes, newest first')
    .argument('[route]', 'only this route')
    .option('--limit <n>', 'at most this many entries', parseCount, 20)
    .option('--json', 'print a JSON array of audit entries (stable contract)')
    .action(async (name: string | undefined, opts: { limit: number; json?: boolean }, cmd: Command) => {
      const entries = await withBackend(cmd, deps, (backend) => backend.history(name, opts.limit));
      deps.stdout.write(opts.json ? json(entries) : table(entries, COLUMNS, '(no stage changes yet)'));
    });
}
