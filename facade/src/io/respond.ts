// The facade's own answers (never an upstream's): JSON errors with a stable shape
// `{ error, message, upstream?, requestId }` so clients and logs can key on `error`.
import { STATUS_CODES, type ServerResponse } from 'node:http';

export function sendJsonError(
  res: ServerResponse, status: number,
  body: { error: string; message: string; upstream?: string; requestId: string; breaker?: string },
  /** Extra response headers (a refusal's `retry-after`). */
  headers?: Readonly<Record<string, string>>,
): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const payload = JSON.stringify(body);
  // The reason phrase named here: an upstream's, set by a writeHead that then refused its headers, must not stay.
  res.writeHead(status, STATUS_CODES[status] ?? '', {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    'x-request-id': body.requestId,
    ...headers,
  });
  res.end(payload);
}
