// `strangler replay`: sends recorded requests to a base URL (a build of a service) and judges each
// answer against the recorded monolith answer with the facade's comparison engine. Three phases, so
// the verdicts do not depend on concurrency or timing: send (bounded concurrency and rate; a safe
// request whose answer differs where the evidence is thin is sent a second time, to learn the
// target's own noise), then add every replayed comparison to the evidence, then classify them all.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  comparedCase, encodeBody, judgeReplay, keepHeaders, notSent, planCase, replayReport, selfDifferences, targetError,
  writeStatusIsReal, type CapturePolicy, type RecordedCase, type ReplayCaseResult, type ReplayedAnswer, type ReplayJudgement, type ReplayReport,
} from '../core/cases';
import { headerOf } from '../core/cases/capture';
import type { CompiledRules } from '../core/compare/rules';
import { askUntilDecided, classifyComparison, MIN_CONFIRMED, needsReask, type ClassifyRules, type EvidenceBook } from '../core/comparison';
import { decodeBody } from './decode-body';
import { markEchoes } from '../pipeline/record-write';
import { replay } from './replay';
import { createUpstream, destroyUpstream, type Upstream } from './upstreams';
import { REPLAY_TAG } from '../core/tags';

/** Largest answer a replay reads (larger: the case errors). */
export const MAX_REPLAY_BODY = 16 * 1024 * 1024;

/** What judging one route's cases needs. */
export interface RouteJudging {
  readonly compiled: CompiledRules;
  readonly classify: ClassifyRules;
  readonly policy: CapturePolicy;
  /** Evidence per field after which the target is not asked again (the route's compare.reask.enough). */
  readonly enough: number;
}

export interface ReplayRun {
  readonly target: string;
  /** In the order they were recorded (writes are sent in it). */
  readonly cases: readonly RecordedCase[];
  readonly writes: boolean;
  readonly headers: Readonly<Record<string, string>>;
  readonly concurrency: number;
  /** Requests per second at most (null: as fast as the concurrency allows). */
  readonly rate: number | null;
  readonly timeoutMs: number;
  /** Ask the target a second time when an answer differs and the evidence is thin. */
  readonly reask: boolean;
  readonly failOnUnjudged: boolean;
  readonly judging: (route: string) => RouteJudging;
  /** Noise evidence (diff store or the cases' own); replayed comparisons are added to it. */
  readonly book: EvidenceBook;
  readonly evidence: Record<string, 'diff store' | 'cases'>;
  readonly now: () => Date;
  readonly onProgress?: (done: number, total: number) => void;
}

type Sent =
  | { readonly kind: 'result'; readonly result: ReplayCaseResult }
  | { readonly kind: 'judged'; readonly c: RecordedCase; readonly write: boolean; readonly answer: ReplayedAnswer;
      readonly judgement: ReplayJudgement; readonly dropped: readonly string[] };

/** Spaces requests `1000 / rate` ms apart (shared by all workers). */
function pacer(rate: number | null): () => Promise<void> {
  if (rate === null) return async () => undefined;
  const gap = 1000 / rate;
  let next = 0;
  return async () => {
    const now = performance.now();
    const at = Math.max(now, next);
    next = at + gap;
    if (at > now) await sleep(at - now);
  };
}

/** Sends one request; the answer encoded like a case, or why there is none. */
async function ask(up: Upstream, run: ReplayRun, p: Extract<ReturnType<typeof planCase>, { send: true }>, policy: CapturePolicy, pace: () => Promise<void>): Promise<ReplayedAnswer | string> {
  await pace();
  const out = await replay(up, { method: p.request.method, url: p.request.target, headers: p.request.headers, body: p.request.body, tag: REPLAY_TAG },
    { timeoutMs: run.timeoutMs, captureLimit: MAX_REPLAY_BODY });
  if (!out.ok) return `${out.code}: ${out.error}`;
  if (out.overCap || out.body === null) return `the answer is larger than ${MAX_REPLAY_BODY} bytes`;
  let body: Buffer;
  try {
    body = decodeBody(out.body, headerOf(out.headers, 'content-encoding'), MAX_REPLAY_BODY);
  } catch (err) {
    return `the answer's body cannot be decoded: ${(err as Error).message}`;
  }
  return { status: out.status, headers: keepHeaders(out.headers, policy.redaction), body: encodeBody(body, headerOf(out.headers, 'content-type'), { ...policy, maxBodyBytes: MAX_REPLAY_BODY }), ms: out.ms };
}

async function sendOne(up: Upstream, run: ReplayRun, c: RecordedCase, pace: () => Promise<void>): Promise<Sent> {
  const plan = planCase(c, { writes: run.writes, headers: run.headers });
  if (!plan.send) return { kind: 'result', result: notSent(c, plan.write, plan.why) };
  const j = run.judging(c.route);
  const first = await ask(up, run, plan, j.policy, pace);
  if (typeof first === 'string') return { kind: 'result', result: targetError(c, plan.write, first, null, plan.dropped) };
  let judgement = judgeReplay(c, first, j.compiled, Math.max(0, run.now().getTime() - Date.parse(c.recordedAt)), false);
  // A write cannot be asked again: the request's own values are its evidence (as at the facade).
  if (plan.write) judgement = { ...judgement, facts: markEchoes(judgement.facts, plan.request.body) };
  else if (run.reask && judgement.facts.length > 0 && needsReask(judgement, j.classify, run.book, j.enough)) {
    // Up to MIN_CONFIRMED times, as many as a field needs to be called real (noise-model.ts), unless
    // the target already disagreed with itself at every differing field.
    const { selfFields, reasks } = await askUntilDecided(MIN_CONFIRMED, new Set(judgement.facts.map((f) => f.field)), async () => {
      const again = await ask(up, run, plan, j.policy, pace);
      return typeof again === 'string' ? null : selfDifferences(first, again, j.compiled);
    });
    if (reasks > 0) judgement = { ...judgement, reasked: true, selfFields, reasks };
  }
  return { kind: 'judged', c, write: plan.write, answer: first, judgement, dropped: plan.dropped };
}

/** Runs the replay (see the module header) and returns its report. Never throws for a case's failure. */
export async function runReplay(run: ReplayRun): Promise<ReplayReport> {
  const startedAt = run.now();
  const t0 = performance.now();
  const up = createUpstream('replay target', 'service', {
    url: run.target, connectTimeoutMs: Math.min(run.timeoutMs, 5000), headersTimeoutMs: run.timeoutMs, idleTimeoutMs: run.timeoutMs,
    timeoutMs: run.timeoutMs, maxSockets: run.concurrency, maxHeaderBytes: 65_536, retry: { idempotentMethods: [], delayMs: 250, budgetMs: 0 },
  });
  const sent: Sent[] = new Array(run.cases.length);
  const pace = pacer(run.rate);
  // Writes go one at a time in the order they were recorded: a later read or write may depend on them.
  const workers = run.writes ? 1 : Math.max(1, Math.min(run.concurrency, run.cases.length));
  let nextIndex = 0;
  let done = 0;
  try {
    await Promise.all(Array.from({ length: workers }, async () => {
      for (let i = nextIndex++; i < run.cases.length; i = nextIndex++) {
        sent[i] = await sendOne(up, run, run.cases[i]!, pace);
        run.onProgress?.(++done, run.cases.length);
      }
    }));
  } finally {
    destroyUpstream(up);
  }
  for (const s of sent) if (s.kind === 'judged') run.book.add(s.judgement);
  const results = sent.map((s) => {
    if (s.kind === 'result') return s.result;
    const found = classifyComparison(s.judgement, run.judging(s.c.route).classify, run.book);
    const classed = s.write ? writeStatusIsReal(found) : found;
    // The body diff only where someone will read it: a case that differs for real or is unjudged.
    const diff = classed.verdict === 'mismatch' || classed.verdict === 'unjudged' ? judgeReplay(s.c, s.answer, run.judging(s.c.route).compiled, 0, true).diff : '';
    return comparedCase(s.c, {
      write: s.write, replayedStatus: s.answer.status, classed, diff, dropped: s.dropped,
      bodyCompared: s.judgement.bodyCompared, reasked: s.judgement.reasked, ms: s.answer.ms,
    });
  });
  return replayReport({ target: run.target, startedAt: startedAt.toISOString(), ms: performance.now() - t0, evidence: run.evidence, failOnUnjudged: run.failOnUnjudged, cases: results });
}
