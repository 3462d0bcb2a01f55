// Server-side limit on client uploads: a request body that stops arriving for `idleMs` is stalled.
// It watches the socket's byte count instead of listening for 'data', so it never changes how the
// body is read (streamed, buffered, piped), and it does not blame the client while the facade
// itself holds unread bytes (an upstream slow to take the body applies backpressure).
import type { IncomingMessage } from 'node:http';

const NOOP = (): void => undefined;

/** Calls `onStall` once if the body stops arriving for `idleMs`; returns a function that stops watching. */
export function watchUpload(req: IncomingMessage, idleMs: number, onStall: () => void): () => void {
  if (req.complete) return NOOP;
  const socket = req.socket;
  let seen = socket.bytesRead;
  let quietSince = performance.now();
  const every = Math.max(10, Math.min(1000, Math.floor(idleMs / 4)));
  const timer = setInterval(() => {
    if (req.complete || req.destroyed) { stop(); return; }
    const read = socket.bytesRead;
    if (read !== seen || req.readableLength > 0) {
      seen = read;
      quietSince = performance.now();
      return;
    }
    if (performance.now() - quietSince >= idleMs) { stop(); onStall(); }
  }, every);
  const stop = (): void => clearInterval(timer);
  return stop;
}

/** Bytes of a request body declared in Content-Length (NaN when absent or not a number). */
export function declaredLength(req: IncomingMessage): number {
  const v = req.headers['content-length'];
  return v === undefined ? NaN : Number(v);
}
