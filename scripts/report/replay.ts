// `strangler replay` as terminal text (default) and Markdown (`--markdown`, for a pull request or a CI
// summary): the failing, unjudged and erroring cases first, each with its real fields (recorded vs
// replayed value, why) and body diff, then the cases listed and not sent, then one summary line.
// Wording and number formats from format.ts; data escaped for its context (terminal or Markdown).
import type { ReplayCaseResult, ReplayReport } from '../../facade/src/core/cases/report';
import { mark, type Paint } from '../cli/output';
import { visible } from '../cli/terminal';
import { count, ms, status, value } from './format';
import { mdCode, mdFence, mdText } from './markdown';

const plural = (n: number, word: string): string => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

/** `12 cases: 10 passed, 1 failed, 0 unjudged, 1 error, 0 not sent`. */
export function replaySummary(r: ReplayReport): string {
  const c = r.counts;
  return `${plural(r.cases.length, 'case')}: ${count(c.pass)} passed, ${count(c.fail)} failed, ${count(c.unjudged)} unjudged, ${plural(c.error, 'error')}, ${count(c.not_sent)} not sent`;
}

function evidenceText(r: ReplayReport): string {
  const parts = Object.entries(r.evidence).map(([route, from]) => `${route} from ${from === 'diff store' ? 'the diff store' : 'the cases themselves'}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** The fields worth showing for a case: real and unjudged first, then the rest (noise, generated, ignored). */
function shownFields(r: ReplayCaseResult): ReplayCaseResult['fields'] {
  const rank = { real: 0, unjudged: 1, noise: 2, generated: 3, ignored: 4 } as const;
  return [...r.fields].sort((a, b) => rank[a.class] - rank[b.class]);
}

const head = (r: ReplayCaseResult): string => `${r.method} ${r.target}  [${r.endpoint}, case ${r.id}]`;

function textCase(r: ReplayCaseResult, paint: Paint): string[] {
  const tag = r.outcome === 'error' ? 'error   ' : r.outcome === 'unjudged' ? 'unjudged' : 'fail    ';
  const lines = [`${r.outcome === 'unjudged' ? '?' : mark(false, paint)} ${tag} ${visible(head(r))}`];
  if (r.outcome === 'error') lines.push(`    the target did not answer: ${visible(r.why ?? '')}`);
  else lines.push(`    status: recorded ${status(r.recordedStatus)}, replayed ${status(r.replayedStatus)}`);
  for (const f of shownFields(r)) {
    lines.push(`    ${f.class.padEnd(9)} ${visible(f.path)}: recorded ${visible(value(f.recorded))}, replayed ${visible(value(f.replayed))}`);
    lines.push(`              ${visible(f.why)}`);
  }
  if (r.dropped.length > 0) lines.push(`    sent without ${visible(r.dropped.join(', '))} (masked when recorded; set with --header)`);
  if (r.why && r.outcome !== 'error') lines.push(`    note: ${visible(r.why)}`);
  if (r.diff !== '') lines.push(...r.diff.trimEnd().split('\n').map((l) => `    ${visible(l)}`));
  return lines;
}

/** The terminal text of a replay. */
export function renderReplayText(r: ReplayReport, paint: Paint): string {
  const out = [`replay against ${visible(r.target)} (${plural(r.cases.length, 'case')}; noise evidence: ${visible(evidenceText(r))})`];
  const bad = r.cases.filter((c) => c.outcome === 'fail' || c.outcome === 'error' || c.outcome === 'unjudged');
  for (const c of bad) out.push(...textCase(c, paint));
  const notSent = r.cases.filter((c) => c.outcome === 'not_sent');
  if (notSent.length > 0) {
    out.push(`not sent (${count(notSent.length)}):`);
    for (const c of notSent) out.push(`  ${visible(head(c))}: ${visible(c.why ?? '')}`);
  }
  const verdict = r.passed ? paint.green('PASSED') : paint.red('FAILED');
  const unjudged = r.counts.unjudged > 0 && !r.failOnUnjudged ? ' (unjudged cases do not fail the run without --fail-on-unjudged)' : '';
  out.push(`${replaySummary(r)} in ${ms(r.ms)}: ${verdict}${unjudged}`);
  return `${out.join('\n')}\n`;
}

function mdCase(r: ReplayCaseResult): string[] {
  const out = [`#### ${mdCode(`${r.method} ${r.target}`)} — ${r.outcome}`, '', `Endpoint ${mdCode(r.endpoint)}, case ${mdCode(r.id)}.`, ''];
  if (r.outcome === 'error') return [...out, `The target did not answer: ${mdText(r.why ?? '')}`, ''];
  out.push(`Status: recorded ${status(r.recordedStatus)}, replayed ${status(r.replayedStatus)}.`, '');
  if (r.fields.length > 0) {
    out.push('| field | class | recorded | replayed | why |', '| --- | --- | --- | --- | --- |');
    for (const f of shownFields(r)) out.push(`| ${mdCode(f.path, true)} | ${f.class} | ${mdCode(value(f.recorded), true)} | ${mdCode(value(f.replayed), true)} | ${mdText(f.why)} |`);
    out.push('');
  }
  if (r.dropped.length > 0) out.push(`Sent without ${r.dropped.map((h) => mdCode(h)).join(', ')} (masked when recorded; set with \`--header\`).`, '');
  if (r.diff !== '') out.push(mdFence('diff', r.diff), '');
  return out;
}

/** The replay as GitHub-flavoured Markdown. */
export function renderReplayMarkdown(r: ReplayReport): string {
  const out = [`## Replay against ${mdCode(r.target)}: ${r.passed ? 'passed' : '**failed**'}`, '', `${mdText(replaySummary(r))}, in ${ms(r.ms)}. Noise evidence: ${mdText(evidenceText(r))}.`, ''];
  out.push('| outcome | cases |', '| --- | ---: |');
  for (const [o, n] of Object.entries(r.counts)) out.push(`| ${o.replace('_', ' ')} | ${count(n)} |`);
  out.push('');
  const bad = r.cases.filter((c) => c.outcome === 'fail' || c.outcome === 'error' || c.outcome === 'unjudged');
  if (bad.length > 0) out.push('### Cases that differ', '', ...bad.flatMap(mdCase));
  const notSent = r.cases.filter((c) => c.outcome === 'not_sent');
  if (notSent.length > 0) out.push('### Not sent', '', ...notSent.map((c) => `- ${mdCode(`${c.method} ${c.target}`)} (case ${mdCode(c.id)}): ${mdText(c.why ?? '')}`), '');
  return `${out.join('\n').trimEnd()}\n`;
}
