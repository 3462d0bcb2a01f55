// An answer's head goes to the client when the upstream sends it, not with the first byte of its
// body: node:http keeps a written head until the first write. An upstream that answers at once and
// sends its body later (an Icecast source's 200 before it reads the audio, a watch or a long poll,
// an event stream waiting for its first event) left the client without even a status, and a
// client's response-header timeout cut it. A head whose body comes in the same read still leaves
// with it in one writev: the check runs after the loop's next poll.
import type { ServerResponse } from 'node:http';

/** Whether the answer's body has started: set by the caller's first body write. */
export interface HeadState { bodyStarted: boolean }

/** Sends the head written to `res` by itself unless a body write or the end has carried it by the loop's next turn. */
export function flushHeadUnlessBody(res: ServerResponse, state: HeadState): void {
  setImmediate(() => {
    if (!state.bodyStarted && !res.writableEnded && !res.destroyed) res.flushHeaders();
  });
}
