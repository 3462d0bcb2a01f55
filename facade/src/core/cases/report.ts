// The result of a replay: one entry per case (passed, failed on a real difference, unjudged,
// target error, or not sent and why), the counts, and whether the run passes (the CLI's exit code
// and the JUnit file follow it). This shape is `strangler replay --json`, a stable contract. Pure.
import type { Classed } from '../comparison/classify';
import type { FieldClass, Verdict } from '../comparison/outcome';
import type { RecordedCase } from './case';

export const REPLAY_OUTCOMES = ['pass', 'fail', 'unjudged', 'error', 'not_sent'] as const;
export type ReplayOutcome = (typeof REPLAY_OUTCOMES)[number];

/** One differing field of a replayed case, classed like a live comparison. */
export interface ReplayField {
  readonly field: string;
  readonly class: FieldClass;
  readonly why: string;
  readonly path: string;
  readonly kind: string;
  /** The recorded (monolith) and replayed values, redacted; absent on the side that lacked the field. */
  readonly recorded?: unknown;
  readonly replayed?: unknown;
}

export interface ReplayCaseResult {
  readonly id: string;
  readonly route: string;
  readonly endpoint: string;
  readonly method: string;
  readonly target: string;
  readonly write: boolean;
  readonly outcome: ReplayOutcome;
  /** The comparison's verdict (null when nothing was compared). */
  readonly verdict: Verdict | null;
  readonly recordedStatus: number;
  readonly replayedStatus: number | null;
  readonly fields: readonly ReplayField[];
  /** Unified diff of the bodies (`--- recorded` / `+++ replayed`), '' when none. */
  readonly diff: string;
  /** Why it was not sent, or the target's error. */
  readonly why: string | null;
  /** Recorded headers left out because their values were masked (see `--header`). */
  readonly dropped: readonly string[];
  /** False when the recorded body was not kept (status and headers compared only). */
  readonly bodyCompared: boolean;
  /** The target was asked a second time to tell its own noise apart. */
  readonly reasked: boolean;
  readonly ms: number | null;
}

export interface ReplayReport {
  readonly target: string;
  readonly startedAt: string;
  readonly ms: number;
  /** Where each route's noise evidence came from. */
  readonly evidence: Readonly<Record<string, 'diff store' | 'cases'>>;
  readonly failOnUnjudged: boolean;
  readonly counts: Readonly<Record<ReplayOutcome, number>>;
  /** True when no case failed or errored (nor was unjudged, with failOnUnjudged). */
  readonly passed: boolean;
  readonly cases: readonly ReplayCaseResult[];
}

type Base = Pick<ReplayCaseResult, 'id' | 'route' | 'endpoint' | 'method' | 'target' | 'recordedStatus'>;

function base(c: RecordedCase): Base {
  return { id: c.id, route: c.route, endpoint: c.endpoint, method: c.request.method, target: c.request.target, recordedStatus: c.answer.status };
}

const none = { verdict: null, replayedStatus: null, fields: [], diff: '', dropped: [], bodyCompared: false, reasked: false, ms: null } as const;

/** A case listed and not sent. */
export function notSent(c: RecordedCase, write: boolean, why: string): ReplayCaseResult {
  return { ...base(c), ...none, write, outcome: 'not_sent', why };
}

/** A case the target did not answer (refused, timed out, cut short, undecodable body). */
export function targetError(c: RecordedCase, write: boolean, why: string, ms: number | null, dropped: readonly string[]): ReplayCaseResult {
  return { ...base(c), ...none, write, outcome: 'error', why, ms, dropped };
}

export interface Compared {
  readonly write: boolean;
  readonly replayedStatus: number;
  readonly classed: Classed;
  readonly diff: string;
  readonly dropped: readonly string[];
  readonly bodyCompared: boolean;
  readonly reasked: boolean;
  readonly ms: number;
}

/** A compared case: its outcome follows the verdict (mismatch fails; unjudged is its own outcome). */
export function comparedCase(c: RecordedCase, x: Compared): ReplayCaseResult {
  const outcome: ReplayOutcome = x.classed.verdict === 'mismatch' ? 'fail' : x.classed.verdict === 'unjudged' ? 'unjudged' : 'pass';
  const fields = x.classed.fields.map((f): ReplayField => ({
    field: f.field, class: f.class, why: f.why, path: f.example.path, kind: f.example.kind,
    ...(f.example.primary !== undefined ? { recorded: f.example.primary } : {}),
    ...(f.example.shadow !== undefined ? { replayed: f.example.shadow } : {}),
  }));
  const notes = x.bodyCompared ? null : `the recorded body was not kept (${describeOmitted(c)}): status and headers compared only`;
  return {
    ...base(c), write: x.write, outcome, verdict: x.classed.verdict, replayedStatus: x.replayedStatus, fields, diff: x.diff,
    why: notes, dropped: x.dropped, bodyCompared: x.bodyCompared, reasked: x.reasked, ms: x.ms,
  };
}

function describeOmitted(c: RecordedCase): string {
  return c.answer.body.kind === 'omitted' ? c.answer.body.why : c.answer.body.kind;
}

/** The report of a finished replay (results in the order the cases were given). */
export function replayReport(args: {
  target: string; startedAt: string; ms: number; evidence: Record<string, 'diff store' | 'cases'>; failOnUnjudged: boolean; cases: readonly ReplayCaseResult[];
}): ReplayReport {
  const counts = Object.fromEntries(REPLAY_OUTCOMES.map((o) => [o, 0])) as Record<ReplayOutcome, number>;
  for (const r of args.cases) counts[r.outcome]++;
  const passed = counts.fail === 0 && counts.error === 0 && (!args.failOnUnjudged || counts.unjudged === 0);
  return { ...args, counts, passed };
}

/** True for a result that makes the run fail. */
export function failsRun(r: ReplayCaseResult, failOnUnjudged: boolean): boolean {
  return r.outcome === 'fail' || r.outcome === 'error' || (failOnUnjudged && r.outcome === 'unjudged');
}
