// Step: in the stages that compare reads (shadow, live), send the shadow side a copy of a sampled
// request, concurrently with the primary and tagged `x-strangler-shadow: 1`. Bounded per route:
// past `maxInFlight` a shadow is dropped and counted, never queued. Its answer is only compared.
// The slot is held until the comparison is done (releaseShadowSlot, from the comparison step), so
// shadows in flight plus comparisons waiting never exceed `maxInFlight` per route. A shadow to an
// upstream whose circuit breaker is open is skipped and counted; its outcome feeds that breaker.
import { createHash } from 'node:crypto';
import { pairOwnCookies, recallOwnTarget, replay, type ReplayOutcome } from '../io/replay';
import type { Upstream } from '../io/upstreams';
import { carriesCookieSetBy } from '../core/own-token';
import { deadlinesFor, routeLabel } from './forward-primary';
import { upstreamFor, type FacadeDeps, type RequestContext, type Step } from './context';
import { isRefusal, replayVerdict } from '../io/upstream-guard';
import { endpointKeyOf } from './guarded-forward';
import { endpointFor } from './record-comparison';
import { withoutPreconditions } from '../core/validators';
import { SHADOW_TAG } from '../core/tags';

interface Slot { readonly route: string; readonly shadow: Promise<unknown>; released: boolean }
const SLOT = Symbol('strangler.shadowSlot');
const DROPPED = Symbol('strangler.shadowDropped');
type SlotCarrier = RequestContext & { [SLOT]?: Slot; [DROPPED]?: true };

/** True when this request's shadow was dropped at the in-flight limit (so its answer need not be captured). */
export function shadowDropped(ctx: RequestContext): boolean {
  return (ctx as SlotCarrier)[DROPPED] === true;
}

/**
 * Gives this request's shadow slot back, once its shadow has settled (idempotent). Called when the
 * comparison is done, and again when the request ends whatever happened (a step that threw).
 */
export function releaseShadowSlot(ctx: RequestContext, deps: FacadeDeps): void {
  const slot = (ctx as SlotCarrier)[SLOT];
  if (!slot || slot.released) return;
  slot.released = true;
  const free = (): void => deps.shadows?.release(slot.route);
  slot.shadow.then(free, free);
}

/** Deterministic on the request (method and URL), so the same requests are compared each time. */
export function sampledRequest(ctx: RequestContext, percent: number): boolean {
  if (percent >= 100) return true;
  if (percent <= 0) return false;
  const h = createHash('sha1').update(`${ctx.req.method} ${ctx.req.url}`).digest();
  return (h.readUInt32BE(0) / 0x100000000) * 100 < percent;
}

export const sendShadow: Step = (ctx, deps) => {
  const d = ctx.decision;
  const rt = ctx.runtime;
  if (!d || d.shadow === null || !rt || !deps.shadows) return undefined;
  const cmp = rt.config.compare;
  if (!sampledRequest(ctx, cmp.sample)) return undefined;
  const route = routeLabel(ctx);
  if (ctx.body === null) {
    ctx.shadowSkipped = 'request_too_large';
    return undefined;
  }
  // An endpoint learned to be a long poll: its copy would hold a shadow slot while the primary waits for news.
  const held = deps.comparisons?.held;
  if (held?.has(route) && held.held(route, endpointFor(ctx, deps.comparisons!), Date.now())) {
    deps.metrics.shadowDrops.inc({ route, reason: 'long_poll' });
    ctx.shadowSkipped = 'long_poll';
    return undefined;
  }
  const upstream = upstreamFor(d.shadow, ctx, deps);
  // An open breaker: the shadow is skipped (recorded as a skipped comparison) and counted, never queued.
  const pass = upstream.guard.admit();
  if (isRefusal(pass)) {
    deps.metrics.breakerRejections.inc({ upstream: upstream.name, traffic: 'shadow' });
    deps.metrics.shadowDrops.inc({ route, reason: 'circuit_open' });
    ctx.shadowSkipped = 'circuit_open';
    return undefined;
  }
  if (!deps.shadows.acquire(route, cmp.maxInFlight)) {
    upstream.guard.settle(pass, 'none');
    deps.metrics.shadowDrops.inc({ route, reason: 'in_flight_limit' });
    (ctx as SlotCarrier)[DROPPED] = true;
    return undefined;
  }
  const body = ctx.body;
  // The client's validators are the primary's (core/validators.ts): the shadow is asked without them.
  const headers = withoutPreconditions(ctx.req.headers);
  const send = (): ReturnType<typeof replay> => replay(upstream, {
    method: ctx.req.method ?? 'GET', url: ctx.req.url ?? ctx.path, headers, rawHeaders: ctx.req.rawHeaders, body, tag: SHADOW_TAG,
  }, { timeoutMs: cmp.shadowTimeoutMs, captureLimit: cmp.maxBodyBytes, deadlines: deadlinesFor(upstream, rt), deadlineHeader: deps.config.deadline.header || null, stopAtStream: true, stopOverCap: true, slabCapture: true, otherSide: true, answered: () => (ctx.primary?.kind === 'answered' ? ctx.primary.headers : undefined) })
    .then((outcome) => {
      // A copy that ran out of its deadline while the primary had not answered either (a long poll
      // waiting for news) is no sign of a failing service: not held against its breaker.
      upstream.guard.settle(pass, outlastedByPrimary(outcome, ctx) ? 'none' : replayVerdict(outcome, upstream.guard, endpointKeyOf, ctx));
      // A stream's copy ended at its headers; its comparison waits for the primary's stream to end
      // (when the client leaves), which must not keep the route's other reads from being compared.
      if (outcome.ok && outcome.stream) releaseShadowSlot(ctx, deps);
      // Paired as soon as both answers are in, not after the comparison: the client may already be
      // sending the session the primary set (record-comparison pairs it too, when the primary was later).
      if (outcome.ok && ctx.primary?.kind === 'answered' && ctx.answeredBy === d.primary) pairOwnCookies(upstream, ctx.primary.headers, outcome.headers, ctx.req.headers.cookie);
      return outcome;
    });
  // Reads after writes: the shadow copy waits until the route's second writes in flight have landed
  // (plus settleMs), so it reads what the primary read; the client never waits for this.
  const settled = deps.comparisons?.writes.settled(route, cmp.settleMs, cmp.shadowTimeoutMs) ?? true;
  // A session the primary's answer to an earlier request just opened or renewed (a redirect to
  // sign-in setting its cookie, followed at once): the copy waits for that request's copy, whose
  // answer pairs the other side's session with it (probes16: sent before, it reached the service
  // with a cookie it never issued, signed out, and its page was a false difference).
  const before = sessionPredecessors(upstream, ctx);
  const ready = before.length === 0 ? settled : Promise.all([settled, ...before]);
  // A pair of own locations another worker or replica learned (io/own-location-store.ts), read before the copy goes.
  const recalled = recallOwnTarget(upstream, ctx.req.url ?? ctx.path);
  ctx.shadow = ready === true && recalled === null ? send() : Promise.all([ready, recalled]).then(send);
  trackCopy(upstream, ctx, ctx.shadow);
  (ctx as SlotCarrier)[SLOT] = { route, shadow: ctx.shadow, released: false };
  return undefined;
};

/** Shadow requests in flight per route. */
export class ShadowLimiter {
  private readonly inFlight = new Map<string, number>();
  acquire(route: string, max: number): boolean {
    const n = this.inFlight.get(route) ?? 0;
    if (n >= max) return false;
    this.inFlight.set(route, n + 1);
    return true;
  }
  release(route: string): void {
    this.inFlight.set(route, Math.max(0, (this.inFlight.get(route) ?? 1) - 1));
  }
}

/** The shadow's copy timed out while the primary's exchange was still running (no result yet). */
export function outlastedByPrimary(outcome: ReplayOutcome, ctx: RequestContext): boolean {
  return !outcome.ok && outcome.code === 'UPSTREAM_TIMEOUT' && ctx.primary === null;
}

/** The shadow copies in flight per upstream, with the request each copies (at most the routes' shadow slots). */
const copiesInFlight = new WeakMap<Upstream, Set<{ readonly ctx: RequestContext; readonly done: Promise<unknown> }>>();

function trackCopy(upstream: Upstream, ctx: RequestContext, copy: Promise<unknown>): void {
  let set = copiesInFlight.get(upstream);
  if (!set) copiesInFlight.set(upstream, (set = new Set()));
  const entry = { ctx, done: copy.catch(() => undefined) };
  set.add(entry);
  void entry.done.then(() => set!.delete(entry));
}

/** The copies in flight whose primary answer set a cookie value this request carries. */
function sessionPredecessors(upstream: Upstream, ctx: RequestContext): Array<Promise<unknown>> {
  const set = copiesInFlight.get(upstream);
  const cookie = ctx.req.headers.cookie;
  if (!set || set.size === 0 || cookie === undefined) return [];
  const out: Array<Promise<unknown>> = [];
  for (const e of set) if (e.ctx !== ctx && e.ctx.primary?.kind === 'answered' && carriesCookieSetBy(cookie, e.ctx.primary.headers)) out.push(e.done);
  return out;
}
