// Scores a facade report against the corpus truth: recall of real differences by (endpoint,
// field), false mismatches (a field reported `real` that is noise, generated or no difference at
// all), endpoints falsely reported mismatching, per category; and prints it as a small table.
import { fieldIn } from './fields';
import { CORPUS, endpointKey } from './manifest';
import { CATEGORIES, type Category, type CategoryScore, type CorpusEndpoint, type FalseAlarm, type Finding, type Miss, type Score } from './types';

/** The class a report gives each (endpoint, field); `real` wins over any other class given to the same pair. */
function classesOf(findings: readonly Finding[], truth: ReadonlyMap<string, readonly string[]>): Map<string, Map<string, Finding['class']>> {
  const out = new Map<string, Map<string, Finding['class']>>();
  for (const f of findings) {
    const fields = out.get(f.endpoint) ?? new Map<string, Finding['class']>();
    out.set(f.endpoint, fields);
    const field = fieldIn(f.field, truth.get(f.endpoint) ?? []);
    if (fields.get(field) !== 'real') fields.set(field, f.class);
  }
  return out;
}

function truthOf(e: CorpusEndpoint, field: string): FalseAlarm['truth'] {
  if (e.noiseFields.includes(field)) return 'noise';
  return e.generatedFields.includes(field) ? 'generated' : 'not a difference';
}

/** Scores findings against the truth of `endpoints` (the whole corpus by default). */
export function scoreCorpus(findings: readonly Finding[], endpoints: readonly CorpusEndpoint[] = CORPUS): Score {
  const truth = new Map(endpoints.map((e) => [endpointKey(e), [...e.realFields, ...e.noiseFields, ...e.generatedFields]] as const));
  const reported = classesOf(findings.map((f) => ({ ...f, endpoint: normalizeEndpoint(f.endpoint) })), truth);
  const known = new Set(endpoints.map(endpointKey));
  const misses: Miss[] = [];
  const falseAlarms: FalseAlarm[] = [];
  const falselyMismatching: string[] = [];
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, { endpoints: 0, reportedMismatching: 0, realFieldsExpected: 0, realFieldsFound: 0, falseMismatches: 0 }])) as Record<Category, { -readonly [K in keyof CategoryScore]: CategoryScore[K] }>;
  for (const e of endpoints) {
    const key = endpointKey(e);
    const fields = reported.get(key) ?? new Map<string, Finding['class']>();
    const row = byCategory[e.category];
    row.endpoints++;
    for (const field of e.realFields) {
      row.realFieldsExpected++;
      const got = fields.get(field) ?? null;
      if (got === 'real') row.realFieldsFound++;
      else misses.push({ endpoint: key, category: e.category, field, reportedAs: got });
    }
    const alarms = [...fields].filter(([field, c]) => c === 'real' && !e.realFields.includes(field));
    for (const [field] of alarms) falseAlarms.push({ endpoint: key, category: e.category, field, truth: truthOf(e, field) });
    row.falseMismatches += alarms.length;
    if ([...fields.values()].includes('real')) row.reportedMismatching++;
    if (alarms.length > 0 && e.realFields.length === 0) falselyMismatching.push(key);
  }
  const unknownEndpoints = [...reported.keys()].filter((k) => !known.has(k)).sort();
  for (const k of unknownEndpoints) {
    for (const [field, c] of reported.get(k)!) if (c === 'real') falseAlarms.push({ endpoint: k, category: 'unknown', field, truth: 'not a difference' });
  }
  const expected = CATEGORIES.reduce((n, c) => n + byCategory[c].realFieldsExpected, 0);
  const found = CATEGORIES.reduce((n, c) => n + byCategory[c].realFieldsFound, 0);
  return Object.freeze({
    recall: expected === 0 ? 1 : found / expected,
    realFieldsExpected: expected, realFieldsFound: found,
    falseMismatches: falseAlarms.length,
    falselyMismatchingEndpoints: Object.freeze(falselyMismatching),
    byCategory: Object.freeze(byCategory),
    misses: Object.freeze(misses), falseAlarms: Object.freeze(falseAlarms),
    unknownEndpoints: Object.freeze(unknownEndpoints),
  });
}

/** `get /corpus/x/:id` -> `GET /corpus/x/:id` (the method is case-insensitive, the path is not). */
function normalizeEndpoint(endpoint: string): string {
  const [method = '', ...rest] = endpoint.trim().split(' ');
  return [method.toUpperCase(), ...rest].join(' ');
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
const pad = (cells: readonly (string | number)[], widths: readonly number[]): string =>
  cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ');

/** The score as a small text table, then the misses and false alarms (at most 20 of each). */
export function formatScore(score: Score): string {
  const widths = [10, 9, 20, 11, 11, 16];
  const outside = score.falseAlarms.filter((a) => a.category === 'unknown').length;
  const lines = [pad(['category', 'endpoints', 'reported mismatching', 'real fields', 'real found', 'false mismatches'], widths)];
  for (const c of CATEGORIES) {
    const r = score.byCategory[c];
    lines.push(pad([c, r.endpoints, r.reportedMismatching, r.realFieldsExpected, r.realFieldsFound, r.falseMismatches], widths));
  }
  lines.push('', `recall of real differences: ${score.realFieldsFound}/${score.realFieldsExpected} (${pct(score.recall)})`,
    `false mismatches: ${score.falseMismatches} field(s)${outside > 0 ? ` (${outside} outside the corpus)` : ''}; endpoints falsely reported mismatching: ${score.falselyMismatchingEndpoints.length}`);
  const list = (title: string, items: readonly string[]): void => {
    if (items.length === 0) return;
    lines.push('', `${title} (${items.length}):`, ...items.slice(0, 20).map((s) => `  ${s}`));
    if (items.length > 20) lines.push(`  ... and ${items.length - 20} more`);
  };
  list('missed real differences', score.misses.map((m) => `${m.endpoint}  ${m.field}  reported as ${m.reportedAs ?? 'nothing'}`));
  list('false alarms', score.falseAlarms.map((a) => `${a.endpoint}  ${a.field}  (${a.category}; really ${a.truth})`));
  list('findings for endpoints outside the corpus', score.unknownEndpoints);
  return lines.join('\n');
}
