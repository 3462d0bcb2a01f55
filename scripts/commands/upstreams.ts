// `strangler upstreams [--window 1h] [--json]`: every upstream (the monolith, each service) with its
// circuit breaker (state now, times opened and time not closed in the window, last opened) and its
// bulkhead (in flight, queued, refused). With `--admin` the figures are the running facade's own
// (its workers summed); locally only the transitions recorded in the state database are known.
// The `--json` array (UpstreamView in facade/src/io/upstream-view.ts) is a stable contract.
import { InvalidArgumentError, type Command } from 'commander';
import { parseDuration } from '../../facade/src/core/duration';
import type { UpstreamView } from '../../facade/src/io/upstream-view';
import { withBackend } from '../cli/backend';
import type { CliDeps } from '../cli/context';
import { json, table, time, type Column } from '../cli/output';

const seconds = (ms: number): string => (ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`);
const sum = (r: Readonly<Record<string, number>> | null): string => (r === null ? '-' : String(Object.values(r).reduce((a, b) => a + b, 0)));

const COLUMNS: readonly Column<UpstreamView>[] = [
  { header: 'UPSTREAM', cell: (u) => u.name },
  { header: 'BREAKER', cell: (u) => (u.breaker.enabled ? u.breaker.state : 'off') },
  { header: 'OPENED', cell: (u) => String(u.breaker.opened), right: true },
  { header: 'NOT CLOSED', cell: (u) => seconds(u.breaker.notClosedMs), right: true },
  { header: 'LAST OPENED', cell: (u) => time(u.breaker.lastOpenedAt) },
  { header: 'REFUSED', cell: (u) => sum(u.breaker.rejected), right: true },
  { header: 'IN FLIGHT', cell: (u) => (!u.bulkhead.enabled ? 'off' : u.bulkhead.inFlight === null ? '-' : `${u.bulkhead.inFlight}/${u.bulkhead.settings.maxConcurrent}`), right: true },
  { header: 'QUEUED', cell: (u) => (!u.bulkhead.enabled || u.bulkhead.queued === null ? '-' : `${u.bulkhead.queued}/${u.bulkhead.settings.maxQueue}`), right: true },
  { header: 'BULKHEAD REFUSED', cell: (u) => sum(u.bulkhead.rejected), right: true },
  { header: 'ROUTES', cell: (u) => (u.side === 'monolith' ? '(all)' : u.routes.join(', ') || '-') },
];

function parseWindow(value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** The table, then a line per upstream whose breaker changed state in the window (newest transitions). */
export function upstreamsText(views: readonly UpstreamView[], windowMs: number): string {
  const lines = [table(views, COLUMNS, '(no upstreams configured)').trimEnd()];
  const source = views.some((v) => v.source === 'live') ? 'live figures from the running facade' : 'recorded transitions only (no running facade asked: use --admin for in-flight and refusals)';
  lines.push('', `window: the last ${seconds(windowMs)}; ${source}`);
  for (const v of views) {
    if (v.breaker.transitions.length === 0) continue;
    lines.push('', `${v.name}:`);
    for (const t of v.breaker.transitions.slice(0, 5)) lines.push(`  ${time(t.at)}  ${t.from} → ${t.to}  ${t.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

export function register(program: Command, deps: CliDeps): Command {
  return program
    .command('upstreams')
    .description('circuit breakers and bulkheads of the monolith and every service: state, openings, in flight, refused')
    .option('--window <duration>', 'transitions over this long (e.g. 15m, 24h)', parseWindow, 3_600_000)
    .option('--json', 'print a JSON array (stable contract) instead of a table')
    .addHelpText('after', `
Examples:
  $ strangler upstreams                                   # from the state database (recorded transitions)
  $ STRANGLER_ADMIN_TOKEN=... strangler --admin http://127.0.0.1:8081 upstreams   # live, with in-flight
  $ strangler upstreams --window 24h --json`)
    .action(async (opts: { window: number; json?: boolean }, cmd: Command) => {
      const views = await withBackend(cmd, deps, (backend) => backend.upstreams(opts.window));
      deps.stdout.write(opts.json ? json(views) : upstreamsText(views, opts.window));
    });
}
