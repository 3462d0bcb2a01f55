// Turns what the proxy saw (a streamed primary answer, a replayed copy) into comparison
// Observations: decoded bodies, or the reason no comparison can be made (too large, failed).
import type { Side } from '../core/stages';
import type { Observation } from '../core/compare/types';
import { decodeBody } from '../io/decode-body';
import type { ForwardResult } from '../io/forward';
import type { ReplayOutcome } from '../io/replay';

export type Observed = { readonly ok: true; readonly observation: Observation } | { readonly ok: false; readonly outcome: 'skipped' | 'error'; readonly reason: string };

function encodingOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const v = headers['content-encoding'];
  return Array.isArray(v) ? v.join(', ') : v;
}

function decoded(side: Side, status: number, headers: Record<string, string | string[] | undefined>, body: Buffer, ms: number, cap: number): Observed {
  try {
    const plain = decodeBody(body, encodingOf(headers), cap);
    return { ok: true, observation: { ok: true, side, status, headers, body: plain, ms } };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return code === 'BODY_TOO_LARGE' ? { ok: false, outcome: 'skipped', reason: 'too_large' } : { ok: false, outcome: 'error', reason: `${side}_body_undecodable` };
  }
}

export function observeForwarded(side: Side, r: ForwardResult | null, cap: number): Observed {
  if (!r) return { ok: false, outcome: 'error', reason: `${side}_not_sent` };
  if (r.kind === 'failed') return { ok: false, outcome: 'error', reason: `${side}_${r.error.code}` };
  if (r.kind !== 'answered') return { ok: false, outcome: 'error', reason: `${side}_${r.kind}` };
  if (r.overCap) return { ok: false, outcome: 'skipped', reason: 'too_large' };
  if (!r.complete || r.body === null) return { ok: false, outcome: 'error', reason: `${side}_incomplete` };
  return decoded(side, r.status, r.headers, r.body, r.ms, cap);
}

export function observeReplayed(side: Side, r: ReplayOutcome, cap: number): Observed {
  if (!r.ok) return { ok: false, outcome: 'error', reason: `${side}_${r.code}` };
  if (r.overCap || r.body === null) return { ok: false, outcome: 'skipped', reason: 'too_large' };
  return decoded(side, r.status, r.headers, r.body, r.ms, cap);
}
