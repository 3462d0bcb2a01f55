// Re-classifies a route's stored comparisons with today's rules and evidence: the ranked
// endpoint findings, the noise evidence, and each comparison's verdict now. The one reader that
// reports, the gate and the admin API share, so they cannot disagree.
import { endpointFindings, noiseEvidence, type EndpointFindings, type StoredComparison, type Verdict } from '../core/comparison';
import type { RouteConfig } from '../config';
import { classifyRulesFor, type StoredRule } from './classify-rules';
import type { Sql } from './db/sql';
import { hasTable } from './db/tables';
import { factlessTallies, loadComparisons, loadEvidence, loadOutcomeGroups, type FactlessTally, type OutcomeGroup } from './diff-store/queries';

export interface FindingsQuery {
  readonly route: string;
  readonly config?: RouteConfig;
  /** Ignore rules stored by `strangler ignore add` (all routes; filtered here). */
  readonly stored: readonly StoredRule[];
  readonly since?: string | null;
  readonly stage?: string;
  /** Examples with their unified diffs (default true); the gate shows none. */
  readonly diffs?: boolean;
  /**
   * Called once the last read has been asked for (the comparisons with facts), or when there is
   * none: on PostgreSQL a caller can queue its own next read behind it, so the database works on
   * that one while this process classifies (the gate: ~25 ms of a fresh process's run).
   */
  readonly onAsked?: () => void;
}

export interface RouteFindingsNow {
  readonly endpoints: EndpointFindings[];
  readonly noise: Array<{ endpoint: string; field: string; why: string }>;
  /** Verdict now of each retained comparison with differing fields, by id (the others keep their stored outcome). */
  readonly verdicts: ReadonlyMap<number, Verdict>;
  /** The retained comparisons with differing fields, newest first. */
  readonly comparisons: readonly StoredComparison[];
  /** The other retained comparisons (no differing field), counted per endpoint, outcome and reason. */
  readonly tallies: readonly FactlessTally[];
}

/** Stored ignore rules of the state database, when its table exists. */
export async function storedIgnoreRules(sql: Sql): Promise<StoredRule[]> {
  return (await hasTable(sql, 'ignore_rules')) ? sql.all<StoredRule>('SELECT route, path, reason FROM ignore_rules') : [];
}

/**
 * A route's findings now. `groups`: the window's comparisons already counted per endpoint, outcome
 * and reason by the caller (the gate counts them with its own figures in the same pass); read here otherwise.
 */
export async function routeFindings(sql: Sql, q: FindingsQuery, groups?: readonly OutcomeGroup[]): Promise<RouteFindingsNow> {
  let comparisons: StoredComparison[];
  let book: Awaited<ReturnType<typeof loadEvidence>>;
  let counted: readonly OutcomeGroup[];
  // Only comparisons with differing fields are loaded and classified; the rest are counted in SQL.
  const query = { route: q.route, since: q.since ?? null, stage: q.stage };
  try {
    book = await loadEvidence(sql, q.route);
    // The comparisons' read is asked last (the outcome groups, when read here, are asked at once).
    [comparisons, counted] = await Promise.all([
      loadComparisons(sql, { ...query, withFactsOnly: true, withDiffs: q.diffs, onAsked: q.onAsked }),
      groups ?? loadOutcomeGroups(sql, query),
    ]);
  } finally {
    q.onAsked?.(); // asked already, or failed: a caller waiting on it must not wait forever
  }
  const rules = classifyRulesFor(q.route, q.config, q.stored);
  const tallies = factlessTallies(counted, comparisons);
  const verdicts = new Map<number, Verdict>();
  const endpoints = endpointFindings(comparisons, rules, book, (c, v) => verdicts.set(c.id, v), tallies, q.route);
  return { endpoints, noise: noiseEvidence(q.route, book), verdicts, comparisons, tallies };
}

/** Outcomes now: the stored outcome of comparisons without facts, the re-classified verdict of the others (noise samples left out). */
export function outcomesNow(found: RouteFindingsNow): Record<string, number> {
  const outcomes: Record<string, number> = {};
  const add = (o: string, n: number): void => { outcomes[o] = (outcomes[o] ?? 0) + n; };
  for (const t of found.tallies) if (t.reason !== 'noise_sample') add(t.outcome, t.count);
  for (const c of found.comparisons) if (c.reason !== 'noise_sample') add(found.verdicts.get(c.id) ?? c.outcome, 1);
  return outcomes;
}
