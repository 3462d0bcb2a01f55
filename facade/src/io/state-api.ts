// The state store's contract, whichever engine holds it: route states (stage and rollout), a stage
// change written together with its audit entry, the audit log, and stored ignore rules. SQLite
// (io/state-store.ts) answers synchronously, PostgreSQL (io/pg-state-store.ts) with promises; callers await.
import type { Stage } from '../core/stages';
import { planStageChange, type StageChangeRequest, type StoredState } from '../core/transitions';
import type { Engine } from './db/sql';

export type Awaitable<T> = T | Promise<T>;

export interface StoredIgnoreRule {
  readonly id: number;
  readonly route: string;
  readonly path: string;
  readonly reason: string;
  readonly actor: string;
  readonly createdAt: string;
}

export interface RouteStateRow extends StoredState {
  readonly route: string;
  readonly updatedAt: string;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly actor: string;
  readonly route: string;
  readonly from: Stage;
  readonly to: Stage;
  readonly percent: number | null;
  readonly reason: string | null;
  readonly forced: boolean;
  readonly details: unknown;
}

export interface ChangeInput extends StageChangeRequest {
  readonly route: string;
  readonly actor: string;
  readonly reason?: string;
  readonly details?: unknown;
  /** Stage to assume when the route has no stored state yet. */
  readonly defaultStage: Stage;
  /**
   * Apply only if the route is still as the caller saw it (null: no stored state yet); otherwise
   * StageChangeError('STAGE_CHANGED'). Two replicas racing to roll a route back write one entry.
   */
  readonly expected?: Pick<RouteStateRow, 'stage' | 'rollout' | 'updatedAt'> | null;
}

export interface IgnoreRuleInput {
  readonly route: string;
  readonly path: string;
  readonly reason: string;
  readonly actor: string;
}

export type IgnoreRuleTarget = { readonly id: number } | { readonly route: string; readonly path: string };

export class StageChangeError extends Error {
  constructor(readonly code: 'STAGE_SKIP' | 'PERCENT_INVALID' | 'STAGE_CHANGED', message: string) {
    super(message);
    this.name = 'StageChangeError';
  }
}

/** Route states, the audit log and stored ignore rules, on either engine. */
export interface RouteStateStore {
  readonly engine: Engine;
  /** Every stored route state, keyed by route name. */
  states(): Awaitable<Map<string, RouteStateRow>>;
  state(route: string): Awaitable<RouteStateRow | null>;
  /** Moves a route (one transaction: state and audit entry together) and returns the audit entry. */
  change(input: ChangeInput): Awaitable<AuditEntry>;
  /** The audit log, newest first, optionally for one route. */
  history(route?: string, limit?: number): Awaitable<AuditEntry[]>;
  addIgnoreRule(rule: IgnoreRuleInput): Awaitable<StoredIgnoreRule>;
  ignoreRules(route?: string): Awaitable<StoredIgnoreRule[]>;
  /** Removes a rule by id, or by route and path; true when one was removed. */
  removeIgnoreRule(target: IgnoreRuleTarget): Awaitable<boolean>;
  close(): Awaitable<void>;
}

// Rows as both engines return them (snake_case columns).
export interface RawState { route: string; stage: Stage; rollout_stage: Stage | null; rollout_percent: number | null; updated_at: string }
export interface RawAudit { id: number; at: string; actor: string; route: string; from_stage: Stage; to_stage: Stage; percent: number | null; reason: string | null; forced: number | boolean; details: string | null }

export function toRow(r: RawState): RouteStateRow {
  const rollout = r.rollout_stage !== null && r.rollout_percent !== null ? { stage: r.rollout_stage, percent: r.rollout_percent } : null;
  return { route: r.route, stage: r.stage, rollout, updatedAt: r.updated_at };
}

export function toAudit(r: RawAudit): AuditEntry {
  return {
    id: Number(r.id), at: r.at, actor: r.actor, route: r.route, from: r.from_stage, to: r.to_stage,
    percent: r.percent, reason: r.reason, forced: r.forced === 1 || r.forced === true, details: r.details ? JSON.parse(r.details) : null,
  };
}

const sameState = (a: Pick<RouteStateRow, 'stage' | 'rollout' | 'updatedAt'>, b: Pick<RouteStateRow, 'stage' | 'rollout' | 'updatedAt'>): boolean =>
  a.stage === b.stage && a.updatedAt === b.updatedAt && JSON.stringify(a.rollout) === JSON.stringify(b.rollout);

/** What a change writes, with the engine left to store it: the next state and the audit entry's columns. */
export interface PlannedChange {
  readonly state: { route: string; stage: Stage; rolloutStage: Stage | null; rolloutPercent: number | null; at: string };
  readonly audit: Omit<RawAudit, 'id' | 'forced'> & { forced: number };
}

/** Checks `expected` and plans the change (core/transitions.ts); throws StageChangeError when refused. */
export function planChange(current: RouteStateRow | null, input: ChangeInput, at: string): PlannedChange {
  if (input.expected !== undefined) {
    const moved = input.expected === null ? current !== null : current === null || !sameState(current, input.expected);
    if (moved) throw new StageChangeError('STAGE_CHANGED', `${input.route} was changed by someone else meanwhile (now ${current?.stage ?? input.defaultStage})`);
  }
  const plan = planStageChange(current ?? { stage: input.defaultStage, rollout: null }, input);
  if (!plan.ok) throw new StageChangeError(plan.code, plan.message);
  return {
    state: { route: input.route, stage: plan.next.stage, at, rolloutStage: plan.next.rollout?.stage ?? null, rolloutPercent: plan.next.rollout?.percent ?? null },
    audit: {
      at, actor: input.actor, route: input.route, from_stage: plan.from, to_stage: plan.to,
      percent: plan.next.rollout?.percent ?? null, reason: input.reason ?? null, forced: input.force ? 1 : 0,
      details: input.details === undefined ? null : JSON.stringify(input.details),
    },
  };
}
