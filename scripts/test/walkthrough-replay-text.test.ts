// The walkthrough's shortening of `strangler replay` text (scripts/walkthrough/replay-text.ts), fed
// with what the real renderer prints: alike failures fold into one counted line, a case that fails
// another way is always printed whole, and the not-sent list and the summary line are kept.
import { replayReport, type ReplayCaseResult } from '../../facade/src/core/cases/report';
import type { Paint } from '../cli/output';
import { renderReplayText } from '../report/replay';
import { parseReplayText, shortenReplayText } from '../walkthrough/replay-text';

const plain: Paint = { green: (s) => s, red: (s) => s, bold: (s) => s };

function aCase(id: string, outcome: ReplayCaseResult['outcome'], fields: Array<[string, 'real' | 'ignored', unknown, unknown]> = [], why: string | null = null): ReplayCaseResult {
  return {
    id, route: 'inventory', endpoint: 'GET /api/inventory/:id', method: 'GET', target: `/api/inventory/${id}`, write: false, outcome,
    verdict: outcome === 'fail' ? 'mismatch' : outcome === 'pass' ? 'match' : null, recordedStatus: 200, replayedStatus: outcome === 'error' || outcome === 'not_sent' ? null : 200,
    fields: fields.map(([path, cls, recorded, replayed]) => ({ field: path, class: cls, why: `why ${path}`, path, kind: 'changed', recorded, replayed })),
    diff: outcome === 'fail' ? '--- recorded\n+++ replayed\n-  "warehouse": "AMS-1"\n' : '', why, dropped: [], bodyCompared: true, reasked: false, ms: 1,
  };
}

const text = renderReplayText(replayReport({
  target: 'http://127.0.0.1:5099', startedAt: '2026-12-05T00:00:00.000Z', ms: 12, evidence: { inventory: 'diff store' }, failOnUnjudged: false,
  cases: [
    aCase('SKU-1', 'fail', [['$.warehouse', 'real', 'AMS-1', undefined], ['$.updated_at', 'ignored', 'a', 'b']]),
    aCase('SKU-2', 'pass'),
    aCase('SKU-3', 'fail', [['$.warehouse', 'real', 'AMS-1', undefined]]),
    aCase('SKU-4', 'fail', [['$.reserved', 'real', 1, 0], ['$.available', 'real', 9, 10]]),
    aCase('SKU-5', 'fail', [['$.warehouse', 'real', 'AMS-2', undefined]]),
    aCase('SKU-6', 'error', [], 'connect ECONNREFUSED'),
    aCase('SKU-7', 'not_sent', [], 'a write: sent only with --writes, to a throwaway target'),
  ],
}), plain);

it('groups the failing cases by outcome and real fields, in order of first appearance', () => {
  const r = parseReplayText(text);
  expect(r.header).toMatch(/^replay against http:\/\/127\.0\.0\.1:5099 \(7 cases;/);
  expect(r.groups.map((g) => [g.signature, g.count])).toEqual([
    ['fail: real $.warehouse', 3],
    ['fail: real $.available, real $.reserved', 1],
    ['error: connect ECONNREFUSED', 1],
  ]);
  expect(r.tail[r.tail.length - 1]).toMatch(/^7 cases: 1 passed, 4 failed, 0 unjudged, 1 error, 1 not sent in .*: FAILED$/);
});

it('keeps the first case of each group whole, counts the alike ones on one line, and never folds a different failure', () => {
  const short = shortenReplayText(text);
  expect(short).toContain('GET /api/inventory/SKU-1  [');
  expect(short).toContain('-  "warehouse": "AMS-1"');
  expect(short).not.toContain('SKU-3');
  expect(short).not.toContain('SKU-5');
  expect(short).toContain('[… 2 more cases failing the same way (fail: real $.warehouse), left out here …]');
  expect(short).toMatch(/GET \/api\/inventory\/SKU-4 .*\n.*\n\s+real\s+\$\.reserved: recorded 1, replayed 0/);
  expect(short).toContain('the target did not answer: connect ECONNREFUSED');
  expect(short).toMatch(/not sent \(1\):\n  GET \/api\/inventory\/SKU-7 .*a write/);
  expect(short.trimEnd().split('\n').pop()).toMatch(/^7 cases: .*: FAILED$/);
});

it('leaves a passing replay as it is', () => {
  const pass = renderReplayText(replayReport({
    target: 'http://127.0.0.1:5099', startedAt: '2026-12-05T00:00:00.000Z', ms: 3, evidence: {}, failOnUnjudged: false, cases: [aCase('SKU-2', 'pass')],
  }), plain);
  expect(shortenReplayText(pass)).toBe(pass);
});
