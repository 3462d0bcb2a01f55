// What counts as a secret, and what a secret becomes: the built-in lists of header names, query
// parameters and JSON field-name patterns, JWT-shaped values, and the keyed fingerprint that
// replaces a value (`[REDACTED:3f2a9c]`). Pure: the fingerprint key is passed in, never read here.
import { createHmac } from 'node:crypto';
import { canonicalJson } from './canonical';

/** What a secret value is replaced with when no fingerprint key is given. */
export const REDACTED = '[REDACTED]';

/** Headers whose values are always redacted (any header whose name matches a field pattern is too). */
export const SECRET_HEADERS: readonly string[] = Object.freeze([
  'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'x-auth-token',
  'x-access-token', 'x-refresh-token', 'x-session-token', 'x-csrf-token', 'x-xsrf-token', 'x-amz-security-token',
  'x-goog-api-key', 'x-client-secret',
]);

/** Query parameters whose values are always redacted, by exact name (any case); field patterns apply too. */
export const SECRET_QUERY_PARAMS: readonly string[] = Object.freeze([
  'access_token', 'token', 'id_token', 'refresh_token', 'api_key', 'apikey', 'key', 'password', 'passwd', 'pwd',
  'secret', 'client_secret', 'signature', 'sig', 'auth', 'jwt', 'session', 'sessionid',
]);

/**
 * JSON field-name patterns. A name matches when, lower-cased and without separators, it contains
 * the pattern starting at a word boundary (`_`, `-`, `.`, camelCase), e.g. `token` matches
 * `access_token`, `refreshToken`, `tokens`; patterns of 6 characters or more match anywhere
 * (`userpassword`). Separators in the pattern do not matter: `api_key` also matches `apiKey`.
 */
export const SECRET_FIELD_PATTERNS: readonly string[] = Object.freeze([
  'password', 'passwd', 'pwd', 'secret', 'token', 'api_key', 'access_key', 'private_key', 'credential',
  'authorization', 'card_number', 'cvv', 'cvc', 'ssn', 'iban', 'account_number', 'security_code',
  'session_id', 'cookie', 'signature',
]);

/** Where redaction comes from: additions to the built-in lists and the fingerprint key. Plain data (it crosses to the compare worker). */
export interface RedactionOptions {
  /** HMAC-SHA256 key for fingerprints; without one a secret becomes plain `[REDACTED]`. */
  readonly key?: string;
  /** Extra header names (any case). */
  readonly headers?: readonly string[];
  /** Extra query parameter names (any case). */
  readonly queryParams?: readonly string[];
  /** Extra field-name patterns (same matching as {@link SECRET_FIELD_PATTERNS}). */
  readonly fields?: readonly string[];
  /** Replace JWT-shaped values wherever they appear (default true). */
  readonly jwt?: boolean;
}

/** A compiled policy: the predicates and the replacement that every redaction function uses. */
export interface Secrets {
  /** The replacement for one secret value: `[REDACTED:<6 hex>]` with a key, `[REDACTED]` without. */
  mask(value: unknown): string;
  isSecretHeader(name: string): boolean;
  isSecretParam(name: string): boolean;
  isSecretField(name: string): boolean;
  /** Secret-looking parts of free text (JWTs, bearer credentials, `token=...` pairs, `"password": "..."`) masked. */
  text(value: string): string;
}

// header.payload.signature, both JSON parts base64url of `{"` (eyJ); the signature may be empty.
const JWT = /eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;
// A bearer credential in free text; a Basic one only when it looks encoded (not "Basic information").
const BEARER = /\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/=:-]{6,})/gi;
const looksEncoded = (s: string): boolean => s.length >= 16 || /[0-9+/=]/.test(s);
// key=value after a start, `?`, `&`, `;`, whitespace or comma: query strings, form bodies, log lines.
// A value stops at `?` too, so a URL nested in a parameter (`next=/cb?token=...`) is examined as well.
const PAIR = /(^|[?&;\s,])([^=&#\s"'<>;?,]+)=([^&#\s"'<>;,?]*)/g;
// "name": "value" or "name": number inside text that was not parsed as JSON (text bodies, log lines).
const JSON_PAIR = /"((?:[^"\\]|\\.){1,100})"(\s*:\s*)("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*)/g;
const MASKED = /^\[REDACTED(?::[0-9a-f]{6})?\]$/;

/** True for a value that already is a redaction marker (redacting twice changes nothing). */
export function isMasked(value: unknown): boolean {
  return typeof value === 'string' && MASKED.test(value);
}

/** `[REDACTED:<first 6 hex of HMAC-SHA256(key, value)>]`: equal secrets look equal, different ones differ. */
export function fingerprint(value: string, key: string): string {
  return `[REDACTED:${createHmac('sha256', key).update(value).digest('hex').slice(0, 6)}]`;
}

const compact = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Lower-cased name without separators, and where each of its words starts. */
function wordsOf(name: string): { joined: string; starts: number[] } {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  const starts: number[] = [];
  let at = 0;
  for (const w of words) { starts.push(at); at += w.length; }
  return { joined: words.join(''), starts };
}

function fieldMatcher(patterns: readonly string[]): (name: string) => boolean {
  const compiled = [...new Set(patterns.map(compact).filter(Boolean))];
  const cache = new Map<string, boolean>();
  return (name) => {
    let hit = cache.get(name);
    if (hit !== undefined) return hit;
    const { joined, starts } = wordsOf(name);
    hit = compiled.some((p) => (p.length >= 6 ? joined.includes(p) : starts.some((s) => joined.startsWith(p, s))));
    if (cache.size >= 5000) cache.clear();
    cache.set(name, hit);
    return hit;
  };
}

function decodeName(name: string): string {
  try { return decodeURIComponent(name.replace(/\+/g, ' ')); } catch { return name; }
}

function compile(options: RedactionOptions): Secrets {
  const headers = new Set([...SECRET_HEADERS, ...(options.headers ?? [])].map((h) => h.toLowerCase()));
  const params = new Set([...SECRET_QUERY_PARAMS, ...(options.queryParams ?? [])].map((p) => p.toLowerCase()));
  const isSecretField = fieldMatcher([...SECRET_FIELD_PATTERNS, ...(options.fields ?? [])]);
  const key = options.key;
  const jwt = options.jwt !== false;
  const mask = (value: unknown): string => {
    if (isMasked(value)) return value as string;
    if (key === undefined || key === '') return REDACTED;
    return fingerprint(typeof value === 'string' ? value : canonicalJson(value), key);
  };
  const isSecretParam = (name: string): boolean => {
    const decoded = decodeName(name);
    return params.has(decoded.toLowerCase()) || isSecretField(decoded);
  };
  const text = (value: string): string => {
    let out = value;
    if (jwt && out.includes('eyJ')) out = out.replace(JWT, (m) => mask(m));
    if (/bearer|basic/i.test(out)) {
      out = out.replace(BEARER, (m, scheme: string, gap: string, cred: string) =>
        isMasked(cred) || (scheme.toLowerCase() === 'basic' && !looksEncoded(cred)) ? m : `${scheme}${gap}${mask(cred)}`);
    }
    if (out.includes('=')) out = out.replace(PAIR, (m, sep: string, name: string, v: string) => (v !== '' && !isMasked(v) && isSecretParam(name) ? `${sep}${name}=${mask(v)}` : m));
    if (out.includes('"')) {
      out = out.replace(JSON_PAIR, (m, name: string, colon: string, v: string) => {
        if (!isSecretField(name)) return m;
        const inner = v.startsWith('"') ? v.slice(1, -1) : v;
        return isMasked(inner) ? m : `"${name}"${colon}"${mask(inner)}"`;
      });
    }
    return out;
  };
  return Object.freeze({ mask, isSecretHeader: (n: string) => headers.has(n.toLowerCase()) || isSecretField(n), isSecretParam, isSecretField, text });
}

const DEFAULT_SECRETS = compile({});
const compiledOptions = new WeakMap<RedactionOptions, Secrets>();

/** The compiled policy for `options` (cached per options object; the built-in lists without a key by default). */
export function secretsFor(options?: RedactionOptions): Secrets {
  if (options === undefined) return DEFAULT_SECRETS;
  let s = compiledOptions.get(options);
  if (!s) {
    s = compile(options);
    compiledOptions.set(options, s);
  }
  return s;
}

/** Free text (a text body, a URL, a log message) with its secret-looking parts masked. */
export function redactText(text: string, options?: RedactionOptions): string {
  return secretsFor(options).text(text);
}

/** A request-target or URL with secret query parameters (and JWT-shaped path segments) masked. */
export function redactUrl(url: string, options?: RedactionOptions): string {
  return secretsFor(options).text(url);
}
