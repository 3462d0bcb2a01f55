// A replayed answer against a case's recorded answer, with the facade's own comparison engine
// (evaluate: status, the route's headers and cookies, body after normalizers). Both sides are read
// through the same case encoding (capture.ts): redacted alike, secrets compared by presence only.
// Generated time values are judged as if the recorded answer had been made at replay time: their
// distance minus the time since recording must be within the route's tolerance. Pure.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../compare/canonical';
import type { CompiledRules } from '../compare/rules';
import type { Classed } from '../comparison/classify';
import { verdictOf } from '../comparison/outcome';
import type { Observation } from '../compare/types';
import { evaluate } from '../comparison/evaluate';
import type { ComparisonFacts, FieldFact } from '../comparison/record';
import type { CaseBody, CaseHeaders, RecordedCase } from './case';

// A binary body is kept as its sha256 only: it stands in the engine as this marker, and the
// rules' body hash (caseBodyHash) reads the hash back, so the engine compares binary bodies by hash.
const BINARY_MARK = '\u0000strangler-sha256:';

/** The body hash to compile replay rules with (compileRules(raw, { hash: caseBodyHash })). */
export function caseBodyHash(body: Buffer): string {
  const head = body.subarray(0, BINARY_MARK.length).toString('latin1');
  return head === BINARY_MARK ? body.subarray(BINARY_MARK.length).toString('latin1') : createHash('sha256').update(body).digest('hex');
}

/** A kept body as bytes for the engine; null when it was not kept (it cannot be compared). */
export function bodyBytes(b: CaseBody): Buffer | null {
  switch (b.kind) {
    case 'empty': return Buffer.alloc(0);
    case 'json': return Buffer.from(canonicalJson(b.json));
    case 'text': return Buffer.from(b.text, 'utf8');
    case 'binary': return Buffer.from(`${BINARY_MARK}${b.sha256}`, 'latin1');
    case 'omitted': return null;
  }
}

/** A replayed answer, its body already encoded with the case policy (capture.ts encodeBody). */
export interface ReplayedAnswer {
  readonly status: number;
  readonly headers: CaseHeaders;
  readonly body: CaseBody;
  readonly ms: number;
}

export interface ReplayJudgement extends ComparisonFacts {
  /** Unified diff of the two bodies ('' when they do not differ). */
  readonly diff: string;
  /** False when the recorded body was not kept (only status and headers were compared). */
  readonly bodyCompared: boolean;
}

function observation(side: 'monolith' | 'service', status: number, headers: CaseHeaders, body: Buffer, ms: number): Observation {
  return { ok: true, side, status, headers, body, ms };
}

/** Generated time values: distance beyond the time since recording (see the module header). */
export function shiftGenerated(facts: readonly FieldFact[], elapsedMs: number): FieldFact[] {
  return facts.map((f) => {
    const g = f.generated;
    if (g === null || g.deltaMs === null) return f;
    return { ...f, generated: { kind: g.kind, deltaMs: Math.abs(g.deltaMs - elapsedMs) } };
  });
}

/**
 * Compares a replayed answer with the case's recorded one (the recorded answer in the primary's
 * place). `elapsedMs`: time from recording to replay. `rules` compiled with caseBodyHash. The unified
 * body diff costs ~15x the comparison: `withDiff: false` leaves it out (a replay adds it to failures only).
 */
export function judgeReplay(c: RecordedCase, replayed: ReplayedAnswer, rules: CompiledRules, elapsedMs: number, withDiff = true): ReplayJudgement {
  const recorded = bodyBytes(c.answer.body);
  const got = bodyBytes(replayed.body);
  const bodyCompared = recorded !== null;
  // A body that was not recorded is not compared: both sides stand in as empty. A divergence kept
  // the status of its answer only, so its headers are not compared either.
  const statusOnly = c.source.kind === 'divergence';
  const a = observation('monolith', c.answer.status, statusOnly ? {} : c.answer.headers, recorded ?? Buffer.alloc(0), 0);
  const b = observation('service', replayed.status, statusOnly ? {} : replayed.headers, bodyCompared ? (got ?? Buffer.alloc(0)) : Buffer.alloc(0), replayed.ms);
  const evaluated = evaluate(a, b, rules, withDiff);
  return {
    route: c.route, endpoint: c.endpoint, reasked: false, selfFields: [],
    facts: shiftGenerated(evaluated.facts, elapsedMs), diff: relabel(evaluated.diff), bodyCompared,
  };
}

/** The fields where two answers of the replay target differ (asked twice: its own noise). */
export function selfDifferences(first: ReplayedAnswer, second: ReplayedAnswer, rules: CompiledRules): string[] {
  const a = bodyBytes(first.body) ?? Buffer.alloc(0);
  const b = bodyBytes(second.body) ?? Buffer.alloc(0);
  const evaluated = evaluate(observation('service', first.status, first.headers, a, 0), observation('service', second.status, second.headers, b, 0), rules, false);
  return [...new Set(evaluated.facts.map((f) => f.field))].sort();
}

/** The engine labels the two sides primary/shadow; in a replay they are the recording and the target. */
function relabel(diff: string): string {
  return diff.replace(/^--- primary/m, '--- recorded').replace(/^\+\+\+ shadow/m, '+++ replayed');
}

/**
 * A replayed write that answered another status than the recorded one was not taken the same way:
 * a real difference, even without evidence (a write is sent once, never again to learn noise).
 */
export function writeStatusIsReal(classed: Classed): Classed {
  const fields = classed.fields.map((f) => (f.field === 'status' && f.class === 'unjudged'
    ? { ...f, class: 'real' as const, why: `the write was answered ${String(f.example.shadow)} where the recording has ${String(f.example.primary)}` }
    : f));
  return { verdict: verdictOf(fields.map((f) => f.class)), fields };
}
