// Step: requests only the side that answers may see go to the stage's primary alone, with no shadow
// copy, no re-ask and no second write: a real-time transport's session requests (core/transports.ts:
// socket.io long polling at `shadow` dropped its session every few seconds, re-asked), and the paths
// a route lists in `primaryOnly` (its own long polls, a one-time token's redemption).
import { primaryAlone } from '../core/decide';
import { isSessionTransport } from '../core/transports';
import type { Step } from './context';
import { onPaths } from './path-patterns';

export const primaryAloneStep: Step = (ctx, deps) => {
  const d = ctx.decision;
  const rt = ctx.runtime;
  if (!d || !rt || (d.shadow === null && d.then === null)) return undefined;
  if (onPaths(ctx, deps, rt.config.primaryOnly) || isSessionTransport(ctx.path, ctx.query.slice(1), ctx.req.headers)) ctx.decision = primaryAlone(d);
  return undefined;
};
