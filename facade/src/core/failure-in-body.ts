// Protocols that say a call failed inside a 2xx answer: the HTTP status is the transport's, the
// body's is the call's. A second write whose status is 200 can still have failed on its side:
//   IPP (application/ipp): the status-code in bytes 2-3 of the answer; 0x0400 and up are errors
//     (RFC 8011 §4.1.6), CUPS's `client-error-not-found` for a job id the other side never minted;
//   JSON-RPC: an answer (or a batch's member) with an `error` member (JSON-RPC 2.0 §5);
//   GraphQL over HTTP: `errors` beside `data` in a 200 (a mutation the other side refused);
//   git's smart-HTTP push (application/x-git-receive-pack-result): its report-status pkt-lines,
//     `unpack <error>` or `ng <ref> <reason>` (a push the other repository refused: a missing base
//     object, a non-fast-forward), or a fatal message on side-band 3, all inside a 200.
// Pure: the caller gives the decoded body.
import { jsonDocument } from './compare/body';
import { pktLines } from './compare/pkt-lines';
import { mediaTypeOf } from './media-type';

/** The failure a 2xx body reports (`ipp_status_0x0406`, `jsonrpc_error`, `graphql_errors`), or null when it reports none. */
export function failureInBody(contentType: string | readonly string[] | undefined, body: Buffer | null | undefined): string | null {
  if (!body || body.length === 0) return null;
  const media = mediaTypeOf(contentType);
  if (media === 'application/ipp') {
    if (body.length < 8) return null;
    const status = body.readUInt16BE(2);
    return status >= 0x0400 ? `ipp_status_0x${status.toString(16).padStart(4, '0')}` : null;
  }
  if (media === 'application/x-git-receive-pack-result') return gitPushFailure(body);
  if (media !== 'application/json' && !media.endsWith('+json')) return null;
  const doc = jsonDocument(body);
  if (Array.isArray(doc)) return doc.some(isRpcError) ? 'jsonrpc_error' : null;
  if (isRpcError(doc)) return 'jsonrpc_error';
  if (doc === null || typeof doc !== 'object') return null;
  // GraphQL's answer shape exactly (its spec §7.1): a REST answer that lists `errors` among its own fields is not one.
  const errors = (doc as { errors?: unknown }).errors;
  const graphql = Object.keys(doc).every((k) => k === 'data' || k === 'errors' || k === 'extensions');
  return graphql && Array.isArray(errors) && errors.length > 0 ? 'graphql_errors' : null;
}

/** A JSON-RPC answer that carries an error: `error` beside `id` (or `jsonrpc`), not null. */
function isRpcError(m: unknown): boolean {
  if (m === null || typeof m !== 'object' || Array.isArray(m)) return false;
  const o = m as Record<string, unknown>;
  return o.error !== undefined && o.error !== null && ('id' in o || 'jsonrpc' in o) && !('result' in o && o.result !== null);
}

/**
 * Git's report-status (gitprotocol-pack, "report-status" and "report-status-v2"), as its pkt-lines:
 * `unpack ok|<error>` then `ok <ref>` or `ng <ref> <reason>` per ref, or a fatal error on side-band
 * 3. `git_unpack_failed`, `git_ref_rejected` or `git_fatal`; null when every ref was taken (or the
 * body is no pkt-line stream).
 */
function gitPushFailure(body: Buffer): string | null {
  for (const line of pktLines(body) ?? []) {
    if (line.startsWith('fatal: ')) return 'git_fatal';
    if (line.startsWith('unpack ') && line !== 'unpack ok') return 'git_unpack_failed';
    if (line.startsWith('ng ')) return 'git_ref_rejected';
  }
  return null;
}
