// Divergences as cases (`strangler divergences export`): each stored write the other side missed,
// its sealed request opened with the divergence key, decoded and redacted like any case, with the
// status the authoritative side answered as the expected answer (a divergence keeps no answer body,
// so a replay of it compares the status only). A replay with --writes against a throwaway build of
// the service shows whether the fix now takes those writes.
import type { RouteConfig } from '../config';
import { captureCase, caseRedaction, type RecordedCase } from '../core/cases';
import { headerOf } from '../core/cases/capture';
import type { RedactionOptions } from '../core/compare/redact';
import { compileEndpointPattern, endpointOf } from '../core/comparison';
import { ALWAYS_REDACTED } from './compare-rules';
import { decodeBody } from './decode-body';
import type { DivergenceStatus, DivergenceStore } from './divergence-store';

export interface DivergenceCases {
  readonly cases: RecordedCase[];
  /** Divergences not exported, and why (no status of the authoritative answer). */
  readonly skipped: ReadonlyArray<{ readonly id: number; readonly why: string }>;
}

/** The route's divergences (one status, or all) as cases, oldest first. Opening a request needs the key. */
export async function divergencesAsCases(store: DivergenceStore, route: RouteConfig, status: DivergenceStatus | undefined, redaction: RedactionOptions, maxBodyBytes: number): Promise<DivergenceCases> {
  const patterns = route.compare.endpoints.map(compileEndpointPattern);
  const policy = { redact: [...route.compare.redact, ...ALWAYS_REDACTED], redaction: caseRedaction(redaction), maxBodyBytes };
  const cases: RecordedCase[] = [];
  const skipped: Array<{ id: number; why: string }> = [];
  for (const d of await store.list(route.name, { status })) {
    if (d.primaryStatus === null) { skipped.push({ id: d.id, why: 'the status of the authoritative answer was not recorded' }); continue; }
    const request = (await store.request(route.name, d.id))!;
    let body: Buffer | null = request.body;
    if (body !== null) {
      try { body = decodeBody(body, headerOf(request.headers, 'content-encoding'), maxBodyBytes + 1); } catch { body = null; }
    }
    cases.push(captureCase({
      route: route.name, endpoint: endpointOf(d.method, d.path, patterns), kind: 'write', stage: d.stage, at: d.at,
      source: { kind: 'divergence', divergence: d.id, reason: d.reason, requestId: d.requestId },
      request: { method: request.method, target: request.target, headers: request.headers, body },
      // The side that answered the client is the one that did not miss the write.
      answer: { side: d.side === 'service' ? 'monolith' : 'service', status: d.primaryStatus, headers: {}, body: null, note: 'a divergence keeps only the status of the answer' },
      comparison: null,
    }, policy));
  }
  return { cases, skipped };
}
