// Turns what the proxy saw (a streamed primary answer, a replayed copy) into comparison
// Observations: decoded bodies, or the reason no comparison can be made (too large, failed).
import type { Side } from '../core/stages';
import type { Observation } from '../core/compare/types';
import { requestOrigins } from '../core/compare/header-forms';
import type { UpstreamAddress } from '../core/location';
import { decodeBody } from '../io/decode-body';
import type { ForwardResult } from '../io/forward';
import type { ReplayOutcome } from '../io/replay';

export type Observed = { readonly ok: true; readonly observation: Observation } | { readonly ok: false; readonly outcome: 'skipped' | 'error'; readonly reason: string };

/** An answer's Content-Encoding as one list (repeated lines joined), for decodeBody. */
export function encodingOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const v = headers['content-encoding'];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** The request's own origins, for the comparison of a Location (core/compare/header-forms.ts); none: not known. */
export type Origins = readonly string[] | undefined;

type Answer = { readonly headers: Record<string, string | string[] | undefined> } | null | undefined;
const located = (a: Answer): boolean => a != null && (a.headers.location !== undefined || a.headers['content-location'] !== undefined);

/**
 * The request's origins, and the two upstreams' own (a Location on them reaches the client with the
 * request's origin: io/headers.ts locationForClient), worked out only when one of the answers names
 * a location (a redirect, a 201).
 */
export function originsFor(requestHeaders: Record<string, string | string[] | undefined>, primary: Answer, other: Answer, upstreams: readonly UpstreamAddress[] = []): Origins {
  if (!located(primary) && !located(other)) return undefined;
  const origins = requestOrigins(requestHeaders);
  for (const u of upstreams) for (const o of u.origins) if (!origins.includes(o)) origins.push(o);
  return origins;
}

function decoded(side: Side, status: number, headers: Record<string, string | string[] | undefined>, body: Buffer, ms: number, cap: number, origins: Origins): Observed {
  try {
    const plain = decodeBody(body, encodingOf(headers), cap);
    return { ok: true, observation: { ok: true, side, status, headers, body: plain, ms, origins } };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return code === 'BODY_TOO_LARGE' ? { ok: false, outcome: 'skipped', reason: 'too_large' } : { ok: false, outcome: 'error', reason: `${side}_body_undecodable` };
  }
}

export function observeForwarded(side: Side, r: ForwardResult | null, cap: number, origins?: Origins): Observed {
  if (!r) return { ok: false, outcome: 'error', reason: `${side}_not_sent` };
  if (r.kind === 'failed') return { ok: false, outcome: 'error', reason: `${side}_${r.error.code}` };
  if (r.kind !== 'answered') return { ok: false, outcome: 'error', reason: `${side}_${r.kind}` };
  if (r.overCap) return { ok: false, outcome: 'skipped', reason: 'too_large' };
  if (!r.complete || r.body === null) return { ok: false, outcome: 'error', reason: `${side}_incomplete` };
  return decoded(side, r.status, r.headers, r.body, r.ms, cap, origins);
}

export function observeReplayed(side: Side, r: ReplayOutcome, cap: number, origins?: Origins): Observed {
  if (!r.ok) return { ok: false, outcome: 'error', reason: `${side}_${r.code}` };
  if (r.overCap || r.body === null) return { ok: false, outcome: 'skipped', reason: 'too_large' };
  return decoded(side, r.status, r.headers, r.body, r.ms, cap, origins);
}

/** Both sides' observations of a compared read, and whether their bodies are byte-equal as received. */
export interface ObservedPair {
  readonly primary: Observed;
  readonly shadow: Observed;
  readonly bodiesEqual: boolean;
}

/**
 * Observes a compared read's two answers. When both are the same bytes under the same
 * Content-Encoding (the sides agree: the common case), neither is decoded here: the observations
 * decode on first read, for the rare reader that needs a body (a case sample), and the comparison
 * skips the bodies (two gzip answers cost two inflates and a compare of the results before).
 * Otherwise each side is observed as alone.
 */
export function observePair(primarySide: Side, fwd: ForwardResult | null, shadowSide: Side, replayed: ReplayOutcome, cap: number, origins?: Origins): ObservedPair {
  if (fwd?.kind === 'answered' && !fwd.overCap && fwd.complete && fwd.body !== null && replayed.ok && !replayed.overCap && replayed.body !== null
    && encodingOf(fwd.headers) === encodingOf(replayed.headers) && fwd.body.equals(replayed.body)) {
    return {
      primary: lazilyDecoded(primarySide, fwd.status, fwd.headers, fwd.body, fwd.ms, cap, origins),
      shadow: lazilyDecoded(shadowSide, replayed.status, replayed.headers, replayed.body, replayed.ms, cap, origins),
      bodiesEqual: true,
    };
  }
  return { primary: observeForwarded(primarySide, fwd, cap, origins), shadow: observeReplayed(shadowSide, replayed, cap, origins), bodiesEqual: false };
}

/** An observation whose body is decoded on first read (the raw bytes if they cannot be: both sides sent them alike). */
function lazilyDecoded(side: Side, status: number, headers: Record<string, string | string[] | undefined>, raw: Buffer, ms: number, cap: number, origins: Origins): Observed {
  if (encodingOf(headers) === undefined) return { ok: true, observation: { ok: true, side, status, headers, body: raw, ms, origins } };
  let plain: Buffer | null = null;
  const body = (): Buffer => {
    if (plain === null) {
      try { plain = decodeBody(raw, encodingOf(headers), cap); } catch { plain = raw; }
    }
    return plain;
  };
  return { ok: true, observation: { ok: true, side, status, headers, get body() { return body(); }, ms, origins } };
}
