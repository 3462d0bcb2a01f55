// A login whose answer body carries a credential each side issues for itself (npm's `PUT
// /-/user/org.couchdb.user:<name>` answers `{"token": …}`; an OAuth-style `access_token`). The login
// reaches both sides; the client keeps the answering side's and sends it as `Authorization: Bearer`.
// Probes17 (Verdaccio ×2, the npm CLI, at dualwrite): every publish, dist-tag and unpublish copy was a
// 401 divergence and the package never reached the service. The copies now carry the other side's own.
import { randomBytes } from 'node:crypto';
import type { Stage } from '../../src/core/stages';
import { setStage } from '../helpers/admin-client';
import { startTwoSides, type TwoSides } from '../helpers/two-sides';
import type { Handler } from '../helpers/upstream';

let sides: TwoSides | undefined;
afterEach(async () => { await sides?.close(); sides = undefined; });

/** A registry that issues its own tokens (`nested`: inside `data`, OAuth's name) and lets only their holders publish. */
function registry(opts: { nested?: boolean; issues?: boolean } = {}): { handler: Handler; packages: Map<string, string> } {
  const tokens = new Set<string>();
  const packages = new Map<string, string>();
  const handler: Handler = (req, res, body) => {
    const json = (status: number, v: unknown): void => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(v)); };
    if (req.method === 'PUT' && req.url!.startsWith('/-/user/')) {
      const token = randomBytes(24).toString('base64');
      if (opts.issues !== false) tokens.add(token);
      return json(201, opts.nested ? { ok: true, data: { access_token: token, token_type: 'bearer' } } : { ok: `user created`, token });
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (req.method === 'PUT') {
      if (bearer === undefined || !tokens.has(bearer)) return json(401, { error: 'unregistered users are not allowed to access package' });
      packages.set(req.url!, body);
      return json(201, { ok: 'created new package' });
    }
    if (packages.has(req.url!)) return json(200, JSON.parse(packages.get(req.url!)!));
    json(404, { error: 'no such package available' });
  };
  return { handler, packages };
}

async function loginAndPublish(stage: Stage, mono: ReturnType<typeof registry>, svc: ReturnType<typeof registry>, field: 'token' | 'access_token'): Promise<number[]> {
  sides = await startTwoSides(mono.handler, svc.handler, stage);
  const f = sides.facade;
  const login = await (await fetch(`${f.url}/-/user/org.couchdb.user:alice`, { method: 'PUT', body: '{"name":"alice","password":"pw"}' })).json() as Record<string, Record<string, string> & string>;
  const token = field === 'token' ? login.token : login.data!.access_token;
  await f.waitForDone(1, 10_000);
  const statuses: number[] = [];
  for (const v of ['1.0.0', '1.1.0']) {
    statuses.push((await fetch(`${f.url}/p17-pkg`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ name: 'p17-pkg', version: v }) })).status);
  }
  await f.waitForDone(3, 10_000);
  return statuses;
}

it.each(['dualwrite', 'shadow', 'live'] as const)('at %s a publish after a login reaches the other side with the token it issued: no divergence', async (stage) => {
  const mono = registry();
  const svc = registry();
  expect(await loginAndPublish(stage, mono, svc, 'token')).toEqual([201, 201]);
  expect(await sides!.facade.divergences.list('app')).toEqual([]);
  expect(svc.packages.get('/p17-pkg')).toBe('{"name":"p17-pkg","version":"1.1.0"}');
  expect(mono.packages.get('/p17-pkg')).toBe(svc.packages.get('/p17-pkg'));
  // The answering side got the client's token, the other its own.
  const other = stage === 'live' ? sides!.monolith : sides!.service;
  const answering = stage === 'live' ? sides!.service : sides!.monolith;
  const sent = (u: typeof other): string | undefined => u.received.filter((r) => r.method === 'PUT' && r.url === '/p17-pkg').at(-1)!.headers.authorization;
  expect(sent(other)).not.toBe(sent(answering));
});

it('an OAuth-style access_token inside `data` is paired the same way', async () => {
  const mono = registry({ nested: true });
  const svc = registry({ nested: true });
  expect(await loginAndPublish('dualwrite', mono, svc, 'access_token')).toEqual([201, 201]);
  expect(await sides!.facade.divergences.list('app')).toEqual([]);
});

it('a side that refuses even the token it issued still misses the write: a divergence', async () => {
  const mono = registry();
  const svc = registry({ issues: false });
  expect(await loginAndPublish('dualwrite', mono, svc, 'token')).toEqual([201, 201]);
  expect((await sides!.facade.divergences.list('app')).map((d) => d.reason)).toEqual(['second_write_status_401', 'second_write_status_401']);
});

it('a client that logged in at dualwrite goes on publishing when the service answers (live), and after a rollback', async () => {
  const mono = registry();
  const svc = registry();
  expect(await loginAndPublish('dualwrite', mono, svc, 'token')).toEqual([201, 201]);
  const f = sides!.facade;
  const token = /^Bearer (.+)$/.exec(sides!.monolith.received.find((r) => r.method === 'PUT' && r.url === '/p17-pkg')!.headers.authorization!)![1]!;
  const publish = async (v: string): Promise<number> =>
    (await fetch(`${f.url}/p17-pkg`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ name: 'p17-pkg', version: v }) })).status;
  await setStage(f.adminUrl!, 'app', 'shadow');
  await setStage(f.adminUrl!, 'app', 'live');
  expect(await publish('2.0.0')).toBe(201); // the service got its own token for the client's
  await setStage(f.adminUrl!, 'app', 'shadow');
  expect(await publish('2.1.0')).toBe(201); // and the monolith the client's own again
  await f.waitForDone(5, 10_000);
  expect(await f.divergences.list('app')).toEqual([]);
  expect(mono.packages.get('/p17-pkg')).toBe('{"name":"p17-pkg","version":"2.1.0"}');
  expect(svc.packages.get('/p17-pkg')).toBe(mono.packages.get('/p17-pkg'));
});
