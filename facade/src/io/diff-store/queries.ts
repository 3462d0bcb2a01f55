// Reads of the diff store: the noise evidence (as an EvidenceBook) and stored comparisons with
// their facts, for reports, the gate, the CLI and the admin API. Read-only; a database where the
// diff store was never created reads as empty.
import type Database from 'better-sqlite3';
import { EvidenceBook, type CountedComparisons, type FieldCounts, type Outcome, type StoredComparison } from '../../core/comparison';
import type { FieldFact } from '../../core/comparison/record';

function exists(db: Database.Database, table: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
}

/** The lifetime noise evidence of one route (or all). */
export function loadEvidence(db: Database.Database, route?: string): EvidenceBook {
  const book = new EvidenceBook();
  if (!exists(db, 'endpoint_stats')) return book;
  const where = route === undefined ? '' : ' WHERE route = ?';
  const params = route === undefined ? [] : [route];
  const fields = new Map<string, Array<[string, FieldCounts]>>();
  const rows = db.prepare(`SELECT route, endpoint, field, shadow_diffs AS shadowDiffs, self_diffs AS selfDiffs, confirmed,
    primary_hashes AS hashes FROM endpoint_fields${where}`).all(...params) as Array<{ route: string; endpoint: string; field: string;
    shadowDiffs: number; selfDiffs: number; confirmed: number; hashes: string }>;
  for (const r of rows) {
    const key = `${r.route}\u0000${r.endpoint}`;
    const list = fields.get(key) ?? [];
    list.push([r.field, { shadowDiffs: r.shadowDiffs, selfDiffs: r.selfDiffs, confirmed: r.confirmed, primaryHashes: JSON.parse(r.hashes) as string[] }]);
    fields.set(key, list);
  }
  const endpoints = db.prepare(`SELECT route, endpoint, comparisons, reasks FROM endpoint_stats${where}`).all(...params) as Array<{
    route: string; endpoint: string; comparisons: number; reasks: number }>;
  for (const e of endpoints) book.load(e.route, e.endpoint, e.comparisons, e.reasks, fields.get(`${e.route}\u0000${e.endpoint}`) ?? []);
  return book;
}

export interface ComparisonQuery {
  readonly route: string;
  /** Only comparisons at or after this ISO time. */
  readonly since?: string | null;
  /** Only comparisons made at this stage. */
  readonly stage?: string;
  /** Newest first, at most this many. */
  readonly limit?: number;
  /** Only comparisons that have differing fields (the rest are counted by loadFactlessTallies). */
  readonly withFactsOnly?: boolean;
}

/** Comparisons without a differing field, counted per endpoint, outcome and reason. */
export type FactlessTally = CountedComparisons;

/**
 * Comparisons of a route with no differing field (most of them: matches, skips, errors), counted
 * in SQL instead of loaded one by one: classification cannot change them (no fact, no class).
 */
export function loadFactlessTallies(db: Database.Database, q: ComparisonQuery): FactlessTally[] {
  if (!exists(db, 'comparison_fields')) return [];
  return db.prepare(`SELECT endpoint, outcome, reason, COUNT(*) AS count, MIN(at) AS first, MAX(at) AS last FROM comparisons c
    WHERE route = ? AND (? IS NULL OR at >= ?) AND (? IS NULL OR stage = ?)
      AND NOT EXISTS (SELECT 1 FROM comparison_fields f WHERE f.comparison_id = c.id)
    GROUP BY endpoint, outcome, reason`).all(q.route, q.since ?? null, q.since ?? null, q.stage ?? null, q.stage ?? null) as FactlessTally[];
}

interface Row { id: number; at: string; route: string; endpoint: string; method: string; path: string; outcome: string; reason: string | null;
  reasked: number; self_fields: string | null; diff: string | null }
interface FieldRow { comparison_id: number; field: string; path: string; kind: FieldFact['kind']; primary_value: string | null;
  shadow_value: string | null; primary_hash: string; generated: string | null; generated_ms: number | null; echo: number }

const parse = (text: string | null): unknown => (text === null ? undefined : JSON.parse(text));

/** Stored comparisons of a route with their facts, newest first. */
export function loadComparisons(db: Database.Database, q: ComparisonQuery): StoredComparison[] {
  if (!exists(db, 'comparison_fields')) return [];
  const onlyFacts = q.withFactsOnly ? ' AND EXISTS (SELECT 1 FROM comparison_fields f WHERE f.comparison_id = c.id)' : '';
  const rows = db.prepare(`SELECT id, at, route, endpoint, method, path, outcome, reason, reasked, self_fields, diff FROM comparisons c
    WHERE route = ? AND (? IS NULL OR at >= ?) AND (? IS NULL OR stage = ?)${onlyFacts} ORDER BY id DESC LIMIT ?`)
    .all(q.route, q.since ?? null, q.since ?? null, q.stage ?? null, q.stage ?? null, q.limit ?? -1) as Row[];
  if (rows.length === 0) return [];
  const facts = new Map<number, FieldFact[]>();
  const minId = rows[rows.length - 1]!.id;
  const fieldRows = db.prepare(`SELECT comparison_id, field, path, kind, primary_value, shadow_value, primary_hash, generated, generated_ms, echo
    FROM comparison_fields WHERE route = ? AND comparison_id >= ?`).iterate(q.route, minId) as IterableIterator<FieldRow>;
  for (const f of fieldRows) {
    const list = facts.get(f.comparison_id) ?? [];
    list.push({ field: f.field, path: f.path, kind: f.kind, primary: parse(f.primary_value), shadow: parse(f.shadow_value),
      primaryHash: f.primary_hash, generated: f.generated === null ? null : { kind: f.generated as never, deltaMs: f.generated_ms }, ...(f.echo === 1 ? { echo: true } : {}) });
    facts.set(f.comparison_id, list);
  }
  return rows.map((r) => ({
    id: r.id, at: r.at, route: r.route, endpoint: r.endpoint, method: r.method, path: r.path, outcome: r.outcome as Outcome,
    reason: r.reason, reasked: r.reasked === 1, selfFields: r.self_fields === null ? [] : (JSON.parse(r.self_fields) as string[]),
    facts: facts.get(r.id) ?? [], diff: r.diff,
  }));
}
