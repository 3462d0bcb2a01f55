// `Expect: 100-continue`: the client waits for a 100 before it sends the body. The facade does not
// answer that itself (the server's `checkContinue` event): the upstream that will answer decides, so
// its own 417 or 401 reaches the client. Only when the facade must read the body first (to send it
// twice) does it send the 100 itself.
import type { IncomingMessage, ServerResponse } from 'node:http';

const AWAITS = Symbol('strangler.awaitsContinue');
type Carrier = IncomingMessage & { [AWAITS]?: boolean };

/** Called by the server for a request that came with `Expect: 100-continue`. */
export function markAwaitsContinue(req: IncomingMessage): void {
  (req as Carrier)[AWAITS] = true;
  delete req.headers.expect; // forward.ts asks the upstream itself, once a socket is assigned
}

/** True while the client still waits for a 100 Continue. */
export function awaitsContinue(req: IncomingMessage): boolean {
  return (req as Carrier)[AWAITS] === true;
}

/** Lets the client send its body (once; nothing when it was not waiting). */
export function sendContinue(req: IncomingMessage, res: ServerResponse): void {
  if (!awaitsContinue(req)) return;
  (req as Carrier)[AWAITS] = false;
  if (!res.headersSent && !res.destroyed) res.writeContinue();
}
