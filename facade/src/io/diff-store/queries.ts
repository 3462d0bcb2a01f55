// Reads of the diff store: the noise evidence (as an EvidenceBook) and stored comparisons with
// their facts, for reports, the gate, the CLI and the admin API. Read-only, over the Sql interface:
// the same SQL on SQLite and PostgreSQL. A database where the diff store was never created reads as empty.
import { EvidenceBook, type CountedComparisons, type FieldCounts, type Outcome, type StoredComparison } from '../../core/comparison';
import type { FieldFact } from '../../core/comparison/record';
import type { Sql, SqlValue } from '../db/sql';
import { hasColumn, hasTable } from '../db/tables';
import { FACT_COMPARISON_NAMES } from './fact-comparisons';

/** The lifetime noise evidence of one route (or all). */
export async function loadEvidence(sql: Sql, route?: string): Promise<EvidenceBook> {
  const book = new EvidenceBook();
  if (!(await hasTable(sql, 'endpoint_stats'))) return book;
  const where = route === undefined ? '' : ' WHERE route = ?';
  const params = route === undefined ? [] : [route];
  const fields = new Map<string, Array<[string, FieldCounts]>>();
  // A store from before the shadow's own re-asks were counted (read without migrating) has none.
  const shadowSelf = (await hasColumn(sql, 'endpoint_fields', 'shadow_self_diffs')) ? 'shadow_self_diffs' : '0';
  const rows = await sql.all<{ route: string; endpoint: string; field: string; shadowDiffs: number; selfDiffs: number; confirmed: number; shadowSelfDiffs: number; hashes: string }>(
    `SELECT route, endpoint, field, shadow_diffs AS "shadowDiffs", self_diffs AS "selfDiffs", confirmed, ${shadowSelf} AS "shadowSelfDiffs",
    primary_hashes AS hashes FROM endpoint_fields${where}`, params);
  for (const r of rows) {
    const key = `${r.route}\u0000${r.endpoint}`;
    const list = fields.get(key) ?? [];
    list.push([r.field, { shadowDiffs: r.shadowDiffs, selfDiffs: r.selfDiffs, confirmed: r.confirmed, shadowSelfDiffs: Number(r.shadowSelfDiffs), valueHashes: JSON.parse(r.hashes) as string[] }]);
    fields.set(key, list);
  }
  const endpoints = await sql.all<{ route: string; endpoint: string; comparisons: number; reasks: number }>(
    `SELECT route, endpoint, comparisons, reasks FROM endpoint_stats${where}`, params);
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
  /** With their unified diffs (default true); the gate has no use for them. */
  readonly withDiffs?: boolean;
  /** Called as soon as the comparisons have been asked for (their read queued), see findings-query.ts. */
  readonly onAsked?: () => void;
}

/** Comparisons without a differing field, counted per endpoint, outcome and reason. */
export type FactlessTally = CountedComparisons;

/** The shared WHERE of a route's comparisons (alias `c`) and its parameters. */
export function comparisonFilter(q: Pick<ComparisonQuery, 'route' | 'since' | 'stage'>): { where: string; params: Array<string | null> } {
  // Only the conditions that apply: an `(? IS NULL OR c.at >= ?)` form kept SQLite from using the
  // (route, at) index, so a gate on a route with months of rows scanned all of them.
  let where = 'c.route = ?';
  const params: Array<string | null> = [q.route];
  if (q.since) { where += ' AND c.at >= ?'; params.push(q.since); }
  if (q.stage) { where += ' AND c.stage = ?'; params.push(q.stage); }
  return { where, params };
}

/** Every comparison of a query's window counted per endpoint, outcome and reason (with or without facts). */
export type OutcomeGroup = CountedComparisons;

/** One pass over the window: comparisons per endpoint, outcome and reason, with their first and last time. */
export async function loadOutcomeGroups(sql: Sql, q: ComparisonQuery): Promise<OutcomeGroup[]> {
  if (!(await hasTable(sql, 'comparisons'))) return [];
  const f = comparisonFilter(q);
  const rows = await sql.all<OutcomeGroup>(`SELECT endpoint, outcome, reason, COUNT(*) AS count, MIN(at) AS first, MAX(at) AS last
    FROM comparisons c WHERE ${f.where} GROUP BY endpoint, outcome, reason`, f.params);
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

/**
 * Comparisons of a route with no differing field (most of them: matches, skips, errors), counted
 * in SQL instead of loaded one by one: classification cannot change them (no fact, no class).
 * `groups` count every comparison of the window (loadOutcomeGroups); `withFacts` are those of them
 * that have facts (loadComparisons with withFactsOnly), taken out here, which is cheaper than
 * asking the facts table about each row.
 */
export function factlessTallies(groups: readonly OutcomeGroup[], withFacts: readonly StoredComparison[]): FactlessTally[] {
  const key = (endpoint: string, outcome: string, reason: string | null): string => `${endpoint}\u0000${outcome}\u0000${reason ?? '\u0001'}`;
  const taken = new Map<string, number>();
  for (const c of withFacts) taken.set(key(c.endpoint, c.outcome, c.reason), (taken.get(key(c.endpoint, c.outcome, c.reason)) ?? 0) + 1);
  // first/last may include a comparison with facts: it is in the same endpoint's findings anyway.
  return groups.map((t) => ({ ...t, count: t.count - (taken.get(key(t.endpoint, t.outcome, t.reason)) ?? 0) })).filter((t) => t.count > 0);
}

interface Row { id: number; at: string; route: string; endpoint: string; method: string; path: string; outcome: string; reason: string | null;
  reasked: number; self_fields: string | null; diff: string | null }
/** A fact's copy of its comparison's columns (fact-comparisons.ts). */
interface CopiedRow { endpoint: string; at: string; stage: string; method: string; request_path: string; outcome: string; reason: string | null; reasked: number | string; self_fields: string | null }
interface FieldRow { comparison_id: number; field: string; path: string; kind: FieldFact['kind']; primary_value: string | null;
  shadow_value: string | null; primary_hash: string; generated: string | null; generated_ms: number | null; echo: number }

const parse = (text: string | null): unknown => (text === null ? undefined : JSON.parse(text));

/** Facts rows per comparison id. */
function factsById(fieldRows: readonly FieldRow[]): Map<number, FieldFact[]> {
  const facts = new Map<number, FieldFact[]>();
  for (const r of fieldRows) {
    const list = facts.get(Number(r.comparison_id)) ?? [];
    list.push({ field: r.field, path: r.path, kind: r.kind, primary: parse(r.primary_value), shadow: parse(r.shadow_value),
      primaryHash: r.primary_hash, generated: r.generated === null ? null : { kind: r.generated as never, deltaMs: r.generated_ms }, ...(r.echo === 1 ? { echo: true } : {}) });
    facts.set(Number(r.comparison_id), list);
  }
  return facts;
}

const FIELD_COLUMNS = 'comparison_id, field, path, kind, primary_value, shadow_value, primary_hash, generated, generated_ms, echo';
const ROW_COLUMNS = 'c.id, c.at, c.route, c.endpoint, c.method, c.path, c.outcome, c.reason, c.reasked, c.self_fields, c.diff';
/** Ids per lookup statement: far under either engine's parameter limit. */
const IDS_PER_LOOKUP = 2000;

/**
 * The window's comparisons that have facts, read from the facts table alone: each fact keeps its
 * comparison's columns (fact-comparisons.ts), so the comparisons themselves, spread over the whole
 * table, are not looked up one by one (a fresh PostgreSQL connection pays for every page it touches
 * first). Their unified diffs, which only the newest comparisons keep, are read apart when wanted.
 * A store from before the copies (never migrated by a writer of this version) looks them up by id.
 */
async function comparisonsWithFacts(sql: Sql, q: ComparisonQuery): Promise<{ rows: Row[]; facts: Map<number, FieldFact[]> }> {
  if (!(await hasColumn(sql, 'comparison_fields', 'outcome'))) return comparisonsWithFactsById(sql, q);
  const f = comparisonFilter(q); // alias c: the facts table has the route, at and stage columns too
  const asked = sql.all<FieldRow & CopiedRow>(`SELECT ${FIELD_COLUMNS}, endpoint, ${FACT_COMPARISON_NAMES} FROM comparison_fields c
    WHERE ${f.where} AND c.outcome IS NOT NULL ORDER BY c.comparison_id`, f.params); // ascending: a comparison's facts in the order written
  q.onAsked?.();
  const fieldRows = await asked;
  const facts = factsById(fieldRows);
  const rows: Row[] = [];
  for (let i = fieldRows.length - 1; i >= 0 && (q.limit === undefined || rows.length < q.limit); i--) {
    const r = fieldRows[i]!;
    const id = Number(r.comparison_id);
    if (rows.length > 0 && rows[rows.length - 1]!.id === id) continue;
    rows.push({ id, at: r.at, route: q.route, endpoint: r.endpoint, method: r.method, path: r.request_path, outcome: r.outcome, reason: r.reason,
      reasked: Number(r.reasked), self_fields: r.self_fields, diff: null });
  }
  if (q.withDiffs !== false && rows.length > 0) {
    // By the index of the rows that keep a diff (schema.ts): only the newest few hundred per route.
    const diffs = await sql.all<{ id: number | string; diff: string }>('SELECT c.id, c.diff FROM comparisons c WHERE c.route = ? AND c.diff IS NOT NULL AND c.id >= ?',
      [q.route, rows[rows.length - 1]!.id]);
    const byId = new Map(diffs.map((d) => [Number(d.id), d.diff]));
    for (const r of rows) r.diff = byId.get(r.id) ?? null;
  }
  return { rows, facts };
}

/** The same from a store whose facts have no copies: the route's facts, then their comparisons by primary key. */
async function comparisonsWithFactsById(sql: Sql, q: ComparisonQuery): Promise<{ rows: Row[]; facts: Map<number, FieldFact[]> }> {
  const facts = factsById(await sql.all<FieldRow>(`SELECT ${FIELD_COLUMNS} FROM comparison_fields WHERE route = ?`, [q.route]));
  const ids = [...facts.keys()].sort((a, b) => b - a);
  const f = comparisonFilter(q);
  const rows: Row[] = [];
  for (let i = 0; i < ids.length && (q.limit === undefined || rows.length < q.limit); i += IDS_PER_LOOKUP) {
    const chunk = ids.slice(i, i + IDS_PER_LOOKUP);
    rows.push(...await sql.all<Row>(`SELECT ${ROW_COLUMNS} FROM comparisons c WHERE c.id IN (${chunk.map(() => '?').join(', ')}) AND ${f.where}
      ORDER BY c.id DESC`, [...chunk, ...f.params]));
  }
  return { rows: q.limit === undefined ? rows : rows.slice(0, q.limit), facts };
}

/** Stored comparisons of a route with their facts, newest first. */
export async function loadComparisons(sql: Sql, q: ComparisonQuery): Promise<StoredComparison[]> {
  if (!(await hasTable(sql, 'comparison_fields'))) return [];
  let rows: Row[];
  let facts: Map<number, FieldFact[]>;
  if (q.withFactsOnly) {
    ({ rows, facts } = await comparisonsWithFacts(sql, q));
  } else {
    const f = comparisonFilter(q);
    const limit = q.limit === undefined ? '' : ' LIMIT ?';
    rows = await sql.all<Row>(`SELECT ${ROW_COLUMNS} FROM comparisons c WHERE ${f.where} ORDER BY c.id DESC${limit}`,
      [...f.params, ...(q.limit === undefined ? [] : [q.limit])]);
    if (rows.length === 0) return [];
    facts = factsById(await sql.all<FieldRow>(`SELECT ${FIELD_COLUMNS} FROM comparison_fields WHERE route = ? AND comparison_id >= ?`,
      [q.route, rows[rows.length - 1]!.id]));
  }
  return rows.map((r) => ({
    id: Number(r.id), at: r.at, route: r.route, endpoint: r.endpoint, method: r.method, path: r.path, outcome: r.outcome as Outcome,
    reason: r.reason, reasked: r.reasked === 1, selfFields: r.self_fields === null ? [] : (JSON.parse(r.self_fields) as string[]),
    facts: facts.get(Number(r.id)) ?? [], diff: r.diff,
  }));
}
