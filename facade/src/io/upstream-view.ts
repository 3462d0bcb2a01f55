// What `GET /upstreams`, `strangler upstreams` and the BREAKER column of `strangler route list`
// show per upstream: its breaker and bulkhead settings, the live figures of the running facade
// (read from its Prometheus text, so a cluster's workers are summed) when there is one, and what the
// breaker_transitions table recorded over the last window (io/breaker-log.ts).
import type { BreakerConfig, BulkheadConfig, FacadeConfig } from '../config';
import { BREAKER_STATES, type BreakerState } from '../core/resilience/breaker';
import { worseState, type TransitionRecord } from '../core/resilience/breaker-history';
import { breakerHistories } from './breaker-log';
import type { Sql } from './db/sql';

/** An upstream as the config declares it, with the routes whose service it is. */
export interface UpstreamSpecView {
  readonly name: string;
  readonly side: 'monolith' | 'service';
  readonly routes: readonly string[];
  readonly breaker: BreakerConfig;
  readonly bulkhead: BulkheadConfig;
}

/** The `--json` contract of `strangler upstreams` (fields may be added, never renamed or removed). */
export interface UpstreamView {
  readonly name: string;
  readonly side: 'monolith' | 'service';
  readonly routes: readonly string[];
  /** `live`: figures from the running facade's metrics; `recorded`: only the transitions table. */
  readonly source: 'live' | 'recorded';
  readonly breaker: {
    readonly enabled: boolean;
    /** Now: open if any facade process has it open, else half-open if any, else closed. */
    readonly state: BreakerState;
    /** Facade processes per state (live: from the metrics; recorded: those with a transition in the window). */
    readonly processes: Readonly<Record<BreakerState, number>>;
    readonly settings: BreakerConfig;
    /** Over the window (`windowMs`, default gate.breakerWindowMs). */
    readonly windowMs: number;
    readonly opened: number;
    readonly notClosedMs: number;
    readonly lastOpenedAt: string | null;
    /** Requests it refused, by traffic (primary, shadow, second_write); live only, else null. */
    readonly rejected: Readonly<Record<string, number>> | null;
    readonly transitions: readonly TransitionRecord[];
  };
  readonly bulkhead: {
    readonly enabled: boolean;
    readonly settings: BulkheadConfig;
    /** Live only (null when recorded). */
    readonly inFlight: number | null;
    readonly queued: number | null;
    /** Refused, by reason (queue_full, wait_timeout); live only. */
    readonly rejected: Readonly<Record<string, number>> | null;
  };
}

/** The monolith and every service of the config, with the routes that use each. */
export function upstreamSpecs(config: FacadeConfig): UpstreamSpecView[] {
  const routesOf = (service: string): string[] => config.routes.filter((r) => r.service === service).map((r) => r.name);
  return [
    { name: 'monolith', side: 'monolith', routes: config.routes.map((r) => r.name), breaker: config.monolith.breaker, bulkhead: config.monolith.bulkhead },
    ...Object.entries(config.services).map(([name, s]) => ({ name, side: 'service' as const, routes: routesOf(name), breaker: s.breaker, bulkhead: s.bulkhead })),
  ];
}

interface Sample { readonly labels: Readonly<Record<string, string>>; readonly value: number }

/** Every sample of `name` in Prometheus exposition text. */
function samples(text: string, name: string): Sample[] {
  const out: Sample[] = [];
  const line = new RegExp(`^${name}\\{([^}]*)\\} (\\S+)$`, 'gm');
  for (let m = line.exec(text); m; m = line.exec(text)) {
    out.push({ labels: Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]])), value: Number(m[2]) });
  }
  return out;
}

/** Sums of `name` for `upstream`, keyed by `label` (or '' for the total). */
function sumBy(all: Sample[], upstream: string, label: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of all) {
    if (s.labels.upstream !== upstream) continue;
    const key = label === null ? '' : s.labels[label] ?? '';
    out[key] = (out[key] ?? 0) + s.value;
  }
  return out;
}

/** The breaker state per upstream from a facade's metrics text (null: no facade process reported it). */
export function liveBreakerStates(text: string): Map<string, BreakerState> {
  const out = new Map<string, BreakerState>();
  for (const s of samples(text, 'strangler_breaker_state')) {
    if (s.value <= 0 || !(BREAKER_STATES as readonly string[]).includes(s.labels.state)) continue;
    const state = s.labels.state as BreakerState;
    out.set(s.labels.upstream, worseState(out.get(s.labels.upstream) ?? 'closed', state));
  }
  return out;
}

/**
 * Builds the views: recorded history over [now - windowMs, now] from `sql`, and with `metricsText`
 * (a running facade's /metrics) the live state, in-flight, queued and rejection counts.
 */
export async function loadUpstreamViews(sql: Sql, specs: readonly UpstreamSpecView[], metricsText: string | null, now: Date, windowMs: number): Promise<UpstreamView[]> {
  const histories = await breakerHistories(sql, specs.map((s) => s.name), new Date(now.getTime() - windowMs), now, 10);
  const state = metricsText === null ? [] : samples(metricsText, 'strangler_breaker_state');
  const inFlight = metricsText === null ? [] : samples(metricsText, 'strangler_bulkhead_in_flight');
  const queued = metricsText === null ? [] : samples(metricsText, 'strangler_bulkhead_queued');
  const bulkRejected = metricsText === null ? [] : samples(metricsText, 'strangler_bulkhead_rejected_total');
  const breakerRejected = metricsText === null ? [] : samples(metricsText, 'strangler_breaker_rejected_total');
  return specs.map((spec, i) => {
    const h = histories[i];
    const liveProcesses = sumBy(state, spec.name, 'state');
    const reported = (all: Sample[]): boolean => all.some((x) => x.labels.upstream === spec.name);
    const live = metricsText !== null && (reported(state) || reported(inFlight));
    const processes = live
      ? { closed: liveProcesses.closed ?? 0, 'half-open': liveProcesses['half-open'] ?? 0, open: liveProcesses.open ?? 0 }
      : h.processes;
    const current = live ? BREAKER_STATES.reduce<BreakerState>((w, s) => (processes[s] > 0 ? worseState(w, s) : w), 'closed') : h.state;
    return {
      name: spec.name, side: spec.side, routes: spec.routes, source: live ? 'live' : 'recorded',
      breaker: {
        enabled: spec.breaker.enabled, state: current, processes, settings: spec.breaker, windowMs,
        opened: h.opened, notClosedMs: h.notClosedMs, lastOpenedAt: h.lastOpenedAt,
        rejected: live ? sumBy(breakerRejected, spec.name, 'traffic') : null, transitions: h.transitions,
      },
      bulkhead: {
        enabled: spec.bulkhead.enabled, settings: spec.bulkhead,
        inFlight: live ? sumBy(inFlight, spec.name, null)[''] ?? 0 : null,
        queued: live ? sumBy(queued, spec.name, null)[''] ?? 0 : null,
        rejected: live ? sumBy(bulkRejected, spec.name, 'reason') : null,
      },
    };
  });
}
