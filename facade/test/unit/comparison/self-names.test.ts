// Each side's own name, learned on a route where a field named for the process carries it, is
// recognised where a side writes it elsewhere (a CSV export's host column, an access log's vhost):
// such a value is the side's, not data. Any other word that differs keeps it a real difference.
import { endpointFindings, EvidenceBook, type ClassifyRules, type FieldFact, type StoredComparison } from '../../../src/core/comparison';
import { selfNamedFact, selfNamePairs } from '../../../src/core/comparison/self-names';

const rules: ClassifyRules = { ignore: [], generated: { toleranceMs: 60_000, kinds: new Set(['timestamp', 'instance']), exactFields: [] } };
const at = '2026-12-07T08:00:00.000Z';
const MONO = 'legacy-app-03.prod.dc1.internal';
const SVC = 'catalog-svc-6d4b9c7f8-x2kqp';
let id = 0;

function fact(field: string, primary: unknown, shadow: unknown, generated: FieldFact['generated'] = null): FieldFact {
  return { path: field, field, kind: 'changed', primary, shadow, primaryHash: `p:${String(primary)}`, shadowHash: `s:${String(shadow)}`, generated };
}
/** A read the primary was asked again about three times and repeated itself at every field. */
function read(endpoint: string, facts: FieldFact[]): StoredComparison {
  return { id: ++id, at, route: 'data', endpoint, method: 'GET', path: endpoint.slice(4), reasked: true, reasks: 3, selfFields: [], facts, outcome: 'mismatch', reason: null, diff: null };
}
/** The class each field got, by field, from the route's comparisons in this order. */
function classes(comparisons: StoredComparison[]): Record<string, string> {
  const book = new EvidenceBook();
  for (const c of comparisons) book.add(c);
  const out: Record<string, string> = {};
  for (const e of endpointFindings(comparisons, rules, book)) for (const f of e.fields) out[`${e.endpoint} ${f.field}`] = f.class;
  return out;
}
const logs = read('GET /logs', [fact('$[*].host', MONO, SVC, { kind: 'instance', deltaMs: null })]);
const row = (total: string, host: string): string => `1012,cust-103,${total},EUR,${host}`;

it('passes an export row that differs only in each side\'s own host, learned at a host field of the route (whichever came first)', () => {
  const exp = read('GET /export/:id', [fact('text["row 1012"]', row('45.00', MONO), row('45.00', SVC))]);
  expect(classes([exp, logs])['GET /export/:id text["row 1012"]']).toBe('generated');
  expect(classes([logs, exp])['GET /export/:id text["row 1012"]']).toBe('generated');
});

it('keeps a row real where another word differs beside the host, or where no host was learned', () => {
  const wrong = read('GET /export/:id', [fact('text["row 1012"]', row('45.00', MONO), row('54.00', SVC))]);
  expect(classes([wrong, logs])['GET /export/:id text["row 1012"]']).toBe('real');
  const alone = read('GET /export/:id', [fact('text["row 1012"]', row('45.00', MONO), row('45.00', SVC))]);
  expect(classes([alone])['GET /export/:id text["row 1012"]']).toBe('real');
});

it('keeps real a value naming another host than the side\'s own, and one where only one side names itself', () => {
  const names = selfNamePairs(MONO, SVC);
  expect(selfNamedFact(`by ${MONO}`, 'by catalog-svc-6d4b9c7f8-zz9kq', names, Date.parse(at))).toBeNull();
  expect(selfNamedFact(`by ${MONO}`, 'by somebody-else.internal', names, Date.parse(at))).toBeNull();
  expect(selfNamedFact(`owner ${MONO}`, `owner ${MONO}`, names, Date.parse(at))).toBeNull();
  // a name inside a longer one is not the name
  expect(selfNamedFact(`${MONO}-replica`, `${SVC}-replica`, names, Date.parse(at))).toBeNull();
});

it('passes a log line with the side\'s name and its own clock, within the tolerance only', () => {
  const names = selfNamePairs(`28113@${MONO}`, `1@${SVC}`);
  expect(names).toEqual([{ primary: MONO, shadow: SVC }]);
  const line = (host: string, t: string): string => `${host}:443 10.0.0.9 - - [07/Dec/2026:${t} +0000] "GET /orders/110 HTTP/1.1" 200 512`;
  expect(selfNamedFact(line(MONO, '08:00:01'), line(SVC, '08:00:02'), names, Date.parse(at))?.kind).toBe('timestamp');
  expect(selfNamedFact(line(MONO, '08:00:01'), line(SVC, '08:00:02').replace('200 512', '500 512'), names, Date.parse(at))).toBeNull();
});

it('learns no commit, number, address or date as a name', () => {
  expect(selfNamePairs('39d8a26', '06bb9f5')).toEqual([]);
  expect(selfNamePairs(28113, 1)).toEqual([]);
  expect(selfNamePairs('10.12.4.31', '10.244.3.17')).toEqual([]);
  expect(selfNamePairs('2026-11-28T17:32:52Z', '2026-12-07T18:14:14Z')).toEqual([]);
});
