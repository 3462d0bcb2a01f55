// `strangler report [route] [--since DURATION]`: the shadow-diff report as terminal text (colour
// only on a TTY), `--json` (the Report contract), `--markdown` (to paste into a pull request) or
// `--html FILE` (one self-contained page with charts). Same data locally and through --admin.
import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { DurationError, parseDuration } from '../../facade/src/core/duration';
import { withBackend } from '../cli/backend';
import type { CliDeps } from '../cli/context';
import { json, useColor } from '../cli/output';
import { safe } from '../cli/terminal';

interface ReportOptions { since?: string; json?: boolean; markdown?: boolean; html?: string }

/** commander parser: keeps the duration as typed (the admin API takes it as is) once it parses. */
function duration(value: string): string {
  try {
    parseDuration(value);
    return value.trim();
  } catch (err) {
    if (err instanceof DurationError) throw new InvalidArgumentError('use a number and a unit: 90s, 15m, 2h, 7d, or combined: 1h30m.');
    throw err;
  }
}

export function register(program: Command, deps: CliDeps): Command {
  return program
    .command('report')
    .description('the shadow-diff report: outcomes, top differing fields with examples, status pairs, latency, errors')
    .summary('print the shadow-diff report (text, JSON, Markdown, HTML)')
    .argument('[route]', 'only this route')
    .option('--since <duration>', 'only comparisons of the last 15m, 2h, 7d, ... (field aggregates are lifetime)', duration)
    .addOption(new Option('--json', 'print the report as JSON (stable contract)').conflicts(['markdown', 'html']))
    .addOption(new Option('--markdown', 'print Markdown, to paste into a pull request').conflicts(['html']))
    .addOption(new Option('--html <file>', 'write a self-contained HTML page with charts'))
    .addHelpText('after', `
Examples:
  $ strangler report                                   # every route, as terminal tables
  $ strangler report catalog --since 1h
  $ strangler report catalog --markdown > report.md    # for a pull request
  $ strangler report --html reports/shadow.html        # open it in a browser`)
    .action(async (route: string | undefined, opts: ReportOptions, cmd: Command) => {
      const report = await withBackend(cmd, deps, (backend) => backend.report({ route, since: opts.since }));
      // Renderers load on demand: the HTML one carries its charts and styles.
      if (opts.json) deps.stdout.write(json(report));
      else if (opts.markdown) deps.stdout.write((await import('../report/markdown')).renderMarkdown(report));
      else if (opts.html !== undefined) {
        const file = path.resolve(deps.cwd, opts.html);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, (await import('../report/html')).renderHtml(report));
        deps.stdout.write(safe`wrote ${path.relative(deps.cwd, file) || file}` + ` (${report.routes.length} route${report.routes.length === 1 ? '' : 's'})\n`);
      } else {
        const { renderText } = await import('../report/text');
        deps.stdout.write(renderText(report, { color: useColor(deps.stdout, deps.env) }));
      }
    });
}
