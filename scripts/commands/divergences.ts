// `strangler divergences list|show|replay|resolve|export <route>`: writes the second side missed (the
// two databases disagree), each kept with the exact request to repair it. `replay` re-sends them to the
// side that missed them, oldest first, stopping at the first that fails again; `resolve` settles one
// without re-sending. Both are audited. Nothing is ever re-sent automatically. `export` writes them as
// case files (redacted), to replay against a throwaway build of the service (`strangler replay --writes`).
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { Divergence, DivergenceStatus } from '../../facade/src/io/divergence-store';
import type { DivergenceDetail, ReplayReport, ReplayStep } from '../../facade/src/io/divergence-repair';
import { withBackend, type DivergenceList } from '../cli/backend';
import { CliError, EXIT_FAILED, parseCount, unknownRoute, type CliDeps } from '../cli/context';
import { json, table, time, type Column } from '../cli/output';
import { safe, visible } from '../cli/terminal';
import { withCaseDb, type CaseDb } from '../cli/cases-db';
import type * as DivergenceStoreModule from '../../facade/src/io/divergence-store';
import type * as SealModule from '../../facade/src/io/divergence-seal';
import type * as CaseDivergences from '../../facade/src/io/case-divergences';
import type * as ReplaySetupModule from '../../facade/src/io/case-replay-setup';
import type * as CaseFilesModule from '../../facade/src/io/case-files';
import type * as CaseFileModule from '../../facade/src/core/cases/case-file';

const EXAMPLES = `
Examples:
  $ strangler divergences list inventory                 # open ones, oldest first
  $ strangler divergences list inventory --status all --json
  $ strangler divergences show inventory 12              # the stored request, credentials masked
  $ strangler divergences replay inventory --dry-run     # what would be sent, in order
  $ strangler divergences replay inventory               # re-send them all, oldest first
  $ strangler divergences replay inventory --id 12 --header "Authorization: Bearer <fresh token>"
  $ strangler divergences resolve inventory 12 --reason "re-entered by hand in the service"
  $ strangler divergences export inventory --out test/cases/inventory-divergences
  $ strangler replay inventory --from test/cases/inventory-divergences --writes --target http://127.0.0.1:5099`;

/** Bytes as `512 B`, `12.3 KB`, `4.0 MB`. */
export function size(bytes: number | null): string {
  if (bytes === null) return '?';
  if (bytes < 1024) return `${bytes} B`;
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

const COLUMNS: readonly Column<Divergence>[] = [
  { header: 'ID', cell: (d) => String(d.id), right: true },
  { header: 'AT', cell: (d) => time(d.at) },
  { header: 'WRITE', cell: (d) => `${d.method} ${d.path}` },
  { header: 'MISSED BY', cell: (d) => (d.side === 'service' ? `service (${d.upstream})` : 'monolith') },
  { header: 'REASON', cell: (d) => d.reason },
  { header: 'BODY', cell: (d) => (d.bodyKept ? size(d.bodyBytes) : `not kept (${size(d.bodyBytes)})`), right: true },
  { header: 'STATUS', cell: (d) => d.status },
  { header: 'TRIES', cell: (d) => String(d.attempts), right: true },
];

function listing(l: DivergenceList, status: string): string {
  const head = visible(`${l.route}: ${l.open} open divergence${l.open === 1 ? '' : 's'} (${size(l.openBytes)} stored)`) + '\n';
  return head + table(l.divergences, COLUMNS, status === 'open' ? '(no open divergences: both sides got every write)' : '(none)');
}

function detail(d: DivergenceDetail): string {
  const r = d.request;
  const lines = [
    `divergence ${d.id} on ${d.route}: ${d.status}${d.settledAt ? ` at ${time(d.settledAt)} by ${d.settledBy} (${d.settleReason})` : ''}`,
    `  at          ${time(d.at)} (stage ${d.stage}, request ${d.requestId ?? '-'})`,
    `  write       ${r.method} ${r.target}`,
    `  missed by   ${d.side === 'service' ? `service ${d.upstream}` : 'monolith'}: ${d.reason}${d.secondError ? ` (${d.secondError})` : ''}`,
    `  attempts    ${d.attempts}${d.lastOutcome ? `, last: ${d.lastOutcome} at ${time(d.lastAttemptAt)}` : ''}`,
    'headers (credentials masked):',
    ...Object.entries(r.headers).map(([k, v]) => `  ${k}: ${Array.isArray(v) ? v.join(', ') : v}`),
    `body: ${size(r.body.bytes)}${d.contentEncoding ? ` ${d.contentEncoding}` : ''}${r.body.note ? `, ${r.body.note}` : ''}`,
  ];
  if (r.body.json !== undefined) lines.push(...JSON.stringify(r.body.json, null, 2).split('\n').map((l) => `  ${l}`));
  // Every line holds stored request data (headers, path, body): escaped line by line, so a newline in it shows too.
  return `${lines.map(visible).join('\n')}\n`;
}

function stepLine(s: ReplayStep): string {
  const what = s.outcome === 'would_send' ? 'would send (dry run)' : s.outcome === 'repaired' ? `repaired (${s.status})` : `failed again (${[s.status, s.error].filter((x) => x !== null).join(' ')})`;
  return `${visible(`#${s.id} ${s.method} ${s.path} → ${s.upstream}: ${what}`)}\n`;
}

function summary(r: ReplayReport): string {
  const count = (o: ReplayStep['outcome']): number => r.steps.filter((s) => s.outcome === o).length;
  const tail = r.open === null ? 'open divergences unknown (the state database did not answer)' : `${r.open} open divergence${r.open === 1 ? '' : 's'} left`;
  const stopped = r.stopped ? safe`stopped: ${r.stopped}` + '\n' : '';
  if (r.dryRun) return `${stopped}${visible(r.route)}: dry run, ${count('would_send')} would be sent, nothing sent; ${tail}\n`;
  return `${stopped}${visible(r.route)}: ${count('repaired')} repaired, ${count('failed')} failed again; ${tail}\n`;
}

/** commander collector for repeated `--header "Name: value"`. */
export function header(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const colon = value.indexOf(':');
  if (colon <= 0) throw new InvalidArgumentError('write it as "Name: value".');
  return { ...previous, [value.slice(0, colon).trim()]: value.slice(colon + 1).trim() };
}

export function register(program: Command, deps: CliDeps): Command {
  const cmd = program
    .command('divergences')
    .description('writes the other side missed (the two databases disagree): list, show, replay in order, resolve')
    .summary('list, show, replay or resolve divergences (missed second writes)')
    .addHelpText('after', EXAMPLES);

  cmd.command('list')
    .description("a route's divergences, oldest first")
    .argument('<route>', 'route name')
    .addOption(new Option('--status <status>', 'only these').choices(['open', 'repaired', 'resolved', 'all']).default('open'))
    .option('--json', 'print JSON (stable contract)')
    .action(async (route: string, opts: { status: DivergenceStatus | 'all'; json?: boolean }, c: Command) => {
      const l = await withBackend(c, deps, (b) => b.listDivergences(route, opts.status === 'all' ? undefined : opts.status));
      deps.stdout.write(opts.json ? json(l) : listing(l, opts.status));
    });

  cmd.command('show')
    .description('one divergence and its stored request (credentials and secret body fields masked)')
    .argument('<route>', 'route name')
    .argument('<id>', 'divergence id (see: strangler divergences list)', parseCount)
    .option('--json', 'print JSON (stable contract)')
    .action(async (route: string, id: number, opts: { json?: boolean }, c: Command) => {
      const d = await withBackend(c, deps, (b) => b.showDivergence(route, id));
      deps.stdout.write(opts.json ? json(d) : detail(d));
    });

  cmd.command('replay')
    .description('re-send the open divergences of a route to the side that missed them, oldest first; stops at the first that fails again')
    .argument('<route>', 'route name')
    .option('--id <n>', 'only this one (refused while an older one is open)', parseCount)
    .option('--dry-run', 'list what would be sent; send nothing')
    .option('--header <header>', 'set this header on every re-sent request, e.g. a fresh "Authorization: Bearer ..." (repeatable)', header)
    .option('--resend-unanswered', 'send again a divergence whose last replay got no answer (timed out or cut off): check first that the side did not apply it')
    .option('--json', 'print the replay report as JSON (stable contract)')
    .action(async (route: string, opts: { id?: number; dryRun?: boolean; header?: Record<string, string>; resendUnanswered?: boolean; json?: boolean }, c: Command) => {
      const r = await withBackend(c, deps, (b) => b.replayDivergences(route, {
        id: opts.id, dryRun: opts.dryRun === true, headers: opts.header, ...(opts.resendUnanswered ? { resendUnanswered: true } : {}),
      }));
      deps.stdout.write(opts.json ? json(r) : r.steps.map(stepLine).join('') + summary(r));
      if (r.stopped !== null || r.steps.some((s) => s.outcome === 'failed')) deps.setExitCode(EXIT_FAILED);
    });

  cmd.command('resolve')
    .description('mark a divergence resolved without re-sending it (repaired by other means, or not to be repaired)')
    .argument('<route>', 'route name')
    .argument('<id>', 'divergence id', parseCount)
    .requiredOption('--reason <text>', 'why: kept in the audit log')
    .action(async (route: string, id: number, opts: { reason: string }, c: Command) => {
      if (opts.reason.trim() === '') throw new CliError('--reason must not be empty: it goes to the audit log');
      const d = await withBackend(c, deps, (b) => b.resolveDivergence(route, id, opts.reason));
      deps.stdout.write(safe`${route}: divergence ${d.id} resolved (${d.method} ${d.path}, never re-sent)` + '\n');
    });

  cmd.command('export')
    .description('write a route\'s divergences as case files (request decrypted with the divergence key, then redacted), to replay with strangler replay --writes')
    .argument('<route>', 'route name')
    .requiredOption('--out <dir>', 'folder to write into (made if missing)')
    .addOption(new Option('--status <status>', 'only these').choices(['open', 'repaired', 'resolved', 'all']).default('open'))
    .option('--prune', 'remove files of this route\'s divergence cases that this export did not write')
    .action(async (route: string, opts: { out: string; status: DivergenceStatus | 'all'; prune?: boolean }, c: Command) => {
      const out = await withCaseDb(c, deps, 'divergences export', (db) => exportDivergences(db, deps, route, opts));
      const dir = path.relative(deps.cwd, path.resolve(deps.cwd, opts.out)) || '.';
      deps.stdout.write(safe`${route}: ${out.cases} divergence${out.cases === 1 ? '' : 's'} written as cases to ${dir} (${out.written} written, ${out.unchanged} unchanged)` + '\n');
      for (const s of out.skipped) deps.stdout.write(safe`divergence ${s.id} not exported: ${s.why}` + '\n');
      if (out.stale.length > 0) deps.stdout.write(`${out.stale.length} older divergence case file${out.stale.length === 1 ? '' : 's'} ${out.pruned ? 'removed' : 'left in place (pass --prune to remove them)'}\n`);
    });
  return cmd;
}

/** `divergences export`: the stored requests opened with the key (never made here), written as cases. */
async function exportDivergences(c: CaseDb, deps: CliDeps, route: string, opts: { out: string; status: DivergenceStatus | 'all'; prune?: boolean }) {
  const rc = c.config.routes.find((r) => r.name === route);
  if (!rc) throw unknownRoute(route, c.config.routes.map((r) => r.name));
  const { DivergenceStore } = require('../../facade/src/io/divergence-store') as typeof DivergenceStoreModule;
  const { loadKey, DivergenceKeyError } = require('../../facade/src/io/divergence-seal') as typeof SealModule;
  const { divergencesAsCases } = require('../../facade/src/io/case-divergences') as typeof CaseDivergences;
  const { redactionLists } = require('../../facade/src/io/case-replay-setup') as typeof ReplaySetupModule;
  const { exportCases } = require('../../facade/src/io/case-files') as typeof CaseFilesModule;
  const { serializeCase } = require('../../facade/src/core/cases/case-file') as typeof CaseFileModule;
  const { sqlOf } = require('../../facade/src/io/db/sqlite-sql') as typeof import('../../facade/src/io/db/sqlite-sql');
  const store = new DivergenceStore(sqlOf(c.db), () => loadKey(c.path, deps.env, false));
  try {
    const found = await divergencesAsCases(store, rc, opts.status === 'all' ? undefined : opts.status, redactionLists(c.config), c.config.cases.maxBodyBytes);
    const files = found.cases.map((x) => ({ case: x, text: serializeCase(x) }));
    const written = exportCases(path.resolve(deps.cwd, opts.out), route, files, opts.prune === true, (x) => x.source.kind === 'divergence');
    return { ...written, cases: files.length, skipped: found.skipped };
  } catch (err) {
    if (err instanceof DivergenceKeyError) throw new CliError(err.message, EXIT_FAILED);
    throw err;
  }
}
