// What `strangler divergences show` and the admin API print of a stored request: the target with
// secret query parameters masked, the headers with credentials masked, and a JSON body decoded and
// redacted. Other bodies are described (size, type, encoding), never printed: they may hold secrets.
import { redactBody, redactHeaders, redactUrl } from '../core/compare';
import { decodeBody } from './decode-body';
import type { StoredRequest } from './divergence-store';

export interface BodyView {
  readonly bytes: number;
  /** The redacted JSON body, when it is JSON (after content-encoding and a BOM are removed). */
  readonly json?: unknown;
  /** Why the body is not shown (not kept, not JSON, undecodable). */
  readonly note?: string;
}

export interface RequestView {
  readonly method: string;
  readonly target: string;
  readonly headers: Record<string, string | string[]>;
  readonly body: BodyView;
}

const SHOW_LIMIT = 1_048_576;
const BOM = '\ufeff';

function headerText(v: string | readonly string[] | undefined): string | undefined {
  return v === undefined ? undefined : typeof v === 'string' ? v : v.join(', ');
}

function bodyView(r: StoredRequest, redactPaths: readonly string[]): BodyView {
  if (r.body === null) return { bytes: 0, note: 'not kept: the body was over dualWrite.maxBodyBytes and went to the primary only' };
  if (r.body.length === 0) return { bytes: 0 };
  const type = headerText(r.headers['content-type']) ?? '';
  if (!/\bjson\b/i.test(type)) return { bytes: r.body.length, note: `not shown (${type || 'no content-type'}); kept byte for byte for the replay` };
  try {
    let text = decodeBody(r.body, headerText(r.headers['content-encoding']), SHOW_LIMIT).toString('utf8');
    if (text.startsWith(BOM)) text = text.slice(1);
    return { bytes: r.body.length, json: redactBody(JSON.parse(text), redactPaths) };
  } catch (err) {
    return { bytes: r.body.length, note: `not shown (${(err as Error).message}); kept byte for byte for the replay` };
  }
}

/** The stored request as it may be shown to an operator; `redactPaths` are the route's body redaction paths. */
export function viewRequest(r: StoredRequest, redactPaths: readonly string[]): RequestView {
  return { method: r.method, target: redactUrl(r.target), headers: redactHeaders(r.headers), body: bodyView(r, redactPaths) };
}
