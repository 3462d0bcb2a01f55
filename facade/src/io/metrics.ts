// Prometheus metrics of one facade process (prom-client). Label sets are small and fixed
// (route names come from config), so cardinality stays bounded whatever the traffic.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { BREAKER_STATES } from '../core/resilience/breaker';
import type { Upstream } from './upstreams';

export interface FacadeMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'route' | 'side' | 'status'>;
  readonly latency: Histogram<'route' | 'side'>;
  readonly upstreamErrors: Counter<'route' | 'side' | 'code'>;
  readonly fallbacks: Counter<'route' | 'reason'>;
  readonly secondWrites: Counter<'route' | 'side' | 'outcome'>;
  readonly flagReloads: Counter<never>;
  readonly retries: Counter<'side'>;
  readonly badRequests: Counter<'code'>;
  readonly comparisons: Counter<'route' | 'outcome'>;
  readonly shadowDrops: Counter<'route' | 'reason'>;
  readonly autoRollbacks: Counter<'route'>;
  readonly endpointOverflow: Counter<'route'>;
  /** Comparisons whose line diffs ran past the inline budget and were made again in a worker thread. */
  readonly compareOffLoop: Counter<'route'>;
  /** Requests the circuit breaker answered itself (primary) or did not send (shadow, second_write). */
  readonly breakerRejections: Counter<'upstream' | 'traffic'>;
  readonly breakerTransitions: Counter<'upstream' | 'to'>;
  readonly bulkheadRejections: Counter<'upstream' | 'reason'>;
  /** Requests not sent because the client's deadline left less than deadline.minAttemptMs. */
  readonly deadlineRefusals: Counter<'upstream'>;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): FacadeMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'strangler_' });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({ name: 'strangler_requests_total', help: 'Client requests answered, by route, answering side and status', labelNames: ['route', 'side', 'status'], registers }),
    latency: new Histogram({
      name: 'strangler_upstream_duration_seconds', help: 'Time to the upstream response end, by route and side',
      labelNames: ['route', 'side'], registers, buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    upstreamErrors: new Counter({ name: 'strangler_upstream_errors_total', help: 'Upstream failures (refused, reset, timeout, bad response)', labelNames: ['route', 'side', 'code'], registers }),
    fallbacks: new Counter({ name: 'strangler_fallbacks_total', help: 'Safe requests answered by the monolith because the service failed', labelNames: ['route', 'reason'], registers }),
    secondWrites: new Counter({ name: 'strangler_second_writes_total', help: 'Second writes by outcome (ok, failed, skipped)', labelNames: ['route', 'side', 'outcome'], registers }),
    flagReloads: new Counter({ name: 'strangler_flag_reloads_total', help: 'Flag snapshots reloaded after a change', registers }),
    retries: new Counter({ name: 'strangler_upstream_retries_total', help: 'Safe requests retried once on a fresh socket after a keep-alive reset', labelNames: ['side'], registers }),
    badRequests: new Counter({ name: 'strangler_bad_requests_total', help: 'Requests refused by the facade itself', labelNames: ['code'], registers }),
    comparisons: new Counter({ name: 'strangler_comparisons_total', help: 'Comparisons by route and outcome', labelNames: ['route', 'outcome'], registers }),
    shadowDrops: new Counter({ name: 'strangler_shadow_dropped_total', help: 'Shadow requests not sent (in-flight limit, body too large)', labelNames: ['route', 'reason'], registers }),
    autoRollbacks: new Counter({ name: 'strangler_auto_rollbacks_total', help: 'Routes moved back a stage by the facade itself', labelNames: ['route'], registers }),
    compareOffLoop: new Counter({ name: 'strangler_comparisons_off_loop_total', help: 'Comparisons of small bodies whose line diffs took longer than the inline budget (50 ms) and were made again in a worker thread', labelNames: ['route'], registers }),
    endpointOverflow: new Counter({ name: 'strangler_endpoint_overflow_total', help: 'Comparisons counted under "(other)" because the route reached compare.maxEndpoints', labelNames: ['route'], registers }),
    breakerRejections: new Counter({ name: 'strangler_breaker_rejected_total', help: 'Requests refused by an open (or half-open, probes busy) circuit breaker, by upstream and traffic (primary, shadow, second_write)', labelNames: ['upstream', 'traffic'], registers }),
    breakerTransitions: new Counter({ name: 'strangler_breaker_transitions_total', help: 'Circuit breaker state changes, by upstream and new state', labelNames: ['upstream', 'to'], registers }),
    bulkheadRejections: new Counter({ name: 'strangler_bulkhead_rejected_total', help: 'Requests refused by a full bulkhead (queue_full), after waiting in its queue (wait_timeout), or as an upload past its share of the slots (uploads_full)', labelNames: ['upstream', 'reason'], registers }),
    deadlineRefusals: new Counter({ name: 'strangler_deadline_refused_total', help: "Requests not sent because the client's deadline left too little time", labelNames: ['upstream'], registers }),
  };
}

/**
 * Gauges read from the upstreams' guards when /metrics is scraped (no per-request work):
 * `strangler_breaker_state{upstream,state}` is 1 for the current state (summed over a cluster's
 * workers: how many are in each state), and the bulkheads' requests in flight and queued.
 */
export function watchUpstreams(metrics: FacadeMetrics, upstreams: readonly Upstream[]): void {
  const registers = [metrics.registry];
  new Gauge({
    name: 'strangler_breaker_state', help: 'Circuit breaker state per upstream: 1 for the current state (closed, open, half-open)',
    labelNames: ['upstream', 'state'], registers,
    collect() {
      for (const u of upstreams) {
        if (!u.guard.breaker) continue;
        for (const state of BREAKER_STATES) this.set({ upstream: u.name, state }, u.guard.state === state ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'strangler_bulkhead_in_flight', help: 'Requests holding a bulkhead slot, per upstream', labelNames: ['upstream'], registers,
    collect() { for (const u of upstreams) if (u.guard.bulkhead) this.set({ upstream: u.name }, u.guard.bulkhead.inFlight); },
  });
  new Gauge({
    name: 'strangler_bulkhead_queued', help: "Requests waiting in a bulkhead's queue, per upstream", labelNames: ['upstream'], registers,
    collect() { for (const u of upstreams) if (u.guard.bulkhead) this.set({ upstream: u.name }, u.guard.bulkhead.queued); },
  });
}
