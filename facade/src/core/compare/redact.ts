// Redaction, applied before anything leaves the comparison engine for storage or the log: secret
// headers (cookie names and auth schemes kept), secret query parameters, JSON fields by name
// pattern and by configured path, JWT-shaped values anywhere. Each secret becomes a keyed
// fingerprint (`[REDACTED:3f2a9c]`) when a key is given, so two different secrets still differ.
// Pure: the key arrives in RedactionOptions. Inputs are never modified.
import { isJsonObject } from './canonical';
import { compilePattern, parsePath, type PathPattern, type PathSegment } from './path-pattern';
import { secretsFor, type RedactionOptions, type Secrets } from './secrets';
import type { Difference } from './types';

export {
  REDACTED, SECRET_HEADERS, SECRET_QUERY_PARAMS, SECRET_FIELD_PATTERNS, fingerprint, isMasked, redactText, redactUrl,
  secretsFor, type RedactionOptions, type Secrets,
} from './secrets';

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

/** `a=1; b=2` -> `a=<mask>; b=<mask>` (a Cookie request header). */
function redactCookieHeader(value: string, s: Secrets): string {
  return value
    .split(';')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? s.mask(pair.trim()) : `${pair.slice(0, eq).trim()}=${s.mask(pair.slice(eq + 1).trim())}`;
    })
    .join('; ');
}

/** `sid=abc; Path=/; HttpOnly` -> `sid=<mask>; Path=/; HttpOnly` (attributes are not secret). */
function redactSetCookie(value: string, s: Secrets): string {
  const semi = value.indexOf(';');
  const pair = semi < 0 ? value : value.slice(0, semi);
  const eq = pair.indexOf('=');
  const name = eq < 0 ? '' : pair.slice(0, eq).trim();
  const secret = eq < 0 ? pair : pair.slice(eq + 1);
  return `${name === '' ? '' : `${name}=`}${s.mask(secret.trim())}${semi < 0 ? '' : value.slice(semi)}`;
}

// `Bearer abc` keeps its scheme: which kind of credential differed is worth knowing, the credential is not.
const AUTH_SCHEME = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]{0,30})(\s+)(\S[\s\S]*)$/;

function redactHeaderValue(name: string, value: string, s: Secrets): string {
  if (name === 'cookie') return redactCookieHeader(value, s);
  if (name === 'set-cookie') return redactSetCookie(value, s);
  if (name === 'authorization' || name === 'proxy-authorization') {
    const m = AUTH_SCHEME.exec(value);
    if (m) return `${m[1]}${m[2]}${s.mask(m[3])}`;
  }
  return s.mask(value);
}

function headerValue(name: string, value: string, s: Secrets): string {
  return s.isSecretHeader(name) ? redactHeaderValue(name, value, s) : s.text(value);
}

/**
 * A copy of `headers` with secret header values masked: the built-in list (authorization, cookie,
 * set-cookie, x-auth-token, x-api-key, ...), any name matching a secret field pattern, and `extra`
 * names (any case). Cookie and Set-Cookie keep cookie names and attributes, Authorization its
 * scheme; other values have JWTs and secret query parameters masked. `undefined` values are dropped.
 */
export function redactHeaders(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  extra: readonly string[] = [],
  options?: RedactionOptions,
): Record<string, string | string[]> {
  const s = secretsFor(options);
  const more = new Set(extra.map((h) => h.toLowerCase()));
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const name = key.toLowerCase();
    const one = (v: string): string => (more.has(name) ? redactHeaderValue(name, v, s) : headerValue(name, v, s));
    out[key] = typeof value === 'string' ? one(value) : value.map(one);
  }
  return out;
}

function redactAt(value: unknown, path: PathSegment[], patterns: readonly PathPattern[], s: Secrets): unknown {
  if (path.length > 0 && patterns.some((p) => p.matches(path))) return s.mask(value);
  if (typeof value === 'string') return s.text(value);
  if (Array.isArray(value)) {
    return value.map((item, i) => {
      path.push(i);
      const out = redactAt(item, path, patterns, s);
      path.pop();
      return out;
    });
  }
  if (!isJsonObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    path.push(key);
    const v = s.isSecretField(key) ? s.mask(value[key]) : redactAt(value[key], path, patterns, s);
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    path.pop();
  }
  return out;
}

/**
 * A copy of a parsed JSON body with secrets masked, whatever their type: values at paths matching
 * `patterns` (`$.password`, `$..card_number`, `$.items[*].token`), values of fields whose name
 * matches a secret field pattern (any depth, inside arrays too), and JWTs / secret query
 * parameters inside strings. Throws PathPatternError on an invalid pattern (validate at start-up).
 */
export function redactBody(json: unknown, patterns: readonly string[], options?: RedactionOptions): unknown {
  return redactAt(json, ['$'], patternsOf(patterns), secretsFor(options));
}

/** Masks the values below a body path that names a secret field (`$.user.password`, `$.tokens[2]`). */
function underSecretField(segs: readonly PathSegment[], s: Secrets): boolean {
  return segs.some((seg, i) => i > 0 && typeof seg === 'string' && s.isSecretField(seg));
}

function redactValue(value: unknown, segs: PathSegment[] | null, patterns: readonly PathPattern[], s: Secrets): unknown {
  if (value === undefined) return undefined;
  if (segs === null || patterns.some((p) => p.covers(segs))) return s.mask(value); // malformed path: fail closed
  const [root, name] = segs;
  if (root === 'headers' && typeof name === 'string') {
    if (typeof value === 'string') return headerValue(name, value, s);
    return s.isSecretHeader(name) ? s.mask(value) : value;
  }
  if (root === 'cookies') return typeof value === 'string' ? redactSetCookie(value, s) : s.mask(value);
  if (root === '$' && underSecretField(segs, s)) return s.mask(value);
  if (typeof value === 'string') return s.text(value);
  return typeof value === 'object' && value !== null ? redactAt(value, [...segs], patterns, s) : value;
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
 * Copies of the differences with secret values masked: values at or below a path matching
 * `patterns` (which may also name `headers.<name>` or `cookies.<name>`), at or below a secret
 * field name, secret header values, every Set-Cookie value (`cookies.*`), matching members inside
 * object/array values, and JWTs / secret query parameters inside strings. Other fields (such as an
 * ignored difference's `reason`) are kept. With `options.key`, masks are keyed fingerprints.
 */
export function redactDifferences<T extends Difference>(diffs: readonly T[], patterns: readonly string[], options?: RedactionOptions): T[] {
  const compiledPatterns = patternsOf(patterns);
  const s = secretsFor(options);
  return diffs.map((d) => {
    const segs = segmentsOf(d.path);
    const primary = redactValue(d.primary, segs, compiledPatterns, s);
    const shadow = redactValue(d.shadow, segs, compiledPatterns, s);
    return primary === d.primary && shadow === d.shadow ? d : Object.freeze({ ...d, primary, shadow });
  });
}

/**
 * A log record (pino's merge object, or a whole parsed log line) with secrets masked: values of
 * keys naming a secret header or field, and secret-looking parts of every string (URLs with
 * `?access_token=`, JWTs, bearer credentials). Error objects become `{ type, message, stack }`.
 */
export function redactLogRecord(record: unknown, options?: RedactionOptions): unknown {
  return redactLogValue(record, secretsFor(options), 0);
}

function redactLogValue(value: unknown, s: Secrets, depth: number): unknown {
  if (typeof value === 'string') return s.text(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    // A copy of the same class, so pino's error serializer still names its type.
    const copy = Object.create(Object.getPrototypeOf(value) as object) as Error;
    for (const [k, v] of Object.entries(value)) (copy as unknown as Record<string, unknown>)[k] = redactLogValue(v, s, depth + 1);
    Object.defineProperty(copy, 'message', { value: s.text(value.message), enumerable: false, writable: true, configurable: true });
    if (value.stack !== undefined) Object.defineProperty(copy, 'stack', { value: s.text(value.stack), enumerable: false, writable: true, configurable: true });
    return copy;
  }
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (Array.isArray(value)) return value.map((v) => redactLogValue(v, s, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const secret = s.isSecretHeader(key) || s.isSecretField(key);
    const masked = secret && v !== undefined && v !== null ? (typeof v === 'string' ? headerValue(key.toLowerCase(), v, s) : s.mask(v)) : redactLogValue(v, s, depth + 1);
    Object.defineProperty(out, key, { value: masked, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
