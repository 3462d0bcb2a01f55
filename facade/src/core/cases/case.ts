// A case: one recorded exchange that can be exported as a file and replayed against any build of a
// service: the request (redacted), the monolith's answer (redacted, body decoded) and what the
// comparison of that exchange found. Plain data; the file format is case-file.ts. Pure.
import { createHash } from 'node:crypto';
import type { FieldClass, Verdict } from '../comparison/outcome';
import type { Side } from '../stages';

/** The format marker every case file carries (bumped when the shape changes incompatibly). */
export const CASE_FORMAT = 'strangler-case/1';

/**
 * A body as kept: parsed JSON, text, or only the size and hash of a binary body (its bytes are
 * never stored: they cannot be redacted); `omitted` when it was too large or not recorded at all.
 */
export type CaseBody =
  | { readonly kind: 'empty' }
  | { readonly kind: 'json'; readonly json: unknown }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'binary'; readonly bytes: number; readonly sha256: string }
  | { readonly kind: 'omitted'; readonly bytes: number | null; readonly why: string };

export type CaseHeaders = Readonly<Record<string, string | readonly string[]>>;

export interface CaseRequest {
  readonly method: string;
  /** Path and query as the client sent them, secret query parameters masked. */
  readonly target: string;
  readonly headers: CaseHeaders;
  readonly body: CaseBody;
}

export interface CaseAnswer {
  /** Which side gave this answer: the monolith, except for a divergence recorded at `live`/`rampdown`. */
  readonly side: Side;
  readonly status: number;
  readonly headers: CaseHeaders;
  readonly body: CaseBody;
}

/** One differing field of the recorded comparison, as it was classed when recorded. */
export interface CaseField {
  readonly field: string;
  readonly class: FieldClass;
  readonly why: string;
  readonly path: string;
  readonly kind: string;
  /** The two sides' (redacted, truncated) values; absent on a side that lacked the field. */
  readonly monolith?: unknown;
  readonly service?: unknown;
}

export interface CaseComparison {
  readonly verdict: Verdict;
  /** The side that answered the client. */
  readonly primary: Side;
  readonly reasked: boolean;
  /** Fields where the primary disagreed with itself when asked again (noise evidence). */
  readonly selfFields: readonly string[];
  readonly fields: readonly CaseField[];
}

export type CaseSource =
  | { readonly kind: 'comparison'; readonly requestId: string }
  | { readonly kind: 'divergence'; readonly divergence: number; readonly reason: string; readonly requestId: string | null };

export interface RecordedCase {
  readonly format: typeof CASE_FORMAT;
  readonly id: string;
  readonly route: string;
  readonly endpoint: string;
  readonly kind: 'read' | 'write';
  readonly recordedAt: string;
  readonly stage: string;
  readonly source: CaseSource;
  readonly request: CaseRequest;
  readonly answer: CaseAnswer;
  /** Null for a divergence (the two sides were never compared). */
  readonly comparison: CaseComparison | null;
}

/** Whether a store keeps a case as a real difference (always kept) or as a sample (per-endpoint budget). */
export type CaseClass = 'real' | 'sample';

export function classOf(c: Pick<RecordedCase, 'source' | 'comparison'>): CaseClass {
  return c.source.kind === 'divergence' || c.comparison?.verdict === 'mismatch' ? 'real' : 'sample';
}

/**
 * A short stable id from what identifies the request (route, method, redacted target and body, and
 * the divergence when there is one): the same request recorded again gets the same id, so a store
 * keeps one case per request and a re-export rewrites the same file.
 */
export function caseId(route: string, request: Pick<CaseRequest, 'method' | 'target' | 'body'>, divergence?: number): string {
  const h = createHash('sha1').update(`${route}\n${request.method}\n${request.target}\n`).update(JSON.stringify(request.body));
  if (divergence !== undefined) h.update(`\ndivergence ${divergence}`);
  return h.digest('hex').slice(0, 12);
}

/** The file a case is exported to: `GET-api-products-id.3f2a9c1b7e4d.json` (endpoint, then id). */
export function caseFileName(c: Pick<RecordedCase, 'endpoint' | 'id'>): string {
  const slug = c.endpoint.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'case';
  return `${slug}.${c.id}.json`;
}
