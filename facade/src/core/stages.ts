// The six migration stages (LaunchDarkly's) and, as plain data, what each stage does with reads and writes.
// Pure: the pipeline's `decide` step looks the plan up; `promote`/rollback move one step along STAGES.

/** The stages in migration order: `promote` moves one step to the right. */
export const STAGES = ['off', 'dualwrite', 'shadow', 'live', 'rampdown', 'complete'] as const;

/** Where a route stands in its migration. */
export type Stage = (typeof STAGES)[number];

/** One implementation of a route: the legacy monolith or the extracted service. */
export type Side = 'monolith' | 'service';

/** Reads: who answers the client, who gets a copy whose answer is only compared. */
export interface ReadPlan {
  readonly primary: Side;
  readonly shadow: Side | null;
}

/** Writes: who gets the write first (and answers), who gets it after the first succeeded. */
export interface WritePlan {
  readonly primary: Side;
  readonly then: Side | null;
}

// Spelled out row by row (DESIGN.md's table) so that a reviewer can check it at a glance.
/** Per stage, the read plan and the write plan. The primary is looked up here, never stored. */
export const STAGE_PLAN: Readonly<Record<Stage, { readonly read: ReadPlan; readonly write: WritePlan }>> = deepFreeze({
  off:       { read: { primary: 'monolith', shadow: null },      write: { primary: 'monolith', then: null } },
  dualwrite: { read: { primary: 'monolith', shadow: null },      write: { primary: 'monolith', then: 'service' } },
  shadow:    { read: { primary: 'monolith', shadow: 'service' }, write: { primary: 'monolith', then: 'service' } },
  live:      { read: { primary: 'service', shadow: 'monolith' }, write: { primary: 'service', then: 'monolith' } },
  rampdown:  { read: { primary: 'service', shadow: null },       write: { primary: 'service', then: 'monolith' } },
  complete:  { read: { primary: 'service', shadow: null },       write: { primary: 'service', then: null } },
});

/**
 * Methods treated as reads: the safe methods of the IANA method registry we route as such (RFC 9110,
 * WebDAV's PROPFIND, DeltaV's and CalDAV's REPORT, SEARCH, and QUERY), case-sensitive as HTTP
 * methods are. A PROPFIND sent to both sides as a write stored a divergence for every 404 of a
 * service that lacks the resource, and its differences were never judged.
 */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PROPFIND', 'REPORT', 'SEARCH', 'QUERY']);

/** True for the safe methods above: the only requests that are ever shadowed or retried. */
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method);
}

/** Type guard for untrusted input (CLI arguments, admin API bodies, flag values). */
export function isStage(value: unknown): value is Stage {
  return typeof value === 'string' && (STAGES as readonly string[]).includes(value);
}

/** The stage after `stage`, or null when it is already `complete`. */
export function nextStage(stage: Stage): Stage | null {
  const i = STAGES.indexOf(stage);
  return i < STAGES.length - 1 ? STAGES[i + 1] : null;
}

/** The stage before `stage`, or null when it is already `off`. */
export function previousStage(stage: Stage): Stage | null {
  const i = STAGES.indexOf(stage);
  return i > 0 ? STAGES[i - 1] : null;
}

/**
 * Signed number of steps from `from` to `to`: 1 is a single promotion, negative is a rollback,
 * and an absolute value above 1 skips stages (the CLI asks for `--force`).
 */
export function stageDistance(from: Stage, to: Stage): number {
  return STAGES.indexOf(to) - STAGES.indexOf(from);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
