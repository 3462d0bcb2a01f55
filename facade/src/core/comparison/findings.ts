// Findings per endpoint, from stored comparisons re-classified with today's rules and evidence:
// each endpoint's verdict counts (its own comparisons are the denominator), and each field with
// its class, count, first/last seen and newest example. Endpoints with a real difference a reader
// reads come first, then by real-difference rate and count, so the report leads with what is most
// likely a real regression, not a salt or a clock each side keeps for itself. Pure.
import { classifyComparison, learnSelfNames, type ClassifyRules } from './classify';
import { identityTier, type IdentityTier } from './identity-shape';
import { fieldValues, type EvidenceBook } from './evidence';
import { judgeField, OPAQUE_FIELD } from './noise-model';
import { isVerdict, VERDICTS, type FieldClass, type Outcome, type Verdict } from './outcome';
import type { ComparisonFacts, FieldFact } from './record';

/** A stored comparison as readers load it. */
export interface StoredComparison extends ComparisonFacts {
  readonly id: number;
  readonly at: string;
  readonly method: string;
  readonly path: string;
  readonly outcome: Outcome;
  readonly reason: string | null;
  readonly diff: string | null;
}

export interface FieldFinding {
  readonly field: string;
  readonly class: FieldClass;
  /** Comparisons of the endpoint with a difference at this field, and that share of `compared`. */
  readonly count: number;
  readonly rate: number;
  readonly why: string;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** Newest example: the request and both (redacted) values. */
  readonly example: {
    readonly at: string;
    readonly request: { readonly method: string; readonly path: string };
    readonly path: string;
    readonly kind: FieldFact['kind'];
    readonly primary: unknown;
    readonly shadow: unknown;
    readonly diff: string;
  };
}

export interface EndpointFindings {
  readonly endpoint: string;
  /** Comparisons made (every verdict). */
  readonly compared: number;
  readonly verdicts: Readonly<Record<Verdict, number>>;
  /** Not compared, by reason (`skipped: write_in_flight`, `error: service_UPSTREAM_TIMEOUT`, ...). */
  readonly notCompared: Readonly<Record<string, number>>;
  /** Of the comparisons made, those of streams: status and headers compared, the bodies not (a match there says nothing of them). */
  readonly headersOnly: number;
  /** mismatch verdicts / compared (null without comparisons). */
  readonly realRate: number | null;
  /** Times the primary was asked again (lifetime evidence). */
  readonly reasks: number;
  readonly fields: readonly FieldFinding[];
  readonly firstSeen: string;
  readonly lastSeen: string;
}

const CLASS_ORDER: Readonly<Record<FieldClass, number>> = { real: 0, unjudged: 1, generated: 2, noise: 3, ignored: 4 };

/** The reason a comparison of a stream carries (pipeline/record-comparison.ts compareStreams): its bodies were not compared. */
export const HEADERS_ONLY = 'stream_headers_only';

interface Tally {
  endpoint: string;
  compared: number;
  headersOnly: number;
  verdicts: Record<Verdict, number>;
  notCompared: Record<string, number>;
  fields: Map<string, { class: FieldClass; why: string; count: number; first: string; last: string; example: FieldFinding['example'] }>;
  first: string;
  last: string;
}

/** The key of `notCompared`: the outcome, then why (`skipped: write_in_flight`). */
const notComparedKey = (outcome: Outcome, reason: string | null): string => `${outcome}: ${reason ?? 'unknown'}`;

/** Every outcome's count over some endpoints: their verdicts plus the comparisons not made, by outcome. */
export function outcomeCounts(endpoints: readonly EndpointFindings[]): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (o: string, n: number): void => { if (n > 0) out[o] = (out[o] ?? 0) + n; };
  for (const e of endpoints) {
    for (const [v, n] of Object.entries(e.verdicts)) add(v, n);
    for (const [key, n] of Object.entries(e.notCompared)) add(key.slice(0, key.indexOf(':')), n);
  }
  return out;
}

/** Comparisons without a differing field, counted (they need no classification: no fact, no class). */
export interface CountedComparisons {
  readonly endpoint: string;
  readonly outcome: Outcome;
  readonly reason: string | null;
  readonly count: number;
  readonly first: string;
  readonly last: string;
}

function addCounted(t: Tally, f: CountedComparisons): void {
  if (f.last > t.last) t.last = f.last;
  if (isVerdict(f.outcome)) {
    t.compared += f.count;
    if (f.reason === HEADERS_ONLY) t.headersOnly += f.count;
    t.verdicts.match += f.count; // no differing field: a match whatever rules come later
  } else {
    const key = notComparedKey(f.outcome, f.reason);
    t.notCompared[key] = (t.notCompared[key] ?? 0) + f.count;
  }
}

function tallyFor(map: Map<string, Tally>, c: { readonly endpoint: string; readonly at: string }): Tally {
  let t = map.get(c.endpoint);
  if (!t) {
    t = { endpoint: c.endpoint, compared: 0, headersOnly: 0, verdicts: Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>,
      notCompared: {}, fields: new Map(), first: c.at, last: c.at };
    map.set(c.endpoint, t);
  }
  if (c.at < t.first) t.first = c.at;
  if (c.at > t.last) t.last = c.at;
  return t;
}

/** How far a field's example is from what a side answers (identityTier): 0 a value, 1 two versions, 2 two times, 3 two ids, keys or hosts. */
function tierOf(f: FieldFinding): IdentityTier {
  const { primary, shadow, at, path } = f.example;
  const parsed = Date.parse(at);
  return identityTier(path, primary, shadow, Number.isFinite(parsed) ? parsed : Date.now());
}

/** Fields by name, numbers in them by value: a page's `text[8]` before its `text[13]`. */
const NAME_ORDER = new Intl.Collator('en', { numeric: true });

/**
 * An endpoint's fields, most telling first: by class (real first), then a difference in what a side
 * answers (a price, a status word, a flag, a field one side lacks) before one between two versions
 * it runs, two times, or values that name what each side is (tierOf: a key, a host), then how often they
 * differed, `status` first among equals, then by name (a page's lines in their order).
 */
function rankedFields(fields: FieldFinding[]): { fields: FieldFinding[]; realTier: IdentityTier } {
  const tier = new Map(fields.map((f) => [f, tierOf(f)]));
  // Of fields of one class that differed as often, a status is read before the headers and lines
  // of the page it changed (an error page's every line differs with it, as often as it does).
  const statusFirst = (f: FieldFinding): number => (f.field === 'status' ? 0 : 1);
  // A difference in what a side answers goes before one in what each side is, however often the
  // latter differed: a per-side id differs on every answer, a regression perhaps on one in ten.
  fields.sort((a, b) => CLASS_ORDER[a.class] - CLASS_ORDER[b.class] || tier.get(a)! - tier.get(b)!
    || b.count - a.count || statusFirst(a) - statusFirst(b) || NAME_ORDER.compare(a.field, b.field));
  const real = fields.filter((f) => f.class === 'real');
  // The endpoint's real differences at their most telling: a value, else versions, else times, else only identities.
  return { fields, realTier: real.reduce<IdentityTier>((t, f) => Math.min(t, tier.get(f)!) as IdentityTier, real.length > 0 ? 3 : 0) };
}

/**
 * Per-endpoint findings of one route's comparisons (any order), ranked: endpoints with real
 * differences first, those with one in a value a side answers before those whose real differences
 * are all versions, times each side stamped, or what names a side (a key, a host: real, but seldom
 * the regression), in that order, then highest
 * real-difference rate, most mismatches, most comparisons.
 */
export function endpointFindings(comparisons: readonly StoredComparison[], rules: ClassifyRules, book: EvidenceBook,
  onVerdict?: (c: StoredComparison, verdict: Verdict) => void, factless: readonly CountedComparisons[] = [], routeOf?: string): EndpointFindings[] {
  const tallies = new Map<string, Tally>();
  // Names each side gives itself, from all the comparisons first: a verdict does not depend on which came first.
  for (const c of comparisons) learnSelfNames(c, rules, book);
  for (const f of factless) addCounted(tallyFor(tallies, { endpoint: f.endpoint, at: f.first }), f);
  for (const c of comparisons) {
    const t = tallyFor(tallies, c);
    if (!isVerdict(c.outcome)) {
      const key = notComparedKey(c.outcome, c.reason);
      t.notCompared[key] = (t.notCompared[key] ?? 0) + 1;
      continue;
    }
    const classed = classifyComparison(c, rules, book);
    onVerdict?.(c, classed.verdict);
    t.compared++;
    if (c.reason === HEADERS_ONLY) t.headersOnly++;
    t.verdicts[classed.verdict]++;
    for (const f of classed.fields) {
      let entry = t.fields.get(f.field);
      const example = { at: c.at, request: { method: c.method, path: c.path }, path: f.example.path, kind: f.example.kind,
        primary: f.example.primary, shadow: f.example.shadow, diff: c.diff ?? '' };
      if (!entry) { entry = { class: f.class, why: f.why, count: 0, first: c.at, last: c.at, example }; t.fields.set(f.field, entry); }
      entry.count++;
      if (c.at < entry.first) entry.first = c.at;
      // The example is the newest comparison that kept a unified diff (diffs are sampled), else the newest.
      const better = example.diff !== '' && (entry.example.diff === '' || c.at >= entry.example.at);
      if (better || (entry.example.diff === '' && c.at >= entry.example.at)) entry.example = example;
      if (c.at > entry.last) entry.last = c.at;
      // A field's class is its worst class across the comparisons (real beats unjudged beats the rest).
      if (CLASS_ORDER[f.class] < CLASS_ORDER[entry.class]) { entry.class = f.class; entry.why = f.why; }
    }
  }
  const route = comparisons[0]?.route ?? routeOf;
  const realTier = new Map<EndpointFindings, IdentityTier>();
  const out = [...tallies.values()].map((t): EndpointFindings => {
    const reasks = route === undefined ? 0 : book.endpoints(route).get(t.endpoint)?.reasks ?? 0;
    const ranked = rankedFields([...t.fields].map(([field, e]) => ({ field, class: e.class, count: e.count, rate: t.compared > 0 ? e.count / t.compared : 0,
      why: e.why, firstSeen: e.first, lastSeen: e.last, example: e.example })));
    const e: EndpointFindings = {
      endpoint: t.endpoint, compared: t.compared, verdicts: t.verdicts, notCompared: t.notCompared, headersOnly: t.headersOnly,
      realRate: t.compared > 0 ? t.verdicts.mismatch / t.compared : null, reasks,
      fields: ranked.fields, firstSeen: t.first, lastSeen: t.last,
    };
    realTier.set(e, ranked.realTier);
    return e;
  });
  const anyReal = (e: EndpointFindings): number => ((e.realRate ?? 0) > 0 ? 1 : 0);
  return out.sort((a, b) => anyReal(b) - anyReal(a) || realTier.get(a)! - realTier.get(b)!
    || (b.realRate ?? -1) - (a.realRate ?? -1) || b.verdicts.mismatch - a.verdicts.mismatch || b.compared - a.compared
    || a.endpoint.localeCompare(b.endpoint));
}

/** Noise evidence of a route, per endpoint and field, for the report's noise section. */
export function noiseEvidence(route: string, book: EvidenceBook): Array<{ endpoint: string; field: string; why: string }> {
  const out: Array<{ endpoint: string; field: string; why: string }> = [];
  for (const [endpoint, e] of book.endpoints(route)) {
    for (const [field, f] of e.fields) {
      if (f.selfDiffs === 0) continue;
      const j = judgeField({ comparisons: e.comparisons, reasks: e.reasks, shadowDiffs: f.shadowDiffs, selfDiffs: f.selfDiffs,
        confirmed: f.confirmed, shadowSelfDiffs: f.shadowSelfDiffs, ...fieldValues(f), opaque: field === OPAQUE_FIELD });
      if (j.class === 'noise') out.push({ endpoint, field, why: j.why });
    }
  }
  return out.sort((a, b) => a.endpoint.localeCompare(b.endpoint) || a.field.localeCompare(b.field));
}
