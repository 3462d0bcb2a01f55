// Plain data shared by the comparison engine: what each side did (Observation), what differs
// (Difference), the route's compare rules as config writes them, and the frozen result.
// Pure types only: the engine (diff -> classify -> redact) works on these, I/O fills them in.

/** One implementation of a route. */
export type Side = 'monolith' | 'service';

/**
 * What one side did with one request. `body` is already decoded (content-encoding removed);
 * a failure (connect error, timeout, reset) is an observation too, never an exception.
 */
export type Observation =
  | {
      readonly ok: true;
      readonly side: Side;
      readonly status: number;
      /** Response headers as Node gives them (any case; `undefined` entries are treated as absent). */
      readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
      readonly body: Buffer;
      readonly ms: number;
      /** The request's own origins (`http://shop.example`): a Location on one of them equals its relative form (header-forms.ts). */
      readonly origins?: readonly string[];
    }
  | {
      readonly ok: false;
      readonly side: Side;
      readonly error: string;
      readonly code: string;
      readonly ms: number;
    };

/** A successful observation. */
export type SuccessfulObservation = Extract<Observation, { ok: true }>;

/**
 * How a field differs: `changed` value, `added` (only the shadow has it), `removed` (only the
 * primary has it), `type` (JSON types differ, or JSON body vs a body that is not JSON).
 */
export type DifferenceKind = 'changed' | 'added' | 'removed' | 'type';

/**
 * One field that differs. Paths: `status`, `headers.<name>`, `cookies.<name>`, `error`,
 * `$.items[3].price` / `$["odd key"]` (JSON body), `text[12]` (text body line, 1-based),
 * `body#sha256` (other bodies), `body` (JSON vs not JSON). `primary`/`shadow` is `undefined`
 * on the side that lacks the field.
 */
export interface Difference {
  readonly path: string;
  readonly kind: DifferenceKind;
  readonly primary: unknown;
  readonly shadow: unknown;
  /**
   * An XML text line's element, by its local name (`sync-token` for the text of
   * `<D:sync-token>…</D:sync-token>`): what names the value, as a key names a JSON leaf.
   */
  readonly element?: string;
  /**
   * An added or removed page line's number in its side's canonical lines, where its path names it
   * by its place in the document instead (markup-names.ts): which lines run on one after another.
   */
  readonly line?: number;
}

/** A difference moved out of the mismatches by an ignore rule, with that rule's reason. */
export type IgnoredDifference = Difference & { readonly reason: string };

/** Declarative ignore rule: a path pattern (`$.items[*].etag`, `$..updated_at`, `headers.x-request-id`) and why. */
export interface IgnoreRule {
  readonly path: string;
  readonly reason: string;
}

/** Sort the array at `path` before diffing, by the `key` field of its items or by their canonical JSON. */
export interface ArrayOrderNormalizer {
  readonly kind: 'arrayOrder';
  readonly path: string;
  readonly key?: string;
}
/** Numbers at `path` within `tolerance` of each other are equal. */
export interface NumericToleranceNormalizer {
  readonly kind: 'numericTolerance';
  readonly path: string;
  readonly tolerance: number;
}
/** A number and a numeric string at `path` (`12.5` vs `"12.50"`) are equal when numerically equal. */
export interface NumericStringNormalizer {
  readonly kind: 'numericString';
  readonly path: string;
}
/** Two timestamps at `path` in different formats (ISO 8601, `YYYY-MM-DD HH:MM:SS`, epoch s/ms, HTTP date) are equal when they name the same instant. */
export interface TimestampNormalizer {
  readonly kind: 'timestamp';
  readonly path: string;
}

export type Normalizer =
  | ArrayOrderNormalizer
  | NumericToleranceNormalizer
  | NumericStringNormalizer
  | TimestampNormalizer;

/** A route's compare config, as the config module produces it. */
export interface CompareRules {
  /** Header names to compare (case-insensitive). `date` is never compared; `set-cookie` goes by `cookies`. */
  readonly headers: readonly string[];
  /** Cookie names whose Set-Cookie (value and attributes) is compared; `*` means every cookie. */
  readonly cookies: readonly string[];
  readonly ignore: readonly IgnoreRule[];
  readonly normalizers: readonly Normalizer[];
  /** Body path patterns whose values are redacted before anything is stored (`$.password`, `$..card_number`). */
  readonly redact: readonly string[];
  /** The facade's redaction settings and fingerprint key (config `redaction`); absent: built-in lists, no fingerprint. */
  readonly redaction?: import('./secrets').RedactionOptions;
}

/** The frozen result of comparing one primary with one shadow observation. */
export interface ComparisonResult {
  readonly outcome: 'match' | 'mismatch';
  readonly mismatched: readonly Difference[];
  readonly ignored: readonly IgnoredDifference[];
}
