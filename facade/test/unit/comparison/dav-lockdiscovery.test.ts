// A PROPFIND's lockdiscovery lists the locks held on the resource. The facade sends LOCK and UNLOCK
// to the answering side alone (config.md primaryOnly: a lock and its token are that side's), so a
// resource locked through it always showed an activelock on one side and none on the other: a real
// difference the facade made (probes14: litmus' PROPFIND /dav/litmus/lockme at shadow, ranked right
// behind a planted one). Its lines are judged as one token each side holds; a property beside it, or
// a side that has no lockdiscovery at all (no locking), still differs.
import { evaluate } from '../../../src/core/comparison';
import { anObservation, compiled as compiledRules } from '../compare/builders';

const rules = compiledRules({ headers: ['content-type'] });
// Apache 2.4 mod_dav_fs, PROPFIND Depth 0 of lockdiscovery and getcontentlength: locked on the monolith (LOCK reached it alone), not on the service.
const LOCKED = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:multistatus xmlns:D=\"DAV:\" xmlns:ns0=\"DAV:\">\n<D:response xmlns:lp1=\"DAV:\" xmlns:lp2=\"http://apache.org/dav/props/\">\n<D:href>/dav/locked.txt</D:href>\n<D:propstat>\n<D:prop>\n<D:lockdiscovery><D:activelock>\n<D:locktype><D:write/></D:locktype>\n<D:lockscope><D:exclusive/></D:lockscope>\n<D:depth>infinity</D:depth>\n<ns0:owner xmlns:ns0=\"DAV:\">probe</ns0:owner><D:timeout>Second-600</D:timeout>\n<D:locktoken>\n<D:href>opaquelocktoken:b039e80a-a695-4f74-9e05-5ab1288fe023</D:href>\n</D:locktoken>\n</D:activelock>\n</D:lockdiscovery>\n<lp1:getcontentlength>5</lp1:getcontentlength>\n</D:prop>\n<D:status>HTTP/1.1 200 OK</D:status>\n</D:propstat>\n</D:response>\n</D:multistatus>\n";
const UNLOCKED = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:multistatus xmlns:D=\"DAV:\" xmlns:ns0=\"DAV:\">\n<D:response xmlns:lp1=\"DAV:\" xmlns:lp2=\"http://apache.org/dav/props/\">\n<D:href>/dav/locked.txt</D:href>\n<D:propstat>\n<D:prop>\n<D:lockdiscovery/>\n<lp1:getcontentlength>5</lp1:getcontentlength>\n</D:prop>\n<D:status>HTTP/1.1 200 OK</D:status>\n</D:propstat>\n</D:response>\n</D:multistatus>\n";
const answer = (body: string) => anObservation({ status: 207, headers: { 'content-type': 'text/xml; charset="utf-8"' }, body });
const facts = (a: string, b: string): Array<[string, string | null]> => evaluate(answer(a), answer(b), rules, false).facts.map((f) => [f.kind, f.generated?.kind ?? null]);

it('the lock one side holds and the other never saw is that side\'s own token', () => {
  expect(facts(LOCKED, UNLOCKED)).toEqual([['changed', 'token']]);
});

it('a length beside it, or a side with no lockdiscovery at all, still differs', () => {
  expect(facts(LOCKED, UNLOCKED.replace('<lp1:getcontentlength>5<', '<lp1:getcontentlength>6<'))).toEqual([['changed', 'token'], ['changed', null]]);
  expect(facts(LOCKED, UNLOCKED.replace('<D:lockdiscovery/>\n', ''))).toContainEqual(['removed', null]);
});
