// Redaction, applied before anything leaves the comparison engine for storage: secret headers
// (values replaced, cookie names kept), configured body paths (`$.password`, `$..card_number`),
// and the primary/shadow values of differences at or above those paths. Inputs are not modified.
import { isJsonObject } from './canonical';
import { compilePattern, parsePath, type PathPattern, type PathSegment } from './path-pattern';
import type { Difference } from './types';

/** What a secret value is replaced with. */
export const REDACTED = '[REDACTED]';

/** Headers whose values are always redacted. */
export const SECRET_HEADERS: readonly string[] = Object.freeze(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

const compiled = new Map<string, PathPattern>();
const MAX_CACHED_PATTERNS = 1000;

/** Compiles (and caches) redaction patterns; throws PathPatternError on an invalid one, so nothing is stored unredacted. */
function patternsOf(patterns: readonly string[]): PathPattern[] {
  return patterns.map((p) => {
    let pattern = compiled.get(p);
    if (pattern === undefined) {
      if (compiled.size >= MAX_CACHED_PATTERNS) compiled.clear();
      pattern = compilePattern(p);
      compiled.set(p, pattern);
    }
    return pattern;
  });
}

/** `a=1; b=2` -> `a=[REDACTED]; b=[REDACTED]` (a Cookie request header). */
function redactCookieHeader(value: string): string {
  return value
    .split(';')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? REDACTED : `${pair.slice(0, eq).trim()}=${REDACTED}`;
    })
    .join('; ');
}

/** `sid=abc; Path=/; HttpOnly` -> `sid=[REDACTED]; Path=/; HttpOnly` (attributes are not secret). */
function redactSetCookie(value: string): string {
  const semi = value.indexOf(';');
  const pair = semi < 0 ? value : value.slice(0, semi);
  const eq = pair.indexOf('=');
  const name = eq < 0 ? '' : pair.slice(0, eq).trim();
  return `${name === '' ? '' : `${name}=`}${REDACTED}${semi < 0 ? '' : value.slice(semi)}`;
}

function redactHeaderValue(name: string, value: string): string {
  if (name === 'cookie') return redactCookieHeader(value);
  if (name === 'set-cookie') return redactSetCookie(value);
  return REDACTED;
}

/**
 * A copy of `headers` with the values of {@link SECRET_HEADERS} (and `extra` names, any case)
 * replaced by `[REDACTED]`; Cookie and Set-Cookie keep cookie names and attributes.
 * Entries whose value is `undefined` are dropped.
 */
export function redactHeaders(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  extra: readonly string[] = [],
): Record<string, string | string[]> {
  const secret = new Set([...SECRET_HEADERS, ...extra.map((h) => h.toLowerCase())]);
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const name = key.toLowerCase();
    if (!secret.has(name)) out[key] = typeof value === 'string' ? value : [...value];
    else out[key] = typeof value === 'string' ? redactHeaderValue(name, value) : value.map((v) => redactHeaderValue(name, v));
  }
  return out;
}

function redactAt(value: unknown, path: PathSegment[], patterns: readonly PathPattern[]): unknown {
  if (path.length > 0 && patterns.some((p) => p.matches(path))) return REDACTED;
  if (Array.isArray(value)) {
    return value.map((item, i) => {
      path.push(i);
      const out = redactAt(item, path, patterns);
      path.pop();
      return out;
    });
  }
  if (!isJsonObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    path.push(key);
    Object.defineProperty(out, key, { value: redactAt(value[key], path, patterns), enumerable: true, writable: true, configurable: true });
    path.pop();
  }
  return out;
}

/**
 * A copy of a parsed JSON body with the value at every path matching one of `patterns`
 * (`$.password`, `$..card_number`, `$.items[*].token`) replaced by `"[REDACTED]"`, whatever its
 * type. Throws PathPatternError on an invalid pattern (validate them at start-up).
 */
export function redactBody(json: unknown, patterns: readonly string[]): unknown {
  return patterns.length === 0 ? json : redactAt(json, ['$'], patternsOf(patterns));
}

function redactValue(value: unknown, segs: PathSegment[] | null, patterns: readonly PathPattern[]): unknown {
  if (value === undefined) return undefined;
  if (segs === null || patterns.some((p) => p.covers(segs))) return REDACTED; // malformed path: fail closed
  const [root, name] = segs;
  if (root === 'headers' && typeof name === 'string' && SECRET_HEADERS.includes(name)) {
    return typeof value === 'string' ? redactHeaderValue(name, value) : REDACTED;
  }
  if (root === 'cookies') return typeof value === 'string' ? redactSetCookie(value) : REDACTED;
  return root === '$' && typeof value === 'object' && value !== null ? redactAt(value, segs, patterns) : value;
}

function segmentsOf(path: string): PathSegment[] | null {
  try {
    const segs = parsePath(path);
    if (segs[0] === 'headers' && typeof segs[1] === 'string') segs[1] = segs[1].toLowerCase();
    return segs;
  } catch {
    return null;
  }
}

/**
 * Copies of the differences with secret values redacted: values at or below a path matching
 * `patterns` (which may also name `headers.<name>` or `cookies.<name>`), secret header values,
 * every Set-Cookie value (`cookies.*`), and matching members inside object/array values.
 * Other fields (such as an ignored difference's `reason`) are kept.
 */
export function redactDifferences<T extends Difference>(diffs: readonly T[], patterns: readonly string[]): T[] {
  const compiledPatterns = patternsOf(patterns);
  return diffs.map((d) => {
    const segs = segmentsOf(d.path);
    const primary = redactValue(d.primary, segs, compiledPatterns);
    const shadow = redactValue(d.shadow, segs, compiledPatterns);
    return primary === d.primary && shadow === d.shadow ? d : Object.freeze({ ...d, primary, shadow });
  });
}
