// Loads what the promotion gate (core/gate.ts) judges from the state database: the comparison rows
// of one route at its current stage, since the audit entry that moved it there, counted by outcome
// and folded into per-side figures (requests, failures, p99). Read-only; one query per table.
import type Database from 'better-sqlite3';
import type { RouteConfig } from '../config';
import type { GateInput, SideFigures } from '../core/gate';
import { routeFindings, storedIgnoreRules } from './findings-query';
import { nearestRank } from '../core/report-stats';
import type { Side, Stage } from '../core/stages';

interface Row {
  id: number;
  outcome: string;
  reason: string | null;
  primary_side: string;
  primary_status: number | null;
  shadow_status: number | null;
  primary_ms: number | null;
  shadow_ms: number | null;
}

interface SideTally { requests: number; failures: number; times: number[] }

const tally = (): SideTally => ({ requests: 0, failures: 0, times: [] });

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** When the route last moved to `stage` from another stage (ISO), or null. */
export function enteredAt(db: Database.Database, route: string, stage: Stage): string | null {
  if (!hasTable(db, 'audit_log')) return null;
  const row = db.prepare('SELECT at FROM audit_log WHERE route = ? AND to_stage = ? AND from_stage <> ? ORDER BY id DESC LIMIT 1')
    .get(route, stage, stage) as { at: string } | undefined;
  return row?.at ?? null;
}

/** Nearest-rank p99 of the times (ms), null without any (the report's percentile rule). */
export function p99(times: readonly number[]): number | null {
  return nearestRank([...times].sort((a, b) => a - b), 99);
}

/**
 * Counts one side of one row. A side was asked when it has a status or a time; it failed on a 5xx,
 * or with no status on an 'error' row whose reason names it (`service_UPSTREAM_TIMEOUT`) or no side.
 */
function count(t: SideTally, side: Side, row: Row, status: number | null, time: number | null): void {
  if (status === null && time === null) return;
  t.requests++;
  if (time !== null) t.times.push(time);
  const named = row.reason?.startsWith('service_') || row.reason?.startsWith('monolith_');
  if (status !== null ? status >= 500 : row.outcome === 'error' && (!named || row.reason!.startsWith(`${side}_`))) t.failures++;
}

function figures(t: SideTally): SideFigures {
  return { requests: t.requests, failures: t.failures, p99Ms: p99(t.times), latenciesMs: t.times };
}

/**
 * The gate's input for moving `route` from `stage` to `target`. The window is every comparison row
 * at `stage` since the last audit entry that moved the route to `stage` (all rows at `stage` when
 * there is none); rows the diff store has pruned (beyond its per-route retention) are not seen.
 */
export function loadGateInput(db: Database.Database, route: string, stage: Stage, target: Stage, config?: RouteConfig): GateInput {
  const since = enteredAt(db, route, stage);
  const rows: Row[] = hasTable(db, 'comparisons')
    ? (db.prepare(`SELECT id, outcome, reason, primary_side, primary_status, shadow_status, primary_ms, shadow_ms FROM comparisons
        WHERE route = ? AND stage = ? AND (? IS NULL OR at >= ?) AND (reason IS NULL OR reason <> 'noise_sample')`)
      .all(route, stage, since, since) as Row[])
    : [];
  // Verdicts re-classified with today's rules and evidence, per endpoint.
  const found = routeFindings(db, { route, config, stored: storedIgnoreRules(db), since, stage });
  const outcomes: Record<string, number> = {};
  const sides: Record<Side, SideTally> = { service: tally(), monolith: tally() };
  for (const stored of rows) {
    const row = { ...stored, outcome: found.verdicts.get(stored.id) ?? stored.outcome };
    outcomes[row.outcome] = (outcomes[row.outcome] ?? 0) + 1;
    if (row.reason === 'fallback') {
      // The service was asked first and failed; the monolith's answer is what was stored.
      sides.service.requests++;
      sides.service.failures++;
      count(sides.monolith, 'monolith', row, row.primary_status, row.primary_ms);
      continue;
    }
    const primary: Side = row.primary_side === 'service' ? 'service' : 'monolith';
    const other: Side = primary === 'service' ? 'monolith' : 'service';
    count(sides[primary], primary, row, row.primary_status, row.primary_ms);
    count(sides[other], other, row, row.shadow_status, row.shadow_ms);
  }
  const n = (o: string): number => outcomes[o] ?? 0;
  return {
    route, stage, target, since,
    comparisons: n('match') + n('mismatch') + n('noise') + n('generated') + n('unjudged'), mismatches: n('mismatch'), unjudged: n('unjudged'),
    endpoints: found.endpoints.map((e) => ({ endpoint: e.endpoint, compared: e.compared, mismatches: e.verdicts.mismatch, unjudged: e.verdicts.unjudged,
      topField: e.fields.find((f) => f.class === 'real')?.field ?? null })),
    divergences: n('divergence'), errors: n('error'), skipped: n('skipped'),
    service: figures(sides.service), monolith: figures(sides.monolith),
  };
}
