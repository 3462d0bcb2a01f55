// Whether undici wrote a request on a kept-alive socket that had carried one before. A reset there
// is the upstream closing an idle socket as it was reused (its request never read): safe to send
// again. A reset on a fresh socket came after the upstream read the request (it crashed, or dropped
// the connection while working): sending it again would run it again, as nginx does not (its
// retry on error is for cached connections). undici tells neither the socket nor its use, so the
// request's dispatch claims the next write: undici writes a request's head synchronously right after
// calling its handler's onConnect, for a request whose body is in hand.
import type { Socket } from 'node:net';

type Claim = (reused: boolean) => void;
let claimant: Claim | null = null;

/** Tells claims on `socket` (a socket undici's connector just made) whether an answer came on it before. */
export function watchReuse(socket: Socket): void {
  const write = socket.write;
  socket.write = function claimedWrite(this: Socket, ...args: Parameters<Socket['write']>): boolean {
    const claim = claimant;
    if (claim !== null) {
      claimant = null;
      claim(this.bytesRead > 0); // a fresh socket has read nothing before its first request's answer
    }
    return write.apply(this, args);
  } as Socket['write'];
}

/**
 * Call from a dispatch handler's onConnect: `onWrite` learns, at the request's first write, whether
 * its socket carried a request before. A request whose head is not written at once (a streamed body)
 * claims nothing.
 */
export function claimNextWrite(onWrite: Claim): void {
  claimant = onWrite;
  queueMicrotask(() => {
    if (claimant === onWrite) claimant = null;
  });
}

/** For an exchange that knows its socket's history itself (lenient-dispatcher.ts): answers the pending claim. */
export function answerClaim(reused: boolean): void {
  const claim = claimant;
  if (claim === null) return;
  claimant = null;
  claim(reused);
}
