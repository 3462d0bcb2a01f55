// What the recorded breaker transitions of one upstream say about a time window (pure): its state at
// the window's end (the worst over the facade processes that recorded one in the window), how often
// it opened, and how long it was not closed (the union over processes). The gate, the report,
// `strangler upstreams` and `strangler route list` read it through io/breaker-log.ts.
import type { BreakerState } from './breaker';

/** One stored transition; `process` tells the facade processes (cluster workers, replicas) apart. */
export interface TransitionRecord {
  readonly at: string;
  readonly upstream: string;
  readonly process: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
  readonly requests: number;
  readonly failures: number;
  readonly reason: string;
}

export interface BreakerHistory {
  readonly upstream: string;
  /** At the window's end: open if any process's breaker was open, else half-open if any was, else closed. */
  readonly state: BreakerState;
  /** How many processes were in each state at the window's end (only those that recorded a transition). */
  readonly processes: Readonly<Record<BreakerState, number>>;
  /** Transitions to open inside the window. */
  readonly opened: number;
  /** Time inside the window during which at least one process's breaker was not closed. */
  readonly notClosedMs: number;
  readonly lastOpenedAt: string | null;
  /** The window's transitions, newest first, at most `keep`. */
  readonly transitions: readonly TransitionRecord[];
}

const RANK: Readonly<Record<BreakerState, number>> = { closed: 0, 'half-open': 1, open: 2 };

/** The worse of two states (open > half-open > closed). */
export function worseState(a: BreakerState, b: BreakerState): BreakerState {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * Summarizes `rows` of one upstream for the window [since, until] (epoch ms). `rows` holds the
 * window's transitions plus, per process, the last one before `since` (its state when the window
 * opened), in any order. A process whose last transition is older than `since` still counts with
 * that state: the caller picks `since` so that stale processes (a crashed worker) age out.
 */
export function summarizeBreaker(upstream: string, rows: readonly TransitionRecord[], since: number, until: number, keep = 20): BreakerHistory {
  const sorted = [...rows].sort((a, b) => a.at.localeCompare(b.at));
  const latest = new Map<string, BreakerState>();
  const openSince = new Map<string, number>();
  const intervals: Array<[number, number]> = [];
  let opened = 0;
  let lastOpenedAt: string | null = null;
  for (const r of sorted) {
    const at = Date.parse(r.at);
    if (at > until) break;
    const wasOpen = openSince.has(r.process);
    if (r.to !== 'closed' && !wasOpen) openSince.set(r.process, Math.max(at, since));
    if (r.to === 'closed' && wasOpen) {
      intervals.push([openSince.get(r.process)!, Math.max(at, since)]);
      openSince.delete(r.process);
    }
    latest.set(r.process, r.to);
    if (r.to === 'open' && at >= since) { opened++; lastOpenedAt = r.at; }
  }
  for (const start of openSince.values()) intervals.push([start, until]);
  const processes: Record<BreakerState, number> = { closed: 0, 'half-open': 0, open: 0 };
  let state: BreakerState = 'closed';
  for (const s of latest.values()) { processes[s]++; state = worseState(state, s); }
  const inWindow = sorted.filter((r) => { const at = Date.parse(r.at); return at >= since && at <= until; });
  return {
    upstream, state, processes, opened, notClosedMs: unionMs(intervals), lastOpenedAt,
    transitions: inWindow.slice(-keep).reverse(),
  };
}

/** Total length of the union of [start, end] intervals. */
function unionMs(intervals: Array<[number, number]>): number {
  const sorted = intervals.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const [a, b] of sorted) {
    if (a > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = a;
      curEnd = b;
    } else {
      curEnd = Math.max(curEnd, b);
    }
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}
