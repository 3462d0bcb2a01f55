// `strangler route rollback <route>`: one step back, never gated (going back must always be
// possible). A partial rollout is withdrawn first: `shadow + 10 % live` goes back to `shadow`.
import type { Command } from 'commander';
import { previousStage, STAGES, type Stage } from '../../facade/src/core/stages';
import { withBackend, type RouteView } from '../cli/backend';
import { CliError, type CliDeps } from '../cli/context';
import { json } from '../cli/output';
import { describeChange } from './route-set';

interface RollbackOptions { reason?: string; json?: boolean }

/** Where a rollback takes the route, or null when it is at `off` with nothing rolled out. */
export function rollbackTarget(view: Pick<RouteView, 'stage' | 'rollout'>): Stage | null {
  if (view.rollout === null) return previousStage(view.stage);
  // A share held at a later stage is withdrawn; a share already sent back completes the way back.
  return STAGES.indexOf(view.rollout.stage) > STAGES.indexOf(view.stage) ? view.stage : view.rollout.stage;
}

export function register(route: Command, deps: CliDeps): Command {
  return route
    .command('rollback')
    .description('move a route one stage back (no gate); a partial rollout is withdrawn first')
    .summary('move a route one stage back (no gate)')
    .argument('<route>', 'route name')
    .option('--reason <text>', 'why: kept in the audit log')
    .option('--json', 'print the audit entry as JSON')
    .action(async (name: string, opts: RollbackOptions, cmd: Command) => {
      const [before, entry] = await withBackend(cmd, deps, async (backend) => {
        const view = await backend.route(name);
        const target = rollbackTarget(view);
        if (target === null) throw new CliError(`${name} is at off: there is no earlier stage`);
        return [view, await backend.setStage({ route: name, stage: target, reason: opts.reason })] as const;
      });
      deps.stdout.write(opts.json ? json(entry) : `${describeChange(entry, before)}\n`);
    });
}
