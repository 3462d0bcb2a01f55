// What the console shows, built in one pass: every route's stored state, its shadow-diff report
// (io/report-query loadReport: the same data as `strangler report` and GET /report, no second
// implementation) and its gate towards the next stage (io/gate-input + core/gate, like GET /routes/:name/gate).
// Plain data in (route configs, flag states), so it also runs in the console's worker thread.
import type { RouteConfig } from '../../config';
import { evaluateGate, type GateResult, type GateThresholds } from '../../core/gate';
import type { RouteReport } from '../../core/report-types';
import { nextStage } from '../../core/stages';
import type { Sql } from '../db/sql';
import type { RouteState } from '../../flags/provider';
import { loadGateInput } from '../gate-input';
import { loadReport } from '../report-query';

export interface SnapshotInput {
  /** Route configs in config order. */
  readonly routes: readonly RouteConfig[];
  /** The flag provider's state per route name (what the facade routes by). */
  readonly states: Readonly<Record<string, RouteState>>;
  readonly provider: 'sqlite' | 'postgres' | 'launchdarkly';
  readonly gate: GateThresholds;
}

export interface ConsoleRoute {
  readonly name: string;
  readonly pattern: string;
  readonly methods: readonly string[] | null;
  readonly service: string;
  readonly state: RouteState;
  /** The report's section for this route (contract: core/report-types.ts). */
  readonly report: RouteReport | null;
  /** The gate `strangler route promote` would apply now (null at `complete`). */
  readonly gate: GateResult | null;
}

export interface ConsoleSnapshot {
  readonly generatedAt: string;
  readonly provider: SnapshotInput['provider'];
  readonly thresholds: GateThresholds;
  readonly routes: readonly ConsoleRoute[];
}

/** Builds the console's snapshot of every configured route at `now` from the state database (either engine). */
export async function buildSnapshot(sql: Sql, input: SnapshotInput, now: Date): Promise<ConsoleSnapshot> {
  const names = input.routes.map((r) => r.name);
  const report = await loadReport(sql, { now, routes: names, configs: new Map(input.routes.map((r) => [r.name, r])) });
  const sections = new Map(report.routes.map((r) => [r.route, r]));
  const routes: ConsoleRoute[] = [];
  for (const config of input.routes) {
    const state = input.states[config.name];
    // The promotion `strangler route promote` would attempt: a rollout towards its own stage, else the next stage.
    const target = state.rollout ? state.rollout.stage : nextStage(state.stage);
    const gate = target ? evaluateGate(await loadGateInput(sql, config.name, state.stage, target, config), input.gate) : null;
    routes.push({
      name: config.name, pattern: config.match.path, methods: config.match.methods ?? null, service: config.service,
      state, report: sections.get(config.name) ?? null, gate,
    });
  }
  return { generatedAt: now.toISOString(), provider: input.provider, thresholds: input.gate, routes };
}
