// Noise, measured per endpoint and field (Diffy's idea, done at the facade): when a safe read
// differs, the primary is asked again; a field where the primary disagrees with itself is noise,
// a field where the primary agrees with itself and the shadow differs is real. Reads that could
// not be re-asked (writes, budget spent) fall back to what was learnt; too little evidence is
// `unjudged`, never a pass and never a mismatch.
//
//   rule, in this order (Wilson 95 % intervals):
//   1. the primary disagreed with itself here (selfDiffs > 0):
//        real  when it was also confirmed real at least once, the primary disagrees with itself less
//              than half the time (upper bound), and the shadow-difference rate's lower bound is above
//              that upper bound (clearly more than the noise). A field the primary changes more often
//              is random, and a shadow that names its own instances differs from it every time.
//        noise otherwise, with the evidence "primary disagreed with itself j of m times"
//   2. confirmed >= MIN_CONFIRMED (re-asks where the primary agreed with itself at this field and the
//      shadow differed): real. One agreeing re-ask is not enough: a field that takes one of a few
//      values at random (a cache HIT/MISS, one of three hosts) repeats itself half the time or more;
//      where the shadow only ever gave values the primary gives too, MIN_CONFIRMED_SHARED. Fewer
//      agreeing re-asks (and none disagreeing): unjudged. When the shadow, asked again too, has
//      disagreed with its own first answer here (shadowSelfDiffs > 0), its difference does not
//      repeat: a value of a few drawn per answer (a cache HIT 90 % of the time, a 20 % A/B bucket)
//      whose rare value the primary, asked again, has not shown yet. Then real only when the
//      shadow-difference rate's lower bound is above the upper bound of the primary's
//      self-disagreement rate (0 of its agreeing re-asks): a shadow that is wrong now and then
//      (a flaky bug) gets there, a two-valued field differs too seldom; otherwise unjudged
//   3. no re-ask evidence at this field: real when the primary gave one and the same value in
//      >= MIN_STABLE differing comparisons (a stable field the shadow gets wrong: evidence here
//      comes before evidence elsewhere); noise when the same JSON field or header is noise on
//      another endpoint of the route (a status or a page's line number means nothing elsewhere);
//      otherwise unjudged
import { wilsonInterval } from '../compare/noise';

/** What is known about one field of one endpoint. */
export interface FieldEvidence {
  /** Comparisons made on the endpoint (the rate's denominator). */
  readonly comparisons: number;
  /** Of those, how many differed at this field. */
  readonly shadowDiffs: number;
  /** Times the primary was asked again on this endpoint. */
  readonly reasks: number;
  /** Of those, how many answers of the primary differed from its first answer at this field. */
  readonly selfDiffs: number;
  /** Re-asked comparisons where the primary agreed with itself here and the shadow differed. */
  readonly confirmed: number;
  /** Of those, how many where the shadow, asked again too, disagreed with its own first answer here. */
  readonly shadowSelfDiffs?: number;
  /** Distinct primary values seen in comparisons that differed here (capped at a few). */
  readonly primaryValues: number;
  /** Every shadow value seen here is one the primary gave too, from a few values (evidence.ts valuesSeen). */
  readonly sharedVocabulary?: boolean;
  /** An endpoint of the same route where this field is noise, with its evidence (for rule 3). */
  readonly noiseElsewhere?: string | null;
  /** The field is a whole body compared by its hash (`body#sha256`): what differs inside cannot be seen. */
  readonly opaque?: boolean;
}

/** The field of a body compared only by its hash (compare/body.ts: binary media, or JSON too deep to walk). */
export const OPAQUE_FIELD = 'body#sha256';

export type Judgement = { readonly class: 'real' | 'noise' | 'unjudged'; readonly why: string };

/** Differing comparisons with one stable primary value needed to call a field real without a re-ask. */
export const MIN_STABLE = 3;

/** Agreeing re-asks (and no disagreeing one) needed to call a field real. */
export const MIN_CONFIRMED = 3;

/**
 * The same where the shadow only ever gave values the primary gives too (a field of a few values):
 * a HIT/MISS field agrees with itself three times in a row one time in eight, five times one in 32.
 */
export const MIN_CONFIRMED_SHARED = 5;

const confirmationsNeeded = (e: FieldEvidence): number => (e.sharedVocabulary ? MIN_CONFIRMED_SHARED : MIN_CONFIRMED);

const pct = (x: number): string => `${Math.round(x * 1000) / 10} %`;

/** Classes one field of one endpoint by the rule in this file's header; `why` states the figures. */
export function judgeField(e: FieldEvidence): Judgement {
  const { comparisons: n, shadowDiffs: k, reasks: m, selfDiffs: j, confirmed: c } = e;
  const against = `differs from the shadow in ${k} of ${n} comparisons`;
  if (j > 0) {
    const self = `the primary disagreed with itself ${j} of ${m} times`;
    // A body that differs from itself byte for byte (a PDF's creation date, a protobuf's read time)
    // may hide any change beside its noise: noise would let the gate pass what was never compared.
    if (e.opaque) {
      return { class: 'unjudged', why: `${self}, and this body is compared only by its hash (not JSON or text), so a change inside it cannot be told from its own noise; ${against}. Check the endpoint by hand (or send Accept for a comparable form), then ignore ${OPAQUE_FIELD} on this route` };
    }
    if (c > 0 && m > 0 && n > 0 && wilsonInterval(j, m).high < 0.5 && wilsonInterval(k, n).low > wilsonInterval(j, m).high) {
      return { class: 'real', why: `${against} (${pct(k / n)}), clearly more than the noise: ${self}` };
    }
    return { class: 'noise', why: `${self}; ${against}` };
  }
  const needed = confirmationsNeeded(e);
  const unsteady = e.shadowSelfDiffs ?? 0;
  if (c >= needed && unsteady > 0) {
    const shadowSelf = `the shadow disagreed with itself when asked again ${unsteady} time${unsteady === 1 ? '' : 's'}`;
    const primarySelf = `the primary answered the same when asked again ${c} of ${c} times`;
    if (clearlyMoreThanSteady(e)) return { class: 'real', why: `${against} (${pct(k / n)}), clearly more than chance: ${primarySelf}; ${shadowSelf}` };
    return { class: 'unjudged', why: `${against}; ${primarySelf} but ${shadowSelf}: a value of a few that repeats by chance or a shadow wrong now and then, not told apart yet` };
  }
  if (c >= needed) return { class: 'real', why: `the primary answered the same when asked again (${c} of ${c} times) and the shadow differed; ${against}` };
  if (c > 0) {
    const values = e.sharedVocabulary ? ' (the shadow only gave values the primary gives too)' : '';
    return { class: 'unjudged', why: `${against}; the primary answered the same when asked again ${c} of ${c} times: ${needed}${values} tell a real difference from a value that repeats by chance` };
  }
  if (k >= MIN_STABLE && e.primaryValues === 1) {
    return { class: 'real', why: `the primary gave the same value in all ${k} differing comparisons and the shadow differed; ${against}` };
  }
  if (e.noiseElsewhere) return { class: 'noise', why: `noise on ${e.noiseElsewhere}; not re-asked here; ${against}` };
  return { class: 'unjudged', why: `${against}, with no re-ask of the primary yet: not enough evidence to tell noise from a real difference` };
}

/**
 * With a shadow that disagreed with itself: the shadow differs from the primary clearly more often
 * than the primary, steady in all its agreeing re-asks, could disagree with itself (Wilson bounds).
 */
function clearlyMoreThanSteady(e: FieldEvidence): boolean {
  return e.comparisons > 0 && e.confirmed > 0 && wilsonInterval(e.shadowDiffs, e.comparisons).low > wilsonInterval(0, e.confirmed).high;
}

/** Enough agreeing re-asks to call the field real (rule 2), the shadow's own disagreements counted. */
function confirmedReal(e: FieldEvidence, atLeast: number): boolean {
  return e.confirmed >= atLeast && ((e.shadowSelfDiffs ?? 0) === 0 || clearlyMoreThanSteady(e));
}

/** True when re-asks have decided a field one way or the other (more of them only add confidence). */
export function decided(e: FieldEvidence): boolean {
  return e.selfDiffs > 0 || confirmedReal(e, confirmationsNeeded(e));
}

/**
 * True when a field's class is settled enough that re-asking the primary adds nothing. Not while a
 * field the primary disagreed with itself at now and then is noise only for want of re-asks: a live
 * stock count that moves now and then, which the shadow gets wrong every time (rule 1 needs the
 * bounds of both rates apart, which a handful of re-asks cannot show), up to REASK_CEILING.
 */
export function settled(e: FieldEvidence, enough: number): boolean {
  if (mayStillBeReal(e)) return false;
  return e.selfDiffs >= enough || confirmedReal(e, Math.max(enough, confirmationsNeeded(e)));
}

/** Re-asks of an endpoint after which a field's evidence is taken as it stands. */
export const REASK_CEILING = 30;

/** Rule 1 not met yet, but the shadow differs far more often than the primary disagrees with itself. */
function mayStillBeReal(e: FieldEvidence): boolean {
  const { comparisons: n, shadowDiffs: k, reasks: m, selfDiffs: j, confirmed: c } = e;
  if (j === 0 || c === 0 || n === 0 || m === 0 || m >= REASK_CEILING) return false;
  const self = j / m;
  const against = k / n;
  return self < 0.5 && against >= 2 * self && against - self >= 0.3 && judgeField(e).class !== 'real';
}
