// The promotion gate (pure): before a route moves to a later stage, the evidence gathered at its
// current stage must be enough and clean. `route promote` and the admin API call evaluateGate with
// figures from io/gate-input.ts; every check carries its figures, so a refusal explains itself.
//
//   moving backwards, or leaving `off` (nothing is compared there): passes, one check says why
//   comparisons    match + mismatch + noise at the stage >= minComparisons
//   mismatch_rate  upper bound of the Wilson interval at `confidence` <= maxMismatchRate
//                  (0 of 12 is not 0 %: its upper bound is about 24 %)
//   divergences    none (a failed second write means the two databases disagree)
//   error_rate     fails when the service's lower bound > the monolith's upper bound (clearly worse)
//   endpoints      no endpoint with a real difference (re-classified with today's rules and evidence)
//   unjudged       no comparison left unjudged (not enough evidence is "not judged", never a pass)
//   latency        fails when the service's answer times are clearly above the monolith's plus a margin
//                  (one-sided Mann-Whitney U, >= 50 answers per side; fewer: not judged, not refused)
//   breaker        fails while the service's circuit breaker is open or half-open, or when it opened at
//                  this stage within the last `breakerWindowMs` (checked on every forward move, from off too)
import { wilsonInterval } from './compare/noise';
import { judgeLatency, MIN_LATENCY_SAMPLES as LATENCY_SAMPLES } from './latency-judge';
import { stageDistance, type Stage } from './stages';
import type { BreakerState } from './resilience/breaker';

/** What one side did at the stage: requests, failures (5xx or no answer), p99 of its answer times. */
export interface SideFigures {
  readonly requests: number;
  readonly failures: number;
  readonly p99Ms: number | null;
  /** Answer times (ms) at the stage, for the latency judge. */
  readonly latenciesMs?: readonly number[];
}

/** One endpoint's comparisons at the stage (re-classified). */
export interface EndpointFigures { readonly endpoint: string; readonly compared: number; readonly mismatches: number; readonly unjudged: number; readonly topField: string | null }

/** The route's service breaker as recorded by every facade process (io/breaker-log.ts). */
export interface BreakerFigures {
  readonly upstream: string;
  /** Now: open if any process has it open, else half-open if any, else closed. */
  readonly state: BreakerState;
  /** The last transition to open (ISO), null when none is recorded. */
  readonly lastOpenedAt: string | null;
  /** When these figures were read (ISO): the end of the breaker window. */
  readonly at: string;
}

export interface GateInput {
  readonly route: string;
  readonly stage: Stage;
  readonly target: Stage;
  /** When the route entered `stage` (ISO), or null when no audit entry says so. */
  readonly since: string | null;
  /** match + mismatch + noise at the current stage since it was entered. */
  readonly comparisons: number;
  /** Outcome 'mismatch' only (noise does not count). */
  readonly mismatches: number;
  /** Comparisons whose verdict is `unjudged` (not enough evidence yet). */
  readonly unjudged?: number;
  /** Per endpoint, ranked by real-difference rate. */
  readonly endpoints?: readonly EndpointFigures[];
  readonly divergences: number;
  readonly errors: number;
  readonly skipped: number;
  readonly service: SideFigures;
  readonly monolith: SideFigures;
  /** Absent: not known (an older caller); the breaker check is then left out. */
  readonly breaker?: BreakerFigures;
}

export interface GateThresholds {
  readonly minComparisons: number;
  readonly maxMismatchRate: number;
  readonly confidence: number;
  /** A breaker that opened this recently (and at the current stage) refuses a promotion; default 1 h. */
  readonly breakerWindowMs?: number;
}

/** gate.breakerWindowMs when a caller does not pass one. */
export const DEFAULT_BREAKER_WINDOW_MS = 3_600_000;

export interface GateCheck {
  readonly name: 'comparisons' | 'mismatch_rate' | 'endpoints' | 'unjudged' | 'divergences' | 'error_rate' | 'latency' | 'breaker';
  readonly pass: boolean;
  /** `not_judged`: too little evidence to say (a refusal when it blocks, never shown as a pass). */
  readonly status: 'pass' | 'fail' | 'not_judged';
  readonly figures: string;
  readonly message: string;
}

export interface GateResult { readonly pass: boolean; readonly route: string; readonly from: Stage; readonly to: Stage; readonly checks: readonly GateCheck[] }

/** Answers per side below which latency is not judged. */
export const MIN_LATENCY_SAMPLES = LATENCY_SAMPLES;

/** A percentage for messages: "1.2 %", "1 %", "0.35 %". */
export function formatPercent(x: number): string {
  const v = x * 100;
  const s = v < 1 ? v.toFixed(2) : v.toFixed(1);
  return `${s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s} %`;
}

const ms = (x: number): string => `${x.toFixed(1)} ms`;
const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/**
 * z of a two-sided normal interval at `confidence` (0.95 -> 1.96): Acklam's rational approximation
 * of the inverse normal CDF, relative error below 1.2e-9.
 */
export function zForConfidence(confidence: number): number {
  const p = 1 - (1 - confidence) / 2;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  if (p > 0.97575) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Comparisons with no mismatch at all needed before the upper bound reaches `max` (null: never). */
export function cleanComparisonsNeeded(max: number, confidence: number): number | null {
  if (max <= 0) return null;
  const z2 = zForConfidence(confidence) ** 2;
  return Math.ceil((z2 * (1 - max)) / max);
}

function comparisonsCheck(i: GateInput, t: GateThresholds): GateCheck {
  const since = i.since ? ` since ${i.since}` : '';
  const figures = `${i.comparisons} comparisons at ${i.stage}${since} (need ${t.minComparisons}); ${i.errors} errors and ${i.skipped} skipped not counted`;
  return i.comparisons >= t.minComparisons
    ? { name: 'comparisons', pass: true, status: 'pass', figures, message: `enough comparisons at ${i.stage}` }
    : { name: 'comparisons', pass: false, status: 'not_judged', figures, message: `only ${i.comparisons} of the ${t.minComparisons} comparisons needed at ${i.stage}: send more traffic, then try again` };
}

function mismatchCheck(i: GateInput, t: GateThresholds): GateCheck {
  const z = zForConfidence(t.confidence);
  const high = wilsonInterval(i.mismatches, i.comparisons, z).high;
  const rate = i.comparisons > 0 ? i.mismatches / i.comparisons : 0;
  const pass = high <= t.maxMismatchRate;
  const figures = `${plural(i.mismatches, 'mismatch', 'mismatches')} in ${i.comparisons} comparisons: ${formatPercent(rate)}, upper bound ${formatPercent(high)} ${pass ? '≤' : '>'} ${formatPercent(t.maxMismatchRate)}`;
  const conf = formatPercent(t.confidence);
  if (pass) return { name: 'mismatch_rate', pass, status: 'pass', figures, message: `with ${conf} confidence the mismatch rate is at most ${formatPercent(high)}` };
  const needed = cleanComparisonsNeeded(t.maxMismatchRate, t.confidence);
  const hint = i.mismatches === 0 && needed !== null
    ? `; no mismatch yet, but showing ≤ ${formatPercent(t.maxMismatchRate)} takes about ${needed} comparisons without one`
    : '; read the report, then fix the service or add ignore rules';
  return { name: 'mismatch_rate', pass, status: i.mismatches === 0 ? 'not_judged' : 'fail', figures, message: `with ${conf} confidence the mismatch rate may be as high as ${formatPercent(high)}${hint}` };
}

function divergenceCheck(i: GateInput): GateCheck {
  const figures = `${plural(i.divergences, 'divergence', 'divergences')} at ${i.stage}`;
  return i.divergences === 0
    ? { name: 'divergences', pass: true, status: 'pass', figures, message: 'every second write reached the other side' }
    : { name: 'divergences', pass: false, status: 'fail', figures, message: 'second writes failed or were not sent, so the two databases disagree: repair them (see the report) first' };
}

function errorRateCheck(i: GateInput, t: GateThresholds): GateCheck {
  const { service: s, monolith: m } = i;
  if (s.requests === 0 || m.requests === 0) {
    const figures = `service ${s.failures} of ${s.requests} failed; monolith ${m.failures} of ${m.requests}`;
    return { name: 'error_rate', pass: true, status: 'not_judged', figures, message: 'not judged: no answers from one of the sides at this stage' };
  }
  const z = zForConfidence(t.confidence);
  const low = wilsonInterval(s.failures, s.requests, z).low;
  const high = wilsonInterval(m.failures, m.requests, z).high;
  const pass = !(low > high);
  const figures = `service ${s.failures} of ${s.requests} failed (${formatPercent(s.failures / s.requests)}, lower bound ${formatPercent(low)}) ${pass ? '≤' : '>'} monolith ${m.failures} of ${m.requests} (${formatPercent(m.failures / m.requests)}, upper bound ${formatPercent(high)})`;
  return pass
    ? { name: 'error_rate', pass, status: 'pass', figures, message: "the service's error rate is not clearly worse than the monolith's" }
    : { name: 'error_rate', pass, status: 'fail', figures, message: 'the service fails clearly more often than the monolith (its lower bound is above the monolith\'s upper bound)' };
}

function latencyCheck(i: GateInput): GateCheck {
  const { service: s, monolith: m } = i;
  const v = judgeLatency(s.latenciesMs ?? [], m.latenciesMs ?? []);
  const med = (x: number | null): string => (x === null ? 'n/a' : ms(x));
  const rule = `one-sided Mann-Whitney U, margin ${ms(v.marginMs)}, p < 0.001`;
  if (!v.judged) {
    const figures = `service ${s.latenciesMs?.length ?? 0} answer times, monolith ${m.latenciesMs?.length ?? 0} (need ${MIN_LATENCY_SAMPLES} each)`;
    return { name: 'latency', pass: true, status: 'not_judged', figures, message: 'not judged: too few answer times per side; not a reason to refuse' };
  }
  const figures = `service median ${med(v.serviceMedian)}, monolith median ${med(v.monolithMedian)}; p = ${v.p!.toPrecision(2)} (${rule})`;
  return v.slower
    ? { name: 'latency', pass: false, status: 'fail', figures, message: `the service is clearly slower than the monolith by more than ${ms(v.marginMs)}` }
    : { name: 'latency', pass: true, status: 'pass', figures, message: `the service is not clearly slower than the monolith plus ${ms(v.marginMs)}` };
}

function endpointsCheck(i: GateInput): GateCheck {
  const bad = (i.endpoints ?? []).filter((e) => e.mismatches > 0);
  const figures = `${(i.endpoints ?? []).length} endpoints compared; ${bad.length} with real differences`;
  if (bad.length === 0) return { name: 'endpoints', pass: true, status: 'pass', figures, message: 'no endpoint shows a real difference' };
  const list = bad.slice(0, 3).map((e) => `${e.endpoint} (${e.mismatches} of ${e.compared}${e.topField ? `, ${e.topField}` : ''})`).join('; ');
  return { name: 'endpoints', pass: false, status: 'fail', figures, message: `real differences at ${list}${bad.length > 3 ? ` and ${bad.length - 3} more` : ''}: fix the service or add ignore rules` };
}

function unjudgedCheck(i: GateInput): GateCheck {
  const n = i.unjudged ?? 0;
  const figures = `${plural(n, 'comparison', 'comparisons')} unjudged at ${i.stage}`;
  return n === 0
    ? { name: 'unjudged', pass: true, status: 'pass', figures, message: 'every differing field has enough evidence to be judged' }
    : { name: 'unjudged', pass: false, status: 'not_judged', figures, message: 'some fields differ without enough evidence to call them noise or real: send more reads, or add ignore rules' };
}

function breakerCheck(i: GateInput, b: BreakerFigures, t: GateThresholds): GateCheck {
  const windowMs = t.breakerWindowMs ?? DEFAULT_BREAKER_WINDOW_MS;
  const from = Math.max(Date.parse(b.at) - windowMs, i.since ? Date.parse(i.since) : -Infinity);
  const recent = b.lastOpenedAt !== null && Date.parse(b.lastOpenedAt) >= from;
  const figures = `breaker of ${b.upstream}: ${b.state} now; last opened ${b.lastOpenedAt ?? 'never'} (window: the last ${Math.round(windowMs / 60_000)} min at ${i.stage})`;
  if (b.state !== 'closed') {
    return { name: 'breaker', pass: false, status: 'fail', figures, message: `the circuit breaker of ${b.upstream} is ${b.state}: the service is failing now; wait until it closes (strangler upstreams)` };
  }
  return recent
    ? { name: 'breaker', pass: false, status: 'fail', figures, message: `the circuit breaker of ${b.upstream} opened at ${b.lastOpenedAt}: promote once the service has stayed healthy for the whole window` }
    : { name: 'breaker', pass: true, status: 'pass', figures, message: `the circuit breaker of ${b.upstream} stayed closed` };
}

function freeMove(input: GateInput): GateCheck {
  const { stage, target } = input;
  const figures = `${input.comparisons} comparisons at ${stage}; ${stage} → ${target}`;
  const message = stage === 'off'
    ? 'nothing is compared at off, so leaving it needs no evidence'
    : `${stage} → ${target} moves backwards: a rollback is never gated`;
  return { name: 'comparisons', pass: true, status: 'pass', figures, message };
}

/** Judges a move of `input.route` from `input.stage` to `input.target` by the rules in this file's header. */
export function evaluateGate(input: GateInput, t: GateThresholds): GateResult {
  const backwards = stageDistance(input.stage, input.target) < 0;
  const free = backwards || input.stage === 'off';
  const checks: GateCheck[] = free
    ? [freeMove(input)]
    : [comparisonsCheck(input, t), mismatchCheck(input, t), endpointsCheck(input), unjudgedCheck(input), divergenceCheck(input), errorRateCheck(input, t), latencyCheck(input)];
  // Forward moves only (leaving off too: the next stage sends the service writes); a rollback is never gated.
  if (!backwards && input.breaker) checks.push(breakerCheck(input, input.breaker, t));
  return Object.freeze({
    pass: checks.every((c) => c.pass), route: input.route, from: input.stage, to: input.target,
    checks: Object.freeze(checks.map((c) => Object.freeze(c))),
  });
}
