// `strangler route list [--json]`: every configured route with its stage, rollout, comparisons,
// mismatch rate, last change and its service's circuit breaker. The `--json` array (RouteView in scripts/cli/backend.ts) is a
// stable contract: fields may be added, never renamed or removed.
import type { Command } from 'commander';
import { withBackend, type RouteView } from '../cli/backend';
import type { CliDeps } from '../cli/context';
import { json, percent, rollout, table, time, type Column } from '../cli/output';

const COLUMNS: readonly Column<RouteView>[] = [
  { header: 'ROUTE', cell: (r) => r.route },
  { header: 'PATTERN', cell: (r) => r.pattern },
  { header: 'SERVICE', cell: (r) => r.service },
  { header: 'STAGE', cell: (r) => r.stage },
  { header: 'ROLLOUT', cell: (r) => rollout(r.rollout) },
  { header: 'COMPARISONS', cell: (r) => String(r.comparisons), right: true },
  { header: 'MISMATCH', cell: (r) => percent(r.mismatchRate), right: true },
  { header: 'LAST CHANGE', cell: (r) => time(r.lastChange) },
  { header: 'BREAKER', cell: (r) => r.breaker ?? '-' },
];

/** Renders route views as the `route list` table. */
export function routeTable(rows: readonly RouteView[]): string {
  return table(rows, COLUMNS, '(no routes configured)');
}

export function register(route: Command, deps: CliDeps): Command {
  return route
    .command('list')
    .description("list routes: pattern, service, stage, rollout, comparisons, mismatch %, last change, the service's breaker")
    .summary('list routes with stage, rollout, comparisons and mismatch %')
    .option('--json', 'print a JSON array (stable contract) instead of a table')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const rows = await withBackend(cmd, deps, (backend) => backend.listRoutes());
      deps.stdout.write(opts.json ? json(rows) : routeTable(rows));
    });
}
