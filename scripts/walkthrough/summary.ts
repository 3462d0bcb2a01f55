// The walkthrough's ending: a table of every step (stage reached, comparisons and mismatches in
// the step, duration) and the shadow-diff report of the whole run, written as HTML and Markdown
// with the same CLI commands a person would use.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { table } from '../cli/output';
import type { OutcomeCounts, ReplayRun } from './context';
import type { Narrator } from './narrator';

export interface StepSummary {
  readonly step: number;
  /** The step in a word or two. */
  readonly title: string;
  /** The route's stage after the step, with its rollout: `shadow (10 % live)`. */
  readonly stage: string;
  readonly comparisons: number;
  readonly mismatches: number;
  readonly durationMs: number;
}

export interface WalkthroughSummary {
  readonly steps: readonly StepSummary[];
  readonly finalStage: string;
  /** Outcomes of the comparisons since the fixed build was deployed (the window that must be clean). */
  readonly afterFix: OutcomeCounts;
  /** The replays of the recorded cases against the unfixed and the fixed build, before the deploy. */
  readonly replays: readonly ReplayRun[];
  readonly reports: { readonly html: string; readonly markdown: string };
  readonly dataDir: string;
  /** Every process the walkthrough started. */
  readonly pids: readonly number[];
  readonly durationMs: number;
}

/** The route's stage as stored in the state database, with its rollout if one is set. */
export function stageOf(stateDb: string, route: string): string {
  const db = new Database(stateDb, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT stage, rollout_stage AS rs, rollout_percent AS rp FROM route_states WHERE route = ?').get(route) as
      { stage: string; rs: string | null; rp: number | null } | undefined;
    if (!row) return 'off';
    return row.rs !== null && row.rp !== null ? `${row.stage} (${row.rp} % ${row.rs})` : row.stage;
  } finally {
    db.close();
  }
}

/** Prints the summary table. */
export function printSummary(narrator: Narrator, steps: readonly StepSummary[], totalMs: number): void {
  narrator.write('\n=== Summary ===\n');
  narrator.write(table(steps, [
    { header: 'STEP', cell: (s) => String(s.step), right: true },
    { header: 'WHAT', cell: (s) => s.title },
    { header: 'STAGE', cell: (s) => s.stage },
    { header: 'COMPARISONS', cell: (s) => String(s.comparisons), right: true },
    { header: 'MISMATCHES', cell: (s) => String(s.mismatches), right: true },
    { header: 'DURATION', cell: (s) => `${(s.durationMs / 1000).toFixed(1)} s`, right: true },
  ]));
  narrator.write(`total ${(totalMs / 1000).toFixed(1)} s\n`);
}

/** Writes walkthrough.html and walkthrough.md (the whole run) into `dir` through the CLI. */
export async function writeReports(narrator: Narrator, dir: string, route: string): Promise<{ html: string; markdown: string }> {
  fs.mkdirSync(dir, { recursive: true });
  const html = path.join(dir, 'walkthrough.html');
  const markdown = path.join(dir, 'walkthrough.md');
  narrator.say(
    'The report of the whole run, for a browser and for a pull request. It covers every comparison, so it still ' +
    'counts the old build\'s `$.warehouse` mismatches; `--since` narrows it to the time after the fix.',
  );
  // Shown (and passed) relative to the working directory when inside it, as a person would type them.
  const shown = (file: string): string => (path.relative(process.cwd(), file).startsWith('..') ? file : path.relative(process.cwd(), file));
  await narrator.cli(['report', route, '--html', shown(html)]);
  const md = await narrator.cli(['report', route, '--markdown'], { quiet: true });
  narrator.typed(`npx strangler report ${route} --markdown > ${shown(markdown)}`);
  fs.writeFileSync(markdown, md.stdout);
  return { html, markdown };
}
