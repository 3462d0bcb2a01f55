// Pure rules for changing a route's stage: what a request to move a route means for its
// stored state (base stage plus optional rollout), and whether it skips stages.
// Used by the admin API, the CLI and auto-rollback alike, so all three agree.
import { STAGES, type Stage } from './stages';

export interface StoredState {
  readonly stage: Stage;
  readonly rollout: { readonly stage: Stage; readonly percent: number } | null;
}

export interface StageChangeRequest {
  readonly stage: Stage;
  /** Share of contexts (0 < percent < 100) to hold at `stage`; absent or 100 means all. */
  readonly percent?: number;
  readonly force?: boolean;
}

export type StageChangePlan =
  | { readonly ok: true; readonly next: StoredState; readonly from: Stage; readonly to: Stage; readonly skipped: readonly Stage[] }
  | { readonly ok: false; readonly code: 'STAGE_SKIP' | 'PERCENT_INVALID'; readonly message: string };

/** The stage a route is heading for: its rollout target if one is set, else its base stage. */
export function leadingStage(state: StoredState): Stage {
  return state.rollout ? state.rollout.stage : state.stage;
}

/** Stages strictly between `from` and `to` along STAGES (either direction). */
export function stagesBetween(from: Stage, to: Stage): Stage[] {
  const a = STAGES.indexOf(from);
  const b = STAGES.indexOf(to);
  const [lo, hi] = a < b ? [a, b] : [b, a];
  return STAGES.slice(lo + 1, hi) as Stage[];
}

/**
 * Plans a stage change. Moving more than one step (either way) is refused unless forced,
 * because each stage is the evidence for the next. A partial percent keeps the base stage
 * and holds that share of contexts at the requested stage.
 */
export function planStageChange(current: StoredState, request: StageChangeRequest): StageChangePlan {
  const percent = request.percent ?? 100;
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
    return { ok: false, code: 'PERCENT_INVALID', message: `percent must be between 0 and 100, got ${request.percent}` };
  }
  const base = current.stage;
  const from = leadingStage(current);
  const skipped = stagesBetween(base, request.stage);
  if (skipped.length > 0 && !request.force) {
    return {
      ok: false,
      code: 'STAGE_SKIP',
      message: `${base} → ${request.stage} skips ${skipped.join(', ')}; move one stage at a time or force it`,
    };
  }
  let next: StoredState;
  if (percent === 100 || request.stage === base) next = { stage: request.stage, rollout: null };
  else if (percent === 0) next = { stage: base, rollout: null };
  else next = { stage: base, rollout: { stage: request.stage, percent } };
  return { ok: true, next, from, to: leadingStage(next), skipped };
}
