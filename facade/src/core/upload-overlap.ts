// An answer that starts while the client's upload is still arriving. Either the upstream declined
// the rest (a 401 or 413 before the body was read: the connection must close, nginx's lingering
// close), or it answers as it reads (a full-duplex exchange: an echo, a progress stream, an NDJSON
// request answered line by line), whose upload ends before its answer does, and whose connection
// stays open going direct or through nginx. Pure.

type AnswerHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * True when the connection's fate is settled when the head goes out: an answer that is not chunked
 * (a Content-Length, no body at all, or one up to the upstream's close) is taken for a refusal of the
 * rest of the upload, and says `Connection: close` at once. A chunked answer may outlast the upload:
 * whether the connection closes is decided when it ends (io/close-after-answer.ts).
 */
export function endKnownAtHead(status: number, headers: AnswerHeaders, method: string | undefined): boolean {
  if (method === 'HEAD' || status === 204 || status === 304 || status < 200) return true;
  return headers['content-length'] !== undefined || headers['transfer-encoding'] === undefined;
}
