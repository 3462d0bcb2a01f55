// Classes the differing fields of one comparison and gives its verdict, from its stored facts and
// what is known now: ignore rules, the generated-value policy and the endpoint's noise evidence.
// Called when a comparison is recorded and again by every reader, so later rules and evidence
// re-classify the past. Pure.
import { firstMatch, type CompiledIgnoreRule } from '../compare/classify';
import { VALUES_KEPT, type EvidenceBook } from './evidence';
import { decided, MIN_STABLE, settled } from './noise-model';
import { withinPolicy, type GeneratedPolicy } from './generated';
import { verdictOf, type FieldClass, type Verdict } from './outcome';
import { jittered } from './repeats';
import type { ComparisonFacts, FieldFact } from './record';
import { selfNamedFact, selfNamePairs } from './self-names';

/** What classification needs from a route's configuration. */
export interface ClassifyRules {
  readonly ignore: readonly CompiledIgnoreRule[];
  readonly generated: GeneratedPolicy;
}

/** One field of one comparison, classed. */
export interface ClassedField {
  readonly field: string;
  readonly class: FieldClass;
  readonly why: string;
  /** The first differing path of this field in the comparison, with its values. */
  readonly example: FieldFact;
}

export interface Classed {
  readonly verdict: Verdict;
  readonly fields: readonly ClassedField[];
}

const ignoredBy = firstMatch;

/** How `why` names a generated kind whose name alone says little. */
const KIND_WORDS: Partial<Record<string, string>> = {
  encoded: 'encoded value (base64 JSON that differs only in generated values: a cursor\'s snapshot time)',
  sequence: 'number or id for what it created',
  instance: 'process value (uptime, pid, hostname, start time, build: each side is its own process)',
  token: 'secret (an access token, a session id, a nonce: each side mints its own)',
  position: 'position in its store\'s history (a resourceVersion, a ModifyIndex, a raft term: each store numbers its own)',
  estimate: 'estimate of a count (a planner\'s row estimate: each store\'s own statistics)',
};

/** Kinds of generated values that are ids: made once for a record, then kept. */
const ID_KINDS: ReadonlySet<string> = new Set(['uuid', 'ulid', 'objectid', 'sequence']);

/**
 * An id the primary gave the same in MIN_STABLE or more differing comparisons is not one minted per
 * answer but a record's, kept (an upsert answering the customer it found, a reference): the shadow's
 * other id is judged by the evidence (noise-model.ts rule 3), not passed as each side's own.
 */
function storedOnPrimary(c: ComparisonFacts, field: string, example: FieldFact, book: EvidenceBook): boolean {
  if (example.generated === null || !ID_KINDS.has(example.generated.kind)) return false;
  return recordIds(book.evidence(c.route, c.endpoint, field));
}

/**
 * The primary's ids at the field held still: one value, or a listing's few records (`$[*].id` of
 * two silences), each seen MIN_STABLE times on average where ids minted per answer would have given
 * a new value each time (so as many values as comparisons, up to the few a field keeps, VALUES_KEPT).
 * Probes15 (Alertmanager's silences at `shadow`): one silence's id the service minted again was
 * real, two silences' ids passed as generated.
 */
function recordIds(e: { readonly shadowDiffs: number; readonly primaryValues: number }): boolean {
  if (e.primaryValues === 1) return e.shadowDiffs >= MIN_STABLE;
  return e.primaryValues > 1 && e.primaryValues < VALUES_KEPT && e.shadowDiffs >= MIN_STABLE * e.primaryValues;
}

/** A status difference where the compared side answered 5xx and the primary did not. */
const serviceFailed = (f: FieldFact): boolean => typeof f.shadow === 'number' && f.shadow >= 500 && typeof f.primary === 'number' && f.primary < 500;

function classOne(c: ComparisonFacts, field: string, facts: readonly FieldFact[], rules: ClassifyRules, book: EvidenceBook): ClassedField {
  const example = facts[0]!;
  const rule = ignoredBy(field, rules.ignore) ?? (facts.every((f) => ignoredBy(f.path, rules.ignore)) ? ignoredBy(example.path, rules.ignore) : undefined);
  if (rule) return { field, class: 'ignored', why: `ignore rule ${rule.path}: ${rule.reason}`, example };
  if (field === 'status' && facts.some(serviceFailed)) {
    // A failure is not a value: an endpoint whose primary once failed too (its status learned as
    // noise) still has the other side's 5xx here counted, not passed as noise.
    return { field, class: 'real', why: 'the other side failed (5xx) where the primary answered', example };
  }
  const judged = book.judge(c.route, c.endpoint, field);
  if (judged.class === 'noise') return { field, class: 'noise', why: judged.why, example };
  if (facts.every((f) => withinPolicy(f.generated, f.path, rules.generated)) && !storedOnPrimary(c, field, example, book)) {
    const g = example.generated!;
    const within = g.deltaMs === null ? 'same format' : `${Math.round(g.deltaMs)} ms apart, tolerance ${rules.generated.toleranceMs} ms`;
    return { field, class: 'generated', why: `each side generates its own ${KIND_WORDS[g.kind] ?? g.kind} (${within})`, example };
  }
  // Each side writing its own name (learned where a field named for the process carries it) where
  // the other writes its own: a host column, a vhost, a footer's "by <host>" (self-names.ts).
  const names = book.selfNames(c.route);
  if (names.length > 0) {
    const now = 'at' in c && typeof c.at === 'string' ? Date.parse(c.at) : Number.NaN;
    const own = facts.map((f) => selfNamedFact(f.primary, f.shadow, names, now));
    if (own.every((g) => g !== null && withinPolicy({ kind: 'instance', deltaMs: g.deltaMs }, example.path, rules.generated))) {
      return { field, class: 'generated', why: `each side writes its own name (${names.length === 1 ? `${names[0]!.primary} / ${names[0]!.shadow}` : 'a host, pod or node name learned on this route'})${own.some((g) => g!.kind === 'timestamp') ? ' and its own times' : ''}`, example };
    }
  }
  // The example a reader is shown is a path that made the field differ, not one of its generated
  // values: a Prometheus sample's `[time, value]` is real by its value, not by its time.
  // Nor a number moved only in its last digits, where another path moved further (a label beside a
  // tensor's jittering floats, repeats.ts).
  const told = (f: FieldFact): boolean => !withinPolicy(f.generated, f.path, rules.generated);
  const telling = facts.find((f) => told(f) && !(f.kind === 'changed' && jittered(f.primary, f.shadow))) ?? facts.find(told) ?? example;
  if (judged.class === 'unjudged' && example.generated !== null && ID_KINDS.has(example.generated.kind)) {
    // A record's ids (recordIds) are never asked again (generated values are not askable); with
    // several the noise model's "one value" rule does not hold, and the verdict would stay unjudged.
    const e = book.evidence(c.route, c.endpoint, field);
    if (e.confirmed === 0 && e.selfDiffs === 0 && e.primaryValues > 1) {
      return { field, class: 'real', why: `the primary gave the same ${e.primaryValues} ids (its records') in all ${e.shadowDiffs} differing comparisons and the shadow others`, example };
    }
  }
  if (judged.class === 'unjudged' && facts.every((f) => f.echo === true)) {
    return { field, class: 'real', why: 'the primary answered the value the client sent; the shadow did not (a write, so not re-asked)', example: telling };
  }
  return { field, class: judged.class, why: judged.why, example: telling };
}

/** Classes every differing field (grouped by field) of a comparison and derives its verdict. */
export function classifyComparison(c: ComparisonFacts, rules: ClassifyRules, book: EvidenceBook): Classed {
  learnSelfNames(c, rules, book);
  const byField = new Map<string, FieldFact[]>();
  for (const f of c.facts) {
    const list = byField.get(f.field);
    if (list) list.push(f); else byField.set(f.field, [f]);
  }
  const fields = [...byField].map(([field, facts]) => classOne(c, field, facts, rules, book));
  return { verdict: verdictOf(fields.map((f) => f.class)), fields };
}

/**
 * Learns the names each side gives itself from a comparison's values at fields named for the
 * answering process (instance facts within policy, not ignored): self-names.ts.
 */
export function learnSelfNames(c: ComparisonFacts, rules: ClassifyRules, book: EvidenceBook): void {
  for (const f of c.facts) {
    if (f.generated?.kind !== 'instance' || !withinPolicy(f.generated, f.path, rules.generated) || ignoredBy(f.path, rules.ignore)) continue;
    book.learnSelfNames(c.route, selfNamePairs(f.primary, f.shadow));
  }
}

/** A differing path re-asking can teach something about: not ignored, not a generated value within policy. */
const askable = (f: FieldFact, rules: ClassifyRules): boolean => !ignoredBy(f.path, rules.ignore) && !withinPolicy(f.generated, f.path, rules.generated);

/** The fields of a comparison re-asking can teach something about. */
export function askableFields(c: ComparisonFacts, rules: ClassifyRules): Set<string> {
  return new Set(c.facts.filter((f) => askable(f, rules)).map((f) => f.field));
}

/**
 * Whether re-asking the primary could still teach something about a comparison's fields (those
 * not ignored, not generated within policy, and not settled by `enough` pieces of evidence), and
 * how much: `first` when a field is not decided yet (noise-model.ts: without more re-asks it stays
 * unjudged), `more` when every such field is. Null when nothing is left to learn.
 */
export function reaskPriority(c: ComparisonFacts, rules: ClassifyRules, book: EvidenceBook, enough: number): 'first' | 'more' | null {
  let need: 'first' | 'more' | null = null;
  for (const f of c.facts) {
    if (!askable(f, rules)) continue;
    const e = book.evidence(c.route, c.endpoint, f.field);
    if (!decided(e)) return 'first';
    if (!settled(e, enough)) need = 'more';
  }
  return need;
}

/** True when re-asking the primary could still teach something about a comparison's fields (reaskPriority). */
export function needsReask(c: ComparisonFacts, rules: ClassifyRules, book: EvidenceBook, enough: number): boolean {
  return reaskPriority(c, rules, book, enough) !== null;
}
