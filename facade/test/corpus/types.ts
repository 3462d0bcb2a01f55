// The comparison corpus's vocabulary: an endpoint with its ground truth (which fields differ between
// the two fixture servers, and why), what the facade's report says per field (a Finding), and the
// score of a report against the truth. Plain data only; fixtures, driver and scoring build on it.

/** Ground-truth class of an endpoint (derived from its field lists, see `categoryOf`). */
export type Category = 'identical' | 'noise' | 'generated' | 'real' | 'mixed';
export const CATEGORIES: readonly Category[] = ['identical', 'noise', 'generated', 'real', 'mixed'];

export type CorpusMethod = 'GET' | 'HEAD' | 'POST' | 'PUT';

/**
 * One endpoint of the corpus and the truth about it. Field names follow the facade's differ:
 * `status`, `headers.<lower-case name>`, `cookies.<name>`, `$.a.b`, `$.items[*].price`,
 * `$["odd key"]`, `text[*]` (a text line), `body#sha256` (binary), `body` (JSON vs not JSON).
 * The truth assumes the compare settings in `CORPUS_COMPARE` and no ignore rules or normalizers.
 */
export interface CorpusEndpoint {
  readonly method: CorpusMethod;
  /** Path template, variable segments (numeric ids or uuids) written `:id`: `/corpus/noise/clock/:id`. */
  readonly template: string;
  /** Concrete path (with query, if any) of the i-th request; cycles over at least 10 distinct paths where the template has an `:id`. */
  readonly samplePaths: (i: number) => string;
  /** JSON body of the i-th request (writes only). */
  readonly body?: (i: number) => unknown;
  /** Extra request headers of the i-th request (e.g. `if-none-match` for a 304). */
  readonly requestHeaders?: (i: number) => Readonly<Record<string, string>>;
  readonly category: Category;
  /** What the endpoint exercises, in a few words ("missing vs null", "epoch ms now"). */
  readonly kind: string;
  /** Fields where the service really differs from the monolith (stable on each side). */
  readonly realFields: readonly string[];
  /** Fields that differ between two answers of the same side (the monolith disagrees with itself). */
  readonly noiseFields: readonly string[];
  /** Fields each side makes for itself: stable per side, different between sides by construction. */
  readonly generatedFields: readonly string[];
  /** POST/PUT: compared as a second write, never re-asked. */
  readonly write: boolean;
  /** The sides write the same data in other bytes (key order, spacing, escapes, `12.0`): equal as data, not as bytes. */
  readonly rewritten?: boolean;
  /** A truth a differ can easily get wrong, said plainly. */
  readonly note?: string;
  /**
   * True when the difference is visible only to a differ that keeps JSON number text exactly
   * (JSON.parse rounds both values to the same double).
   */
  readonly exactNumbers?: boolean;
  /**
   * The noise fields take one of a few values at random: two answers of one side may agree there
   * (a cache HIT/MISS, one of three instances), so they are noise without changing every time.
   */
  readonly repeats?: boolean;
  /** The real fields differ for some records only (the samples of other ids agree there). */
  readonly partial?: boolean;
  /**
   * The real fields' values change on every answer of the monolith too (a random token, a freshly
   * signed link): the real difference is that the service lacks them, or differs in words the
   * monolith keeps. A differ that calls a field noise because the monolith changed it misses these.
   */
  readonly changes?: boolean;
}

/** What the facade's report says about one field of one endpoint. */
export interface Finding {
  /** `GET /corpus/noise/clock/:id` */
  readonly endpoint: string;
  readonly field: string;
  readonly class: 'real' | 'noise' | 'generated' | 'unjudged' | 'ignored';
}

/** A real field the report did not class `real` (`reportedAs: null`: not reported at all). */
export interface Miss {
  readonly endpoint: string;
  readonly category: Category;
  readonly field: string;
  readonly reportedAs: Finding['class'] | null;
}

/** A field the report classed `real` where the truth says otherwise. */
export interface FalseAlarm {
  readonly endpoint: string;
  /** `unknown` when the endpoint is not in the corpus. */
  readonly category: Category | 'unknown';
  readonly field: string;
  /** What the field really is: noise, generated, or not a difference at all. */
  readonly truth: 'noise' | 'generated' | 'not a difference';
}

/** Per-category figures of a score. */
export interface CategoryScore {
  readonly endpoints: number;
  /** Endpoints with at least one field reported `real`. */
  readonly reportedMismatching: number;
  readonly realFieldsExpected: number;
  readonly realFieldsFound: number;
  /** (endpoint, field) pairs reported `real` that are not real. */
  readonly falseMismatches: number;
}

/** A report scored against the corpus truth. */
export interface Score {
  /** Real (endpoint, field) pairs found / expected; 1 when none are expected. */
  readonly recall: number;
  readonly realFieldsExpected: number;
  readonly realFieldsFound: number;
  /** (endpoint, field) pairs reported `real` that are not real, over every category. */
  readonly falseMismatches: number;
  /** Identical, noise-only and generated endpoints with any field reported `real`. */
  readonly falselyMismatchingEndpoints: readonly string[];
  readonly byCategory: Readonly<Record<Category, CategoryScore>>;
  readonly misses: readonly Miss[];
  readonly falseAlarms: readonly FalseAlarm[];
  /** Endpoints named by findings that are not in the scored corpus. */
  readonly unknownEndpoints: readonly string[];
}
