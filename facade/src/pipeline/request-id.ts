// The request id every upstream, log line and stored comparison carries: the client's own
// `x-request-id` when it is a sane token, else a fresh UUID. Shared by HTTP and WebSocket paths.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const REQUEST_ID = /^[\w.:@-]{1,128}$/;

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}
