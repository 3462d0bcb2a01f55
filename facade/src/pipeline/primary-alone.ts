// Step: requests only the side that answers may see go to the stage's primary alone, with no shadow
// copy, no re-ask and no second write: a real-time transport's session requests (core/transports.ts:
// socket.io long polling at `shadow` dropped its session every few seconds, re-asked), a changes feed
// held open for news (core/long-poll.ts: its copies held the route's shadow slots), and the paths
// a route lists in `primaryOnly` (its own long polls, a one-time token's redemption), WebDAV's LOCK and UNLOCK,
// and every write of a route whose service shares the monolith's data store (`dualWrite.sharedStore`).
import { primaryAlone } from '../core/decide';
import { isSessionTransport } from '../core/transports';
import { isWaitingFeed } from '../core/long-poll';
import type { Step } from './context';
import { onPaths } from './path-patterns';

/**
 * WebDAV locks (RFC 4918 §9.10-11): a lock is the answering side's own, and its token names nothing
 * on the other side, which refused every later write under it (412) and every UNLOCK (400). The
 * writes themselves still go to both sides, without the primary's `If` (core/validators.ts).
 */
const PER_SIDE_METHODS: ReadonlySet<string> = new Set(['LOCK', 'UNLOCK']);

export const primaryAloneStep: Step = (ctx, deps) => {
  const d = ctx.decision;
  const rt = ctx.runtime;
  if (!d || !rt || (d.shadow === null && d.then === null)) return undefined;
  const alone = (d.kind === 'write' && rt.config.dualWrite.sharedStore) || PER_SIDE_METHODS.has(ctx.req.method ?? '')
    || onPaths(ctx, deps, rt.config.primaryOnly) || isSessionTransport(ctx.path, ctx.query.slice(1), ctx.req.headers)
    || isWaitingFeed(ctx.path, ctx.query.slice(1));
  if (alone) ctx.decision = primaryAlone(d);
  return undefined;
};
