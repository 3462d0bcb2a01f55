// A session the other side opens for the facade's copies (Tomcat's JSESSIONID, PHP's PHPSESSID, any
// server-side session): the copies carry the client's cookie, which the answering side issued; the
// other side does not know it and answers with a session of its own (Set-Cookie). Probes13 (Tomcat's
// SessionExample at `shadow`): the facade dropped that cookie, so each copy opened a new session; a
// value the client stored by a POST reached a session of the service no later copy was in, and every
// later read was a real difference the service never had. Now the other side's cookie is sent in the
// copies that carry the client's value it answered, as the client's browser would send it there.
import { randomBytes } from 'node:crypto';
import type { ComparisonRecord } from '../../src/core/comparison';
import { nextComparisons, type TestFacade } from '../helpers/facade';
import { startTwoSides, type TwoSides } from '../helpers/two-sides';
import type { Handler, TestUpstream } from '../helpers/upstream';

let sides: TwoSides | undefined;
let service: TestUpstream;

/** Sessions in memory, as a servlet container keeps them: an unknown or absent SID gets a new session. `drops`: a service that never stores. */
function sessions(opts: { drops?: boolean } = {}): Handler {
  const store = new Map<string, Record<string, string>>();
  return (req, res, body) => {
    let sid = /SID=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const headers: Record<string, string> = { 'content-type': 'text/html' };
    if (sid === undefined || !store.has(sid)) {
      sid = randomBytes(16).toString('hex').toUpperCase();
      store.set(sid, {});
      headers['set-cookie'] = `SID=${sid}; Path=/; HttpOnly`;
    }
    const data = store.get(sid)!;
    if (req.method === 'POST' && !opts.drops) {
      const form = new URLSearchParams(body);
      data[form.get('name')!] = form.get('value')!;
    }
    res.writeHead(200, headers);
    res.end(`<h3>Sessions Example</h3>\nThe following data is in your session:<br>\n${Object.entries(data).map(([k, v]) => `${k} = ${v}<br>`).join('\n')}\n`);
  };
}

async function start(serviceOpts: { drops?: boolean }): Promise<TestFacade> {
  sides = await startTwoSides(sessions(), sessions(serviceOpts), 'shadow');
  service = sides.service;
  return sides.facade;
}

afterEach(async () => {
  await sides?.close();
  sides = undefined;
});

/** A browser's visit: the page (its session cookie kept), a value stored by a form, the page again. */
async function visit(f: TestFacade): Promise<ComparisonRecord> {
  const first = await fetch(`${f.url}/session`);
  await first.text();
  const cookie = /SID=[^;]+/.exec(first.headers.get('set-cookie') ?? '')![0];
  await (await fetch(`${f.url}/session`, { headers: { cookie } })).text(); // the service opens its own session for this copy
  const posted = nextComparisons(f, 1, 10_000);
  await (await fetch(`${f.url}/session`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=color&value=blue' })).text();
  await posted;
  await f.waitForDone(3);
  const read = nextComparisons(f, 1, 10_000);
  expect(await (await fetch(`${f.url}/session`, { headers: { cookie } })).text()).toContain('color = blue');
  return (await read)[0]!;
}

it("a value stored in the client's session reaches the other side's session of the same client, and reads compare equal", async () => {
  const f = await start({});
  expect((await visit(f)).outcome).toBe('match');
  expect(await f.divergences.list('app')).toEqual([]);
});

it('a service that loses the stored value is still a real difference', async () => {
  const read = await visit(await start({ drops: true }));
  expect(read.outcome).not.toBe('match'); // unjudged: a page of a session is not asked again (compare.reask.sessions)
  expect(read.facts.map((x) => `${x.kind} ${String(x.primary)}`)).toContain('removed color = blue');
});

it("a session both sides open in answer to one request (a login without a cookie, written to both) is paired: the client's later copies reach the other side's own", async () => {
  const f = await start({});
  const posted = nextComparisons(f, 1, 10_000);
  const login = await fetch(`${f.url}/session`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=user&value=alice' });
  await login.text();
  await posted;
  const cookie = /SID=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
  const read = nextComparisons(f, 1, 10_000);
  expect(await (await fetch(`${f.url}/session`, { headers: { cookie } })).text()).toContain('user = alice');
  const record = (await read)[0]!;
  expect([record.outcome, record.facts.map((x) => `${x.kind} ${String(x.primary)}`)]).toEqual(['match', []]);
  // Only the answering side's value is kept for the client: the other side's session cookie never reaches it.
  expect(service.received.filter((r) => r.method === 'GET').map((r) => r.headers.cookie)).not.toContain(cookie);
});
