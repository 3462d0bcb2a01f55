// The write side of the comparison step (called by record-comparison.ts): the authoritative answer
// vs the second write's answer, when both succeeded. A second write the other side missed is a
// divergence row here (counted by the gate and the report); its request lives in the divergence store.
import { HEADERS_ONLY, mintedIdFact, sequenceFact, writeTimingFact, type ComparisonRecord, type FieldFact } from '../core/comparison';
import { isStreamAnswer } from '../core/streams';
import { ownLocations } from '../core/own-location';
import { ownIdsAt } from '../core/own-ids';
import type { GeneratedFact } from '../core/comparison/generated';
import { lastName, valueAtPath } from '../core/compare';
import { jsonDocument } from '../core/compare/body';
import { elementOfTextField } from '../core/compare/markup-names';
import { observeForwarded, observeReplayed, originsFor } from './observations';
import { compared, headOnly, unmatched, wantDiff, type Base } from './record-comparison';
import type { ComparisonDeps, RequestContext } from './context';
import type { UpstreamAddress } from '../core/location';

/** The comparison record for a write sent to both sides, or null when nothing went to the other side. */
export async function compareWrite(ctx: RequestContext, c: ComparisonDeps, b: Base, upstreams: readonly UpstreamAddress[], ownIds?: ReadonlyMap<string, string>, byKind?: ReadonlyMap<string, ReadonlyMap<string, string>>): Promise<ComparisonRecord | null> {
  const d = ctx.decision!;
  const cap = ctx.runtime!.config.compare.maxBodyBytes;
  const p = ctx.primary;
  if (!p || p.kind !== 'answered' || p.status >= 400) return null; // the other side was never meant to get it
  const sw = ctx.secondWrite;
  const divergence = ctx.divergenceId ?? null;
  if (!sw) return ctx.body === null && ctx.bodyFile === null ? unmatched(b, 'divergence', 'second_write_not_sent_too_large', { detail: { divergence } }) : null;
  const facts = { shadowStatus: sw.ok ? sw.status : null, shadowMs: sw.ms };
  // A 2xx whose body said the write failed (second-write.ts: a 207's members, an IPP status, a git
  // push's `ng`) is a divergence already stored: the gate and the report count it as one too.
  if (!sw.ok || sw.status >= 400 || divergence !== null) {
    const why = !sw.ok ? `second_write_${sw.code}` : sw.status >= 400 ? `second_write_status_${sw.status}` : 'second_write_failed_in_body';
    return unmatched(b, 'divergence', why, { ...facts, detail: { divergence, secondWrite: sw.ok ? { status: sw.status } : { error: sw.error } } });
  }
  // Both sides got it. What is compared is the two answers, not the request: a large upload (a git
  // push's pack, a file PUT) usually gets a small answer, and one the other side refused inside it
  // must not pass unseen. Answers over the cap are skipped below (observeForwarded/observeReplayed);
  // a request body over the cap is only not read for echoes.
  const sent = ctx.body && ctx.body.length <= cap ? ctx.body : null;
  const origins = originsFor(ctx.req.headers, p, sw, upstreams);
  if (sw.stream || isStreamAnswer(p.headers)) {
    // A POST answered with a stream (a GraphQL subscription over SSE): its status and headers, as a
    // read's stream is compared (record-comparison.ts compareStreams), not an incomplete body.
    const evaluated = await c.pool.evaluate(b.route, headOnly(d.primary, p.status, p.headers, origins), headOnly(d.then!, sw.status, sw.headers), false, true);
    return compared({ ...b, primaryMs: null }, evaluated.facts, '', { shadowStatus: sw.status, shadowMs: null, reason: HEADERS_ONLY });
  }
  const po = observeForwarded(d.primary, p, cap, origins);
  if (!po.ok) return unmatched(b, po.outcome, po.reason, facts);
  const so = observeReplayed(d.then!, sw, cap, origins);
  if (!so.ok) return unmatched(b, so.outcome, so.reason, facts);
  const evaluated = await c.pool.evaluate(b.route, po.observation, so.observation, wantDiff(c, b.route));
  ctx.observed = { primary: po.observation, shadow: so.observation };
  const answers = po.observation.ok && so.observation.ok ? { primary: po.observation.body, shadow: so.observation.body } : undefined;
  const marked = markOwnIds(markOwnNumbers(markEchoes(evaluated.facts, sent, answers)), ownIds, byKind);
  // Two writes of one resource at once (two reserves of one item): each side answered from the order
  // it applied them in, which the facade cannot see; a difference there is no evidence either way.
  if (ctx.writeTicket?.overlapped && marked.some((f) => f.generated === null)) return unmatched(b, 'skipped', 'writes_overlapped', facts);
  return compared(b, marked, evaluated.diff, facts);
}

/**
 * A record each side created under a number of its own sequence (`orderId: 1040` against `35`), or
 * under an id it minted (`ch_3NxY…` against `ch_3Mq2…`, in a link too): a generated value
 * (core/comparison/generated.ts sequenceFact, mintedIdFact), not a difference left unjudged for ever.
 * A value the client sent (an echo) stays what it is.
 */
export function markOwnNumbers(facts: readonly FieldFact[]): readonly FieldFact[] {
  return facts.map((f) => {
    if (f.generated === null && !f.echo && f.kind === 'changed' && (f.path === 'headers.location' || f.path === 'headers.content-location')) {
      // A write's Location names what it created: the id in it is each side's own, as in the body.
      const generated = sequenceFact('id', f.primary, f.shadow) ?? mintedIdFact(f.primary, f.shadow) ?? ownLocationFact(f.primary, f.shadow);
      return generated ? { ...f, generated } : f;
    }
    if (f.generated !== null || f.echo || f.kind !== 'changed') return f;
    if (f.path.startsWith('text[')) {
      // An XML answer's element names its value as a JSON key does: S3's `<UploadId>` for a multipart
      // upload each side opened under its own id (every one was unjudged, and the gate waited for ever).
      const element = elementOfTextField(f.path);
      const generated = element === undefined ? null : sequenceFact(element, f.primary, f.shadow);
      return generated ? { ...f, generated } : f;
    }
    if (!f.path.startsWith('$')) return f;
    const field = lastName(f.path);
    const generated = sequenceFact(field, f.primary, f.shadow) ?? mintedIdFact(f.primary, f.shadow) ?? writeTimingFact(f.path, f.primary, f.shadow);
    return generated ? { ...f, generated } : f;
  });
}

/**
 * Each side's own location for what the write made (core/own-location.ts): an upload session at
 * `/uploads/<its uuid>?_state=<its hmac>` (a registry's 202), which no re-ask can judge; every
 * blob upload's POST and PATCH was unjudged at shadow, and the gate refused a service with no fault.
 */
export function ownLocationFact(primary: unknown, shadow: unknown): GeneratedFact | null {
  return typeof primary === 'string' && typeof shadow === 'string' && ownLocations(primary, shadow) ? { kind: 'sequence', deltaMs: null } : null;
}

/**
 * Each side's own id of a thing the sides paired when one write created it (core/own-ids.ts
 * ownIdsAt: `"id": 17` against `9001`, `"order_id"`, a link to it), in what they answer later: the
 * ids each side minted, as in the create's answer, not a difference. The read of `/orders/17` went to
 * the service's `/orders/9001`, and its list of orders names 9001 where the monolith's names 17.
 */
export function markOwnIds(facts: readonly FieldFact[], ids: ReadonlyMap<string, string> | undefined, byKind?: ReadonlyMap<string, ReadonlyMap<string, string>>): readonly FieldFact[] {
  if (ids === undefined || ids.size === 0 || facts.length === 0) return facts;
  // An echo too: the client sent the answering side's id, and the copy carried the other side's own (io/replay.ts ownIdsBody).
  return facts.map((f) => (f.generated !== null || f.kind !== 'changed' || !f.path.startsWith('$') || !ownIdsAt(lastName(f.path) ?? '', f.primary, f.shadow, ids, byKind)
    ? f : { ...f, echo: false, generated: { kind: 'sequence', deltaMs: null } }));
}

/** A Location each side answered for its own copy of the resource a read's copy was sent to (its own location: io/replay.ts ownTarget). */
export function markOwnLocations(facts: readonly FieldFact[]): readonly FieldFact[] {
  return facts.map((f) => {
    if (f.generated !== null || f.echo || f.kind !== 'changed' || (f.path !== 'headers.location' && f.path !== 'headers.content-location')) return f;
    const generated = ownLocationFact(f.primary, f.shadow);
    return generated ? { ...f, generated } : f;
  });
}

/**
 * Writes cannot be asked again, so what the client sent is the evidence: a field where the primary
 * answered the request body's own value at the same path and the shadow did not is a real difference.
 * `answers`: both sides' bodies as received, read where a fact's values are redacted (a refresh token
 * the client sent and the primary kept); without them the facts' own values are compared. A token
 * echoed so is not one the shadow minted for itself (generated.ts tokenFact).
 */
export function markEchoes(facts: readonly FieldFact[], body: Buffer | null, answers?: { readonly primary: Buffer; readonly shadow: Buffer }): readonly FieldFact[] {
  if (facts.length === 0) return facts;
  const sent = jsonDocument(body);
  if (sent === undefined) return facts;
  const primaryDoc = answers ? jsonDocument(answers.primary) : undefined;
  const shadowDoc = answers ? jsonDocument(answers.shadow) : undefined;
  const raw = primaryDoc !== undefined && shadowDoc !== undefined;
  return facts.map((f) => {
    if (!f.path.startsWith('$') || f.primary === undefined) return f;
    const v = valueAtPath(sent, f.path);
    if (v === undefined) return f;
    const primary = raw ? valueAtPath(primaryDoc, f.path) : f.primary;
    const shadow = raw ? valueAtPath(shadowDoc, f.path) : f.shadow;
    const echo = JSON.stringify(v) === JSON.stringify(primary) && JSON.stringify(v) !== JSON.stringify(shadow);
    return echo ? { ...f, echo, generated: f.generated?.kind === 'token' ? null : f.generated } : f;
  });
}
