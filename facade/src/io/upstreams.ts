// One upstream per side target (the monolith, each service): its URL, timeouts and a
// keep-alive connection pool, built once at start-up so no request pays for a new connection.
import http from 'node:http';
import https from 'node:https';
import type { Side } from '../core/stages';

export interface UpstreamSpec {
  readonly url: string;
  readonly connectTimeoutMs: number;
  readonly timeoutMs: number;
  readonly maxSockets: number;
}

export interface Upstream {
  /** `monolith` or the service name; used in error bodies and metrics. */
  readonly name: string;
  readonly side: Side;
  readonly target: URL;
  readonly agent: http.Agent;
  readonly connectTimeoutMs: number;
  readonly timeoutMs: number;
}

export function createUpstream(name: string, side: Side, spec: UpstreamSpec): Upstream {
  const target = new URL(spec.url);
  const AgentClass = target.protocol === 'https:' ? https.Agent : http.Agent;
  const agent = new AgentClass({
    keepAlive: true,
    maxSockets: spec.maxSockets,
    maxFreeSockets: Math.min(spec.maxSockets, 256),
    // LIFO reuses the most recently used socket: the one least likely to have been closed by
    // the upstream's idle timeout, which is what makes keep-alive resets rare.
    scheduling: 'lifo',
  });
  return Object.freeze({ name, side, target, agent, connectTimeoutMs: spec.connectTimeoutMs, timeoutMs: spec.timeoutMs });
}

export function destroyUpstream(u: Upstream): void {
  u.agent.destroy();
}
