// `strangler cases list|export|import`: the exchanges the facade recorded while it compared (a sample
// per endpoint and every one with a real difference, redacted), as JSON files a team keeps in git
// and replays against any build of the service (`strangler replay`). Works on the state database
// itself (never through --admin). The stores load when a subcommand runs, not for `--help`.
import path from 'node:path';
import type { Command } from 'commander';
import type * as CaseFiles from '../../facade/src/io/case-files';
import type * as CaseStoreModule from '../../facade/src/io/case-store';
import { withCaseDb } from '../cli/cases-db';
import { CliError, EXIT_FAILED, unknownRoute, type CliDeps } from '../cli/context';
import { json, table, time, type Column } from '../cli/output';
import { safe } from '../cli/terminal';
import { size } from './divergences';

const EXAMPLES = `
Examples:
  $ strangler cases list                                 # per endpoint: real differences, samples, size
  $ strangler cases export catalog --out test/cases/catalog
  $ strangler cases export catalog --out test/cases/catalog --prune   # also remove files of cases no longer kept
  $ strangler --db ci.db --create cases import test/cases             # a fresh database from the files
  $ strangler replay catalog --from test/cases/catalog --target http://127.0.0.1:5001`;

const caseFiles = (): typeof CaseFiles => require('../../facade/src/io/case-files') as typeof CaseFiles;
const caseStore = (): typeof CaseStoreModule => require('../../facade/src/io/case-store') as typeof CaseStoreModule;

type Summary = CaseStoreModule.CaseSummary;

const COLUMNS: readonly Column<Summary>[] = [
  { header: 'ROUTE', cell: (s) => s.route },
  { header: 'ENDPOINT', cell: (s) => s.endpoint },
  { header: 'REAL', cell: (s) => String(s.real), right: true },
  { header: 'SAMPLED', cell: (s) => String(s.sample), right: true },
  { header: 'SIZE', cell: (s) => size(s.bytes), right: true },
  { header: 'NEWEST', cell: (s) => time(s.newest) },
];

export function register(program: Command, deps: CliDeps): Command {
  const cmd = program
    .command('cases')
    .description('recorded exchanges (request, the monolith\'s answer, what the comparison found): list, export as files, import')
    .summary('list, export or import recorded cases (for strangler replay)')
    .addHelpText('after', EXAMPLES);

  cmd.command('list')
    .description('recorded cases per endpoint: with a real difference, sampled, their size')
    .argument('[route]', 'only this route')
    .option('--json', 'print JSON (stable contract)')
    .action(async (route: string | undefined, opts: { json?: boolean }, c: Command) => {
      const rows = await withCaseDb(c, deps, 'cases list', ({ config, db }) => {
        if (route !== undefined && !config.routes.some((r) => r.name === route)) throw unknownRoute(route, config.routes.map((r) => r.name));
        return { rows: caseStore().caseSummary(db, route), budget: config.cases.maxBytes };
      });
      if (opts.json) { deps.stdout.write(json(rows.rows)); return; }
      const total = rows.rows.reduce((n, r) => n + r.real + r.sample, 0);
      const bytes = rows.rows.reduce((n, r) => n + r.bytes, 0);
      deps.stdout.write(table(rows.rows, COLUMNS, '(no cases recorded yet: the facade records them while a route is compared, at shadow or live)'));
      deps.stdout.write(`${total} case${total === 1 ? '' : 's'}, ${size(bytes)} (cases.maxBytes ${size(rows.budget)} for all routes)\n`);
    });

  cmd.command('export')
    .description('write a route\'s cases into a folder, one JSON file each (stable key order: diffable in git)')
    .argument('<route>', 'route name')
    .requiredOption('--out <dir>', 'folder to write into (made if missing)')
    .option('--prune', 'remove files of this route\'s cases that are no longer recorded')
    .action(async (route: string, opts: { out: string; prune?: boolean }, c: Command) => {
      const dir = path.resolve(deps.cwd, opts.out);
      const out = await withCaseDb(c, deps, 'cases export', ({ config, db }) => {
        if (!config.routes.some((r) => r.name === route)) throw unknownRoute(route, config.routes.map((r) => r.name));
        const { parseCase } = require('../../facade/src/core/cases/case-file') as typeof import('../../facade/src/core/cases/case-file');
        const cases = caseStore().caseTexts(db, route).map((t) => ({ case: parseCase(t.text, `case ${t.id}`), text: t.text }));
        if (cases.length === 0) throw new CliError(`route ${route} has no recorded cases yet (see: strangler cases list)`, EXIT_FAILED);
        return { cases: cases.length, result: caseFiles().exportCases(dir, route, cases, opts.prune === true) };
      });
      const shown = path.relative(deps.cwd, dir) || '.';
      deps.stdout.write(safe`${route}: ${out.cases} case${out.cases === 1 ? '' : 's'} in ${shown} (${out.result.written} written, ${out.result.unchanged} unchanged)` + '\n');
      if (out.result.stale.length > 0) {
        const what = out.result.pruned ? 'removed' : 'left in place (pass --prune to remove them)';
        deps.stdout.write(`${out.result.stale.length} older case file${out.result.stale.length === 1 ? '' : 's'} of ${route} ${what}\n`);
      }
    });

  cmd.command('import')
    .description('read case files (a folder and its subfolders) into the state database; all or nothing')
    .argument('<dir>', 'folder of case files')
    .action(async (dir: string, _opts: unknown, c: Command) => {
      const folder = path.resolve(deps.cwd, dir);
      const counts = await withCaseDb(c, deps, 'cases import', ({ config, db }) => {
        const files = readFolder(folder);
        const known = config.routes.map((r) => r.name);
        const stranger = files.find((f) => !known.includes(f.case.route));
        if (stranger) throw new CliError(safe`${stranger.file}: ` + unknownRoute(stranger.case.route, known).message);
        new (caseStore().CaseStore)(db).importAll(caseFiles().rowsOf(files));
        const byRoute = new Map<string, number>();
        for (const f of files) byRoute.set(f.case.route, (byRoute.get(f.case.route) ?? 0) + 1);
        return byRoute;
      });
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      const parts = [...counts].map(([r, n]) => `${r}: ${n}`).join(', ');
      deps.stdout.write(safe`imported ${total} case${total === 1 ? '' : 's'} (${parts})` + '\n');
    });
  return cmd;
}

/** The folder's case files; a bad folder or file is a usage error naming it. */
export function readFolder(folder: string): ReturnType<typeof CaseFiles.readCaseFiles> {
  try {
    return caseFiles().readCaseFiles(folder);
  } catch (err) {
    if ((err as { code?: string }).code === 'CASE_FOLDER_INVALID') throw new CliError((err as Error).message);
    throw err;
  }
}
