// What `strangler replay` judges with, per route: the route's compare rules (config plus stored
// ignore rules; the config's defaults for a route it does not name), its generated-value policy,
// and the noise evidence: the diff store's when the state database has some for the route, else
// the noise the cases themselves recorded (core/cases/evidence.ts).
import type Database from 'better-sqlite3';
import { parseConfig, type FacadeConfig, type RouteConfig } from '../config';
import { caseBodyHash, caseRedaction, evidenceFromCases, type RecordedCase } from '../core/cases';
import { compileRules } from '../core/compare';
import type { RedactionOptions } from '../core/compare/redact';
import { EvidenceBook } from '../core/comparison';
import { classifyRulesFor } from './classify-rules';
import type { RouteJudging } from './case-replay';
import { MAX_REPLAY_BODY } from './case-replay';
import { rulesFor } from './compare-rules';
import { sqlOf } from './db/sqlite-sql';
import { loadEvidence } from './diff-store/queries';
import { storedIgnoreRules } from './findings-query';

export interface ReplaySetup {
  readonly judging: (route: string) => RouteJudging;
  readonly book: EvidenceBook;
  readonly evidence: Record<string, 'diff store' | 'cases'>;
}

/** A route the config does not name, with the config's defaults (one source of defaults: the schema). */
function defaultRoute(name: string): RouteConfig {
  const url = 'http://127.0.0.1:9';
  return parseConfig({ monolith: { url }, services: { s: { url } }, routes: [{ name, match: { path: '/**' }, service: 's' }] }, 'defaults').routes[0]!;
}

/** The redaction lists of a config (or the built-in ones), without a fingerprint key. */
export function redactionLists(config: FacadeConfig | null): RedactionOptions {
  if (config === null) return {};
  const r = config.redaction;
  return caseRedaction({ headers: [...r.headers], queryParams: [...r.queryParams], fields: [...r.fields], jwt: r.jwt });
}

export async function replaySetup(config: FacadeConfig | null, db: Database.Database | null, cases: readonly RecordedCase[]): Promise<ReplaySetup> {
  const sql = db ? sqlOf(db) : null;
  const stored = sql ? await storedIgnoreRules(sql) : [];
  const redaction = redactionLists(config);
  const judgings = new Map<string, RouteJudging>();
  const judging = (route: string): RouteJudging => {
    let j = judgings.get(route);
    if (!j) {
      const rc = config?.routes.find((r) => r.name === route) ?? defaultRoute(route);
      const raw = rulesFor(rc, stored.filter((r) => r.route === route).map((r) => ({ ...r, id: 0, actor: '', createdAt: '' })), redaction);
      j = {
        compiled: compileRules(raw, { hash: caseBodyHash }),
        classify: classifyRulesFor(route, rc, stored),
        policy: { redact: raw.redact, redaction, maxBodyBytes: MAX_REPLAY_BODY },
        enough: rc.compare.reask.enough,
      };
      judgings.set(route, j);
    }
    return j;
  };
  const book = new EvidenceBook();
  const evidence: Record<string, 'diff store' | 'cases'> = {};
  for (const route of [...new Set(cases.map((c) => c.route))]) {
    const fromStore = sql ? (await loadEvidence(sql, route)).endpoints(route) : new Map();
    if (fromStore.size > 0) {
      for (const [endpoint, e] of fromStore) book.load(route, endpoint, e.comparisons, e.reasks, e.fields);
      evidence[route] = 'diff store';
    } else {
      const own = evidenceFromCases(cases.filter((c) => c.route === route)).endpoints(route);
      for (const [endpoint, e] of own) book.load(route, endpoint, e.comparisons, e.reasks, e.fields);
      evidence[route] = 'cases';
    }
  }
  return { judging, book, evidence };
}
