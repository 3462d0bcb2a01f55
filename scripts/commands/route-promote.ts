// `strangler route promote <route>`: the next stage, through the gate. Every check is printed
// with its figures; a failed gate refuses (exit 1) unless --force, which is recorded in the
// audit log together with the gate result. A partial rollout is promoted towards its own stage.
import type { Command } from 'commander';
import { evaluateGate, type GateResult } from '../../facade/src/core/gate';
import { nextStage, type Stage } from '../../facade/src/core/stages';
import { withBackend, type RouteView } from '../cli/backend';
import { CliError, EXIT_FAILED, parsePercent, type CliDeps } from '../cli/context';
import { json, mark, paintFor, type Paint } from '../cli/output';
import { displayWidth, pad, safe, visible } from '../cli/terminal';
import { describeChange } from './route-set';

interface PromoteOptions { percent?: number; reason?: string; force?: boolean; json?: boolean }

/** The stage a promotion heads for: a rollout's stage while one is under way, else the next stage. */
export function promotionTarget(view: Pick<RouteView, 'stage' | 'rollout'>): Stage | null {
  return view.rollout ? view.rollout.stage : nextStage(view.stage);
}

/** The gate as printed: a heading, then one line per check with its figures and why. */
export function describeGate(result: GateResult, paint: Paint): string {
  const width = Math.max(...result.checks.map((c) => displayWidth(visible(c.name))));
  const lines = [safe`gate ${result.route}: ${result.from} → ${result.to}`];
  for (const c of result.checks) {
    // The mark's colour is ours; everything else may carry data (the route name, figures).
    lines.push(`  ${mark(c.pass, paint)} ${pad(visible(c.name), width)}  ${visible(c.figures)}`);
    lines.push(`    ${' '.repeat(width)}  ${visible(c.message)}`);
  }
  return `${lines.join('\n')}\n`;
}

export function register(route: Command, deps: CliDeps): Command {
  return route
    .command('promote')
    .description('move a route to its next stage if the gate passes (comparisons, mismatch rate, errors, latency)')
    .summary('move a route to its next stage, through the gate')
    .argument('<route>', 'route name')
    .option('--percent <n>', 'hold only this share of contexts (users) at the next stage', parsePercent)
    .option('--reason <text>', 'why: kept in the audit log')
    .option('--force', 'promote even if the gate fails (recorded in the audit log with the gate result)')
    .option('--json', 'print { gate, change } as JSON')
    .action(async (name: string, opts: PromoteOptions, cmd: Command) => {
      await withBackend(cmd, deps, async (backend) => {
        const view = await backend.route(name);
        const target = promotionTarget(view);
        if (target === null) throw new CliError(`${name} is already at complete: there is no later stage`);
        const gate = evaluateGate(await backend.gateInput(name, view.stage, target), backend.gateThresholds);
        const refused = !gate.pass && opts.force !== true;
        const change = refused ? null : await backend.setStage({
          route: name, stage: target, percent: opts.percent, reason: opts.reason, force: opts.force,
          details: { gate },
        });
        if (opts.json) deps.stdout.write(json({ gate, change }));
        else deps.stdout.write(describeGate(gate, paintFor(deps.stdout, deps.env)) + (change ? `${describeChange(change, view)}\n` : ''));
        if (refused) {
          const failed = gate.checks.filter((c) => !c.pass).map((c) => c.name).join(', ');
          throw new CliError(`gate refused ${name} ${gate.from} → ${gate.to} (failed: ${failed}); --force overrides and is recorded`, EXIT_FAILED);
        }
      });
    });
}
