// Step 5: after the authoritative write succeeded and the client has its answer, the same write
// goes to the other side (dualwrite, shadow, live, rampdown). Its outcome never reaches the client.
// One the other side missed (failed, answered >= 400, a 207 whose members failed, or not sent) is stored at once as a divergence,
// with the exact request to repair it (strangler divergences replay). A write to an upstream whose
// circuit breaker is open is not sent: it is such a divergence at once (reason second_write_UPSTREAM_CIRCUIT_OPEN).
import type { Decision } from '../core/decide';
import type { Side } from '../core/stages';
import type { StoredRequest } from '../io/divergence-store';
import { locationOn, ownTarget, pairCreatedInBodies, recallOwnTarget, pairIssuedCredentials, pairOwnCookies, pairOwnLocations, replay, type ReplayOutcome } from '../io/replay';
import { clientOrigin } from '../core/location';
import { noteCreated } from './track-writes';
import { isRefusal, replayVerdict } from '../io/upstream-guard';
import { endpointKeyOf } from './guarded-forward';
import { UpstreamError } from '../errors';
import { withoutPreconditions } from '../core/validators';
import { failureInBody, refusedWhole } from '../core/failure-in-body';
import { secondSentToSignIn } from '../core/sign-in-redirect';
import { decodeBody } from '../io/decode-body';
import { encodingOf } from './observations';
import { deadlinesFor, routeLabel } from './forward-primary';
import { upstreamFor, type FacadeDeps, type RequestContext, type Step } from './context';
import { SECOND_WRITE_TAG } from '../core/tags';


export const sendSecondWrite: Step = (ctx, deps) => {
  const d = ctx.decision;
  if (!d || d.then === null || !ctx.runtime) return undefined;
  return send(ctx, deps);
};

/**
 * The authoritative side applied the write: it answered with a status below 400 (even if the client
 * left mid-body, or before reading the answer: the write happened all the same), and its body does
 * not say the whole write was refused (core/failure-in-body.ts refusedWhole). Probes14: a Mercurial
 * push the monolith's hook refused (`abort: push failed on remote`, inside a 200) was applied by the
 * service at dualwrite, and no divergence told the two repositories apart.
 */
function primarySucceeded(ctx: RequestContext): boolean {
  const p = ctx.primary;
  if (p === null) return false;
  if (p.kind === 'client-gone') return p.answered !== undefined && p.answered.status < 400;
  if (p.kind !== 'answered' || p.status >= 400) return false;
  const failure = firstFailure(ctx);
  return failure === null || refusedWhole(failure, decoded(p.body, p.headers)) === null;
}

/** The failure the first side's answer body reports (core/failure-in-body.ts), read once per write: both checks below ask. */
const firstFailures = new WeakMap<RequestContext, string | null>();
function firstFailure(ctx: RequestContext): string | null {
  if (firstFailures.has(ctx)) return firstFailures.get(ctx)!;
  const p = ctx.primary;
  const failure = p?.kind === 'answered' ? failureInBody(p.headers['content-type'], decoded(p.body, p.headers)) : null;
  firstFailures.set(ctx, failure);
  return failure;
}

/**
 * The client left after its whole request had reached the authoritative side and before that side
 * answered: the facade abandoned the exchange, but the upstream may have applied the write.
 */
function outcomeUnknown(ctx: RequestContext): boolean {
  const p = ctx.primary;
  return p !== null && p.kind === 'client-gone' && p.answered === undefined && p.sent === true;
}

/** The authoritative side answered, but its answer could not be read (UPSTREAM_BAD_RESPONSE). */
function answerUnreadable(ctx: RequestContext): boolean {
  const p = ctx.primary;
  return p !== null && p.kind === 'failed' && p.error.code === 'UPSTREAM_BAD_RESPONSE';
}

/**
 * The headers the second side gets: the client's, without its preconditions (If-Match: "<etag>",
 * If-Unmodified-Since...). The authoritative side has judged them against its own validators and
 * applied the write; the other side's validators differ even for the same data, so it would refuse
 * (412) a write it must apply to stay in step, and so would every repair of that divergence.
 */
function secondWriteHeaders(ctx: RequestContext): RequestContext['req']['headers'] {
  return withoutPreconditions(ctx.req.headers);
}

/** What the second side gets (or would have got): the headers as forwarded, minus the framing `replay` sets itself. */
/** The target the second side got, when it was another than the client's (core/own-location.ts: the location that side named). */
const sentTargets = new WeakMap<RequestContext, string>();

async function requestOf(ctx: RequestContext): Promise<StoredRequest> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(secondWriteHeaders(ctx))) {
    if (value === undefined || name === 'content-length' || name === 'transfer-encoding') continue;
    headers[name] = value;
  }
  // A body kept on disk is read whole only here, when the other side missed it: the divergence keeps it for repair.
  const body = ctx.body ?? (ctx.bodyFile ? await ctx.bodyFile.read() : null);
  return { method: ctx.req.method ?? 'POST', target: sentTargets.get(ctx) ?? ctx.req.url ?? ctx.path, headers, body };
}

async function send(ctx: RequestContext, deps: FacadeDeps): Promise<undefined> {
  const d = ctx.decision as Decision & { then: Side };
  const rt = ctx.runtime!;
  const route = routeLabel(ctx);
  const upstream = upstreamFor(d.then, ctx, deps);
  const at = new Date().toISOString();
  if (!primarySucceeded(ctx)) {
    // The authoritative write did not succeed: by design the other side never sees it.
    deps.metrics.secondWrites.inc({ route, side: d.then, outcome: 'not_sent' });
    // Unless the authoritative side answered and the answer could not be read (an answer only a
    // lenient parser reads, the first one under `parser: auto`): it may have applied the write, so
    // the write is kept for an operator to repair or dismiss, never lost in silence.
    // So is a write the client left before it was answered (it went away mid-request or the
    // connection closed under a pipelined write): the primary had it whole and may have applied it.
    const reason = answerUnreadable(ctx) ? 'primary_answer_unreadable' : outcomeUnknown(ctx) ? 'primary_outcome_unknown_client_gone' : null;
    if (reason !== null) {
      await recordDivergence(ctx, deps, { at, side: d.then, upstream: upstream.name, reason, bodyBytes: ctx.body?.length ?? ctx.bodyFile?.length ?? null, outcome: null });
    }
    return undefined;
  }
  if (ctx.body === null && ctx.bodyFile === null) {
    // Only with dualWrite.overCap "primary-only": the body streamed to the primary and was not kept.
    deps.metrics.secondWrites.inc({ route, side: d.then, outcome: 'too_large' });
    const declared = Number(ctx.req.headers['content-length']);
    await recordDivergence(ctx, deps, { at, side: d.then, upstream: upstream.name, reason: 'second_write_not_sent_too_large', bodyBytes: Number.isInteger(declared) ? declared : null, outcome: null });
    return undefined;
  }
  const body = ctx.body ?? ctx.bodyFile!;
  const created = ctx.primary?.kind === 'answered' && ctx.primary.status < 300 ? headerValue(ctx.primary.headers.location) : undefined;
  if (created !== undefined) noteCreated(ctx, deps, () => locationOn(upstreamFor(d.primary, ctx, deps), created, clientOrigin(ctx.req.headers)));
  let circuitOpen = false;
  const send = async (): Promise<ReplayOutcome> => {
    // Asked when its turn comes: an open breaker means the write is not sent, and becomes a divergence below.
    const pass = upstream.guard.admit();
    if (isRefusal(pass)) {
      circuitOpen = true;
      deps.metrics.breakerRejections.inc({ upstream: upstream.name, traffic: 'second_write' });
      return { ok: false, code: 'UPSTREAM_CIRCUIT_OPEN', error: new UpstreamError('UPSTREAM_CIRCUIT_OPEN', upstream.name).message, ms: 0 };
    }
    await recallOwnTarget(upstream, ctx.req.url ?? ctx.path);
    const target = ownTarget(upstream, ctx.req.url ?? ctx.path);
    if (target !== (ctx.req.url ?? ctx.path)) sentTargets.set(ctx, target);
    const outcome = await replay(upstream, {
      method: ctx.req.method ?? 'POST', url: ctx.req.url ?? ctx.path, headers: secondWriteHeaders(ctx), rawHeaders: ctx.req.rawHeaders, body, tag: SECOND_WRITE_TAG,
    }, { timeoutMs: upstream.timeoutMs, captureLimit: rt.config.compare.maxBodyBytes, deadlines: deadlinesFor(upstream, rt), deadlineHeader: deps.config.deadline.header || null, otherSide: true,
      answered: () => (ctx.primary?.kind === 'answered' ? ctx.primary.headers : undefined) });
    upstream.guard.settle(pass, replayVerdict(outcome, upstream.guard, endpointKeyOf, ctx));
    const primary = ctx.primary;
    if (outcome.ok && primary?.kind === 'answered') {
      pairOwnCookies(upstream, primary.headers, outcome.headers, ctx.req.headers.cookie);
      // Each side named its own location for what the write created: the client's next requests there reach this side's.
      pairOwnLocations(upstreamFor(d.primary, ctx, deps), upstream, primary, outcome, () => clientOrigin(ctx.req.headers));
      // A create that names what it made in its body only (`{"id": 17}`): the same, under the collection each side was posted to.
      if (ctx.req.method === 'POST' && primary.status < 300 && outcome.status < 300 && primary.headers.location === undefined) {
        const pathOf = (url: string): string => url.split('?')[0]!;
        pairCreatedInBodies(upstreamFor(d.primary, ctx, deps), upstream, () => decoded(primary.body, primary.headers), () => decoded(outcome.body, outcome.headers),
          { answered: pathOf(ctx.req.url ?? ctx.path), copy: pathOf(target) }, () => clientOrigin(ctx.req.headers));
      }
      // A login that reached both: each side issued its own credential, and the client holds the answering side's.
      if (primary.status < 300 && outcome.status < 300) pairIssuedCredentials(upstream, () => decoded(primary.body, primary.headers), () => decoded(outcome.body, outcome.headers));
    }
    return outcome;
  };
  // After the copies this write may depend on (io/write-order.ts): those answered before it arrived, and its resource's.
  const late = (): void => {
    deps.metrics.secondWrites.inc({ route, side: d.then, outcome: 'order_wait_exceeded' });
    deps.logger.warn({ requestId: ctx.requestId, route, path: ctx.path, waitedMs: rt.config.dualWrite.orderWaitMs }, 'second write sent before the writes it may depend on settled (dualWrite.orderWaitMs)');
  };
  const outcome = deps.writeOrder && ctx.writeTicket ? await deps.writeOrder.run(ctx.writeTicket, send, rt.config.dualWrite.orderWaitMs, late) : await send();
  ctx.secondWrite = outcome;
  const inBody = outcome.ok && outcome.status < 400 ? failedInBody(outcome, ctx) ?? sentToSignIn(outcome, ctx) : null;
  const failed = !outcome.ok || outcome.status >= 400 || partlyFailed(outcome, ctx) || inBody !== null;
  deps.metrics.secondWrites.inc({ route, side: d.then, outcome: circuitOpen ? 'circuit_open' : failed ? 'failed' : 'ok' });
  if (failed) {
    const reason = inBody !== null ? `second_write_${inBody}` : outcome.ok ? `second_write_status_${outcome.status}` : `second_write_${outcome.code}`;
    await recordDivergence(ctx, deps, { at, side: d.then, upstream: upstream.name, reason, bodyBytes: body.length, outcome });
  }
  return undefined;
}

/** A status line inside a WebDAV multistatus body that says a member failed (`<D:status>HTTP/1.1 423 Locked</D:status>`). */
const MEMBER_FAILED = /HTTP\/\d(?:\.\d)?\s+[45]\d\d\b/g;
const failedMembers = (body: Buffer | null): number => (body === null ? 0 : body.toString('latin1').match(MEMBER_FAILED)?.length ?? 0);

/**
 * A 207 Multi-Status that says some of the write failed on the second side (a DELETE of a folder
 * whose members it could not all delete) where the first side's answer said so of fewer: its 2xx
 * status hid a write the other side only partly applied (probes8: 28 files left on the service
 * against 3, no divergence).
 */
function partlyFailed(outcome: ReplayOutcome & { ok: true }, ctx: RequestContext): boolean {
  if (outcome.status !== 207) return false;
  const failed = failedMembers(outcome.body);
  if (failed === 0) return false;
  const p = ctx.primary;
  return !(p?.kind === 'answered' && p.status === 207 && failedMembers(p.body) >= failed);
}

/**
 * The failure the second side's 2xx body reports (core/failure-in-body.ts: an IPP status, a JSON-RPC
 * error, GraphQL errors) where the first side's answer reported none or another: the HTTP status hid
 * a write the second side refused (probes10: CUPS answered a Send-Document for a job it never
 * created with 200 and `client-error-not-found`, and no divergence was kept).
 */
function failedInBody(outcome: ReplayOutcome & { ok: true }, ctx: RequestContext): string | null {
  const second = failureInBody(outcome.headers['content-type'], decoded(outcome.body, outcome.headers));
  if (second === null) return null;
  return firstFailure(ctx) === second ? null : second;
}

/** The second side answered with a redirect to its sign-in page where the first did not (core/sign-in-redirect.ts). */
function sentToSignIn(outcome: ReplayOutcome & { ok: true }, ctx: RequestContext): string | null {
  const p = ctx.primary;
  const first = p?.kind === 'answered' ? { status: p.status, location: headerValue(p.headers.location) } : p?.kind === 'client-gone' && p.answered ? { status: p.answered.status, location: headerValue(p.answered.headers.location) } : null;
  return first !== null && secondSentToSignIn(first, { status: outcome.status, location: headerValue(outcome.headers.location) }) ? 'redirected_to_sign_in' : null;
}

const headerValue = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/** A captured body decoded for reading (null when it was not kept or cannot be decoded). */
function decoded(body: Buffer | null, headers: Record<string, string | string[] | undefined>): Buffer | null {
  const encoding = encodingOf(headers);
  if (body === null || encoding === undefined) return body;
  try { return decodeBody(body, encoding, 1_048_576); } catch { return null; }
}

interface Missed { at: string; side: Side; upstream: string; reason: string; bodyBytes: number | null; outcome: ReplayOutcome | null }

async function recordDivergence(ctx: RequestContext, deps: FacadeDeps, m: Missed): Promise<void> {
  const fields = { requestId: ctx.requestId, route: routeLabel(ctx), side: m.side, method: ctx.req.method, path: ctx.path, reason: m.reason };
  if (!deps.divergences) {
    deps.logger.error(fields, 'second write missed and no divergence store is configured: the two sides now disagree');
    return;
  }
  const p = ctx.primary;
  const id = await deps.divergences.record({
    at: m.at, route: fields.route, stage: ctx.decision!.stage, requestId: ctx.requestId, side: m.side, upstream: m.upstream,
    reason: m.reason, path: ctx.path, request: await requestOf(ctx), bodyBytes: m.bodyBytes,
    primaryStatus: p?.kind === 'answered' ? p.status : null,
    secondStatus: m.outcome?.ok ? m.outcome.status : null, secondError: m.outcome && !m.outcome.ok ? m.outcome.error : null,
  }, ctx.runtime!.config.dualWrite.warnStoredBytes);
  if (id !== null) ctx.divergenceId = id;
}
