// The gate's input in admin mode (`--admin URL`): the admin API has no gate endpoint, so the
// figures come from `GET /report` over the window since the route entered its stage (found in
// `GET /routes/:name/history`). Same counts as io/gate-input.ts, with one difference: the report
// does not split a window by stage, so during a partial rollout both stages' comparisons count.
import type { GateInput, SideFigures } from '../../facade/src/core/gate';
import type { Report, RouteReport, SideReport } from '../../facade/src/core/report-types';
import type { Stage } from '../../facade/src/core/stages';
import type { AuditEntry } from '../../facade/src/io/state-store';

/** When the route last moved to `stage` from another stage (as io/gate-input.ts's enteredAt), or null. */
export function enteredAtFrom(history: readonly AuditEntry[], stage: Stage): string | null {
  const entry = [...history].sort((a, b) => b.id - a.id).find((e) => e.to === stage && e.from !== stage);
  return entry?.at ?? null;
}

/** Slack for the request's own latency and a small clock skew: `since` is a duration, not a time. */
export const SINCE_SLACK_MS = 1000;

/**
 * `GET /report?since=` value reaching back to `sinceIso`. The facade subtracts it from its own
 * clock when the request arrives, so a second of slack keeps comparisons right after the change.
 */
export function sinceParam(sinceIso: string, now: Date): string {
  return `${Math.max(1, now.getTime() - Date.parse(sinceIso) + SINCE_SLACK_MS)}ms`;
}

function side(route: RouteReport, name: 'monolith' | 'service'): SideFigures {
  const s: SideReport | undefined = route.sides.find((x) => x.side === name);
  return { requests: s?.requests ?? 0, failures: s?.errors ?? 0, p99Ms: s?.latency.p99 ?? null };
}

/** Folds one route's report (already windowed from `since`) into what evaluateGate judges. */
export function gateInputFromReport(report: Report, route: string, stage: Stage, target: Stage, since: string | null): GateInput {
  const r = report.routes.find((x) => x.route === route);
  const n = (o: keyof RouteReport['outcomes']): number => r?.outcomes[o].count ?? 0;
  const empty: SideFigures = { requests: 0, failures: 0, p99Ms: null };
  return {
    route, stage, target, since,
    comparisons: n('match') + n('mismatch') + n('noise'), mismatches: n('mismatch'),
    divergences: n('divergence'), errors: n('error'), skipped: n('skipped'),
    service: r ? side(r, 'service') : empty, monolith: r ? side(r, 'monolith') : empty,
  };
}
