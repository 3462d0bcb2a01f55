// Lingering close, as nginx's lingering_close: after an answer that ends the connection while the
// client is still uploading (a 401 or 413 before the body was read), the facade sends its FIN but
// keeps reading and dropping what the client still sends, for a while. node:http ends such an answer
// with socket.destroySoon(): FIN, then close as soon as it is written, and the kernel resets a
// connection closed with unread bytes: a client that writes its whole body before it reads (Python's
// http.client, urllib) got a broken pipe instead of the answer.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/** How long the rest of an upload nobody wants is read and thrown away (nginx's lingering_time is 30 s). */
export const LINGER_MS = 10_000;

const lingering = new WeakSet<Socket>();

/**
 * The connection of `req` closes after its answer without a reset, for at most `ms`. Call before
 * res.end(): a small answer written at once ends within it, and node:http then calls destroySoon at
 * once. The caller reads and drops the rest of the body (req.resume()) once nothing else reads it.
 */
export function lingerAfterAnswer(req: IncomingMessage, ms = LINGER_MS): void {
  const socket = req.socket as Socket | null;
  if (!socket || socket.destroyed || lingering.has(socket)) return;
  lingering.add(socket);
  // Half-close only; the client's own FIN (or the timer) ends it. The server socket allows half-open.
  socket.destroySoon = function lingeringClose(this: Socket): void {
    if (this.writable) this.end();
  };
  socket.once('end', () => socket.destroy()); // the client has sent all it will
  const cut = setTimeout(() => socket.destroy(), ms).unref();
  socket.once('close', () => clearTimeout(cut));
}
