// The replay as a JUnit XML file (`strangler replay --junit FILE`), so a CI system lists it like a
// test run: one <testsuite> per route, one <testcase> per case (classname: route and endpoint), a
// <failure> naming the real fields, an <error> when the target did not answer, <skipped> for a case
// not sent. Text is escaped for XML and stripped of characters XML 1.0 cannot carry. Pure.
import { failsRun, type ReplayCaseResult, type ReplayReport } from './report';

// Characters XML 1.0 forbids even escaped (C0 controls but tab, newline, carriage return; lone surrogates; U+FFFE/FFFF).
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text for an XML attribute or element. */
export function xml(text: string): string {
  return text.replace(INVALID, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const seconds = (ms: number | null): string => ((ms ?? 0) / 1000).toFixed(3);
const value = (v: unknown): string => (v === undefined ? '(absent)' : JSON.stringify(v));

function failure(r: ReplayCaseResult): { message: string; detail: string; type: string } {
  const shown = r.outcome === 'unjudged' ? r.fields.filter((f) => f.class === 'unjudged') : r.fields.filter((f) => f.class === 'real');
  const message = `${r.outcome === 'unjudged' ? 'unjudged' : 'real'} difference at ${shown.map((f) => f.field).join(', ')}`;
  const lines = shown.map((f) => `${f.path}: recorded ${value(f.recorded)}, replayed ${value(f.replayed)} (${f.why})`);
  if (r.dropped.length > 0) lines.push(`sent without ${r.dropped.join(', ')} (masked when recorded; pass --header to set)`);
  if (r.diff !== '') lines.push('', r.diff);
  return { message, detail: lines.join('\n'), type: r.outcome === 'unjudged' ? 'unjudged' : 'mismatch' };
}

function testcase(r: ReplayCaseResult, failOnUnjudged: boolean): string {
  const head = `    <testcase classname="${xml(`${r.route}.${r.endpoint}`)}" name="${xml(`${r.method} ${r.target} [${r.id}]`)}" time="${seconds(r.ms)}"`;
  if (r.outcome === 'not_sent') return `${head}>\n      <skipped message="${xml(r.why ?? 'not sent')}"/>\n    </testcase>`;
  if (r.outcome === 'error') return `${head}>\n      <error message="${xml(r.why ?? 'the target did not answer')}" type="target"/>\n    </testcase>`;
  if (failsRun(r, failOnUnjudged)) {
    const f = failure(r);
    return `${head}>\n      <failure message="${xml(f.message)}" type="${f.type}">${xml(f.detail)}</failure>\n    </testcase>`;
  }
  return `${head}/>`;
}

/** The whole JUnit document. */
export function renderJunit(report: ReplayReport): string {
  const routes = [...new Set(report.cases.map((r) => r.route))];
  const suites = routes.map((route) => {
    const cases = report.cases.filter((r) => r.route === route);
    const failures = cases.filter((r) => r.outcome !== 'error' && r.outcome !== 'not_sent' && failsRun(r, report.failOnUnjudged)).length;
    const errors = cases.filter((r) => r.outcome === 'error').length;
    const skipped = cases.filter((r) => r.outcome === 'not_sent').length;
    const time = seconds(cases.reduce((t, r) => t + (r.ms ?? 0), 0));
    const attrs = `name="${xml(route)}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${time}" timestamp="${xml(report.startedAt)}"`;
    return [`  <testsuite ${attrs}>`, ...cases.map((r) => testcase(r, report.failOnUnjudged)), '  </testsuite>'].join('\n');
  });
  const failures = report.counts.fail + (report.failOnUnjudged ? report.counts.unjudged : 0);
  const total = `tests="${report.cases.length}" failures="${failures}" errors="${report.counts.error}" skipped="${report.counts.not_sent}" time="${seconds(report.ms)}"`;
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="${xml(`strangler replay ${report.target}`)}" ${total}>`, ...suites, '</testsuites>', ''].join('\n');
}
