// `strangler route set <route> <stage>`: moves a route to a stage (optionally only a share of
// its contexts), refusing to skip a stage without --force, and prints before → after.
// The change and its audit entry are one transaction in the state database (or one admin PUT).
import { Argument, type Command } from 'commander';
import { STAGES, type Stage } from '../../facade/src/core/stages';
import type { AuditEntry } from '../../facade/src/io/state-store';
import { withBackend, type RouteView } from '../cli/backend';
import { parsePercent, type CliDeps } from '../cli/context';
import { json } from '../cli/output';
import { visible } from '../cli/terminal';

interface SetOptions { percent?: number; reason?: string; force?: boolean; json?: boolean }

/** `catalog: off → dualwrite`; `before` (the state read before the change) shows a rollout being changed. */
export function describeChange(entry: AuditEntry, before: Pick<RouteView, 'stage' | 'rollout'>): string {
  const from = before.rollout ? `${before.stage} (${before.rollout.percent} % at ${before.rollout.stage})` : before.stage;
  const to = entry.percent !== null ? `${entry.to} (${entry.percent} % of contexts; the rest at ${before.stage})` : entry.to;
  const same = before.rollout === null && entry.percent === null && before.stage === entry.to ? ' (unchanged)' : '';
  // One uncoloured line of data (the route's name, as an admin API answered it too): escaped whole.
  return visible(`${entry.route}: ${from} → ${to}${same}${entry.forced ? ' [forced]' : ''}`);
}

export function register(route: Command, deps: CliDeps): Command {
  return route
    .command('set')
    .description('move a route to a stage (one stage at a time unless --force)')
    .argument('<route>', 'route name (see: strangler route list)')
    .addArgument(new Argument('<stage>', 'target stage').choices(STAGES))
    .option('--percent <n>', 'hold only this share of contexts (users) at the stage; the rest stay where they are', parsePercent)
    .option('--reason <text>', 'why: kept in the audit log')
    .option('--force', 'allow skipping stages (recorded in the audit log)')
    .option('--json', 'print the audit entry as JSON')
    .action(async (name: string, stage: Stage, opts: SetOptions, cmd: Command) => {
      const [before, entry] = await withBackend(cmd, deps, async (backend) => {
        const view = await backend.route(name);
        return [view, await backend.setStage({ route: name, stage, percent: opts.percent, reason: opts.reason, force: opts.force })] as const;
      });
      deps.stdout.write(opts.json ? json(entry) : `${describeChange(entry, before)}\n`);
    });
}
