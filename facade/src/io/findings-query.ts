// Re-classifies a route's stored comparisons with today's rules and evidence: the ranked
// endpoint findings, the noise evidence, and each comparison's verdict now. The one reader that
// reports, the gate and the admin API share, so they cannot disagree.
import type Database from 'better-sqlite3';
import { endpointFindings, noiseEvidence, type EndpointFindings, type StoredComparison, type Verdict } from '../core/comparison';
import type { RouteConfig } from '../config';
import { classifyRulesFor, type StoredRule } from './classify-rules';
import { loadComparisons, loadEvidence, loadFactlessTallies } from './diff-store/queries';

export interface FindingsQuery {
  readonly route: string;
  readonly config?: RouteConfig;
  /** Ignore rules stored by `strangler ignore add` (all routes; filtered here). */
  readonly stored: readonly StoredRule[];
  readonly since?: string | null;
  readonly stage?: string;
}

export interface RouteFindingsNow {
  readonly endpoints: EndpointFindings[];
  readonly noise: Array<{ endpoint: string; field: string; why: string }>;
  /** Verdict now of each retained comparison with differing fields, by id (the others keep their stored outcome). */
  readonly verdicts: ReadonlyMap<number, Verdict>;
  /** The retained comparisons with differing fields, newest first. */
  readonly comparisons: readonly StoredComparison[];
}

/** Stored ignore rules of the state database, when its table exists. */
export function storedIgnoreRules(db: Database.Database): StoredRule[] {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ignore_rules'").get();
  return has ? (db.prepare('SELECT route, path, reason FROM ignore_rules').all() as StoredRule[]) : [];
}

export function routeFindings(db: Database.Database, q: FindingsQuery): RouteFindingsNow {
  const book = loadEvidence(db, q.route);
  const rules = classifyRulesFor(q.route, q.config, q.stored);
  // Only comparisons with differing fields are loaded and classified; the rest are counted in SQL.
  const query = { route: q.route, since: q.since ?? null, stage: q.stage };
  const comparisons = loadComparisons(db, { ...query, withFactsOnly: true });
  const verdicts = new Map<number, Verdict>();
  const endpoints = endpointFindings(comparisons, rules, book, (c, v) => verdicts.set(c.id, v), loadFactlessTallies(db, query), q.route);
  return { endpoints, noise: noiseEvidence(q.route, book), verdicts, comparisons };
}
