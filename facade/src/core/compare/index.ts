// The comparison engine's public surface: compile a route's rules once, then per request
// `compare(primary, shadow, rules)`; noise classification, redaction and the readable diff
// for the diff store and reports. Pure: no I/O, no clocks, no randomness.
export type {
  ArrayOrderNormalizer,
  CompareRules,
  ComparisonResult,
  Difference,
  DifferenceKind,
  IgnoreRule,
  IgnoredDifference,
  Normalizer,
  NumericStringNormalizer,
  NumericToleranceNormalizer,
  Observation,
  Side,
  SuccessfulObservation,
  TimestampNormalizer,
} from './types';
export { compare, diffObservations } from './compare';
export { compileRules, CompareRulesError, type CompiledRules, type CompileOptions } from './rules';
export { classify, compileIgnoreRules, type Classified, type CompiledIgnoreRule } from './classify';
export { compilePathPattern, compilePattern, formatPath, lastName, parsePath, PathPatternError, valueAtPath, type PathPattern, type PathSegment } from './path-pattern';
export { normalize, compileNormalizers, type CompiledNormalizers } from './normalize';
export { diffJson, MAX_DIFFERENCES } from './json-diff';
export { diffText } from './text-diff';
export { asBuffer, diffBodies, mediaKind, readBody, sha256, type BodyHash, type MediaKind, type ReadBody } from './body';
export { diffCookies, diffHeaders, diffStatus, NEVER_COMPARED } from './headers';
export { canonicalJson, canonicalize } from './canonical';
export { parseInstant, sameInstant } from './timestamp';
export { unifiedBodyDiff, DEFAULT_MAX_DIFF_CHARS, type UnifiedDiffOptions } from './unified';
export { fieldOf, wilsonInterval } from './noise';
export type { Interval } from './noise';
export {
  redactBody, redactDifferences, redactHeaders, redactLogRecord, redactText, redactUrl, fingerprint, isMasked, secretsFor,
  REDACTED, SECRET_HEADERS, SECRET_QUERY_PARAMS, SECRET_FIELD_PATTERNS, type RedactionOptions, type Secrets,
} from './redact';
