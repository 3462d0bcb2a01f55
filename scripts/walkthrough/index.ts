// `npm run walkthrough [-- --fast] [-- --step]`: migrates the demo shop's inventory capability from
// the monolith to the extracted service with real processes and generated traffic, one narrated
// step at a time (steps/), then prints a summary and leaves HTML and Markdown reports behind.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import type { Stack } from '../stack';
import { FAST, FULL, ROUTE, WalkthroughContext, type Step } from './context';
import { Narrator } from './narrator';
import { startDemo } from './steps/01-start';
import { backfill, dualwrite } from './steps/02-data';
import { readReport, shadow } from './steps/03-compare';
import { proveFix } from './steps/04-cases';
import { deployFix } from './steps/04-fix';
import { live, rampdown, tenPercent } from './steps/05-promote';
import { complete } from './steps/06-complete';
import { printSummary, stageOf, writeReports, type StepSummary, type WalkthroughSummary } from './summary';

export type { WalkthroughSummary } from './summary';

export interface WalkthroughOptions {
  /** Smaller seed and less traffic (still enough for every gate): for CI. */
  fast: boolean;
  /** Pause for Enter between steps. */
  step: boolean;
  out: NodeJS.WritableStream;
  /** Where Enter is read from in --step mode (default stdin). */
  input?: NodeJS.ReadableStream;
  /** Default `reports/walkthrough` (relative to the working directory). */
  reportsDir?: string;
  /** Default: a fresh temporary directory, removed at the end. A given one is kept. */
  dataDir?: string;
  /** Aborting stops the walkthrough (and every process it started); Ctrl-C does the same. */
  signal?: AbortSignal;
}

/** After the stack is up, in order. */
const STEPS: readonly Step[] = [backfill, dualwrite, shadow, readReport, proveFix, deployFix, tenPercent, live, rampdown, complete];
const START_TITLE = 'everything on the monolith: start the demo stack';
const START_SHORT = 'start the stack';

/**
 * Runs the whole walkthrough. Resolves with the summary; rejects on the first failed step, on an
 * unexpected process exit or when interrupted. Every process it started is stopped either way.
 */
export async function runWalkthrough(opts: WalkthroughOptions): Promise<WalkthroughSummary> {
  const started = Date.now();
  const sizes = opts.fast ? FAST : FULL;
  const dataDir = opts.dataDir ? path.resolve(opts.dataDir) : fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-walkthrough-'));
  const reportsDir = path.resolve(opts.reportsDir ?? 'reports/walkthrough');
  const token = randomBytes(12).toString('hex');
  const abort = new AbortController();
  let crash: string | null = null;
  const onSigint = (): void => abort.abort();
  opts.signal?.addEventListener('abort', onSigint, { once: true });
  process.on('SIGINT', onSigint);
  // The commands run as a person's would, with the exports step 1 prints (and nothing else of ours).
  const { STRANGLER_DB: _db, STRANGLER_CONFIG: _config, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = { ...inherited, STRANGLER_ACTOR: 'walkthrough', NO_COLOR: '1' };
  const narrator = new Narrator({ out: opts.out, input: opts.input, step: opts.step, env, cwd: process.cwd(), signal: abort.signal });
  const held: { stack?: Stack; ctx?: WalkthroughContext } = {};
  const steps: StepSummary[] = [];
  const record = (step: number, title: string, from: Date): void => {
    const o = held.ctx!.outcomes(from);
    const comparisons = o.match + o.mismatch + o.noise;
    steps.push({ step, title, stage: stageOf(held.stack!.stateDb, ROUTE), comparisons, mismatches: o.mismatch, durationMs: Date.now() - from.getTime() });
  };
  try {
    let from = new Date();
    let n = await narrator.heading(START_TITLE);
    const { stack, skus } = await startDemo(narrator, { dataDir, seedProducts: sizes.seedProducts, adminToken: token, signal: abort.signal }, (s) => {
      held.stack = s;
    }, (name, code, signal) => {
      if (abort.signal.aborted) return;
      crash = `${name} exited unexpectedly (code ${code}, signal ${signal})`;
      abort.abort();
    });
    Object.assign(env, { STRANGLER_CONFIG: stack.configPath, STRANGLER_ADMIN_TOKEN: token, MONOLITH_DB: stack.dbs.monolith, INVENTORY_DB: stack.dbs.inventory });
    held.ctx = new WalkthroughContext(stack, narrator, sizes, skus, abort.signal, token);
    await narrator.cli(['route', 'list']);
    record(n, START_SHORT, from);
    for (const step of STEPS) {
      n = await narrator.heading(step.title);
      from = new Date();
      await step.run(held.ctx);
      record(n, step.short, from);
    }
    const reports = await writeReports(narrator, reportsDir, ROUTE);
    const durationMs = Date.now() - started;
    printSummary(narrator, steps, durationMs);
    narrator.write(`reports: ${reports.html}\n         ${reports.markdown}\n`);
    return {
      steps, finalStage: stageOf(stack.stateDb, ROUTE), afterFix: held.ctx.outcomes(held.ctx.fixedAt ?? new Date(started)),
      replays: held.ctx.replays, reports, dataDir, pids: [...stack.pids(), ...held.ctx.pids], durationMs,
    };
  } catch (err) {
    if (crash !== null) throw new Error(`${crash}; the walkthrough stopped`);
    if (abort.signal.aborted) throw new Error('walkthrough interrupted');
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    opts.signal?.removeEventListener('abort', onSigint);
    held.ctx?.close();
    await held.stack?.stop();
    if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<void> {
  const cli = new Command('walkthrough')
    .description('migrate the inventory capability of the demo shop step by step, with real processes and traffic')
    .option('--fast', 'smaller seed, less traffic per step (CI)')
    .option('--step', 'pause for Enter between steps')
    .option('--reports <dir>', 'where walkthrough.html and walkthrough.md go', 'reports/walkthrough')
    .option('--data <dir>', 'keep the databases in this directory (default: a temporary one, removed at the end)')
    .parse(argv);
  const o = cli.opts<{ fast?: boolean; step?: boolean; reports: string; data?: string }>();
  try {
    await runWalkthrough({ fast: o.fast === true, step: o.step === true, out: process.stdout, reportsDir: o.reports, dataDir: o.data });
  } catch (err) {
    const message = (err as Error).message;
    process.stderr.write(`\nwalkthrough failed: ${message}\n`);
    process.exitCode = message === 'walkthrough interrupted' ? 130 : 1;
  }
}

if (require.main === module) void main(process.argv);
