// One batch's increments to the diff store's aggregates, summed per key: outcome counts per route
// and minute, comparisons per endpoint, evidence per field (with the primary's fingerprints merged).
// Both writers apply them with one upsert per key instead of one per comparison, in key order (so
// two PostgreSQL writers never lock the same rows in opposite orders). Pure.
import { evidenceDelta, isVerdict, mergeHashes, type ComparisonRecord } from '../../core/comparison';
import { answerBits, dayOf, type StageHourDelta } from './stage-hours';

/** One map key of several strings. */
export const key = (...parts: string[]): string => parts.join('\u0000');
const byKey = <T>(m: Map<string, T>): Array<[string, T]> => [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

export interface BatchDeltas {
  readonly minutes: ReadonlyArray<{ route: string; minute: string; outcome: string; count: number }>;
  readonly endpoints: ReadonlyArray<EndpointDelta & { route: string; endpoint: string }>;
  readonly fields: ReadonlyArray<FieldDelta & { route: string; endpoint: string; field: string }>;
  readonly stageHours: readonly StageHourDelta[];
}

export interface EndpointDelta { comparisons: number; reasks: number; first: string; last: string }
export interface FieldDelta { shadowDiffs: number; selfDiffs: number; confirmed: number; shadowSelfDiffs: number; hashes: string[]; first: string; last: string }

/** One batch's increments, summed per key (a multi-row upsert may not touch one row twice). */
export function batchDeltas(records: readonly ComparisonRecord[]): BatchDeltas {
  const minutes = new Map<string, { route: string; minute: string; outcome: string; count: number }>();
  const endpoints = new Map<string, EndpointDelta & { route: string; endpoint: string }>();
  const fields = new Map<string, FieldDelta & { route: string; endpoint: string; field: string }>();
  const stageHours = new Map<string, StageHourDelta>();
  for (const r of records) {
    const answers = answerBits(r);
    const hour = dayOf(r.at); // the column keeps its old name (stage-hours.ts)
    const reason = r.reason ?? '';
    const h = key(r.route, r.stage, hour, r.endpoint, r.outcome, reason, r.primarySide, String(answers));
    const hc = stageHours.get(h);
    if (hc) hc.count++;
    else stageHours.set(h, { route: r.route, stage: r.stage, hour, endpoint: r.endpoint, outcome: r.outcome, reason, primarySide: r.primarySide, answers, count: 1 });
    const m = key(r.route, r.at.slice(0, 16), r.outcome);
    const mc = minutes.get(m) ?? { route: r.route, minute: r.at.slice(0, 16), outcome: r.outcome, count: 0 };
    mc.count++;
    minutes.set(m, mc);
    if (!isVerdict(r.outcome)) continue;
    const delta = evidenceDelta(r);
    const e = key(r.route, r.endpoint);
    const ec = endpoints.get(e) ?? { route: r.route, endpoint: r.endpoint, comparisons: 0, reasks: 0, first: r.at, last: r.at };
    ec.comparisons++;
    ec.reasks += delta.reasked ? 1 : 0;
    if (r.at < ec.first) ec.first = r.at;
    if (r.at > ec.last) ec.last = r.at;
    endpoints.set(e, ec);
    for (const [field, d] of delta.fields) {
      const f = key(r.route, r.endpoint, field);
      const fc = fields.get(f) ?? { route: r.route, endpoint: r.endpoint, field, shadowDiffs: 0, selfDiffs: 0, confirmed: 0, shadowSelfDiffs: 0, hashes: [], first: r.at, last: r.at };
      fc.shadowDiffs += d.shadowDiffs;
      fc.selfDiffs += d.selfDiffs;
      fc.confirmed += d.confirmed;
      fc.shadowSelfDiffs += d.shadowSelfDiffs;
      mergeHashes(fc.hashes, d.valueHashes);
      if (r.at < fc.first) fc.first = r.at;
      if (r.at > fc.last) fc.last = r.at;
      fields.set(f, fc);
    }
  }
  return { minutes: byKey(minutes).map(([, v]) => v), endpoints: byKey(endpoints).map(([, v]) => v), fields: byKey(fields).map(([, v]) => v),
    stageHours: byKey(stageHours).map(([, v]) => v) };
}

