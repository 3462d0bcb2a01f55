// Guessing admin tokens: a client address whose requests were refused as 401 `admin.authFailures.max`
// times within `windowMs` gets 429 (with Retry-After) for every guess until that window ends, so a
// token cannot be found by trying many; a request with a good token still passes. Only refusals count, once answered: a CLI, a
// dashboard or the console's open streams with a good token never come near the limit. (Generic
// rate limiters count a request while it is in flight, so 20 open event streams would trip them.)
import type { Request, RequestHandler } from 'express';

export interface AuthFailureLimit {
  readonly max: number;
  readonly windowMs: number;
}

interface Window {
  readonly endsAt: number;
  failures: number;
}

/** Health, readiness and metrics need no token and stay open to a scraper sharing an address with a guesser. */
const OPEN_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
/** Addresses tracked at most; past it the expired windows are dropped (and, if none is, the oldest). */
const MAX_ADDRESSES = 10_000;

/**
 * `authorized`: whether a request carries a good token. It always passes: a stale cron job on the
 * same host sending an expired token must not lock the operator's CLI out.
 */
export function authFailureThrottle(limit: AuthFailureLimit, authorized: (req: Request) => boolean, now: () => number = Date.now): RequestHandler {
  const windows = new Map<string, Window>();
  const prune = (at: number): void => {
    for (const [address, w] of windows) if (w.endsAt <= at) windows.delete(address);
    if (windows.size >= MAX_ADDRESSES) windows.delete(windows.keys().next().value as string);
  };
  return (req, res, next) => {
    if (OPEN_PATHS.has(req.path) || authorized(req)) { next(); return; }
    const address = req.socket.remoteAddress ?? 'unknown';
    const at = now();
    const current = windows.get(address);
    if (current && current.endsAt > at && current.failures >= limit.max) {
      res.setHeader('retry-after', String(Math.max(1, Math.ceil((current.endsAt - at) / 1000))));
      res.status(429).json({
        error: 'TOO_MANY_AUTH_FAILURES',
        message: `${current.failures} requests from this address were refused for their token within ${Math.round(limit.windowMs / 1000)} s; try again after Retry-After (admin.authFailures)`,
      });
      return;
    }
    res.once('finish', () => {
      if (res.statusCode !== 401) return;
      const t = now();
      let w = windows.get(address);
      if (!w || w.endsAt <= t) {
        if (!w && windows.size >= MAX_ADDRESSES) prune(t);
        w = { endsAt: t + limit.windowMs, failures: 0 };
        windows.set(address, w);
      }
      w.failures++;
    });
    next();
  };
}
