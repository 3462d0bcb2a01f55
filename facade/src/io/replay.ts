// Sends a copy of a client request to one side (a second write, a shadow read, a re-ask) and
// captures its answer, over the upstream's undici pool (dispatch.ts). Never touches the client's
// response; runs under its own deadlines (connect, headers, idle between chunks, total) and size
// cap, and retries a failed attempt by the primary's rules.
import { isUtf8 } from 'node:buffer';
import type { SpooledBody } from './body-spool';
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { UpstreamError, upstreamErrno, upstreamErrorFrom } from '../errors';
import { cappedAt, ExchangeClock, type Deadlines } from './deadlines';
import { isIdempotentFor, type Upstream } from './upstreams';
import { CONNECT_FAILED, completingBodiless, foldHeaders, isConnectionAuth, latin1, poolFor, requestHeaders, resetOnReuse, withHost } from './dispatch';
import { claimNextWrite } from './socket-reuse';
import { retryChoice } from './attempt-budget';
import { captureSlabs } from './capture-slabs';
import { deadlineHeaderValue } from '../core/resilience/deadline';
import { isStreamAnswer } from '../core/streams';
import { SAFE_METHODS } from '../core/stages';
import { strictReadError } from './strict-diagnosis';
import { formTokenPairs, isFormBody, learnFormTokens, withOwnFormTokens } from '../core/form-token';
import { clientCookiesLater, issuedCredentials, learnIssuedCredentials, ownCredential, learnOwnCookies, learnPairedCookies, tokenAskedFor, withOwnCookies, withOwnCredentials, withOwnTokens } from '../core/own-token';
import { keepPair, learnOwnLocation, locationTarget, pairAt, withOwnLocation, type LocationPair, type Target } from '../core/own-location';
import { createdName, createdTargets, learnCreated, type CreatedName } from '../core/created-name';
import { learnOwnIds, learnOwnIdsByKind, withOwnIdsInForm, withOwnIdsInJson, type OwnIdsByKind } from '../core/own-ids';
import type { OwnLocationStore } from './own-location-store';

/** A map per upstream: `get` reads it (undefined until something was learned), `of` makes it at the first learning. */
class PerUpstream<V> extends WeakMap<Upstream, V> {
  constructor(private readonly make: () => V) { super(); }
  of(upstream: Upstream): V {
    let v = this.get(upstream);
    if (v === undefined) this.set(upstream, (v = this.make()));
    return v;
  }
}

/** Session tokens each upstream issued to the facade's copies: header name (lower case) → value. */
const ownTokens = new PerUpstream<Map<string, string>>(() => new Map());
/** Locations each upstream named for what a write created, by the answering side's path (core/own-location.ts). */
const ownLocations = new PerUpstream<Map<string, LocationPair>>(() => new Map());
/** Each upstream's own ids of what the sides paired, by the answering side's id (core/own-ids.ts learnOwnIds). */
const ownIds = new PerUpstream<Map<string, string>>(() => new Map());
/** The same by the kind of thing each names (core/own-ids.ts learnOwnIdsByKind), for ids a client sends in a body. */
const ownIdsByKind = new PerUpstream<OwnIdsByKind>(() => new Map());

/** The ids `upstream` minted for what the answering side named otherwise, when a copy goes to it; undefined when none. */
export function ownIdsFor(upstream: Upstream): ReadonlyMap<string, string> | undefined {
  return ownIds.get(upstream);
}

/** The same ids by kind (`order` → 17 → 9001), so an id member of another kind is not taken for one; undefined when none. */
export function ownIdsByKindFor(upstream: Upstream): OwnIdsByKind | undefined {
  return ownIdsByKind.get(upstream);
}

/** Where each upstream's pairs are kept beyond this process's memory (io/own-location-store.ts), when set. */
const keepers = new WeakMap<Upstream, OwnLocationStore>();
export function keepOwnLocationsIn(upstream: Upstream, store: OwnLocationStore): void {
  keepers.set(upstream, store);
}

/** The ids in a pair of `other`'s locations, kept by value and by kind (core/own-ids.ts). */
function learnIds(other: Upstream, answered: string, copy: string): void {
  learnOwnIds(ownIds.of(other), answered, copy);
  learnOwnIdsByKind(ownIdsByKind.of(other), answered, copy);
}

/** A pair just learned for copies to `other`: its ids kept, and the pair stored for other workers, replicas and the next start. */
function paired(other: Upstream, answered: string, copy: string): void {
  learnIds(other, answered, copy);
  const stored = pairAt(ownLocations.of(other), answered);
  if (stored !== undefined) keepers.get(other)?.save(other.name, stored);
}

/**
 * Before a copy goes to `other`: the pair the state database has for its target, when memory has
 * none (learned by another worker or replica, or before this process started), is put in memory;
 * null when there is nothing to wait for.
 */
export function recallOwnTarget(other: Upstream, url: string): Promise<void> | null {
  const keeper = keepers.get(other);
  if (keeper === undefined) return null;
  const pairs = ownLocations.get(other);
  if (pairs !== undefined && withOwnLocation(url, pairs) !== url) return null;
  // null (most copies: no id in the path, or no pairs stored): the copy goes without waiting a turn.
  return keeper.find(other.name, url)?.then((stored) => {
    if (stored === undefined) return;
    keepPair(ownLocations.of(other), stored);
    learnIds(other, stored.answered, stored.other);
  }) ?? null;
}

/** The request target a copy to the other side goes to: under a location the answering side named, the one this side named. */
export function ownTarget(other: Upstream, url: string): string {
  const pairs = ownLocations.get(other);
  return pairs === undefined ? url : withOwnLocation(url, pairs);
}

/**
 * Both sides answered one write naming where it went (a 201's or 202's Location): the other side's
 * copies of the client's later requests under the answering side's location go to its own.
 * `clientOrigin`: the origin the client addressed, which a side may have built its Location from.
 */
export function pairOwnLocations(answering: Upstream, other: Upstream, answered: { status: number; headers: IncomingHttpHeaders }, copy: { status: number; headers: IncomingHttpHeaders }, clientOrigin: () => string | null): void {
  const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
  const a = first(answered.headers.location);
  const c = first(copy.headers.location);
  if (a === undefined || c === undefined) return;
  const origin = clientOrigin();
  const at = locationOn(answering, a, origin);
  const to = locationOn(other, c, origin);
  if (learnOwnLocation(ownLocations.of(other), { status: answered.status, location: at }, { status: copy.status, location: to })) paired(other, at!.path, to!.path);
}

/**
 * Both sides answered one create (a 2xx to a POST, no Location) naming what they made in their JSON
 * bodies, by a self link or by id (core/created-name.ts createdName): the other side's copies of the
 * client's later requests there go to its own record. `collections`: the path each copy was posted to.
 */
export function pairCreatedInBodies(answering: Upstream, other: Upstream, answeredBody: () => Buffer | null, copyBody: () => Buffer | null, collections: { answered: string; copy: string }, clientOrigin: () => string | null): void {
  const a = createdIn(answeredBody());
  if (a === null) return;
  const c = createdIn(copyBody());
  if (c === null || a.where !== c.where) return;
  let targets: [Target | null, Target | null] | null;
  if (a.link !== undefined && c.link !== undefined) {
    const origin = clientOrigin();
    targets = [locationOn(answering, a.link, origin), locationOn(other, c.link, origin)];
  } else {
    targets = createdTargets({ collection: collections.answered, name: a }, { collection: collections.copy, name: c });
  }
  if (targets !== null && learnCreated(ownLocations.of(other), targets[0], targets[1])) paired(other, targets[0]!.path, targets[1]!.path);
}

/** A create's JSON answer's name for what it made; parsed only when small and JSON-looking (most writes' answers are neither). */
function createdIn(body: Buffer | null): CreatedName | null {
  if (body === null || body.length > 65_536 || body.length < 2) return null;
  const first = body[0] === 0x20 || body[0] === 0x0a ? body.toString('latin1').trimStart().charCodeAt(0) : body[0];
  if (first !== 0x7b) return null; // `{`
  try { return createdName(JSON.parse(body.toString('utf8'))); } catch { return null; }
}

/** A Location `upstream` answered, as a path and query on its own address (or the client's origin it may have built it from); null elsewhere. */
export function locationOn(upstream: Upstream, location: string, clientOrigin: string | null): Target | null {
  const origins = clientOrigin === null ? upstream.address.origins : [...upstream.address.origins, clientOrigin];
  return locationTarget(location, origins, upstream.address.basePath);
}

export interface ReplayRequest {
  readonly method: string;
  /** Normalized path plus query, exactly what the primary received. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /**
   * The client's raw header list, when the copy is of a live request: names go out spelled and
   * repeated lines as the client sent them, as the primary got them (dispatch.ts requestHeaders).
   */
  readonly rawHeaders?: readonly string[];
  /** In memory, or kept on disk (a write over its in-memory cap: each attempt reads it afresh). */
  readonly body: Buffer | SpooledBody;
  /** Marks the copy for the upstream's logs, e.g. `x-strangler-second-write`. */
  readonly tag: string;
}

export interface ReplayOptions {
  /** The total deadline; the upstream's connect, headers and idle deadlines apply within it. */
  readonly timeoutMs: number;
  readonly captureLimit: number;
  /** The route's deadlines for this side, when it overrides the upstream's (`timeoutMs` still caps them). */
  readonly deadlines?: Deadlines;
  /** Tell the upstream its deadline (whole ms) in this header (config `deadline.header`). */
  readonly deadlineHeader?: string | null;
  /**
   * An answer that is a stream (core/streams.ts) ends the copy at its headers, as answered
   * (`stream: true`, no body): a shadow of an event stream would otherwise hold its connection,
   * and the route's shadow slot, until its deadline, and end as a timeout.
   */
  readonly stopAtStream?: boolean;
  /**
   * A body past `captureLimit` ends the copy there, as answered and over the cap: nothing will
   * compare it, and reading a large download to its end would hold the connection (and the
   * route's shadow slot) until the deadline, and end as a timeout against the upstream's breaker.
   */
  readonly stopOverCap?: boolean;
  /** The body is joined in a reusable slab (io/capture-slabs.ts), given back by the caller once nothing holds it. */
  readonly slabCapture?: boolean;
  /**
   * A copy to the side that did not answer the client (a shadow, a second write, the shadow asked
   * again, a divergence replayed): a session token the client got from the answering side is
   * replaced by the one this side issued to the facade (core/own-token.ts), and learned from its
   * answer when it refuses the client's (Transmission's 409 with its X-Transmission-Session-Id).
   */
  readonly otherSide?: boolean;
  /** With `otherSide`: the answering side's answer to the client's request, once it has one (cookies both set alike are no side's own). */
  readonly answered?: () => IncomingHttpHeaders | undefined;
}

export type ReplayOutcome =
  | { readonly ok: true; readonly status: number; readonly headers: IncomingHttpHeaders; readonly body: Buffer | null; readonly overCap: boolean; readonly ms: number; readonly stream?: true }
  | { readonly ok: false; readonly code: string; readonly error: string; readonly ms: number };

/**
 * Sends the copy; a failed attempt goes again as the primary's would (attempt-budget.ts): a kept-alive
 * socket reset as it was reused, at once and only for the upstream's idempotent methods; a connect
 * that failed (nothing reached the upstream, so any method is safe to send) after the upstream's retry
 * delay, within its retry budget. Without this a service restarting during dualwrite, or closing an
 * idle socket as the facade reused it, made every second write in that moment a divergence.
 */
export function replay(upstream: Upstream, request: ReplayRequest, opts: ReplayOptions): Promise<ReplayOutcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const ms = (): number => performance.now() - started;
    const own = opts.deadlines ?? upstream.deadlines;
    const deadlines = cappedAt(own, Math.min(opts.timeoutMs, own.totalMs));
    // The tag and the deadline header replace any the client sent: the copy's deadline is the facade's to tell.
    const deadlineHeader = opts.deadlineHeader ? opts.deadlineHeader.toLowerCase() : null;
    const headers = withHost(requestHeaders(request.headers, request.body, request.tag, deadlineHeader, request.rawHeaders), upstream.hostHeader);
    headers.push(request.tag, '1');
    if (deadlineHeader) headers.push(deadlineHeader, deadlineHeaderValue(deadlines.totalMs));
    const tokens = opts.otherSide ? ownTokens.of(upstream) : null;
    const url = opts.otherSide ? ownTarget(upstream, request.url) : request.url;
    const sentCookies = tokens ? clientCookiesLater(headers) : undefined;
    if (tokens) withOwnCredentials(withOwnCookies(withOwnTokens(headers, tokens), tokens), tokens);
    const body = tokens && Buffer.isBuffer(request.body) ? ownIdsBody(headers, ownFormBody(headers, request.body, tokens, sentCookies!), upstream) : request.body;
    let renewed = false; // sent once more with the token this side asked for
    const idempotent = isIdempotentFor(upstream, request.method);
    // A copy that may be asked once more without its body, to learn why undici refused its answer (strict-diagnosis.ts).
    const bodiless = SAFE_METHODS.has(request.method) && request.body.length === 0;
    let done = false;
    let abort: ((err: Error) => void) | null = null;
    let retryTimer: NodeJS.Timeout | null = null;
    let resetsRetried = 0;
    const finish = (outcome: ReplayOutcome): void => {
      if (done) return;
      done = true;
      clock.stop();
      if (retryTimer) clearTimeout(retryTimer);
      resolve(outcome);
    };
    const fail = (err: Error): void => {
      const e = upstreamErrorFrom(err, upstream.name);
      finish({ ok: false, code: e.code, error: e.message, ms: ms() });
    };
    const clock = new ExchangeClock(deadlines, () => {
      const timeout = new UpstreamError('UPSTREAM_TIMEOUT', upstream.name);
      if (abort) abort(timeout); else fail(timeout);
    });
    /** True when the failed attempt was sent again (or will be, after the retry delay). */
    const retried = (err: Error, answered: boolean, reused: boolean): boolean => {
      const code = upstreamErrno(err);
      const notSent = code !== undefined && CONNECT_FAILED.has(code);
      const choice = retryChoice({}, {
        retryable: idempotent || notSent, tooLate: answered || clock.remaining() <= 0, resetOnReuse: resetOnReuse(code, reused, resetsRetried),
        resetsRetried, notSent, elapsedMs: ms(), remainingMs: clock.remaining(), delayMs: upstream.retry.delayMs, budgetMs: upstream.retry.budgetMs,
      });
      if (choice === null) return false;
      if (choice !== 'connect') resetsRetried++;
      abort = null;
      if (choice === 'reset') send();
      else retryTimer = setTimeout(() => { retryTimer = null; if (!done) send(); }, upstream.retry.delayMs);
      return true;
    };
    const send = (): void => {
      let status = 0;
      let answer: IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      let size = 0;
      let overCap = false;
      let over = false; // this attempt failed and another took its place
      let reused = false; // written on a socket that carried an answer before (socket-reuse.ts)
      // onRequestSent: called by undici once the whole request is written (not in its typings).
      const handler: Dispatcher.DispatchHandlers & { onRequestSent(): void } = {
        onConnect: (abortFn) => {
          if (done || over) { abortFn(new Error('replay over')); return; }
          abort = abortFn;
          if (idempotent) claimNextWrite((r) => { reused = r; });
        },
        onRequestSent: () => { if (status === 0) clock.sent(); },
        onHeaders: (statusCode, rawHeaders) => {
          if (statusCode < 200) return true; // informational: the final answer follows
          status = statusCode;
          answer = foldHeaders(latin1(rawHeaders as unknown as Buffer[]));
          if (tokens) learnOwnCookies(answer, tokens, sentCookies, opts.answered?.());
          if (opts.stopAtStream && isStreamAnswer(answer)) {
            finish({ ok: true, status, headers: answer, body: Buffer.alloc(0), overCap: false, ms: ms(), stream: true });
            abort?.(new Error('a stream: compared at its headers'));
            return false;
          }
          clock.responded();
          return true;
        },
        onData: (c) => {
          clock.progress();
          size += c.length;
          if (size > opts.captureLimit) {
            overCap = true;
            chunks.length = 0;
            if (opts.stopOverCap) {
              finish({ ok: true, status, headers: answer, body: null, overCap: true, ms: ms() });
              abort?.(new Error('over the capture limit: not read further'));
              return false;
            }
          } else if (!overCap) chunks.push(c);
          return true;
        },
        onComplete: () => {
          if (done || over) return;
          // The copy carried the client's token of the other side; this side names its own: learned, and sent once more with it.
          const token = tokens && !renewed ? tokenAskedFor(status, answer, headers) : null;
          if (token && clock.remaining() > 0) {
            renewed = true;
            over = true;
            tokens!.set(token.name, token.value);
            withOwnTokens(headers, tokens!);
            send();
            return;
          }
          finish({ ok: true, status, headers: answer, body: overCap ? null : opts.slabCapture ? captureSlabs.join(chunks, size) : Buffer.concat(chunks), overCap, ms: ms() });
        },
        onError: (err) => {
          if (done || over) return;
          // An answer only a lenient parser reads: read so from now on, and asked again if it may be (answer-parsing.ts).
          if (upstream.parsing.turnedLenient(err) && idempotent && status === 0 && clock.remaining() > 0) { over = true; send(); return; }
          if (status === 0 && bodiless && upstream.parsing.undiagnosed(err, false)) {
            over = true;
            void upstream.parsing.diagnose(() => strictReadError(upstream, { method: request.method, path: joinPath(upstream.address.basePath, url), headers }, clock.remaining())).then((lenient) => {
              if (done) return;
              if (lenient && clock.remaining() > 0) send();
              else if (!retried(err, false, reused)) fail(err);
            });
            return;
          }
          if (retried(err, status !== 0, reused)) { over = true; return; }
          fail(err);
        },
        onUpgrade: () => undefined,
      };
      poolFor(upstream, deadlines.connectMs).dispatch({
        path: joinPath(upstream.address.basePath, url), method: request.method as Dispatcher.HttpMethod, headers, body: Buffer.isBuffer(body) ? body : body.open(), reset: isConnectionAuth(request.headers.authorization),
      }, completingBodiless(handler));
    };
    send();
  });
}

/**
 * The copy's form body with the anti-forgery tokens this side rendered in place of the client's
 * (core/form-token.ts), its Content-Length set anew; the body as it was when none is known. Not
 * where the copy still carries the client's own anti-forgery cookie (Django's `csrftoken`, kept when
 * no header repeats it): the client's form token matches that cookie, and the side's would not.
 */
function ownFormBody(headers: string[], body: Buffer, tokens: ReadonlyMap<string, string>, client: () => ReadonlyMap<string, string>): Buffer {
  let type: string | undefined;
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === 'content-type') type = headers[i + 1];
  if (body.length === 0 || !isFormBody(type)) return body;
  const sent = clientCookiesLater(headers)();
  for (const [name, value] of client()) if (/csrf|xsrf/i.test(name) && sent.get(name) === value) return body;
  const own = withOwnFormTokens(body, type, tokens);
  if (own === null) return body;
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === 'content-length') headers[i + 1] = String(own.length);
  return own;
}

/**
 * A copy's JSON or form body with the ids the client sent of things the sides paired replaced by
 * this side's own (core/own-ids.ts withOwnIdsInJson): `POST /api/payments {"order_id": 17}`
 * reaches the service naming its order 9001, where it failed as a payment for an order it never had.
 */
function ownIdsBody(headers: string[], body: Buffer, upstream: Upstream): Buffer {
  const byKind = ownIdsByKind.get(upstream);
  const pairs = ownLocations.get(upstream);
  if (body.length < 2 || body.length > 1_048_576 || ((byKind?.size ?? 0) === 0 && (pairs?.size ?? 0) === 0)) return body;
  let type: string | undefined;
  let coded = false;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!.toLowerCase();
    if (name === 'content-type') type = headers[i + 1];
    // A compressed body (gzip, br): its bytes are no text to rewrite; an id found in them (a stored
    // deflate block holds the form as is) rewritten breaks its lengths and checksum at the other side.
    else if (name === 'content-encoding' && !/^\s*(?:identity)?\s*$/i.test(headers[i + 1]!)) coded = true;
  }
  if (type === undefined || coded || /^\s*[^;]*;[^]*\bcharset=(?!"?utf-?8)/i.test(type)) return body;
  const own = /^\s*[^;\s]*[/+]json\s*(?:;|$)/i.test(type) ? (isUtf8(body) ? withOwnIdsInJson(body.toString('utf8'), byKind ?? new Map(), pairs ?? new Map()) : null)
    : isFormBody(type) && byKind !== undefined ? withOwnIdsInForm(body.toString('latin1'), byKind) : null;
  if (own === null) return body;
  const out = Buffer.from(own, isFormBody(type) ? 'latin1' : 'utf8');
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() === 'content-length') headers[i + 1] = String(out.length);
  return out;
}

/** Both pages of one shadowed read: the form tokens each side rendered in the same fields are paired (core/form-token.ts). */
export function pairOwnFormTokens(other: Upstream, primaryPage: Buffer | null, shadowPage: Buffer | null): void {
  if (primaryPage === null || shadowPage === null) return;
  const pairs = formTokenPairs(primaryPage.toString('utf8'), shadowPage.toString('utf8'));
  if (pairs.length > 0) learnFormTokens(pairs, ownTokens.of(other));
}

/**
 * Both sides answered one request, each setting its own value of a cookie (core/own-token.ts
 * learnPairedCookies): the other side's copies of the client's later requests carry its own.
 */
export function pairOwnCookies(other: Upstream, answered: IncomingHttpHeaders, copy: IncomingHttpHeaders, clientCookie?: string | readonly string[]): void {
  learnPairedCookies(answered, copy, ownTokens.of(other), clientCookie);
}

/**
 * Both sides answered one write (a login) each issuing a credential in its JSON body (core/own-token.ts
 * issuedCredentials): the other side's copies that carry the answering side's carry its own.
 */
export function pairIssuedCredentials(other: Upstream, answeredBody: () => Buffer | null, copyBody: () => Buffer | null): void {
  // Read (and decoded) only when the first answer names a credential field: most writes' answers do not, and were parsed twice.
  const answered = answeredBody();
  if (answered === null || answered.length > 65_536 || !CREDENTIAL_FIELD.test(answered.toString('latin1'))) return;
  const copy = copyBody();
  if (copy === null || copy.length > 65_536) return;
  let a: unknown;
  let c: unknown;
  try { a = JSON.parse(answered.toString('utf8')); c = JSON.parse(copy.toString('utf8')); } catch { return; }
  const pairs = issuedCredentials(a, c);
  if (pairs.length > 0) learnIssuedCredentials(pairs, ownTokens.of(other));
}

/** A JSON member whose name may be an issued credential's (core/own-token.ts ISSUED_FIELD), as a cheap look before parsing. */
const CREDENTIAL_FIELD = /(?:token|jwt|api_?key)"\s*:/i;

/**
 * The headers in which `upstream`, answering the client, gets the credential it issued itself
 * instead of the client's (paired when it was the other side of a login: a token the client got
 * from the monolith at `dualwrite` reaches the service at `live` as the service's own); null when none.
 */
export function ownCredentialsFor(upstream: Upstream, headers: IncomingHttpHeaders): Record<string, string> | null {
  const tokens = ownTokens.get(upstream);
  if (tokens === undefined || tokens.size === 0) return null;
  let out: Record<string, string> | null = null;
  for (const name in headers) {
    const value = headers[name];
    if (typeof value !== 'string') continue;
    const own = ownCredential(name, value, tokens);
    if (own !== undefined) (out ??= {})[name] = own;
  }
  return out;
}

export function joinPath(basePath: string, url: string): string {
  return basePath ? basePath + url : url;
}
