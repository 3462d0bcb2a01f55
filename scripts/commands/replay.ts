// `strangler replay [route] --target URL`: sends the recorded cases (from the state database, or
// case files with --from) to any build of a service and judges each answer against the recorded
// monolith answer with the facade's comparison engine. Safe reads only, unless --writes, which is
// refused against a configured live upstream (monolith, service, the facade itself) unless
// --i-know-this-is-live. Exit 0 when nothing failed, 1 otherwise: made for CI (--junit FILE, --json).
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { FacadeConfig } from '../../facade/src/config';
import type * as Cases from '../../facade/src/core/cases';
import type * as ReplayModule from '../../facade/src/io/case-replay';
import type * as SetupModule from '../../facade/src/io/case-replay-setup';
import type * as CaseStoreModule from '../../facade/src/io/case-store';
import { withCaseDb, localOnly } from '../cli/cases-db';
import { CliError, EXIT_FAILED, configPath, globals, optionalConfig, parseHttpUrl, requireConfig, statePath, strictInt, unknownRoute, type CliDeps } from '../cli/context';
import { json, paintFor } from '../cli/output';
import { safe } from '../cli/terminal';
import { readFolder } from './cases';
import { header } from './divergences';
import { localStateFile } from '../../facade/src/io/replica';

const EXAMPLES = `
Examples:
  $ strangler replay catalog --target http://127.0.0.1:5001                 # the recorded cases of catalog
  $ strangler replay --from test/cases --target http://127.0.0.1:5001 --junit reports/replay.xml
  $ strangler replay catalog --target http://127.0.0.1:5001 --concurrency 16 --rate 200 --json
  $ strangler replay inventory --from test/cases/inventory --writes --target http://127.0.0.1:5099   # a throwaway build
  $ strangler replay catalog --target http://127.0.0.1:5001 --header "Authorization: Bearer <test token>"
  $ strangler replay inventory --from test/cases/inventory --endpoint "GET /api/inventory/:id" --target http://127.0.0.1:5099

Exit codes: 0 every sent case matched (noise, generated values and ignored fields allowed), 1 a real
difference, an error from the target, or a refused --writes, 2 bad usage.`;

interface ReplayOptions {
  target: string; from?: string; endpoint?: string[]; writes?: boolean; iKnowThisIsLive?: boolean; header?: Record<string, string>;
  concurrency: number; rate?: number; timeout: number; reask: boolean; failOnUnjudged?: boolean;
  json?: boolean; markdown?: boolean; junit?: string;
}

// Set by the replay itself, or per connection: not something a case may override.
const NOT_SETTABLE = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'host']);

function overrides(given: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    const lower = name.toLowerCase();
    if (!/^[!#$%&'*+\-.^_`|~0-9a-z]+$/.test(lower)) throw new CliError(safe`--header "${name}": not a valid header name`);
    if (NOT_SETTABLE.has(lower)) throw new CliError(safe`--header "${name}": set by the replay itself, cannot be overridden`);
    if (/[\r\n\0]/.test(value)) throw new CliError(safe`--header "${name}": the value must not contain CR, LF or NUL`);
    out[lower] = value;
  }
  return out;
}

/** commander collector for repeated `--endpoint "GET /api/products/:id"`: the method upper-cased, as `cases list` shows it. */
export function endpointOption(value: string, previous: readonly string[] = []): string[] {
  const m = /^\s*([A-Za-z]+)\s+(\/\S*)\s*$/.exec(value);
  if (!m) throw new InvalidArgumentError('write it as METHOD /path/template, as strangler cases list shows it, e.g. "GET /api/products/:id".');
  return [...previous, `${m[1]!.toUpperCase()} ${m[2]!}`];
}

/**
 * The cases of the endpoints asked for. An endpoint with no case is an error naming the recorded
 * ones: a typo must not turn a CI replay into a green run that replayed nothing.
 */
function onlyEndpoints(cases: readonly Cases.RecordedCase[], endpoints: readonly string[], route: string | undefined): Cases.RecordedCase[] {
  const recorded = [...new Set(cases.map((c) => c.endpoint))].sort();
  const missing = endpoints.filter((e) => !recorded.includes(e));
  if (missing.length > 0) {
    throw new CliError(safe`no recorded case of ${missing.join(', ')}${route ? ` for route ${route}` : ''}; the cases hold: ${recorded.join(', ')} (see: strangler cases list)`, EXIT_FAILED);
  }
  return cases.filter((c) => endpoints.includes(c.endpoint));
}

/** --writes may only go to a throwaway target: never a configured live upstream unless the operator says so. */
function checkWrites(opts: ReplayOptions, config: FacadeConfig | null, configFile: string, deps: CliDeps): void {
  if (!opts.writes) return;
  if (config === null) {
    if (opts.iKnowThisIsLive) return;
    throw new CliError(`--writes needs the config file to make sure ${opts.target} is not a live upstream (${configFile} not found): pass --config, or --i-know-this-is-live for a throwaway target`, EXIT_FAILED);
  }
  const { liveUpstreamAt } = require('../../facade/src/core/cases/live-target') as typeof Cases;
  const live = [
    { name: 'the monolith', url: config.monolith.url },
    ...Object.entries(config.services).map(([name, s]) => ({ name: `service ${name}`, url: s.url })),
    { name: 'the facade', url: `http://${config.listen.host}:${config.listen.port}` },
  ];
  const hit = liveUpstreamAt(opts.target, live);
  if (hit === null) return;
  if (!opts.iKnowThisIsLive) {
    throw new CliError(safe`refusing --writes: ${opts.target} is ${hit.name} (${hit.url} in ${configFile}), a live upstream; replay writes only against a throwaway build, or pass --i-know-this-is-live`, EXIT_FAILED);
  }
  deps.stderr.write(safe`warning: sending recorded writes to ${hit.name} (${hit.url}), a live upstream, as --i-know-this-is-live asks` + '\n');
}

/** A cli-progress bar on a terminal; nothing in logs and pipes (the summary line says it all). */
function progress(deps: CliDeps): { update: (done: number, total: number) => void; stop: () => void } {
  if (deps.stderr.isTTY !== true) return { update: () => undefined, stop: () => undefined };
  const { SingleBar, Presets } = require('cli-progress') as typeof import('cli-progress');
  const bar = new SingleBar({ format: 'replay [{bar}] {value}/{total} cases | {eta_formatted} left', stream: deps.stderr as NodeJS.WritableStream, hideCursor: true }, Presets.shades_classic);
  let started = false;
  return {
    update: (done, total) => { if (!started) { bar.start(total, 0); started = true; } bar.update(done); },
    stop: () => { if (started) bar.stop(); },
  };
}

async function replayCases(db: Database.Database | null, config: FacadeConfig | null, route: string | undefined, opts: ReplayOptions, deps: CliDeps): Promise<Cases.ReplayReport> {
  const { parseCase } = require('../../facade/src/core/cases/case-file') as typeof Cases;
  const { caseTexts } = require('../../facade/src/io/case-store') as typeof CaseStoreModule;
  const { replaySetup } = require('../../facade/src/io/case-replay-setup') as typeof SetupModule;
  const { runReplay } = require('../../facade/src/io/case-replay') as typeof ReplayModule;
  const loaded = opts.from !== undefined
    ? readFolder(path.resolve(deps.cwd, opts.from)).map((f) => f.case).filter((c) => route === undefined || c.route === route)
    : caseTexts(db!, route).map((t) => parseCase(t.text, `case ${t.id}`));
  if (loaded.length === 0) {
    const where = opts.from !== undefined ? `in ${opts.from}` : 'recorded';
    throw new CliError(`no cases ${where}${route ? ` for route ${route}` : ''}: nothing to replay (see: strangler cases list)`, EXIT_FAILED);
  }
  const cases = opts.endpoint !== undefined ? onlyEndpoints(loaded, opts.endpoint, route) : loaded;
  cases.sort((a, b) => (a.recordedAt < b.recordedAt ? -1 : a.recordedAt > b.recordedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const setup = await replaySetup(config, db, cases);
  const bar = progress(deps);
  try {
    return await runReplay({
      target: opts.target, cases, writes: opts.writes === true, headers: overrides(opts.header), concurrency: opts.concurrency,
      rate: opts.rate ?? null, timeoutMs: opts.timeout, reask: opts.reask, failOnUnjudged: opts.failOnUnjudged === true,
      judging: setup.judging, book: setup.book, evidence: setup.evidence, now: deps.now, onProgress: bar.update,
    });
  } finally {
    bar.stop();
  }
}

export function register(program: Command, deps: CliDeps): Command {
  return program
    .command('replay')
    .description('send recorded cases to a build of a service and compare each answer with the recorded monolith answer (exit 1 on a real difference)')
    .summary('replay recorded cases against any build of a service (CI: --junit, exit code)')
    .argument('[route]', 'only this route (from the state database: every route when omitted)')
    .addOption(new Option('--target <url>', 'base URL of the build to replay against, e.g. http://127.0.0.1:5001').argParser(parseHttpUrl).makeOptionMandatory())
    .option('--from <dir>', 'read case files from this folder (strangler cases export) instead of the state database')
    .option('--endpoint <endpoint>', 'only the cases of this endpoint, as strangler cases list shows it, e.g. "GET /api/products/:id" (repeatable)', endpointOption)
    .option('--writes', 'also send recorded writes (refused when the target is a configured live upstream)')
    .option('--i-know-this-is-live', 'with --writes: allow a target that is the configured monolith, a service or the facade')
    .option('--header <header>', 'set this header on every request, e.g. "Authorization: Bearer <test token>" (repeatable)', header)
    .option('--concurrency <n>', 'requests in flight at once (writes always go one at a time)', strictInt(1, 256), 8)
    .option('--rate <n>', 'at most this many requests per second', strictInt(1, 100_000))
    .option('--timeout <ms>', 'deadline of each request', strictInt(1, 600_000), 10_000)
    .option('--no-reask', 'never ask the target a second time to tell its own noise from a real difference')
    .option('--fail-on-unjudged', 'an unjudged difference (too little evidence) fails the run too')
    .addOption(new Option('--json', 'print the replay report as JSON (stable contract)').conflicts(['markdown']))
    .option('--markdown', 'print Markdown (for a pull request or a CI summary)')
    .option('--junit <file>', 'also write a JUnit XML file, one test case per case')
    .addHelpText('after', EXAMPLES)
    .action(async (route: string | undefined, opts: ReplayOptions, c: Command) => {
      localOnly(c, 'replay');
      const g = globals(c);
      const config = opts.from !== undefined ? optionalConfig(g, deps) : requireConfig(g, deps);
      if (route !== undefined && config !== null && !config.routes.some((r) => r.name === route)) throw unknownRoute(route, config.routes.map((r) => r.name));
      checkWrites(opts, config, configPath(g, deps).file, deps);
      // The state database gives the diff store's noise evidence and stored ignore rules; case files work without it.
      const hasDb = config !== null && fs.existsSync(localStateFile(config, statePath(g, deps, config)));
      const report = opts.from === undefined || hasDb
        ? await withCaseDb(c, deps, 'replay', ({ db }) => replayCases(db, config, route, opts, deps))
        : await replayCases(null, config, route, opts, deps);
      if (opts.junit !== undefined) {
        const file = path.resolve(deps.cwd, opts.junit);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, (require('../../facade/src/core/cases/junit') as typeof Cases).renderJunit(report));
        deps.stderr.write(safe`wrote ${path.relative(deps.cwd, file) || file} (JUnit, ${report.cases.length} test cases)` + '\n');
      }
      if (opts.json) deps.stdout.write(json(report));
      else {
        const render = await import('../report/replay');
        deps.stdout.write(opts.markdown ? render.renderReplayMarkdown(report) : render.renderReplayText(report, paintFor(deps.stdout, deps.env)));
      }
      if (!report.passed) deps.setExitCode(EXIT_FAILED);
    });
}
