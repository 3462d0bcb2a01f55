// Closing a client connection after an answer whose head already went out without
// `Connection: close` (core/upload-overlap.ts: a streamed answer that ended before the upload).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { lingerAfterAnswer } from './linger';

/**
 * Call before res.end(). node:http decides at writeHead whether the connection ends after the
 * answer (`_last`, read when the answer finishes); an upload left unread means the connection's
 * framing is lost, so it must end, lingering (io/linger.ts) so the client reads the answer.
 */
export function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  (res as ServerResponse & { _last?: boolean })._last = true;
  lingerAfterAnswer(req);
}
