// The noise evidence of every endpoint and field, folded from comparison facts. Pure and
// incremental: the recorder keeps one book live (loaded from the diff store's aggregates at
// start), reports and the gate rebuild one from the same aggregates, so both class alike.
import { judgeField, OPAQUE_FIELD, type FieldEvidence, type Judgement } from './noise-model';
import type { ComparisonFacts } from './record';
import type { SelfNamePair } from './self-names';

/** Persistable counts of one endpoint and field. */
export interface FieldCounts {
  shadowDiffs: number;
  selfDiffs: number;
  confirmed: number;
  /** Of the confirmed ones, comparisons where the shadow, asked again, disagreed with its own first answer. */
  shadowSelfDiffs: number;
  /**
   * Distinct value fingerprints seen where the field differed: up to MAX_VALUES of the primary's,
   * and up to MAX_VALUES of the shadow's, prefixed `s:` (one stored list, endpoint_fields.primary_hashes).
   */
  valueHashes: string[];
}

/** Persistable counts of one endpoint. */
export interface EndpointCounts {
  comparisons: number;
  reasks: number;
  fields: Map<string, FieldCounts>;
}

const MAX_VALUES = 4;
/** How many distinct values of each side a field keeps (a field at the cap may have had any number). */
export const VALUES_KEPT = MAX_VALUES;
const SHADOW = 's:';
const ofShadow = (h: string): boolean => h.startsWith(SHADOW);
/** The fingerprint of "the primary has this field" where the shadow lacks it (evidenceDelta). */
const PRESENT = 'present';

/** Adds `from`'s fingerprints to `into`, distinct, up to the few a field keeps of each side; returns `into`. */
export function mergeHashes(into: string[], from: readonly string[]): string[] {
  for (const h of from) {
    if (into.includes(h)) continue;
    const side = ofShadow(h);
    if (into.filter((x) => ofShadow(x) === side).length < MAX_VALUES) into.push(h);
  }
  return into;
}

/**
 * What a field's fingerprints say: how many distinct primary values it had, and whether every
 * value the shadow gave is one the primary gives too, from a vocabulary small enough to be seen
 * whole (a cache HIT/MISS, one of three regions): then the shadow differs as the primary would
 * differ from itself, and agreeing re-asks prove less.
 */
export function valuesSeen(hashes: readonly string[]): { primary: number; sharedVocabulary: boolean } {
  const primary = hashes.filter((h) => !ofShadow(h));
  const shadow = hashes.filter(ofShadow);
  const sharedVocabulary = primary.length < MAX_VALUES && shadow.length > 0 && shadow.every((h) => primary.includes(h.slice(SHADOW.length)));
  return { primary: primary.length, sharedVocabulary };
}

/** What one comparison adds to its endpoint's evidence (the store persists the same increments). */
export interface EvidenceDelta {
  readonly reasked: boolean;
  readonly fields: ReadonlyMap<string, FieldCounts>;
}

/** The increments one comparison makes, per field: shadow differences, self-disagreements, confirmations. */
export function evidenceDelta(c: ComparisonFacts): EvidenceDelta {
  const fields = new Map<string, FieldCounts>();
  const of = (name: string): FieldCounts => {
    let f = fields.get(name);
    if (!f) { f = { shadowDiffs: 0, selfDiffs: 0, confirmed: 0, shadowSelfDiffs: 0, valueHashes: [] }; fields.set(name, f); }
    return f;
  };
  const self = new Set(c.reasked ? c.selfFields : []);
  const shadowSelf = new Set(c.shadowSelfFields ?? []);
  for (const name of self) of(name).selfDiffs = 1;
  for (const fact of c.facts) {
    const f = of(fact.field);
    // Where the shadow lacks the field, what the primary repeats is that it has one (an ETag, a Location,
    // an echoed Idempotency-Key of a write: each answer's own value, and the shadow sends none).
    const primary = fact.kind === 'removed' ? PRESENT : fact.primaryHash;
    mergeHashes(f.valueHashes, fact.shadowHash === undefined ? [primary] : [primary, `${SHADOW}${fact.shadowHash}`]);
    f.shadowDiffs = 1;
    if (c.reasked && !self.has(fact.field)) {
      f.confirmed = c.reasks ?? 1;
      if (shadowSelf.has(fact.field)) f.shadowSelfDiffs = 1;
    }
  }
  return { reasked: c.reasked, fields };
}

/** The value part of a field's evidence (noise-model.ts) from its counts. */
export function fieldValues(f: FieldCounts | undefined): { primaryValues: number; sharedVocabulary: boolean } {
  const seen = valuesSeen(f?.valueHashes ?? []);
  return { primaryValues: seen.primary, sharedVocabulary: seen.sharedVocabulary };
}

/**
 * A field that means the same on every endpoint of a route (a JSON field, a header, a cookie: the same server
 * code names them), so its noise elsewhere says something here. A status, or a page's line number
 * (`text[12]`), is each endpoint's own: a 429 now and then on one endpoint says nothing of a 201 on another.
 */
const namedAlike = (field: string): boolean => field.startsWith('$') || field.startsWith('headers.') || field.startsWith('cookies.');

/** At most so many learned name pairs per route (a route's sides have a few hosts, pods and nodes). */
const MAX_SELF_NAMES = 64;

export class EvidenceBook {
  /** route -> endpoint -> counts */
  private readonly routes = new Map<string, Map<string, EndpointCounts>>();
  /**
   * Judgements asked for since the counts last changed: a reader classes every stored comparison
   * with facts (1,403 on a 90-day soak store, ~100 distinct fields), and each judgement without
   * re-ask evidence walks the route's other endpoints and writes its figures into a sentence.
   */
  private readonly judged = new Map<string, Judgement>();
  /** route -> `primary\0shadow` of each side's own name learned there (self-names.ts). */
  private readonly names = new Map<string, Map<string, SelfNamePair>>();

  private endpoint(route: string, endpoint: string): EndpointCounts {
    let byEndpoint = this.routes.get(route);
    if (!byEndpoint) { byEndpoint = new Map(); this.routes.set(route, byEndpoint); }
    let e = byEndpoint.get(endpoint);
    if (!e) { e = { comparisons: 0, reasks: 0, fields: new Map() }; byEndpoint.set(endpoint, e); }
    return e;
  }

  private field(e: EndpointCounts, field: string): FieldCounts {
    let f = e.fields.get(field);
    if (!f) { f = { shadowDiffs: 0, selfDiffs: 0, confirmed: 0, shadowSelfDiffs: 0, valueHashes: [] }; e.fields.set(field, f); }
    return f;
  }

  /** Adds one comparison that was made (a verdict record). */
  add(c: ComparisonFacts): void {
    const delta = evidenceDelta(c);
    this.load(c.route, c.endpoint, 1, delta.reasked ? 1 : 0, delta.fields);
  }

  /** Adds counts: a comparison's increments, or what the store kept (at start and for readers). */
  load(route: string, endpoint: string, comparisons: number, reasks: number, fields: Iterable<[string, FieldCounts]>): void {
    if (this.judged.size > 0) this.judged.clear(); // any count may change any judgement of its route (noise elsewhere)
    const e = this.endpoint(route, endpoint);
    e.comparisons += comparisons;
    e.reasks += reasks;
    for (const [name, counts] of fields) {
      const f = this.field(e, name);
      f.shadowDiffs += counts.shadowDiffs;
      f.selfDiffs += counts.selfDiffs;
      f.confirmed += counts.confirmed;
      f.shadowSelfDiffs += counts.shadowSelfDiffs;
      mergeHashes(f.valueHashes, counts.valueHashes);
    }
  }

  /** The evidence for one field of one endpoint, with noise seen on the route's other endpoints. */
  evidence(route: string, endpoint: string, field: string): FieldEvidence {
    const e = this.routes.get(route)?.get(endpoint);
    const f = e?.fields.get(field);
    const base = {
      comparisons: e?.comparisons ?? 0, reasks: e?.reasks ?? 0, shadowDiffs: f?.shadowDiffs ?? 0, selfDiffs: f?.selfDiffs ?? 0,
      confirmed: f?.confirmed ?? 0, shadowSelfDiffs: f?.shadowSelfDiffs ?? 0, ...fieldValues(f), opaque: field === OPAQUE_FIELD,
    };
    if (base.selfDiffs > 0 || base.confirmed > 0 || !namedAlike(field)) return base;
    return { ...base, noiseElsewhere: this.noiseElsewhere(route, endpoint, field) };
  }

  judge(route: string, endpoint: string, field: string): Judgement {
    const key = `${route}\u0000${endpoint}\u0000${field}`;
    let j = this.judged.get(key);
    if (!j) { j = judgeField(this.evidence(route, endpoint, field)); this.judged.set(key, j); }
    return j;
  }

  /**
   * Noise the primary showed at this field on another endpoint of the route with the same method: a
   * GET's live basket total moving says nothing of the total a POST adding a line answers (a write
   * cannot be asked again, so borrowed noise would decide it for good).
   */
  private noiseElsewhere(route: string, endpoint: string, field: string): string | null {
    let best: { name: string; j: number; m: number } | null = null;
    const method = endpoint.slice(0, endpoint.indexOf(' ') + 1);
    for (const [name, e] of this.routes.get(route) ?? []) {
      if (name === endpoint || !name.startsWith(method)) continue;
      const f = e.fields.get(field);
      if (f && f.selfDiffs > 0 && (!best || f.selfDiffs > best.j)) best = { name, j: f.selfDiffs, m: e.reasks };
    }
    return best ? `${best.name} (the primary disagreed with itself ${best.j} of ${best.m} times)` : null;
  }

  /** Learns names each side gives itself on a route (from its instance facts: self-names.ts). */
  learnSelfNames(route: string, pairs: readonly SelfNamePair[]): void {
    if (pairs.length === 0) return;
    let m = this.names.get(route);
    if (!m) { m = new Map(); this.names.set(route, m); }
    for (const p of pairs) if (m.size < MAX_SELF_NAMES) m.set(`${p.primary}\u0000${p.shadow}`, p);
  }

  /** The names each side gives itself on a route, as learned so far. */
  selfNames(route: string): readonly SelfNamePair[] {
    return [...(this.names.get(route)?.values() ?? [])];
  }

  /** Every endpoint of a route with its counts. */
  endpoints(route: string): ReadonlyMap<string, EndpointCounts> {
    return this.routes.get(route) ?? new Map();
  }

  routeNames(): string[] {
    return [...this.routes.keys()];
  }
}
