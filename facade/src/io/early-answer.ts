// An upstream may answer a request before it has read the body (413 for an upload over its limit,
// 401 before reading it) and close the connection; with body bytes still unread, its kernel resets
// the connection. While the facade streams the client's upload, its next write then fails (EPIPE or
// ECONNRESET) before the answer waiting in the socket was read, the socket was destroyed with it,
// and the client got 502 where a direct client (which hands the whole body over at once) gets the
// 413. Here a failed write reports its error once the event loop has polled again, so the answer
// already received is read first and relayed (undici completes a response cut by a reset once its
// status line was parsed).
import type { Socket } from 'node:net';

const WRITE_RESETS = new Set(['EPIPE', 'ECONNRESET']);

type WriteGeneric = (writev: boolean, data: unknown, encoding: string, cb: (err?: Error | null) => void) => unknown;

/** Lets `socket` read what already arrived before a failed write errors it. */
export function readBeforeWriteErrors(socket: Socket): void {
  // net.Socket's one write path (write and writev); the callback is the stream's: an error there
  // marks the readable side errored too, and what arrives after is dropped.
  const target = socket as unknown as { _writeGeneric: WriteGeneric };
  const write = target._writeGeneric;
  if (typeof write !== 'function') return;
  target._writeGeneric = function (this: Socket, writev, data, encoding, cb) {
    return write.call(this, writev, data, encoding, (err) => {
      const e = err as NodeJS.ErrnoException | null | undefined;
      // The answer, if any, is read first: after the next poll phase (a check phase comes before it,
      // and the reset may have come after this turn's poll, with the answer unread in the kernel).
      if (e && WRITE_RESETS.has(e.code ?? '')) setImmediate(() => setImmediate(() => cb(err)));
      else cb(err);
    });
  };
}
