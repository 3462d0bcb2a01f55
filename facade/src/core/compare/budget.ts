// A time budget for a comparison made on the event loop. A small body can still cost a line diff
// of seconds (jsdiff's O(ND): 12,000 one-character lines every seventh of which differs, 24 KB,
// held the loop 1.2 s; 3,000 tags on one line of a page 0.45 s; a unified diff of two 6,000-item
// JSON arrays under renamed keys 0.15 s). Under a budget the line diffs give up once it is spent and
// throw OverBudget, and the caller (io/compare-pool.ts) makes the same comparison in a worker
// thread without one: the verdict is the one it would have been, only made off the event loop.
// Without a budget (a worker, the CLI) nothing changes. Pure apart from reading the clock.

/** Thrown by a line diff once the budget set by {@link withinBudget} is spent. */
export class OverBudget extends Error {
  readonly code = 'COMPARE_OVER_BUDGET';
  constructor() {
    super('comparison over its inline time budget');
    this.name = 'OverBudget';
  }
}

let deadline = Number.POSITIVE_INFINITY;

/** Runs `work` with `ms` milliseconds (by Date.now, the clock jsdiff's `timeout` reads) for its line diffs. */
export function withinBudget<T>(ms: number, work: () => T): T {
  const outer = deadline;
  deadline = Math.min(outer, Date.now() + ms);
  try {
    return work();
  } finally {
    deadline = outer;
  }
}

/** jsdiff's `timeout` option for the time left, or nothing when no budget is set. */
export function diffTimeout(): { timeout?: number } {
  return Number.isFinite(deadline) ? { timeout: Math.max(0, deadline - Date.now()) } : {};
}

/** Throws OverBudget when a budget is set and spent: a jsdiff that gave up may have given up for it. */
export function checkBudget(): void {
  if (Date.now() > deadline) throw new OverBudget();
}
