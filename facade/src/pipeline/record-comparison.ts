// Step: after the client has its answer, compare. Reads: primary vs shadow; when they differ at
// a field whose class is not settled, the primary is asked again (own budget, never for writes) and
// the fields where it disagreed with itself are kept as noise evidence. Writes: the authoritative
// answer vs the second write (record-write.ts). Records carry facts, not only a verdict.
import { carriesSession } from '../core/sessions';
import { mediaKind } from '../core/compare/body';
import { onPaths } from './path-patterns';
import { compileEndpointPattern, endpointOf, frontControllerOf, reportKind, askableFields, HEADERS_ONLY, askUntilDecided, MIN_CONFIRMED, reaskPriority, selfDifferingFields, type ComparisonRecord, type EndpointPattern, type FieldFact, type Outcome } from '../core/comparison';
import type { Observation } from '../core/compare/types';
import { maskToken, ownTokenInBodies } from '../core/own-token';
import { staleDigest } from '../core/digest-auth';
import type { Side } from '../core/stages';
import { answeredFromValidators, notModifiedFor, withoutPreconditions } from '../core/validators';
import { isStreamAnswer } from '../core/streams';
import { REASK_TAG, SHADOW_TAG } from '../core/tags';
import type { UpstreamAddress } from '../core/location';
import type { IncomingHttpHeaders } from 'node:http';
import { CompareSkipped } from '../io/compare-pool';
import { ownIdsByKindFor, ownIdsFor, ownTarget, pairOwnCookies, pairOwnFormTokens, replay, type ReplayOutcome } from '../io/replay';
import { decodeBody } from '../io/decode-body';
import { routeLabel } from './forward-primary';
import { releaseShadowSlot } from './send-shadow';
import { encodingOf, observePair, observeReplayed, originsFor, type Origins } from './observations';
import { requestOrigins } from '../core/compare/header-forms';
import { compareWrite, markOwnIds, markOwnLocations } from './record-write';
import { upstreamFor, type ComparisonDeps, type FacadeDeps, type RequestContext, type Step } from './context';
import { captureSlabs } from '../io/capture-slabs';

/** The record's fields that do not depend on what the comparison found. */
export type Base = Omit<ComparisonRecord, 'outcome' | 'reason' | 'facts' | 'reasked' | 'selfFields' | 'diff' | 'detail' | 'shadowStatus' | 'shadowMs'>;

const patternCache = new WeakMap<readonly string[], EndpointPattern[]>();

/** The endpoint of this request, with the route's own endpoint patterns winning, bounded per route. */
export function endpointFor(ctx: RequestContext, c: ComparisonDeps): string {
  if (ctx.endpoint) return ctx.endpoint;
  const cmp = ctx.runtime!.config.compare;
  let patterns = patternCache.get(cmp.endpoints);
  if (!patterns) { patterns = cmp.endpoints.map(compileEndpointPattern); patternCache.set(cmp.endpoints, patterns); }
  const method = ctx.req.method ?? 'GET';
  const url = ctx.req.url ?? '';
  const q = url.indexOf('?');
  const template = endpointOf(method, ctx.path, patterns) + (q < 0 ? '' : frontControllerOf(ctx.path, url.slice(q + 1)));
  const operation = ctx.operation ?? (method === 'REPORT' ? reportKind(ctx.body) : undefined);
  ctx.endpoint = c.endpoints.resolve(routeLabel(ctx), operation === undefined ? template : `${template}#${operation}`, method, cmp.maxEndpoints);
  return ctx.endpoint;
}

/** The status and headers the client got from the primary: also when it left mid-answer (an event stream's usual end). */
function primaryHead(p: RequestContext['primary']): { readonly status: number; readonly headers: IncomingHttpHeaders } | null {
  if (p?.kind === 'answered') return p;
  return p?.kind === 'client-gone' && p.answered ? p.answered : null;
}

export function base(ctx: RequestContext, primarySide: Side, c: ComparisonDeps): Base {
  const p = ctx.primary;
  const head = primaryHead(p);
  return {
    at: new Date().toISOString(), route: routeLabel(ctx), endpoint: endpointFor(ctx, c), stage: ctx.decision!.stage, kind: ctx.decision!.kind,
    method: ctx.req.method ?? 'GET', path: ctx.path, requestId: ctx.requestId, primarySide,
    primaryStatus: head ? head.status : null, primaryMs: p && 'ms' in p ? p.ms : null,
  };
}

/**
 * Every record built with the same fields in the same order: one object shape for the recorder and
 * the writer (spreading the base and then the extras cost 3 % of the CPU at `shadow` in a profile).
 */
function recordOf(b: Base, outcome: Outcome, reason: string | null, facts: readonly FieldFact[], diff: string, extra: Partial<ComparisonRecord>): ComparisonRecord {
  return {
    at: b.at, route: b.route, endpoint: b.endpoint, stage: b.stage, kind: b.kind, method: b.method, path: b.path, requestId: b.requestId,
    primarySide: b.primarySide, primaryStatus: b.primaryStatus, primaryMs: b.primaryMs,
    shadowStatus: extra.shadowStatus ?? null, shadowMs: extra.shadowMs ?? null,
    outcome: extra.outcome ?? outcome, reason: extra.reason !== undefined ? extra.reason : reason,
    facts: extra.facts ?? facts, reasked: extra.reasked ?? false, selfFields: extra.selfFields ?? [],
    diff: extra.diff ?? diff, detail: extra.detail !== undefined ? extra.detail : null,
  };
}

const NO_FACTS: readonly FieldFact[] = Object.freeze([]);

/** Both sides' own addresses: a Location on either reaches the client with the request's origin. */
function upstreamAddresses(ctx: RequestContext, deps: FacadeDeps): readonly UpstreamAddress[] {
  return ctx.runtime ? [deps.monolith.address, ctx.runtime.service.address] : [deps.monolith.address];
}

/** A record of a comparison that was not made (skipped, error) or of a divergence. */
export function unmatched(b: Base, outcome: 'skipped' | 'error' | 'divergence', reason: string, extra: Partial<ComparisonRecord> = {}): ComparisonRecord {
  return recordOf(b, outcome, reason, NO_FACTS, '', extra);
}

/** A made comparison; the recorder replaces `outcome` with the verdict from the evidence. */
export function compared(b: Base, facts: readonly FieldFact[], diff: string, extra: Partial<ComparisonRecord> = {}): ComparisonRecord {
  return recordOf(b, 'match', null, facts, diff, extra);
}

/** Unified diffs for a few comparisons per second per route: reports show the newest as examples. */
export function wantDiff(c: ComparisonDeps, route: string): boolean {
  return c.diffs.take(route, DIFFS_PER_SECOND) === true;
}

const DIFFS_PER_SECOND = 10;

/**
 * The primary's answer to the request once more (or the shadow's, `side`), within the route's re-ask
 * budget, asked without the client's validators (a copy of a 304 would be a 304 again); null when
 * the budget refused it or the answer cannot be compared.
 */
async function askAgain(ctx: RequestContext, deps: FacadeDeps, c: ComparisonDeps,
  { origins, followUp = false, side = ctx.answeredBy! }: { origins?: Origins; followUp?: boolean; side?: Side } = {}): Promise<Observation | null> {
  const rt = ctx.runtime!;
  const route = rt.config.name;
  const cfg = rt.config.compare.reask;
  const budget = side === ctx.answeredBy ? c.reask : c.shadowReask;
  const granted = budget.take(route, cfg.perSecond, { maxInFlight: cfg.maxInFlight, burst: cfg.burst, lowPriority: followUp });
  if (granted !== true) {
    deps.metrics.shadowDrops.inc({ route, reason: `reask_${granted}` });
    return null;
  }
  try {
    const again = await replay(upstreamFor(side, ctx, deps), {
      method: ctx.req.method ?? 'GET', url: ctx.req.url ?? ctx.path, headers: withoutPreconditions(ctx.req.headers), rawHeaders: ctx.req.rawHeaders, body: ctx.body ?? Buffer.alloc(0),
      tag: side === ctx.answeredBy ? REASK_TAG : SHADOW_TAG,
    }, { timeoutMs: rt.config.compare.shadowTimeoutMs, captureLimit: rt.config.compare.maxBodyBytes, stopAtStream: true, stopOverCap: true, otherSide: side !== ctx.answeredBy,
      answered: () => (ctx.primary?.kind === 'answered' ? ctx.primary.headers : undefined) });
    const observed = observeReplayed(side, again, rt.config.compare.maxBodyBytes, origins);
    return observed.ok ? observed.observation : null;
  } finally {
    budget.release(route);
  }
}

const NO_BODY = Buffer.alloc(0);

const is2xx = (status: number): boolean => status >= 200 && status < 300;

/**
 * A CORS preflight (OPTIONS with Access-Control-Request-Method) succeeds for a browser on any 2xx:
 * one framework's 204 and another's 200 are the same answer, so the shadow's is taken as the
 * primary's. Its Access-Control-* headers, when the route compares them, are what can differ.
 */
function preflightStatus(ctx: RequestContext, primary: Observation, shadow: Observation): Observation {
  if (!primary.ok || !shadow.ok || primary.status === shadow.status || !is2xx(primary.status) || !is2xx(shadow.status)) return shadow;
  if (ctx.req.method !== 'OPTIONS' || ctx.req.headers['access-control-request-method'] === undefined) return shadow;
  return { ...shadow, status: primary.status };
}

/**
 * Either answer is a stream (core/streams.ts): no body to compare (the shadow's copy ended at its
 * headers, the primary's lasted as long as its client listened), so its status and compared
 * headers are; a difference is settled by asking the primary again, up to its headers. The record
 * says so (reason HEADERS_ONLY): reports count such comparisons apart.
 */
async function compareStreams(ctx: RequestContext, deps: FacadeDeps, c: ComparisonDeps, b: Base, head: { readonly status: number; readonly headers: IncomingHttpHeaders },
  shadowOut: Extract<ReplayOutcome, { ok: true }>, extra: Partial<ComparisonRecord>): Promise<ComparisonRecord> {
  const d = ctx.decision!;
  const primary = headOnly(d.primary, head.status, head.headers, originsFor(ctx.req.headers, head, shadowOut, upstreamAddresses(ctx, deps)));
  const shadow = headOnly(d.shadow!, shadowOut.status, shadowOut.headers);
  const evaluated = await c.pool.evaluate(b.route, primary, shadow, false, true);
  // Marked so a report never shows a stream's match as if its bodies had been compared. No answer
  // times: the primary's lasted as long as its client listened, the copy's ended at its headers, and
  // neither is an answer time the report's percentiles or the gate's latency check should count.
  return settled(ctx, deps, c, compared({ ...b, primaryMs: null }, evaluated.facts, '', { ...extra, shadowMs: null, reason: HEADERS_ONLY }), primary);
}

/** An answer's status and headers alone, for comparing streams (a body is never read). */
export function headOnly(side: Side, status: number, headers: IncomingHttpHeaders, origins?: Origins): Observation {
  return { ok: true, side, status, headers, body: NO_BODY, ms: 0, ...(origins ? { origins } : {}) };
}

/**
 * The primary answered from the client's validators (core/validators.ts) and the shadow, asked
 * without them, with a whole answer. When the shadow's own validators meet the client's condition,
 * both sides say the client's copy is current: a match. Otherwise the primary is asked again without
 * the validators (re-ask budget) and its whole answer is compared with the shadow's, so a body that
 * differs is still found (and an ETag scheme that differs is not taken for one); skipped without budget.
 */
async function compareConditional(ctx: RequestContext, deps: FacadeDeps, c: ComparisonDeps, b: Base, shadowOut: ReplayOutcome, extra: Partial<ComparisonRecord>): Promise<ComparisonRecord> {
  const cap = ctx.runtime!.config.compare.maxBodyBytes;
  const origins = [...requestOrigins(ctx.req.headers), ...upstreamAddresses(ctx, deps).flatMap((u) => u.origins)]; // the re-asked answer's Location is not known yet: a rare path
  const shadow = observeReplayed(ctx.decision!.shadow!, shadowOut, cap, origins);
  if (!shadow.ok) return unmatched(b, shadow.outcome, shadow.reason, extra);
  if (b.primaryStatus !== 304) return unmatched(b, 'skipped', 'conditional', extra); // 412, or a stale If-Range
  if (shadowOut.ok && notModifiedFor(ctx.req.headers, shadowOut.status, shadowOut.headers)) return compared(b, NO_FACTS, '', extra);
  const primary = ctx.runtime!.config.compare.reask.enabled ? await askAgain(ctx, deps, c, { origins }) : null;
  if (primary === null) return unmatched(b, 'skipped', 'conditional', extra);
  const evaluated = await c.pool.evaluate(b.route, primary, shadow.observation, wantDiff(c, b.route));
  // That whole answer is the first the shadow's is compared with: asked again as any read's is, so a
  // client that always revalidates (a browser) still teaches the endpoint's noise and real fields.
  ctx.observed = { primary, shadow: shadow.observation };
  return settled(ctx, deps, c, compared(b, evaluated.facts, evaluated.diff, extra), primary);
}

async function compareRead(ctx: RequestContext, deps: FacadeDeps, c: ComparisonDeps): Promise<ComparisonRecord> {
  const d = ctx.decision!;
  const rt = ctx.runtime!;
  const cap = rt.config.compare.maxBodyBytes;
  const b = base(ctx, ctx.answeredBy ?? d.primary, c);
  if (ctx.shadowSkipped) return unmatched(b, 'skipped', ctx.shadowSkipped);
  const shadowOut = await ctx.shadow!;
  if (shadowOut.ok && ctx.primary?.kind === 'answered' && ctx.answeredBy === d.primary) {
    const other = upstreamFor(d.shadow!, ctx, deps);
    pairOwnCookies(other, ctx.primary.headers, shadowOut.headers, ctx.req.headers.cookie);
    // The forms both pages hold carry each side's own token: a later POST's copy sends the other side's.
    // Only pages that differ and name such a field are parsed (equal pages hold equal tokens).
    if (isPage(ctx.primary.headers) && isPage(shadowOut.headers) && ctx.primary.body !== null && shadowOut.body !== null && !ctx.primary.body.equals(shadowOut.body)) {
      pairOwnFormTokens(other, readable(ctx.primary.body, ctx.primary.headers), readable(shadowOut.body, shadowOut.headers));
    }
  }
  const shadowFacts = { shadowStatus: shadowOut.ok ? shadowOut.status : null, shadowMs: shadowOut.ms };
  if (ctx.answeredBy !== d.primary) return unmatched(b, 'skipped', 'fallback');
  if (ctx.readMark && c.writes.overlapped(ctx.readMark)) return unmatched(b, 'skipped', 'write_in_flight', shadowFacts);
  const head = primaryHead(ctx.primary);
  if (head && shadowOut.ok && (shadowOut.stream || isStreamAnswer(head.headers))) return compareStreams(ctx, deps, c, b, head, shadowOut, shadowFacts);
  // A 304/412 (or a whole body for a stale If-Range) made from the client's validators: the shadow was asked without them.
  if (answeredFromValidators(ctx.req.headers, b.primaryStatus)) return compareConditional(ctx, deps, c, b, shadowOut, shadowFacts);
  if (shadowOut.ok && staleDigest(ctx.req.headers.authorization, b.primaryStatus, shadowOut.status, shadowOut.headers['www-authenticate'])) return unmatched(b, 'skipped', 'digest_nonce', shadowFacts);
  const pair = observePair(d.primary, ctx.primary, d.shadow!, shadowOut, cap,
    originsFor(ctx.req.headers, ctx.primary?.kind === 'answered' ? ctx.primary : null, shadowOut.ok ? shadowOut : null, upstreamAddresses(ctx, deps)));
  const p = pair.primary;
  if (!p.ok) return unmatched(b, p.outcome, p.reason);
  const s = pair.shadow;
  // The shadow's deadline passed before the primary's answer came either (a long poll): skipped, not the service's error.
  if (!s.ok && !shadowOut.ok && shadowOut.code === 'UPSTREAM_TIMEOUT' && b.primaryMs !== null && b.primaryMs >= shadowOut.ms) return unmatched(b, 'skipped', 'primary_as_slow', shadowFacts);
  if (!s.ok) return unmatched(b, s.outcome, s.reason, shadowFacts);
  const [primary, shadow] = withoutOwnTokens(p.observation, preflightStatus(ctx, p.observation, s.observation));
  const evaluated = await c.pool.evaluate(b.route, primary, shadow, wantDiff(c, b.route), pair.bodiesEqual);
  ctx.observed = { primary, shadow };
  // The copy went to the shadow's own location of what the client named (an upload session each side opened): its Location names that one.
  const url = ctx.req.url ?? ctx.path;
  const other = upstreamFor(d.shadow!, ctx, deps);
  const facts = markOwnIds(ownTarget(other, url) === url ? evaluated.facts : markOwnLocations(evaluated.facts), ownIdsFor(other), ownIdsByKindFor(other));
  return settled(ctx, deps, c, compared(b, facts, evaluated.diff, shadowFacts), primary);
}

/**
 * Both answers name each side's own session token in the same header (core/own-token.ts) and
 * write it into their bodies too (Transmission's 409 page): each body's own value becomes the
 * same placeholder, so the token is not taken for a difference (the primary asked again repeats
 * its own, which made it real).
 */
function withoutOwnTokens(primary: Observation, shadow: Observation): [Observation, Observation] {
  if (!primary.ok || !shadow.ok) return [primary, shadow];
  const own = ownTokenInBodies(primary.headers as IncomingHttpHeaders, shadow.headers as IncomingHttpHeaders);
  if (own === null) return [primary, shadow];
  return [{ ...primary, body: maskToken(primary.body, own.primary, own.name) }, { ...shadow, body: maskToken(shadow.body, own.shadow, own.name) }];
}

/** The record, with the primary asked again when it differs at a field whose class is not settled yet (own budget; reads only). */
async function settled(ctx: RequestContext, deps: FacadeDeps, c: ComparisonDeps, record: ComparisonRecord, first: Observation): Promise<ComparisonRecord> {
  const cfg = ctx.runtime!.config.compare.reask;
  // A POST compared as a read was declared one (a GraphQL query, a route's reads.postPaths): it may be asked again.
  const mayAsk = cfg.methods.includes(record.method) || (record.kind === 'read' && record.method === 'POST');
  if (record.facts.length === 0 || !cfg.enabled || !mayAsk || !mayRepeat(ctx, deps, first)) return record;
  const rules = c.recorder.rulesFor(record.route);
  let priority = reaskPriority(record, rules, c.recorder.evidence, cfg.enough);
  // Another comparison of this endpoint asking in a row: its evidence reaches the book when it is
  // recorded; asking the same three times over meanwhile would only repeat it.
  const key = `${record.route}\u0000${record.endpoint}`;
  for (let held = c.firstAsks.get(key); priority === 'first' && held; held = c.firstAsks.get(key)) {
    await held;
    priority = reaskPriority(record, rules, c.recorder.evidence, cfg.enough);
  }
  if (priority === null) return record;
  if (priority === 'first') {
    let done!: () => void;
    c.firstAsks.set(key, new Promise<void>((resolve) => { done = resolve; }));
    firstAsking.set(ctx, { key, done });
  }
  // A field not decided yet goes first (under a spent budget it would stay unjudged), and is asked
  // about as many times as it takes to call it real, unless the primary disagrees with itself first.
  const open = askableFields(record, rules);
  const asked = await askUntilDecided(priority === 'first' ? MIN_CONFIRMED : 1, open, async () => {
    const again = await askAgain(ctx, deps, c, { followUp: priority === 'more' });
    return again === null ? null : selfDifferingFields((await c.pool.evaluate(ctx.runtime!.config.name, first, again, false)).facts, record.facts, rules, open);
  });
  if (asked.reasks === 0) return record;
  // The primary answered otherwise when asked again, and a write to a related path started meanwhile:
  // its second answer may show that write, and is no evidence of noise. Taken as noise, such a field
  // buried every later real difference at it (probes17: vdirsyncer's PROPFIND listings, each followed
  // by its PUTs). A primary that repeated itself is evidence still, write or not.
  if (asked.selfFields.length > 0 && ctx.readMark && c.writes.overlapped(ctx.readMark)) return { ...record, outcome: 'skipped', reason: 'write_in_flight', facts: NO_FACTS, diff: '' };
  const reasked = { ...record, reasked: true, selfFields: asked.selfFields, reasks: asked.reasks };
  // Fields the primary repeated itself at, first seen: does the shadow repeat its value too?
  const steady = [...open].filter((f) => !asked.selfFields.includes(f));
  const shadowFirst = ctx.observed?.shadow;
  if (priority !== 'first' || steady.length === 0 || !shadowFirst) return reasked;
  const shadowAsked = await askUntilDecided(SHADOW_REASKS, new Set(steady), async () => {
    const again = await askAgain(ctx, deps, c, { side: shadowFirst.side });
    return again === null ? null : selfDifferingFields((await c.pool.evaluate(ctx.runtime!.config.name, shadowFirst, again, false)).facts, record.facts, rules, open);
  });
  return shadowAsked.reasks === 0 ? reasked : { ...reasked, shadowSelfFields: shadowAsked.selfFields.filter((f) => steady.includes(f)) };
}

/**
 * Whether this request may run again on either side: not a path the route excludes
 * (`compare.reask.exclude`), and not a page or a file of a user's session (core/sessions.ts) unless
 * the route says its GETs leave sessions alone (`compare.reask.sessions`): a captcha image or a form
 * with a Struts token asked again replaced the one the user was shown, and the user's next post
 * failed. A session's JSON (an SPA's API) carries no such thing and is asked again.
 */
function mayRepeat(ctx: RequestContext, deps: FacadeDeps, first: Observation): boolean {
  const rt = ctx.runtime!;
  const cfg = rt.config.compare.reask;
  if (!cfg.sessions && carriesSession(ctx.req.headers.cookie, ctx.req.url ?? '') && !isJsonAnswer(first)) return false;
  return !onPaths(ctx, deps, cfg.exclude);
}

function isJsonAnswer(o: Observation): boolean {
  if (!o.ok) return false;
  const type = o.headers['content-type'];
  return mediaKind(Array.isArray(type) ? type[0] : type) === 'json';
}

/**
 * Times the shadow is asked again about fields the primary just repeated itself at: a value of a
 * few drawn per answer (a cache HIT/MISS) shows its other value on one of them most of the time,
 * a real difference repeats (noise-model.ts rule 2).
 */
const SHADOW_REASKS = 2;

/** The endpoint each comparison asking in a row holds in `firstAsks`, until it is recorded. */
const firstAsking = new WeakMap<RequestContext, { readonly key: string; readonly done: () => void }>();

function endFirstAsk(ctx: RequestContext, c: ComparisonDeps): void {
  const held = firstAsking.get(ctx);
  if (held === undefined) return;
  firstAsking.delete(ctx);
  c.firstAsks.delete(held.key);
  held.done();
}

/**
 * A read's two captured answers back to the slabs (io/capture-slabs.ts): the comparison, its
 * re-asks and the case sample (encoded as it is offered) are done with them, and nothing reads a
 * request's answers after its comparison.
 */
function giveBackCaptures(ctx: RequestContext): void {
  if (ctx.primary?.kind === 'answered') captureSlabs.give(ctx.primary.body);
  ctx.observed = undefined;
  void ctx.shadow?.then((out) => { if (out.ok) captureSlabs.give(out.body); });
}

export const recordComparison: Step = (ctx, deps) => {
  const d = ctx.decision;
  if (!deps.comparisons || !d || !ctx.runtime) return undefined;
  if (!(d.kind === 'read' && (ctx.shadow || ctx.shadowSkipped)) && !(d.kind === 'write' && d.then !== null)) return undefined;
  return record(ctx, deps, deps.comparisons);
};

async function record(ctx: RequestContext, deps: FacadeDeps, c: ComparisonDeps): Promise<undefined> {
  const d = ctx.decision!;
  try {
    let record: ComparisonRecord | null = null;
    if (d.kind === 'read' && (ctx.shadow || ctx.shadowSkipped)) {
      record = await compareRead(ctx, deps, c);
      // A copy that outwaited its deadline with the primary teaches the endpoint is a long poll (core/long-poll.ts HeldReads).
      const slow = record.reason === 'primary_as_slow';
      if (c.held && (slow || (c.held.has(record.route) && record.reason !== 'long_poll'))) c.held.note(record.route, endpointFor(ctx, c), slow, Date.now());
      // A held read the primary answered in time for a copy: no long poll (a slow spell), compared again.
      else if (c.held && record.reason === 'long_poll' && record.primaryMs !== null && record.primaryMs < ctx.runtime!.config.compare.shadowTimeoutMs) c.held.release(record.route, endpointFor(ctx, c));
    }
    else if (d.kind === 'write' && d.then !== null) {
      const other = upstreamFor(d.then, ctx, deps);
      record = await compareWrite(ctx, c, base(ctx, d.primary, c), upstreamAddresses(ctx, deps), ownIdsFor(other), ownIdsByKindFor(other));
    }
    if (record) deps.cases?.offer(ctx, c.recorder.add(record), ctx.observed); // cases: io/case-recorder.ts
    endFirstAsk(ctx, c); // its evidence is in the book now
  } catch (err) {
    // The compare pool was full (or closing): a skipped comparison, recorded with its reason.
    if (err instanceof CompareSkipped) {
      c.recorder.add(unmatched(base(ctx, ctx.answeredBy ?? d.primary, c), 'skipped', err.reason));
      return undefined;
    }
    // A comparison bug must never reach the client (who already has the answer) nor crash the facade;
    // it is recorded as an error, so reports and the gate count it rather than never seeing it.
    deps.logger.error({ err: (err as Error).message, requestId: ctx.requestId }, 'comparison failed');
    deps.metrics.comparisons.inc({ route: routeLabel(ctx), outcome: 'compare_failed' });
    try {
      c.recorder.add(unmatched(base(ctx, ctx.answeredBy ?? d.primary, c), 'error', 'compare_failed'));
    } catch {
      // the record itself cannot be built: the log line and the metric stand
    }
  } finally {
    endFirstAsk(ctx, c);
    releaseShadowSlot(ctx, deps); // held until the comparison is done: bounds shadows plus comparisons per route
    if (d.kind === 'read') giveBackCaptures(ctx);
  }
  return undefined;
}

const isPage = (h: Record<string, string | string[] | undefined>): boolean => /^\s*(?:text\/html|application\/xhtml\+xml)\b/i.test(String(h['content-type'] ?? ''));

/** A captured body decoded for reading (null when it was not kept or cannot be decoded). */
function readable(body: Buffer | null, headers: Record<string, string | string[] | undefined>): Buffer | null {
  const encoding = encodingOf(headers);
  if (body === null || encoding === undefined) return body;
  try { return decodeBody(body, encoding, 1_048_576); } catch { return null; }
}
