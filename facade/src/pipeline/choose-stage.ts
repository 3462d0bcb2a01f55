// Step 2: ask the flag provider which stage this request runs at (rollouts are sticky per
// context key), then look up the decision: who answers, who is compared, who gets the second write.
import { decide } from '../core/decide';
import { cookieContextKey } from '../core/rollout';
import type { FacadeConfig } from '../config';
import type { Step } from './context';
import type { IncomingMessage } from 'node:http';

/** The sticky bucketing key from the header or cookie named in config; null when absent. */
export function contextKeyOf(req: IncomingMessage, source: FacadeConfig['contextKey']): string | null {
  if ('header' in source) {
    const v = req.headers[source.header.toLowerCase()];
    const key = Array.isArray(v) ? v[0] : v;
    return key ? key : null;
  }
  const cookie = req.headers.cookie;
  return cookie ? cookieContextKey(cookie, source.cookie) : null;
}

export const chooseStage: Step = (ctx, deps) => {
  const method = ctx.req.method ?? 'GET';
  if (!ctx.runtime) {
    ctx.decision = decide('off', method);
    return undefined;
  }
  const key = contextKeyOf(ctx.req, deps.config.contextKey);
  const stage = deps.flags.stageFor(ctx.runtime.flag, key, deps.sample);
  if (typeof stage === 'string') {
    ctx.decision = decide(stage, method);
    return undefined;
  }
  return stage.then((s) => { ctx.decision = decide(s, method); });
};
