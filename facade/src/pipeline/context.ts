// What the request pipeline's steps share: the per-request context (built fresh for each
// request) and the facade's dependencies (built once at start-up).
import type { ForwardedTrust } from '../io/forwarded-trust';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { FacadeConfig, RouteConfig } from '../config';
import type { Decision } from '../core/decide';
import type { RouteTable, CompiledRoute } from '../core/routing';
import type { Side } from '../core/stages';
import type { FlagProvider, FlagRoute } from '../flags/provider';
import type { Forwarder, ForwardResult } from '../io/forward';
import type { FacadeMetrics } from '../io/metrics';
import type { Upstream } from '../io/upstreams';

export interface RouteRuntime {
  readonly config: RouteConfig;
  readonly flag: FlagRoute;
  readonly service: Upstream;
}

export interface FacadeDeps {
  readonly config: FacadeConfig;
  readonly table: RouteTable<RouteConfig>;
  /** Per route name: its flag identity and service upstream, resolved once. */
  readonly routes: ReadonlyMap<string, RouteRuntime>;
  readonly monolith: Upstream;
  readonly flags: FlagProvider;
  readonly forwarder: Forwarder;
  /** Whose X-Forwarded-* headers are passed on (listen.trustForwardedFrom). */
  readonly forwardedTrust: ForwardedTrust;
  readonly metrics: FacadeMetrics;
  readonly logger: Logger;
  /** A number in [0, 1): per-request bucketing and sampling. */
  readonly sample: () => number;
  /** This facade process's replica id (config replica.id; recorded on each comparison). */
  readonly replica?: string;
  /** Shadow in-flight limits; comparison machinery (null: comparisons disabled). */
  readonly shadows?: import('./send-shadow').ShadowLimiter;
  readonly comparisons?: ComparisonDeps;
  /** Stores second writes the other side missed (null: only logged). */
  readonly divergences?: import('../io/divergence-recorder').DivergenceRecorder;
  /** Redaction lists and fingerprint key (io/redaction.ts): pass to redactUrl / redactHeaders / redactBody before storing. */
  readonly redaction?: import('../core/compare/secrets').RedactionOptions;
  /** Orders second writes per resource (null: sent as they come). */
  readonly writeOrder?: import('../io/write-order').WriteOrder;
  /** Keeps recorded cases from comparisons (null: none kept). */
  readonly cases?: import('../io/case-recorder').CaseRecorder;
  /** Called with every finished request (tests await it; the auto-rollback watcher reads it). */
  readonly onRequestDone?: (ctx: RequestContext) => void;
}

export interface ComparisonDeps {
  readonly recorder: import('../io/comparison-recorder').ComparisonRecorder;
  readonly pool: import('../io/compare-pool').ComparePool;
  /** Budget for asking the primary again when a read differs. */
  readonly reask: import('../io/route-budget').RouteBudget;
  /** The same for asking the shadow again (noise-model.ts rule 2): its own bucket, so the primary's re-asks never wait on it. */
  readonly shadowReask: import('../io/route-budget').RouteBudget;
  /**
   * Endpoints (`route\0endpoint`) whose undecided fields a comparison is asking about in a row
   * right now, settled when that comparison is recorded: a comparison of the same endpoint waits
   * for its evidence instead of asking the same three times over.
   */
  readonly firstAsks: Map<string, Promise<void>>;
  /** Budget of unified body diffs per route (they cost ~15x the structural diff; samples suffice). */
  readonly diffs: import('../io/route-budget').RouteBudget;
  /** Endpoints per route, bounded (compare.maxEndpoints). */
  readonly endpoints: import('../io/endpoint-cap').EndpointCap;
  /** Dual writes in flight per route (reads after writes). */
  readonly writes: import('../io/write-tracker').WriteTracker;
  /** Endpoints learned to be long polls, whose reads go to the primary alone for a while (core/long-poll.ts). */
  readonly held?: import('../core/long-poll').HeldReads;
}

export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  /** Normalized path, and the query string as the client sent it ('' or '?...'). */
  path: string;
  query: string;
  route: CompiledRoute<RouteConfig> | null;
  runtime: RouteRuntime | null;
  decision: Decision | null;
  /** The request body, when a step needs it twice (second write, fallback, shadow). */
  body: Buffer | null;
  /** A write's body over its in-memory cap, kept on disk for both sides (`dualWrite.overCap: "spool"`). */
  bodyFile: import('../io/body-spool').SpooledBody | null;
  /** True when the body was larger than the cap and could not be kept for replay. */
  bodyOverCap: boolean;
  /** Over the cap: the bytes already read plus the rest, to stream to the primary. */
  bodyStream: import('node:stream').Readable | null;
  primary: ForwardResult | null;
  /** The other side's answer to the second write, once it settled. */
  secondWrite: import('../io/replay').ReplayOutcome | null;
  /** The stored divergence, when the other side missed this write. */
  divergenceId?: number;
  /** The shadow's answer, in flight or settled. */
  shadow: Promise<import('../io/replay').ReplayOutcome> | null;
  /** Where the route's writes stood when this read arrived (set for compared reads). */
  readMark?: import('../io/write-tracker').ReadMark;
  /** This request is a dual write counted by the write tracker until it ends. */
  writeTracked?: boolean;
  /** The tracked write's sequence number in its route (io/write-tracker.ts). */
  writeSeq?: number;
  /** Its place in the order second writes go out in (io/write-order.ts), until its copy settles. */
  writeTicket?: import('../io/write-order').WriteTicket;
  /** The endpoint (method + path template) comparisons count this request under. */
  endpoint?: string;
  /** A GraphQL request's operation (its name, or its first field): part of its endpoint (pipeline/post-reads.ts). */
  operation?: string;
  /** Both sides' observations once a comparison was made (the case recorder keeps the monolith's). */
  observed?: import('../io/case-recorder').Observed;
  /** Why a sampled shadow was not sent (recorded as a skipped comparison). */
  shadowSkipped: string | null;
  /** Which side's answer the client got (differs from the decision's primary after a fallback). */
  answeredBy: Side | null;
}

/** A pipeline step; 'handled' ends the pipeline (the step answered the client itself). */
export type Step = (ctx: RequestContext, deps: FacadeDeps) => void | 'handled' | Promise<void | 'handled'>;

export function upstreamFor(side: Side, ctx: RequestContext, deps: FacadeDeps): Upstream {
  return side === 'service' && ctx.runtime ? ctx.runtime.service : deps.monolith;
}
