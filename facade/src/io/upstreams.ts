// One upstream per side target (the monolith, each service): its URL, deadlines, retry policy and a
// keep-alive connection pool, built once at start-up so no request pays for a new connection.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { readBeforeWriteErrors } from './early-answer';
import type { Side } from '../core/stages';
import type { BreakerConfig, BulkheadConfig } from '../config';
import { deadlinesFrom, type Deadlines } from './deadlines';
import { UpstreamGuard } from './upstream-guard';
import { originOf, type UpstreamAddress } from '../core/location';
import { releasePools } from './dispatch';
import { AnswerParsing, type ParsingMode } from './answer-parsing';

export interface UpstreamSpec {
  readonly url: string;
  /** The Host it gets: `client` (default: as the client sent it), `upstream` (its URL's host:port) or a host[:port]. */
  readonly host?: string;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly timeoutMs: number;
  /** Gaps in a stream's body (default deadlines.ts STREAM_IDLE_DEFAULT_MS). */
  readonly streamIdleTimeoutMs?: number;
  readonly maxSockets: number;
  readonly maxHeaderBytes: number;
  readonly retry: RetryPolicy;
  /** How its answers are read (io/answer-parsing.ts; default `auto`). */
  readonly parser?: ParsingMode;
  /** Absent (a replay target, a repair): no breaker, no bulkhead. */
  readonly breaker?: BreakerConfig;
  readonly bulkhead?: BulkheadConfig;
}

/** Idempotent requests that failed before anything was sent are tried again, every `delayMs` within `budgetMs`. */
export interface RetryPolicy {
  readonly idempotentMethods: readonly string[];
  readonly delayMs: number;
  readonly budgetMs: number;
}

export interface Upstream {
  /** `monolith` or the service name; used in error bodies and metrics. */
  readonly name: string;
  readonly side: Side;
  readonly target: URL;
  readonly agent: http.Agent;
  readonly connectTimeoutMs: number;
  /** The total deadline of one exchange (deadlines.totalMs). */
  readonly timeoutMs: number;
  /** This upstream's own deadlines (a route may override them). */
  readonly deadlines: Deadlines;
  /** Largest response head accepted from it. */
  readonly maxHeaderBytes: number;
  readonly retry: RetryPolicy;
  /** Its circuit breaker and bulkhead (io/upstream-guard.ts), one per upstream for all routes. */
  readonly guard: UpstreamGuard;
  /**
   * The Host header it gets instead of the client's (null: the client's). An upstream behind an
   * ingress or a platform router that routes by Host needs its own; X-Forwarded-Host keeps the client's.
   */
  readonly hostHeader: string | null;
  /** Its own address as a Location may name it (its URL's origin, and the Host it is sent): rewritten for the client. */
  readonly address: UpstreamAddress;
  /** Whether its answers are read strictly or leniently (io/answer-parsing.ts). */
  readonly parsing: AnswerParsing;
}

/** The origins a Location on this upstream's own address has: its URL's, and the one of the Host it is sent (if fixed). */
function addressOf(target: URL, hostHeader: string | null): UpstreamAddress {
  const origins = [target.origin];
  const named = hostHeader === null ? null : originOf(target.protocol, hostHeader);
  if (named !== null && !origins.includes(named)) origins.push(named);
  return { origins, basePath: target.pathname.replace(/\/+$/, '') };
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
  // Its sockets (the lenient parser's, uploads that wait for 100 Continue) read an upstream's answer
  // before a failed upload write ends them, as undici's do (io/early-answer.ts).
  const connect = agent.createConnection.bind(agent) as (...args: unknown[]) => Socket | undefined;
  agent.createConnection = ((...args: unknown[]) => {
    const socket = connect(...args);
    if (socket) readBeforeWriteErrors(socket);
    return socket;
  }) as typeof agent.createConnection;
  const deadlines = deadlinesFrom(spec);
  const hostHeader = spec.host === undefined || spec.host === 'client' ? null : spec.host === 'upstream' ? target.host : spec.host;
  return Object.freeze({
    name, side, target, agent, connectTimeoutMs: spec.connectTimeoutMs, timeoutMs: spec.timeoutMs, deadlines,
    maxHeaderBytes: spec.maxHeaderBytes, retry: spec.retry,
    guard: new UpstreamGuard(name, { breaker: spec.breaker, bulkhead: spec.bulkhead }),
    hostHeader, address: addressOf(target, hostHeader), parsing: new AnswerParsing(spec.parser ?? 'auto'),
  });
}

/** True when `method` may be sent again to this upstream after a failed connect. */
export function isIdempotentFor(upstream: Upstream, method: string): boolean {
  return upstream.retry.idempotentMethods.includes(method);
}

export function destroyUpstream(u: Upstream): void {
  u.agent.destroy();
  void releasePools(u); // undici's pools (dispatch.ts): exchanges still in flight fail, like the agent's
}
