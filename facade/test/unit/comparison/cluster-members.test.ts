// etcd's JSON gateway (probes14): every answer carries `header: {cluster_id, member_id, revision,
// raft_term}`, the cluster and the member that answered. cluster_id was judged the process's own by
// its name, member_id was not: it was real on every endpoint, level with a value planted on the
// service. A member's id beside such a field is the answering process too, and so is the same id
// where the answer names it again (`leader`). The same names alone, or beside business fields,
// stay differences, as does a value beside them.
import { compileRules } from '../../../src/core/compare';
import type { Observation } from '../../../src/core/compare/types';
import { evaluate } from '../../../src/core/comparison';

const NOW = Date.parse('2026-12-07T18:00:00Z');
const obs = (side: 'monolith' | 'service', doc: unknown): Observation => ({ ok: true, side, status: 200, ms: 1, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(doc)) });
const rules = compileRules({ headers: [], cookies: [], ignore: [], normalizers: [], redact: [] });
const kinds = (a: unknown, b: unknown): Array<[string, string | null]> => evaluate(obs('monolith', a), obs('service', b), rules, false, false, NOW).facts.map((f) => [f.path, f.generated?.kind ?? null]);

const A = { cluster_id: '3886116698333638256', member_id: '3137690787652569289', revision: '3', raft_term: '2' };
const B = { cluster_id: '16157319144943098992', member_id: '2044681256997737317', revision: '3', raft_term: '2' };

it("a member's id beside the cluster's, and the same id named again as the leader, are each side's own; a value beside them is not", () => {
  expect(kinds({ header: A, kvs: [{ key: 'Y2ZnL3A=', value: 'bm8=' }] }, { header: B, kvs: [{ key: 'Y2ZnL3A=', value: 'eWVz' }] })).toEqual([
    ['$.header.cluster_id', 'instance'], ['$.header.member_id', 'instance'], ['$.kvs[0].value', null],
  ]);
  expect(kinds({ header: A, leader: A.member_id, raftIndex: '10' }, { header: B, leader: B.member_id, raftIndex: '10' })).toEqual([
    ['$.header.cluster_id', 'instance'], ['$.header.member_id', 'instance'], ['$.leader', 'instance'],
  ]);
});

it('a member_id with no field of the answering process beside it is data (a club member), and stays a difference', () => {
  expect(kinds({ member_id: '3137690787652569289', plan: 'gold' }, { member_id: '2044681256997737317', plan: 'gold' })).toEqual([['$.member_id', null]]);
  expect(kinds({ header: A, order: { member_id: 'M-1001' } }, { header: B, order: { member_id: 'M-1002' } })).toEqual([
    ['$.header.cluster_id', 'instance'], ['$.header.member_id', 'instance'], ['$.order.member_id', null],
  ]);
  // a leader that is not the answering member's id (the cluster elected another) is a difference
  expect(kinds({ header: A, leader: A.member_id }, { header: B, leader: '9999999999999999999' })).toContainEqual(['$.leader', null]);
});
