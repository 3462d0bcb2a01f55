// Server-side limit on client uploads: a request body that stops arriving for `idleMs` is stalled.
// It watches the socket's byte count instead of listening for 'data', so it never changes how the
// body is read (streamed, buffered, piped), and it does not blame the client while the facade
// itself holds unread bytes (an upstream slow to take the body applies backpressure).
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';

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

/** True when the request has a body: chunked, or a Content-Length other than 0. */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Bytes of a request body declared in Content-Length (NaN when absent or not a number). */
export function declaredLength(req: IncomingMessage): number {
  const v = req.headers['content-length'];
  return v === undefined ? NaN : Number(v);
}

export interface UploadLimits {
  /** A request body that stops arriving this long is answered 408. */
  readonly idleMs: number;
  /** A request body larger than this is answered 413 (the upstream request is abandoned). */
  readonly maxBytes: number;
}

/** Idle and size limits on a body streaming through (the pipe to the upstream is in place already); returns a stop function. */
export function guardUpload(
  req: IncomingMessage, source: Readable, limits: UploadLimits,
  refuse: (status: 408 | 413, code: 'REQUEST_BODY_TIMEOUT' | 'BODY_TOO_LARGE') => void,
): () => void {
  let bytes = 0;
  const count = (chunk: Buffer): void => {
    bytes += chunk.length;
    if (bytes > limits.maxBytes) { source.off('data', count); refuse(413, 'BODY_TOO_LARGE'); }
  };
  source.on('data', count);
  const stopWatch = watchUpload(req, limits.idleMs, () => refuse(408, 'REQUEST_BODY_TIMEOUT'));
  return () => { stopWatch(); source.off('data', count); };
}
