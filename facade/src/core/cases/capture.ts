// Turns one exchange into a case: the request's headers that matter and its body, the monolith's
// answer, both redacted with the diff store's rules (secret headers, query parameters, field names,
// the route's redact paths, JWTs). Masks are written without the fingerprint key, so the same
// exchange gives the same file whichever facade recorded it. The same encoding is applied to a
// replayed answer (judge.ts), so both sides of a replay are read alike. Pure.
import { createHash } from 'node:crypto';
import { canonicalize } from '../compare/canonical';
import { readBody } from '../compare/body';
import { redactBody, redactHeaders, redactText, redactUrl, type RedactionOptions } from '../compare/redact';
import type { Classed } from '../comparison/classify';
import type { ComparisonRecord, FieldFact } from '../comparison/record';
import { caseId, CASE_FORMAT, type CaseBody, type CaseComparison, type CaseField, type CaseHeaders, type CaseRequest, type CaseSource, type RecordedCase } from './case';
import type { Side } from '../stages';

/** How a route's exchanges are redacted and how large a kept body may be. */
export interface CapturePolicy {
  /** The route's body redaction paths (its `compare.redact` plus the ones always redacted). */
  readonly redact: readonly string[];
  /** The facade's redaction lists; a fingerprint key in it is not used (see the header). */
  readonly redaction: RedactionOptions;
  /** A body larger than this (decoded) is kept as its size only. */
  readonly maxBodyBytes: number;
}

type RawHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

// Per connection, re-framed on replay, or added by the facade itself: never part of a case.
const NOT_KEPT = new Set([
  'host', 'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect',
  'content-length', 'content-encoding', 'forwarded', 'via', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto',
  'x-forwarded-port', 'x-request-id', 'accept-encoding', 'date', 'age',
]);

const kept = (name: string): boolean => !NOT_KEPT.has(name) && !name.startsWith('x-strangler-');

/** The headers worth keeping, lower-cased and sorted, secret values masked. */
export function keepHeaders(headers: RawHeaders, redaction: RedactionOptions): CaseHeaders {
  const byName = new Map<string, string | string[]>();
  for (const [key, value] of Object.entries(headers)) {
    const name = key.toLowerCase();
    if (value !== undefined && kept(name)) byName.set(name, typeof value === 'string' ? value : [...value]);
  }
  const out: Record<string, string | string[]> = {};
  for (const name of [...byName.keys()].sort()) out[name] = byName.get(name)!;
  return redactHeaders(out, [], unkeyed(redaction));
}

function unkeyed(r: RedactionOptions): RedactionOptions {
  if (r.key === undefined) return r;
  const { key: _key, ...rest } = r;
  return rest;
}

/** The redaction options a case is written with: the facade's lists without its fingerprint key. */
export function caseRedaction(r: RedactionOptions): RedactionOptions {
  return unkeyed(r);
}

/** One value of a header (any case), arrays joined with `, `. */
export function headerOf(headers: RawHeaders | CaseHeaders, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() !== name || v === undefined) continue;
    return typeof v === 'string' ? v : v.join(', ');
  }
  return undefined;
}

/**
 * A decoded body as a case keeps it: JSON parsed (exact numbers kept) and redacted, text redacted,
 * binary as size and sha256 only; `null` (not kept) and oversized bodies as `omitted`.
 */
export function encodeBody(body: Buffer | null, contentType: string | undefined, policy: CapturePolicy): CaseBody {
  if (body === null) return { kind: 'omitted', bytes: null, why: 'the body was not kept' };
  if (body.length === 0) return { kind: 'empty' };
  if (body.length > policy.maxBodyBytes) return { kind: 'omitted', bytes: body.length, why: `larger than ${policy.maxBodyBytes} bytes` };
  const read = readBody(body, contentType);
  const options = unkeyed(policy.redaction);
  if (read.kind === 'json') return { kind: 'json', json: canonicalize(redactBody(read.value, policy.redact, options)) };
  if (read.kind === 'binary') return { kind: 'binary', bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') };
  return read.text === '' ? { kind: 'empty' } : { kind: 'text', text: redactText(read.text, options) };
}

/** One exchange as the facade saw it (bodies decoded). */
export interface Exchange {
  readonly route: string;
  readonly endpoint: string;
  readonly kind: 'read' | 'write';
  readonly stage: string;
  readonly at: string;
  readonly source: CaseSource;
  readonly request: { readonly method: string; readonly target: string; readonly headers: RawHeaders; readonly body: Buffer | null };
  /** The monolith's answer; `body: null` when it was not recorded (a divergence keeps only the status). */
  readonly answer: { readonly side: Side; readonly status: number; readonly headers: RawHeaders; readonly body: Buffer | null; readonly note?: string };
  readonly comparison: CaseComparison | null;
}

/** The request part of a case: method, redacted target, the headers that matter, the body as kept. */
export function captureRequest(r: Exchange['request'], policy: CapturePolicy): CaseRequest {
  const options = unkeyed(policy.redaction);
  return {
    method: r.method.toUpperCase(),
    target: redactUrl(r.target, options),
    headers: keepHeaders(r.headers, options),
    body: encodeBody(r.body, headerOf(r.headers, 'content-type'), policy),
  };
}

/** The case of one exchange (see the module header); `request` when captured already (to check its id first). */
export function captureCase(x: Exchange, policy: CapturePolicy, request: CaseRequest = captureRequest(x.request, policy)): RecordedCase {
  const answerBody: CaseBody = x.answer.body === null && x.answer.note !== undefined
    ? { kind: 'omitted', bytes: null, why: x.answer.note }
    : encodeBody(x.answer.body, headerOf(x.answer.headers, 'content-type'), policy);
  const divergence = x.source.kind === 'divergence' ? x.source.divergence : undefined;
  return {
    format: CASE_FORMAT, id: caseId(x.route, request, divergence), route: x.route, endpoint: x.endpoint, kind: x.kind,
    recordedAt: x.at, stage: x.stage, source: x.source, request,
    answer: { side: x.answer.side, status: x.answer.status, headers: keepHeaders(x.answer.headers, policy.redaction), body: answerBody },
    comparison: x.comparison === null ? null : { ...x.comparison, fields: x.comparison.fields.map((f) => ({ ...f, ...unmaskedKeys(f) })) },
  };
}

// Values of comparison facts were redacted with the facade's key: write them keyless like the rest.
const KEYED_MASK = /\[REDACTED:[0-9a-f]{6}\]/g;

function unmaskedKeys(f: { monolith?: unknown; service?: unknown }): { monolith?: unknown; service?: unknown } {
  const out: { monolith?: unknown; service?: unknown } = {};
  if (f.monolith !== undefined) out.monolith = withoutKeyedMasks(f.monolith);
  if (f.service !== undefined) out.service = withoutKeyedMasks(f.service);
  return out;
}

/** A copy with keyed masks (`[REDACTED:3f2a9c]`) written as plain `[REDACTED]`. */
export function withoutKeyedMasks(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(KEYED_MASK, '[REDACTED]');
  if (Array.isArray(value)) return value.map(withoutKeyedMasks);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: withoutKeyedMasks(v), enumerable: true, writable: true, configurable: true });
  return out;
}

/** True when any part of the request carries a mask: sending it would send the mask, not the value. */
export function maskedParts(request: RecordedCase['request']): string[] {
  const parts: string[] = [];
  if (request.target.includes('[REDACTED')) parts.push('query');
  if (request.body.kind === 'json' && JSON.stringify(request.body.json).includes('[REDACTED')) parts.push('body');
  if (request.body.kind === 'text' && request.body.text.includes('[REDACTED')) parts.push('body');
  return parts;
}

/** The recorded comparison as a case keeps it: the verdict and each differing field as it was classed. */
export function caseComparison(r: ComparisonRecord, classed: Classed): CaseComparison {
  const side = (f: FieldFact, which: Side): unknown => (r.primarySide === which ? f.primary : f.shadow);
  return {
    verdict: classed.verdict, primary: r.primarySide as Side, reasked: r.reasked, selfFields: [...r.selfFields],
    fields: classed.fields.map((f): CaseField => {
      const field: CaseField = { field: f.field, class: f.class, why: f.why, path: f.example.path, kind: f.example.kind };
      const monolith = side(f.example, 'monolith');
      const service = side(f.example, 'service');
      return { ...field, ...(monolith !== undefined ? { monolith } : {}), ...(service !== undefined ? { service } : {}) };
    }),
  };
}
