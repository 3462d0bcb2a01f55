// Protocols that say a call failed inside a 2xx answer: the HTTP status is the transport's, the
// body's is the call's. A second write whose status is 200 can still have failed on its side:
//   IPP (application/ipp): the status-code in bytes 2-3 of the answer; 0x0400 and up are errors
//     (RFC 8011 §4.1.6), CUPS's `client-error-not-found` for a job id the other side never minted;
//   JSON-RPC: an answer (or a batch's member) with an `error` member (JSON-RPC 2.0 §5);
//   GraphQL over HTTP: `errors` beside `data` in a 200 (a mutation the other side refused);
//   git's smart-HTTP push (application/x-git-receive-pack-result): its report-status pkt-lines,
//     `unpack <error>` or `ng <ref> <reason>` (a push the other repository refused: a missing base
//     object, a non-fast-forward), or a fatal message on side-band 3, all inside a 200;
//   Mercurial's push (`unbundle`, application/mercurial-0.1): a bundle2 reply whose `error:*` part
//     (`error:abort` from a hook, `error:pushraced` when the other repository's heads or phases are
//     not those the client saw) or a `reply:pushkey` with `return=0` says the push was refused.
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
  if (media === 'application/mercurial-0.1' || media === 'application/mercurial-0.2') return hgPushFailure(body, media.endsWith('0.2'));
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

/**
 * The failure a 2xx body reports when it says the whole write was refused, nothing of it applied:
 * an IPP status error, a single JSON-RPC call's error, a git push whose pack was not unpacked, a
 * Mercurial push whose bundle2 reply holds an `error:*` part (its transaction rolled back). Null
 * for a failure that may be partial (a JSON-RPC batch with one failed member, GraphQL errors
 * beside data, a git push with one ref refused, a Mercurial bookmark not moved) or none: the write
 * may have been applied in part, so it still goes to the other side. `failure`: failureInBody's
 * verdict on that body, read once by the caller.
 */
export function refusedWhole(failure: string | null, body: Buffer | null | undefined): string | null {
  if (failure === null) return null;
  if (failure.startsWith('ipp_status_') || failure.startsWith('hg_error_') || failure === 'git_unpack_failed') return failure;
  return failure === 'jsonrpc_error' && !Array.isArray(jsonDocument(body!)) ? failure : null;
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

/** The most parts of a bundle2 reply read (a push's reply has a handful). */
const HG_MAX_PARTS = 1024;

/**
 * Mercurial's bundle2 reply to a push (mercurial/help/internals/bundle2.txt): `HG20`, stream
 * parameters, then parts (a header naming the part's type and parameters, then payload chunks).
 * `hg_error_abort`, `hg_error_pushraced`, … for an `error:*` part, `hg_pushkey_failed` for a
 * `reply:pushkey` whose `return` is 0 (a bookmark the other side would not move); null when the
 * reply reports neither, or is no uncompressed bundle2 (an old `<code>\n` reply, a compressed one).
 * The 0.2 media type starts with its compression engine's name: only `none` is read.
 */
function hgPushFailure(body: Buffer, withEngine: boolean): string | null {
  let at = 0;
  if (withEngine) {
    const n = body[0] ?? 0;
    if (body.toString('latin1', 1, 1 + n) !== 'none') return null;
    at = 1 + n;
  }
  if (body.toString('latin1', at, at + 4) !== 'HG20') return null;
  at += 4;
  const int32 = (): number | null => (at + 4 <= body.length ? body.readInt32BE((at += 4) - 4) : null);
  const params = int32();
  if (params === null || params < 0 || at + params > body.length) return null;
  // A compressed stream (`Compression=BZ`) is not read: nothing can be said of it.
  if (/(?:^| )Compression=(?!UN(?: |$))/.test(body.toString('latin1', at, at + params))) return null;
  at += params;
  for (let part = 0; part < HG_MAX_PARTS; part++) {
    const size = int32();
    if (size === null || size < 0 || at + size > body.length) return null;
    if (size === 0) return null; // the end of the stream: no part said the push failed
    const header = body.subarray(at, at + size);
    at += size;
    const failure = hgPartFailure(header);
    if (failure !== null) return failure;
    for (;;) { // the part's payload chunks, up to an empty one
      const chunk = int32();
      if (chunk === null || chunk < 0 || at + chunk > body.length) return null; // an interruption (-1) is not read
      if (chunk === 0) break;
      at += chunk;
    }
  }
  return null;
}

/** A part's header: its type (upper case when mandatory), then its id and parameters. */
function hgPartFailure(h: Buffer): string | null {
  const typeSize = h[0] ?? 0;
  if (1 + typeSize > h.length) return null;
  const type = h.toString('latin1', 1, 1 + typeSize).toLowerCase();
  if (/^error:[a-z]+$/.test(type)) return `hg_${type.replace(':', '_')}`;
  if (type !== 'reply:pushkey') return null;
  let at = 1 + typeSize + 4; // the part id
  const count = (h[at] ?? 0) + (h[at + 1] ?? 0); // mandatory, then advisory parameters
  at += 2;
  const sizes: number[] = [];
  for (let i = 0; i < count * 2; i++) sizes.push(h[at + i] ?? 0);
  at += count * 2;
  for (let i = 0; i < count; i++) {
    const key = h.toString('latin1', at, at + sizes[2 * i]!);
    at += sizes[2 * i]!;
    const value = h.toString('latin1', at, at + sizes[2 * i + 1]!);
    at += sizes[2 * i + 1]!;
    if (key === 'return') return value === '0' ? 'hg_pushkey_failed' : null;
  }
  return null;
}
