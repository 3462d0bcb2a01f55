// A session token each server issues for itself and asks its clients to send back in a header
// (Transmission's RPC: `409` with `X-Transmission-Session-Id`, the client resends with it; the
// same CSRF handshake in other daemons' APIs). The client learned the answering side's token; the
// other side never issued it and refuses every copy of the client's requests with its own, so at
// `shadow` every read was a real 200 → 409 and at `dualwrite` every write a divergence (probes13).
// The facade does for the other side what the client does for the answering one: takes the token
// that side names in its refusal and sends the copy once more with it (and the next copies too).
import type { IncomingHttpHeaders } from 'node:http';

/** The statuses of such a refusal: Transmission's 409, a 403 or 401 naming the expected token, Laravel's 419. */
const REFUSALS = new Set([401, 403, 409, 419]);

/** A header whose name says it carries a session or anti-forgery token, not an id of the request or a trace. */
const TOKEN_HEADER = /(?:^|-)(?:session-?id|csrf(?:-token)?|xsrf(?:-token)?|session-token|anti-?forgery(?:-token)?)$/;

/** A value that is a token (opaque, at least 8 characters, no spaces), not a word or a flag. */
const TOKEN_VALUE = /^[A-Za-z0-9+/=_.:-]{8,512}$/;

/**
 * The token this side asks for: the copy (`sent`, a flat header list) carried a token header, and
 * the answer refuses it (401, 403, 409, 419) naming another value of that same header. Null otherwise,
 * so a refusal for any other reason, or a token the side did not name, is compared as it is.
 */
export function tokenAskedFor(status: number, answer: IncomingHttpHeaders, sent: readonly string[]): { name: string; value: string } | null {
  if (!REFUSALS.has(status)) return null;
  for (let i = 0; i < sent.length; i += 2) {
    const name = sent[i]!.toLowerCase();
    if (!TOKEN_HEADER.test(name)) continue;
    const named = answer[name];
    const value = Array.isArray(named) ? named[0] : named;
    if (typeof value !== 'string' || !TOKEN_VALUE.test(value) || value === sent[i + 1]) continue;
    return { name, value };
  }
  return null;
}

/** The flat header list with each token header the side issued its own set to that value (in place). */
export function withOwnTokens(headers: string[], tokens: ReadonlyMap<string, string>): string[] {
  if (tokens.size === 0) return headers;
  for (let i = 0; i < headers.length; i += 2) {
    const own = tokens.get(headers[i]!.toLowerCase());
    if (own !== undefined) headers[i + 1] = own;
  }
  return headers;
}

/**
 * A token a side names in its answer's header and also writes into its body (Transmission's 409
 * page shows `X-Transmission-Session-Id: <id>`): each side's own, so both bodies get the same
 * placeholder where their own value stood. Only when both answers name the header with
 * different token values; any other difference of the bodies stays.
 */
export function ownTokenInBodies(primary: IncomingHttpHeaders, shadow: IncomingHttpHeaders): { name: string; primary: string; shadow: string } | null {
  for (const name in primary) {
    if (!TOKEN_HEADER.test(name)) continue;
    const p = primary[name];
    const s = shadow[name];
    if (typeof p !== 'string' || typeof s !== 'string' || p === s || !TOKEN_VALUE.test(p) || !TOKEN_VALUE.test(s)) continue;
    return { name, primary: p, shadow: s };
  }
  return null;
}

/** The body with every occurrence of `value` replaced by a placeholder naming the header. */
export function maskToken(body: Buffer, value: string, name: string): Buffer {
  const text = body.toString('latin1');
  if (!text.includes(value)) return body;
  return Buffer.from(text.split(value).join(`<${name}>`), 'latin1');
}

// The double-submit form of the same thing: the side sets an anti-forgery cookie (Syncthing's
// `CSRF-Token-<device>`, Angular's and Laravel's `XSRF-TOKEN`, Django's `csrftoken`) and its page's
// script sends the value back in a header (`X-CSRF-Token-<device>`, `X-XSRF-TOKEN`, `X-CSRFToken`).
// The browser holds the answering side's cookie; the other side refuses it (probes13: Syncthing's
// GUI at `shadow`, every REST read a real 200 → 403 "CSRF Error"). The cookie the other side set in
// answer to a copy (the shadow of the page load) is kept, and sent in its copies instead of the
// client's, with every header that carried the client's value.
const CSRF_COOKIE = /csrf|xsrf/i;
const COOKIE_KEY = 'cookie:'; // a header name never has a colon: the two kinds share one map

// A session the other side opened for a client's copies: the copy carried the client's session
// cookie (the answering side's, `JSESSIONID=X`), the other side did not know it and answered with one
// of its own (`Set-Cookie: JSESSIONID=Y`), which the facade used to drop, so each copy opened a new
// session there. Probes13 (Tomcat's examples at `shadow`): an attribute the client stored by a POST
// reached the service's session of that copy alone, and every later read showed the service without
// it, a real difference the service never had. The pair X → Y is kept (per upstream, bounded), and the
// copies that carry X carry Y instead, as the client's browser would to that side.
const JAR_KEY = 'jar:';
const MAX_JAR = 20_000;

/**
 * The client's cookies in a flat header list, name → value, as they are now (before any is
 * replaced), read only when asked: most answers to the copies set no cookie, and this runs per copy.
 */
export function clientCookiesLater(headers: readonly string[]): () => ReadonlyMap<string, string> {
  const lines: string[] = [];
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === 'cookie') lines.push('cookie', headers[i + 1]!);
  let read: Map<string, string> | undefined;
  return () => (read ??= clientCookies(lines));
}

/** The client's Cookie header (or lines) as name → value. */
function cookieValues(sent: string | readonly string[] | undefined): Map<string, string> {
  if (sent === undefined) return new Map();
  return clientCookies((typeof sent === 'string' ? [sent] : sent).flatMap((line) => ['cookie', line]));
}

function clientCookies(headers: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() !== 'cookie') continue;
    for (const m of headers[i + 1]!.matchAll(/(?:^|;)\s*([^=;\s]+)=([^;]*)/g)) if (!out.has(m[1]!)) out.set(m[1]!, m[2]!.trim());
  }
  return out;
}

/** The cookies an answer sets: name, value (unquoted) and whether the line deletes it. */
function* setCookies(answer: IncomingHttpHeaders): Generator<{ name: string; value: string; gone: boolean }> {
  const set = answer['set-cookie'];
  if (set === undefined) return;
  for (const line of Array.isArray(set) ? set : [set]) {
    const m = /^\s*([^=;\s]+)=([^;]*)/.exec(line);
    if (!m) continue;
    const gone = /;\s*max-age\s*=\s*0\b/i.test(line) || /;\s*expires\s*=\s*[^;]*\b19[0-9]{2}\b/i.test(line);
    yield { name: m[1]!, value: m[2]!.trim().replace(/^"(.*)"$/, '$1'), gone };
  }
}

/** The cookies an answer sets and the client keeps (not deleted, not empty), name → value. */
function keptValues(answer: IncomingHttpHeaders): Map<string, string> {
  const out = new Map<string, string>();
  for (const { name, value, gone } of setCookies(answer)) if (!gone && value !== '') out.set(name, value);
  return out;
}

/** Keeps `client` → `own` for cookie `name`: copies that carry the client's value carry the side's own. */
function pairCookie(tokens: Map<string, string>, name: string, client: string, own: string, gone: boolean): void {
  const key = `${JAR_KEY}${name}\u0000${client}`;
  tokens.delete(key); // re-inserted last: the map's order is its age
  if (gone || own === '') return;
  tokens.set(key, own);
  if (tokens.size > MAX_JAR) tokens.delete(tokens.keys().next().value!);
}

/**
 * Cookies an answer sets, kept as this side's own: an anti-forgery cookie for every copy, any other
 * cookie for the copies that carry the client's value it answered (`sent`: the client's cookies).
 */
export function learnOwnCookies(answer: IncomingHttpHeaders, tokens: Map<string, string>, sent?: () => ReadonlyMap<string, string>, answered?: IncomingHttpHeaders): void {
  const agreed = answered === undefined ? undefined : keptValues(answered);
  for (const { name, value, gone } of setCookies(answer)) {
    if (!gone && agreed?.get(name) === value) {
      // The answering side set this same value for the client (a preference the request chose):
      // the client holds it now, and the value it sent is no side's own session (probes15).
      const client = sent?.().get(name);
      if (client !== undefined) tokens.delete(`${JAR_KEY}${name}\u0000${client}`);
      continue;
    }
    if (CSRF_COOKIE.test(name)) {
      if (gone || !TOKEN_VALUE.test(value)) tokens.delete(COOKIE_KEY + name); else tokens.set(COOKIE_KEY + name, value);
      continue;
    }
    const client = sent?.().get(name);
    if (client === undefined || client === '' || client === value) continue;
    pairCookie(tokens, name, client, value, gone);
  }
}

/**
 * A session both sides opened or renewed in answer to one request (the client's first visit, a
 * login that issues a new session id): the answering side set `name=A`, which the client keeps,
 * and the other side `name=B` in answer to the copy. Copies that carry A from now on carry B, so
 * the other side sees the session it opened (a login at `dualwrite` reached both; without this
 * every later copy reached the other side logged out, and opened yet another session there).
 */
export function learnPairedCookies(answered: IncomingHttpHeaders, copy: IncomingHttpHeaders, tokens: Map<string, string>, sent?: string | readonly string[]): void {
  if (copy['set-cookie'] === undefined || answered['set-cookie'] === undefined) return;
  const clientKept = keptValues(answered);
  let before: Map<string, string> | undefined;
  for (const { name, value, gone } of setCookies(copy)) {
    const client = clientKept.get(name);
    if (client !== undefined && client === value) {
      // Both sides set one value (a preference the request chose, as Caddy's listing keeps its
      // `?sort=` in a cookie): no pair. A copy answered before the answering side (a shadow's) was
      // paired by learnOwnCookies without knowing; left so, the client's next request with the old
      // value reached the other side as the new one, and its listing, sorted otherwise, was a real
      // difference (probes15).
      before ??= cookieValues(sent);
      const was = before.get(name);
      if (was !== undefined) tokens.delete(`${JAR_KEY}${name}\u0000${was}`);
      continue;
    }
    if (client === undefined || CSRF_COOKIE.test(name)) continue;
    pairCookie(tokens, name, client, value, gone);
  }
}

const quoted = (v: string | undefined): string | undefined => (v === undefined ? undefined : `"${v}"`);

/** The flat header list with the side's own anti-forgery cookies in its Cookie lines, and in each header that repeated the client's value (in place). */
export function withOwnCookies(headers: string[], tokens: ReadonlyMap<string, string>): string[] {
  if (tokens.size === 0) return headers;
  const swapped = new Map<string, string>(); // the client's value → the side's own
  let repeated: Set<string> | undefined; // read only for a cookie the side set an anti-forgery value of
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() !== 'cookie') continue;
    headers[i + 1] = headers[i + 1]!.replace(/(^|;\s*)([^=;\s]+)=([^;]*)/g, (all, pre: string, name: string, value: string) => {
      // An anti-forgery cookie is swapped only with a header that repeats it (Syncthing's, Angular's,
      // Django's X-CSRFToken): the pair stays one. A form's token in the body (Django's masked
      // csrfmiddlewaretoken) cannot be swapped, and the client's own cookie matches it: swapping the
      // cookie alone made every form POST's copy a 403 (probes14, Django's admin at shadow).
      const forgery = tokens.get(COOKIE_KEY + name);
      if (forgery !== undefined) repeated ??= headerValues(headers);
      const csrf = forgery !== undefined && (repeated!.has(value) || repeated!.has(safeDecode(value))) ? forgery : undefined;
      // A quoted value comes back with its quotes (RFC 6265 §4.1.1: they are part of it as sent), and
      // a pair learned from a Set-Cookie is kept without them (setCookies): looked up both ways, and
      // sent quoted as the client's was (Tornado's signed cookies, Jupyter's login: probes14).
      const sent = value.trim();
      const bare = /^"(.*)"$/.exec(sent)?.[1];
      const own = csrf ?? tokens.get(`${JAR_KEY}${name}\u0000${sent}`)
        ?? (bare === undefined ? undefined : quoted(tokens.get(`${JAR_KEY}${name}\u0000${bare}`)));
      if (own === undefined || own === value) return all;
      if (value !== '') swapped.set(value, own);
      return `${pre}${name}=${own}`;
    });
  }
  if (swapped.size === 0) return headers;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!.toLowerCase();
    if (name === 'cookie') continue;
    const own = swapped.get(headers[i + 1]!) ?? swapped.get(safeDecode(headers[i + 1]!));
    if (own !== undefined) headers[i + 1] = own;
  }
  return headers;
}

/** The values of the flat header list's headers other than Cookie (and their decoded forms). */
function headerValues(headers: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() === 'cookie') continue;
    out.add(headers[i + 1]!);
    out.add(safeDecode(headers[i + 1]!));
  }
  return out;
}

function safeDecode(v: string): string {
  try { return decodeURIComponent(v); } catch { return v; }
}

/**
 * Whether a request carries a cookie value this answer set (`Set-Cookie: session=A3`, the client's
 * next request `Cookie: session=A3`): its copy to the other side is about the session that answer
 * opened or renewed, and needs that answer's pair (session-order in pipeline/send-shadow.ts).
 */
export function carriesCookieSetBy(cookie: string | readonly string[] | undefined, answer: IncomingHttpHeaders): boolean {
  if (cookie === undefined || answer['set-cookie'] === undefined) return false;
  const sent = cookieValues(cookie);
  for (const [name, value] of keptValues(answer)) if (sent.get(name) === value) return true;
  return false;
}

// A credential each side issues in the body of its answer to a login (npm's `PUT
// /-/user/org.couchdb.user:<name>` answers `{"token": …}`, an OAuth token endpoint `access_token`, a
// JSON API's `{"data": {"token": …}}`): the login reached both sides, each issued its own, and the
// client sends the answering side's back (`Authorization: Bearer <it>`). The other side refuses it:
// probes17, Verdaccio at dualwrite, every `npm publish`, dist-tag and unpublish was a 401 divergence
// and the package never reached the service. The pair is kept as a session cookie's is, and the
// other side's copies carry its own.
const AUTH_KEY = 'auth:';
/** A field whose name says it holds a credential the side issued (not a CSRF token, not an id). */
const ISSUED_FIELD = /^(?:token|access_?token|accessToken|auth_?token|authToken|id_?token|idToken|session_?token|sessionToken|jwt|api_?key|apiKey)$/i;
/** A credential: opaque, no spaces, long enough not to be a word (a JWT may be long). */
const CREDENTIAL = /^[A-Za-z0-9+/=_.~:-]{16,4096}$/;

/**
 * The credentials two answers to one write issued in the same field (top level, or inside an object
 * at most two levels down), answering side's value → other side's. Equal values (a shared secret)
 * and fields of other names are none.
 */
export function issuedCredentials(answered: unknown, copy: unknown, depth = 0): Array<[string, string]> {
  if (answered === null || copy === null || typeof answered !== 'object' || typeof copy !== 'object' || Array.isArray(answered) || Array.isArray(copy) || depth > 2) return [];
  const out: Array<[string, string]> = [];
  const a = answered as Record<string, unknown>;
  const c = copy as Record<string, unknown>;
  for (const key of Object.keys(a)) {
    const x = a[key];
    const y = c[key];
    if (typeof x === 'string' && typeof y === 'string') {
      if (ISSUED_FIELD.test(key) && x !== y && CREDENTIAL.test(x) && CREDENTIAL.test(y)) out.push([x, y]);
    } else out.push(...issuedCredentials(x, y, depth + 1));
  }
  return out;
}

/** Keeps each pair: the other side's copies that carry the answering side's credential carry its own. */
export function learnIssuedCredentials(pairs: ReadonlyArray<[string, string]>, tokens: Map<string, string>): void {
  for (const [client, own] of pairs) {
    tokens.delete(AUTH_KEY + client);
    tokens.set(AUTH_KEY + client, own);
    if (tokens.size > MAX_JAR) tokens.delete(tokens.keys().next().value!);
  }
}

/** The flat header list with each credential the side issued in place of the answering side's (`Authorization: Bearer …`, an `X-Auth-Token`), in place. */
export function withOwnCredentials(headers: string[], tokens: ReadonlyMap<string, string>): string[] {
  if (tokens.size === 0) return headers;
  for (let i = 0; i < headers.length; i += 2) {
    const own = ownCredential(headers[i]!.toLowerCase(), headers[i + 1]!, tokens);
    if (own !== undefined) headers[i + 1] = own;
  }
  return headers;
}

/** The value header `name` (lower case) carries instead of `value` when that is a credential the other side issued; undefined otherwise. */
export function ownCredential(name: string, value: string, tokens: ReadonlyMap<string, string>): string | undefined {
  if (name === 'cookie' || value.length < 16) return undefined; // shorter than any credential (CREDENTIAL): most headers
  const scheme = name === 'authorization' ? /^([A-Za-z][A-Za-z0-9_-]*) +(\S+)$/.exec(value) : null;
  const own = tokens.get(AUTH_KEY + (scheme ? scheme[2]! : value));
  return own === undefined ? undefined : scheme ? `${scheme[1]} ${own}` : own;
}
