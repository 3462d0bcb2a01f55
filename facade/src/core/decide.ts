// The per-request decision: given the stage a request runs at and its method, who answers, who is
// compared and who gets the write after it. Runs after route matching and rollout in the pipeline.
import { isSafeMethod, STAGE_PLAN, STAGES, type Side, type Stage } from './stages';

/** What the pipeline does with one request. Frozen and shared: never mutate. */
export interface Decision {
  readonly stage: Stage;
  /** `read` for the safe methods (GET, HEAD, OPTIONS, PROPFIND, REPORT, SEARCH, QUERY); everything else is a `write`. */
  readonly kind: 'read' | 'write';
  /** The side whose answer the client gets. */
  readonly primary: Side;
  /** Reads only: the side that gets a copy whose answer is only compared. */
  readonly shadow: Side | null;
  /** Writes only: the side that gets the same write after the primary's succeeded. */
  readonly then: Side | null;
}

// Built once at load: twelve frozen objects, so a request allocates nothing here.
const DECISIONS: Readonly<Record<Stage, { readonly read: Decision; readonly write: Decision }>> = Object.freeze(
  Object.fromEntries(
    STAGES.map((stage) => {
      const { read: r, write: w } = STAGE_PLAN[stage];
      const read: Decision = Object.freeze({ stage, kind: 'read', primary: r.primary, shadow: r.shadow, then: null });
      const write: Decision = Object.freeze({ stage, kind: 'write', primary: w.primary, shadow: null, then: w.then });
      return [stage, Object.freeze({ read, write })];
    }),
  ) as Record<Stage, { read: Decision; write: Decision }>,
);

/** The decision for a request at `stage` with `method` (case-sensitive; only the safe methods of stages.ts are reads). */
export function decide(stage: Stage, method: string): Decision {
  const row = DECISIONS[stage];
  return isSafeMethod(method) ? row.read : row.write;
}

// The same decisions without a copy: no shadow for a read, no second write for a write.
const SOLO: Readonly<Record<Stage, { readonly read: Decision; readonly write: Decision }>> = Object.freeze(
  Object.fromEntries(STAGES.map((stage) => [stage, Object.freeze({
    read: Object.freeze({ ...DECISIONS[stage].read, shadow: null }),
    write: Object.freeze({ ...DECISIONS[stage].write, then: null }),
  })])) as Record<Stage, { read: Decision; write: Decision }>,
);

/** `d` with its primary alone: a request only the side that answers it may see (core/transports.ts, a route's primaryOnly). */
export function primaryAlone(d: Decision): Decision {
  return SOLO[d.stage][d.kind];
}
