// Conditional requests (RFC 9110 §13) carry validators that one side made: an ETag (often weak,
// from a file's size and mtime) or a date from its own clock or rows. The other side's validators
// are its own even when its data is the same, so a copy of the request sent there keeps the
// client's question but not the primary's validators, and an answer the primary made *from* them
// (304 Not Modified, 412 Precondition Failed, a whole body for a stale If-Range) has no counterpart
// to compare. Pure: no I/O.

/**
 * The request headers that carry a client's validators (RFC 9110 §13.1), and WebDAV's `If` (RFC 4918
 * §10.4: the primary's lock tokens and entity-tags; the other side has its own, and refused every
 * write under a lock with 412).
 */
export const PRECONDITION_HEADERS: readonly string[] = ['if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since', 'if-range', 'if'];

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** True when the request carries any precondition (node:http's lower-cased header names). */
export function hasPreconditions(headers: Headers): boolean {
  for (const name of PRECONDITION_HEADERS) if (headers[name] !== undefined) return true;
  return false;
}

/** The headers without the preconditions; the same object when there are none (the common case costs nothing). */
export function withoutPreconditions<H extends Headers>(headers: H): H {
  if (!hasPreconditions(headers)) return headers;
  const out: Record<string, string | string[] | undefined> = {};
  for (const name of Object.keys(headers)) if (!PRECONDITION_HEADERS.includes(name)) out[name] = headers[name];
  return out as H;
}

/**
 * True when the primary's answer was decided by the client's validators: a 304 or 412 to a
 * conditional request, or a whole 200 body where the client asked for a range `If-Range` the
 * primary's validator no longer matched. A copy asked without them cannot be compared with it.
 */
export function answeredFromValidators(headers: Headers, status: number | null): boolean {
  if (status === null) return false;
  if (status === 304 || status === 412) return hasPreconditions(headers);
  return status === 200 && headers['if-range'] !== undefined && headers.range !== undefined;
}

/** The entity-tags of an If-None-Match list, each without its weakness marker (`W/`); `*` alone stays. */
function entityTags(value: string): string[] {
  return (value.match(/(?:W\/)?"[^"]*"|\*/g) ?? []).map((t) => t.replace(/^W\//, ''));
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

/**
 * Would the side whose whole answer this is have said 304 Not Modified to the client's request?
 * If-None-Match by weak comparison (RFC 9110 §13.1.2), else If-Modified-Since against its
 * Last-Modified (§13.1.3): its own validators meet the client's condition, so both sides agree that
 * the client's copy is current.
 */
export function notModifiedFor(request: Headers, status: number, answer: Headers): boolean {
  if (status === 304) return true;
  if (status !== 200) return false;
  const inm = first(request['if-none-match']);
  if (inm !== undefined) {
    const tags = entityTags(inm);
    if (tags.includes('*')) return true;
    const etag = first(answer.etag);
    return etag !== undefined && tags.includes(etag.trim().replace(/^W\//, ''));
  }
  const since = Date.parse(first(request['if-modified-since']) ?? '');
  const modified = Date.parse(first(answer['last-modified']) ?? '');
  return Number.isFinite(since) && Number.isFinite(modified) && modified <= since;
}
