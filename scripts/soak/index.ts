// `npm run soak`: months of history in minutes. Writes N days (default 90) × 3 routes × 50 endpoints
// through the stores' own write paths on an accelerated clock, pruning as the facade's timer would,
// then measures `strangler report` in every format, the gate and the admin API's report on that
// store: time and peak RSS each, plus the store's size on disk and its growth per day, printed as
// one table against the targets (docs/reference/retention.md#measured-the-soak).
//
//   npm run soak                          90 days, 3 routes × 50 endpoints, 2 comparisons per route-minute
//   npm run soak -- --days 30 --per-minute 4 --runs 5 --keep
//   npm run soak -- --engine postgres      the same on PostgreSQL (a throwaway cluster, as the tests start one)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Command, InvalidArgumentError, Option } from 'commander';
import Database from 'better-sqlite3';
import { loadConfig } from '../../facade/src/config';
import { evaluateGate } from '../../facade/src/core/gate';
import { openDatabase } from '../../facade/src/io/db/open';
import { PgSql } from '../../facade/src/io/db/pg-sql';
import { isPostgresUrl } from '../../facade/src/io/db/sql';
import { startPostgres, type TestPostgres } from '../../facade/test/helpers/postgres';
import { tableStats } from './store';
import { sqlOf } from '../../facade/src/io/db/sqlite-sql';
import { loadGateInput } from '../../facade/src/io/gate-input';
import { loadReport } from '../../facade/src/io/report-query';
import { renderHtml } from '../report/html';
import { renderMarkdown } from '../report/markdown';
import { renderText } from '../report/text';
import { stopAll, stopChild } from '../bench/children';
import { buildToolkit, peakRssOf, runMeasured, startFacade, timedGet, type Build, type ProcessRun } from './measure';
import { printTable, type Row } from './table';
import { writeHistory, type WriteFigures } from './write';

const ROOT = path.resolve(__dirname, '..', '..');
const MB = 1_048_576;

interface SoakOptions { days: number; routes: number; endpoints: number; perMinute: number; divergencesPerDay: number; runs: number; keep: boolean; out?: string; engine: 'sqlite' | 'postgres' }

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return n;
}

function parseArgs(argv: string[]): SoakOptions {
  const program = new Command('soak')
    .description('Months of history through the stores, then the report, the gate and the admin report measured on it')
    .option('--days <n>', 'days of history', positiveInt, 90)
    .option('--routes <n>', 'routes (at most 3: catalog, inventory, orders)', positiveInt, 3)
    .option('--endpoints <n>', 'endpoints per route', positiveInt, 50)
    .option('--per-minute <n>', 'comparisons recorded per route and minute', positiveInt, 2)
    .option('--divergences-per-day <n>', 'second writes the service missed per day (on the last route)', positiveInt, 24)
    .option('--runs <n>', 'runs of each measurement (time: median; RSS: largest)', positiveInt, 3)
    .option('--keep', 'keep the temp dir (state.db, config, logs, build)')
    .addOption(new Option('--engine <engine>', 'where the state database is').choices(['sqlite', 'postgres']).default('sqlite'))
    .option('--out <file>', 'JSON with every figure (default reports/soak.json, reports/soak-postgres.json)');
  program.parse(argv, { from: 'user' });
  const o = program.opts<SoakOptions>();
  if (o.routes > 3) throw new InvalidArgumentError('--routes: at most 3');
  return o;
}

const ROUTES = ['catalog', 'inventory', 'orders'];

/** The soak's config: one service per route, nothing listening behind them (nothing is proxied); the state in `db`. */
function writeConfig(dir: string, routes: readonly string[], db: string): string {
  const file = path.join(dir, 'strangler.config.json');
  fs.writeFileSync(file, JSON.stringify({
    monolith: { url: 'http://127.0.0.1:9' },
    services: Object.fromEntries(routes.map((r) => [r, { url: 'http://127.0.0.1:9' }])),
    routes: routes.map((name) => ({ name, match: { path: `/api/${name}/**` }, service: name })),
    state: isPostgresUrl(db) ? { db, localDir: path.join(dir, 'local') } : { db },
  }, null, 2));
  return file;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

async function repeat<T>(runs: number, fn: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < runs; i++) out.push(await fn());
  return out;
}

/** Time (median) and peak RSS (largest) rows of one measured process kind. */
function processRows(what: string, runs: readonly ProcessRun[], timeTarget: number | null): Row[] {
  return [
    { figure: `${what}: time`, value: median(runs.map((r) => r.ms)), unit: 'ms', target: timeTarget, note: `process: ${Math.round(median(runs.map((r) => r.wallMs)))} ms from spawn to exit` },
    { figure: `${what}: peak RSS`, value: Math.max(...runs.map((r) => r.maxRssBytes)) / MB, unit: 'MB', target: 300 },
  ];
}

async function measure(o: SoakOptions, dir: string, build: Build, config: string): Promise<Row[]> {
  const cli = path.join(build.root, 'scripts', 'cli.js');
  const formats: Array<[string, string[]]> = [['text', []], ['JSON', ['--json']], ['Markdown', ['--markdown']], ['HTML', ['--html', path.join(dir, 'report.html')]]];
  const rows: Row[] = [];
  for (const [name, args] of formats) {
    const runs = await repeat(o.runs, () => runMeasured([cli, '--config', config, 'report', ...args], dir));
    if (name === 'JSON') {
      const report = JSON.parse(runs[0].stdout) as { routes: Array<{ route: string; timeline: { points: unknown[]; bucketMinutes: number } }> };
      process.stderr.write(`soak: report has ${report.routes.length} routes; ${report.routes[0].route}'s timeline ${report.routes[0].timeline.points.length} points of ${report.routes[0].timeline.bucketMinutes} min\n`);
    }
    rows.push(...processRows(`strangler report (${name})`, runs, 2000));
  }
  // The gate's time is the probe's own (config, database, loadGateInput, evaluateGate), not node's start-up.
  const gate = (await repeat(o.runs, () => runMeasured([path.join(build.root, 'scripts', 'soak', 'probe.js'), config, ROUTES[0]], dir)))
    .map((r) => ({ ...r, probe: JSON.parse(r.stdout) as { ms: number; pass: boolean; from: string; to: string } }));
  process.stderr.write(`soak: gate ${gate[0].probe.from} → ${gate[0].probe.to}: ${gate[0].probe.pass ? 'pass' : 'refused'}\n`);
  rows.push(...processRows(`gate (${ROUTES[0]} ${gate[0].probe.from} → ${gate[0].probe.to}, own process)`, gate.map((r) => ({ ...r, ms: r.probe.ms })), 200));
  // `db stats` and `db prune` read a SQLite file (on PostgreSQL the facade's timer prunes; the DBA has the server's own views).
  for (const [name, args] of o.engine === 'sqlite' ? [['db stats', ['db', 'stats']], ['db prune --dry-run', ['db', 'prune', '--dry-run']]] as const : []) {
    const runs = await repeat(o.runs, () => runMeasured([cli, '--config', config, ...args], dir));
    rows.push({ figure: `strangler ${name}: time`, value: median(runs.map((r) => r.ms)), unit: 'ms', target: null });
  }

  const facade = await startFacade(build, config, dir, randomBytes(24).toString('hex'));
  try {
    const baseline = peakRssOf(facade.child.pid);
    const report = await repeat(o.runs, () => timedGet(facade, '/report'));
    const gateApi = await repeat(o.runs, () => timedGet(facade, `/routes/${ROUTES[0]}/gate`));
    rows.push(
      { figure: 'admin GET /report: time', value: median(report.map((r) => r.ms)), unit: 'ms', target: 2000 },
      { figure: 'admin GET /routes/:name/gate: time', value: median(gateApi.map((r) => r.ms)), unit: 'ms', target: 200 },
      { figure: 'facade: peak RSS after the admin calls', value: peakRssOf(facade.child.pid) / MB, unit: 'MB', target: 300, note: `${(baseline / MB).toFixed(0)} MB before them` },
    );
  } finally {
    await stopChild(facade.child);
  }
  return rows;
}

/**
 * The same functions in this process, warm (after one untimed run): what the report and the gate
 * cost without process start-up and module loading. Time only: this process's RSS is the writer's.
 */
async function inProcessRows(o: SoakOptions, configFile: string): Promise<Row[]> {
  const config = loadConfig(configFile);
  const db = isPostgresUrl(config.state.db) ? null : new Database(config.state.db, { readonly: true });
  const sql = db ? sqlOf(db) : new PgSql(config.state.db, { max: 2 });
  const routes = config.routes.map((r) => r.name);
  const configs = new Map(config.routes.map((r) => [r.name, r]));
  const timed = async (fn: () => Promise<unknown>): Promise<number> => {
    await fn();
    const times: number[] = [];
    for (let i = 0; i < o.runs; i++) { const t = performance.now(); await fn(); times.push(performance.now() - t); }
    return median(times);
  };
  const report = () => loadReport(sql, { now: new Date(), routes, configs });
  const rows: Row[] = [
    { figure: 'in process, warm: loadReport', value: await timed(report), unit: 'ms', target: 2000 },
    { figure: 'in process, warm: loadReport + renderText', value: await timed(async () => renderText(await report(), { color: false })), unit: 'ms', target: 2000 },
    { figure: 'in process, warm: loadReport + renderMarkdown', value: await timed(async () => renderMarkdown(await report())), unit: 'ms', target: 2000 },
    { figure: 'in process, warm: loadReport + renderHtml', value: await timed(async () => renderHtml(await report())), unit: 'ms', target: 2000 },
    { figure: `in process, warm: gate (${routes[0]} shadow → live)`, value: await timed(async () => evaluateGate(await loadGateInput(sql, routes[0], 'shadow', 'live', configs.get(routes[0])), config.gate)), unit: 'ms', target: 200 },
  ];
  if (db) db.close();
  else await sql.close();
  return rows;
}

function storeRows(w: WriteFigures, days: number, engine: SoakOptions['engine']): Row[] {
  const at = (day: number): number => w.bytesByDay[Math.min(day, w.bytesByDay.length) - 1] / MB;
  const perDay = (from: number, to: number): number => ((at(to) - at(from)) / (to - from)) * 1024;
  const rows: Row[] = [{ figure: `store on disk after ${days} days`, value: at(days), unit: 'MB', target: null }];
  for (const d of [1, 7, 30, 60].filter((x) => x < days)) rows.push({ figure: `  … after day ${d}`, value: at(d), unit: 'MB', target: null });
  if (days >= 8) rows.push({ figure: 'growth per day, days 1–7 (filling up)', value: perDay(1, 7), unit: 'KB', target: null });
  if (days >= 60) rows.push({ figure: `growth per day, days ${days - 30}–${days} (retention in force)`, value: perDay(days - 30, days), unit: 'KB', target: null });
  const q = (p: number): number => w.stepMs[Math.min(w.stepMs.length - 1, Math.floor(p * w.stepMs.length))] ?? 0;
  rows.push(
    // SQLite runs a step synchronously (the facade's event loop waits); on PostgreSQL a step mostly waits for the server, the loop meanwhile free.
    { figure: engine === 'sqlite' ? 'retention step, median (the event loop is held this long)' : 'retention step, median (wall time; the event loop is free while it waits)',
      value: q(0.5), unit: 'ms', target: null, note: `${w.retentionPasses} passes, ${w.retentionBatches} batches` },
    { figure: 'retention step, p99', value: q(0.99), unit: 'ms', target: null },
    { figure: 'retention step, longest', value: q(1), unit: 'ms', target: null },
  );
  return rows;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const out = o.out ?? path.join(ROOT, 'reports', o.engine === 'postgres' ? 'soak-postgres.json' : 'soak.json');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-soak-'));
  const log = (line: string): void => { process.stderr.write(`${line}\n`); };
  const load = (): string => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const loadBefore = load();
  let cluster: TestPostgres | null = null;
  try {
    const routes = ROUTES.slice(0, o.routes);
    if (o.engine === 'postgres') cluster = await startPostgres();
    const configFile = writeConfig(dir, routes, cluster ? await cluster.createDatabase('soak') : 'state.db');
    const config = loadConfig(configFile);
    const where = cluster ? `PostgreSQL (throwaway cluster on :${cluster.port}, fsync off)` : 'SQLite';
    log(`soak: ${o.days} days × ${routes.length} routes × ${o.endpoints} endpoints, ${o.perMinute} comparisons per route-minute, on ${where}, into ${dir}`);
    const written = await writeHistory(config, { routes, endpointsPerRoute: o.endpoints, perMinute: o.perMinute, divergencesPerDay: o.divergencesPerDay }, o.days, Date.now(), dir, log);
    log(`soak: ${written.records.toLocaleString('en-US')} comparison records, ${written.divergences} divergences (${written.settled} settled), ${written.stageChanges} stage changes in ${written.writeSeconds.toFixed(0)} s`);
    const opened = await openDatabase(config.state.db, { create: false });
    if (opened.pg) {
      // 90 days pass in minutes here, faster than autovacuum's naptime: do once what it would have done
      // by then (statistics, and the visibility map that lets the gate read from its index alone).
      log('soak: VACUUM ANALYZE (what autovacuum does over the days the soak compresses)');
      await opened.pg.exec('VACUUM ANALYZE');
    }
    const stats = await tableStats(opened);
    await opened.close();
    log('soak: compiling the toolkit (tsc) to measure it as installed');
    const build = buildToolkit(dir);
    const rows = [...await measure(o, dir, build, configFile), ...await inProcessRows(o, configFile), ...storeRows(written, o.days, o.engine)];
    const loadAfter = load();
    const title = `soak: ${o.days} days × ${routes.length} routes × ${o.endpoints} endpoints on ${where} (${build.note}); ${os.cpus().length} CPUs, load average ${loadBefore} before, ${loadAfter} after`;
    printTable(title, rows, stats);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, `${JSON.stringify({ options: o, engine: o.engine, build: build.note, loadBefore, loadAfter, written: { ...written, stepMs: undefined }, stats, rows }, null, 2)}\n`);
    log(`soak: figures in ${path.relative(process.cwd(), out)}${o.keep ? `; files kept in ${dir}` : ''}`);
  } finally {
    const left = await stopAll();
    if (left.length > 0) log(`soak: still running after stop: ${left.join(', ')}`);
    if (cluster && !o.keep) await cluster.stop();
    if (!o.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`soak failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
