// Noise the tenth corpus found reported as real, each beside a difference of the same shape that
// must stay one: what each side's build, store, edge or key makes for itself, against what a
// client reads.
import { compileRules } from '../../../src/core/compare';
import type { Observation } from '../../../src/core/compare/types';
import { diffBodies } from '../../../src/core/compare/body';
import { isStreamAnswer } from '../../../src/core/streams';
import { affinityCookieFact, evaluate, formTokenFact, generatedFact, instanceFact, storePositionFact, tokenFact } from '../../../src/core/comparison';
import { templateOf } from '../../../src/core/compare/tokens';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('versions, builds and commits', () => {
  it('two versions alike but for SemVer build metadata or git describe\'s commit are each side\'s build; another version is not', () => {
    expect(generatedFact('4.2.3+glitch-ca0cc72', '4.2.3+glitch-1b7f5c0', NOW)).toEqual({ kind: 'instance', deltaMs: null });
    expect(generatedFact('v2.14.1-17-g1b7f5c0', 'v2.14.1', NOW)).toEqual({ kind: 'instance', deltaMs: null });
    expect(generatedFact('2.14.1-e63ab82', '2.14.1-0734684', NOW)).toEqual({ kind: 'instance', deltaMs: null });
    expect(generatedFact('2.14.1', '2.14.2', NOW)).toBeNull();
    expect(generatedFact('2.14.1-rc.1', '2.14.1-rc.2', NOW)).toBeNull();
    expect(generatedFact('2.14.1+build.5', '2.14.2+build.5', NOW)).toBeNull();
  });

  it('the commit under an info endpoint\'s top-level `git`, and build times and users by name, are the process\'s own', () => {
    expect(instanceFact('$.git.commit.id', '39d8a26', '06bb9f5')).toEqual({ kind: 'instance', deltaMs: null });
    expect(instanceFact('$.git.branch', 'main', 'release/2.14')).toEqual({ kind: 'instance', deltaMs: null });
    expect(instanceFact('$.version.build_date', '2021-01-13T00:42:12Z', '2023-11-14T00:47:05Z')).toEqual({ kind: 'instance', deltaMs: null });
    expect(instanceFact('$.data.buildUser', 'root@5c2a9f4d81b1', 'root@e7f0a3c2d9b4')).toEqual({ kind: 'instance', deltaMs: null });
    expect(instanceFact('$.jvmName', '28113@legacy-app-03', '1@catalog-svc-6d4b9c7f8-x2kqp')).toEqual({ kind: 'instance', deltaMs: null });
    expect(instanceFact('$.build.time', '2026-11-20T09:20:41.112Z', '2026-11-27T16:47:03.870Z')).toEqual({ kind: 'instance', deltaMs: null });
    expect(instanceFact('$.revision', '99e75db027b', 'b52b6a2f97a')).toEqual({ kind: 'instance', deltaMs: null }); // GitLab's /version
    expect(instanceFact('$.scmInfo', '33ad0151492c6a93a530b1dc1eb76df791cfe922', '8b8b3286a463783ff834f2696920ab76b1a9a9c2')).toEqual({ kind: 'instance', deltaMs: null });
    expect(instanceFact('Last build', '2026-11-28 12:21:37 +0000', '2026-12-07 13:02:59 +0000')).toEqual({ kind: 'instance', deltaMs: null });
    expect(instanceFact('$.page.revision', 12, 13)).toBeNull(); // a document's revision number
    expect(instanceFact('$.page.revision', 'draft', 'published')).toBeNull();
    expect(instanceFact('$.repository.git.url', 'a', 'b')).toBeNull(); // `git` deeper than the top: a record's
    expect(instanceFact('$.build.status', 'SUCCESS', 'FAILURE')).toBeNull(); // a CI API's build is a record
  });
});

describe('positions each store keeps', () => {
  it('a resourceVersion, a ModifyIndex, a raft term, a sync batch are each store\'s own history; an id, a count or a stock figure are not', () => {
    expect(storePositionFact('$.metadata.resourceVersion', '48213487', '912154')).toEqual({ kind: 'position', deltaMs: null });
    expect(storePositionFact('$[0].ModifyIndex', 8812, 31)).toEqual({ kind: 'position', deltaMs: null });
    expect(storePositionFact('$.header.raft_term', 12, 2)).toEqual({ kind: 'position', deltaMs: null });
    expect(storePositionFact('$.next_batch', 's72594_4483_1934', 's139_17_4')).toEqual({ kind: 'position', deltaMs: null });
    expect(storePositionFact('$.data.attributes.drupal_internal__vid', 4510, 230)).toEqual({ kind: 'position', deltaMs: null });
    expect(storePositionFact('$.value[0]["@odata.etag"]', 'W/"NzcxMjAxNTA="', 'W/"NDEw"')).toEqual({ kind: 'position', deltaMs: null });
    expect(storePositionFact('$.value[0]["@odata.etag"]', 'W/"NzcxMjAxNTA="', '"NDEw"')).toBeNull(); // weak against strong
    expect(storePositionFact('$.metadata.resourceVersion', '48213487', 'stale')).toBeNull();
    expect(storePositionFact('$.items[0].id', 4510, 230)).toBeNull();
    expect(storePositionFact('$.stock.count', 3, 4)).toBeNull();
  });
});

describe('signatures and keys', () => {
  it('a signed cursor whose payload is equal is each side\'s key; a cursor that points elsewhere is a difference', () => {
    const payload = b64({ id: 1100, dir: 'next' });
    expect(generatedFact(`${payload}.hQ3kUq8Zr0aF1x2Y`, `${payload}.Z9pL0mN3bV7cX1qW`, NOW)).toEqual({ kind: 'encoded', deltaMs: null });
    expect(generatedFact(`${payload}.hQ3kUq8Zr0aF1x2Y`, `${b64({ id: 1110, dir: 'next' })}.Z9pL0mN3bV7cX1qW`, NOW)).toBeNull();
  });

  it('a Kubernetes continue token differs by its store\'s resource version alone; a token that starts elsewhere is a difference', () => {
    const token = (rv: number, start: string): string => Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64');
    expect(generatedFact(token(48213377, 'cm-115\u0000'), token(912044, 'cm-115\u0000'), NOW)).toEqual({ kind: 'encoded', deltaMs: null });
    expect(generatedFact(token(48213377, 'cm-115\u0000'), token(912044, 'cm-116\u0000'), NOW)).toBeNull();
  });

  it('a JWT whose claims differ in an id each token mints (Cognito\'s origin_jti, event_id) is generated; a different subject is not', () => {
    const jwt = (claims: object): string => `${b64({ alg: 'RS256', kid: 'k1' })}.${b64(claims)}.sig${Math.random().toString(36).slice(2)}`;
    const base = { sub: 'u-42', token_use: 'id', iat: 1796644800 };
    expect(generatedFact(jwt({ ...base, origin_jti: '25e5df1f-aae8-4eee-a635-8d21f9eb1894' }), jwt({ ...base, origin_jti: '92c66325-d6bd-43a5-ae76-e24ffc8da152' }), NOW))
      .toEqual({ kind: 'jwt', deltaMs: 0 });
    expect(generatedFact(jwt({ ...base, origin_jti: '25e5df1f-aae8-4eee-a635-8d21f9eb1894' }), jwt({ ...base, sub: 'u-43', origin_jti: '92c66325-d6bd-43a5-ae76-e24ffc8da152' }), NOW)).toBeNull();
  });

  it('ASP.NET WebForms\' view state and event validation are form tokens', () => {
    expect(tokenFact('__VIEWSTATE', '/wEPDwUKMTY1NDU2MTA1MmRkFz0=', '/wEPDwUKLTM0NzQ1MjE3OGRkQ1E=')).toEqual({ kind: 'token', deltaMs: null });
    expect(formTokenFact('<input type="hidden" name="__EVENTVALIDATION" value="/wEdAAKp3nVq9dE=">', '<input type="hidden" name="__EVENTVALIDATION" value="/wEdAAJt8Lk2Qw4=">'))
      .toEqual({ kind: 'token', deltaMs: null });
  });
});

describe('a build\'s asset names', () => {
  it('Magento\'s static version, ASP.NET\'s resource handler, Jekyll\'s cache buster, Astro and SvelteKit scopes are set aside; another file is not', () => {
    const same = (a: string, b: string): boolean => generatedFact(a, b, NOW)?.kind === 'instance';
    expect(same('<link href="https://shop.acme.io/static/version1701334855/frontend/Acme/default/en_US/css/styles-m.css">',
      '<link href="https://shop.acme.io/static/version1702998811/frontend/Acme/default/en_US/css/styles-m.css">')).toBe(true);
    expect(same('<script src="/WebResource.axd?d=fq20qzG_XxY2-G3jGjKvSopuK_qys1_hHvhPnaj6LlW0ot3X&amp;t=638345678901234567">',
      '<script src="/WebResource.axd?d=Ab9kLmN0pQrStUvWxYz_12-34567890aBcDeFgHiJkLm&amp;t=638412345678901234">')).toBe(true);
    expect(same('<link href="/assets/main.css?1795865076000000000">', '<link href="/assets/main.css?1796645162000000000">')).toBe(true);
    expect(same('<main data-astro-cid-2o1b7odi>', '<main data-astro-cid-x7k2m9qa>')).toBe(true);
    expect(same('<script src="/ScriptResource.axd?d=AbJOm6QOSAyLfLaXZq2fHEo-GzwCLWNJ9rsaLS7f0V9E&amp;t=7a0cc936">',
      '<script src="/ScriptResource.axd?d=wdNyJLT53JVMpXcXzMIi57-8Kt0c0w18MsD4RVDcK3aF&amp;t=ffffffffe6a5d9b5">')).toBe(true);
    expect(same('{ __sveltekit_f4xf77 = {', '{ __sveltekit_1q2w3e = {')).toBe(true);
    expect(same('<link href="https://shop.acme.io/static/version1701334855/frontend/Acme/default/en_US/css/styles-m.css">',
      '<link href="https://shop.acme.io/static/version1702998811/frontend/Acme/default/de_DE/css/styles-m.css">')).toBe(false);
    expect(templateOf('<main data-astro-cid-2o1b7odi>')).toBe(templateOf('<main data-astro-cid-x7k2m9qa>'));
  });
});

describe('what a side runs behind', () => {
  it('load balancers\' and edges\' cookies are the infrastructure\'s; an application\'s cookie is not', () => {
    for (const name of ['BIGipServer~Common~pool_web', 'SERVERID', 'AWSALB', 'AWSALBCORS', 'ARRAffinity', 'INGRESSCOOKIE', '__cf_bm', 'TS01a2b3c4']) {
      expect(affinityCookieFact(name)).toEqual({ kind: 'instance', deltaMs: null });
    }
    expect(affinityCookieFact('cart')).toBeNull();
    expect(affinityCookieFact('SERVERIDX')).toBeNull();
  });

  it('an affinity cookie set by one side only is not a difference of the answer', () => {
    const obs = (side: 'monolith' | 'service', cookies: string[]): Observation => ({ ok: true, side, status: 200, ms: 1, body: Buffer.from('{}'),
      headers: { 'content-type': 'application/json', 'set-cookie': cookies } });
    const rules = compileRules({ headers: ['content-type'], cookies: ['*'], ignore: [], normalizers: [], redact: [] });
    const { facts } = evaluate(obs('monolith', ['SERVERID=shop-web-02; path=/', 'cart=1; path=/']), obs('service', ['cart=2; path=/']), rules, false, false, NOW);
    expect(facts.map((f) => [f.field, f.generated?.kind ?? null])).toEqual([['cookies.SERVERID', 'instance'], ['cookies.cart', null]]);
  });
});

describe('answers that differ only by the facade\'s own tag', () => {
  it('an echo of the request\'s headers differs by the shadow tag alone: no difference; a header the service lost still is one', () => {
    const obs = (side: 'monolith' | 'service', headers: Record<string, string>): Observation => ({ ok: true, side, status: 200, ms: 1,
      headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ headers, url: '/anything' })) });
    const rules = compileRules({ headers: ['content-type'], cookies: [], ignore: [], normalizers: [], redact: [] });
    const client = { Accept: '*/*', 'X-Api-Key': 'k' };
    expect(evaluate(obs('monolith', client), obs('service', { ...client, 'X-Strangler-Shadow': '1' }), rules, false, false, NOW).facts).toEqual([]);
    const lost = evaluate(obs('monolith', client), obs('service', { Accept: '*/*', 'X-Strangler-Shadow': '1' }), rules, false, false, NOW).facts;
    expect(lost.map((f) => f.path)).toEqual(['$.headers["X-Api-Key"]']);
  });

  it('a text echo\'s tag line is set aside too', () => {
    const obs = (side: 'monolith' | 'service', text: string): Observation => ({ ok: true, side, status: 200, ms: 1, headers: { 'content-type': 'text/plain' }, body: Buffer.from(text) });
    const rules = compileRules({ headers: ['content-type'], cookies: [], ignore: [], normalizers: [], redact: [] });
    expect(evaluate(obs('monolith', 'GET /echo\nAccept: */*\n'), obs('service', 'GET /echo\nAccept: */*\nX-Strangler-Shadow: 1\n'), rules, false, false, NOW).facts).toEqual([]);
  });

  it('a page\'s table or list of the request headers (Tomcat\'s RequestHeaderExample) shows the tag as rows of cells: set aside, and a row of another header beside it stays', () => {
    const obs = (side: 'monolith' | 'service', rows: ReadonlyArray<readonly [string, string]>): Observation => ({ ok: true, side, status: 200, ms: 1, headers: { 'content-type': 'text/html' },
      body: Buffer.from(`<html><body><h3>Request Header Example</h3><table border=0>${rows.map(([n, v]) => `<tr><td bgcolor="#CCCCCC">${n}</td><td>${v}</td></tr>`).join('')}</table></body></html>`) });
    const rules = compileRules({ headers: ['content-type'], cookies: [], ignore: [], normalizers: [], redact: [] });
    const client: Array<[string, string]> = [['host', '127.0.0.1:8080'], ['user-agent', 'curl/7.88.1'], ['accept', '*/*']];
    expect(evaluate(obs('monolith', client), obs('service', [...client, ['x-strangler-shadow', '1']]), rules, false, false, NOW).facts).toEqual([]);
    const dl = (side: 'monolith' | 'service', extra: string): Observation => ({ ok: true, side, status: 200, ms: 1, headers: { 'content-type': 'text/html' }, body: Buffer.from(`<dl><dt>Accept</dt><dd>*/*</dd>${extra}</dl>`) });
    expect(evaluate(dl('monolith', ''), dl('service', '<dt>X-Strangler-Reask</dt><dd>1</dd>'), rules, false, false, NOW).facts).toEqual([]);
    // A header the service's page shows that the client sent no copy of, beside the tag: that row stays.
    const more = evaluate(obs('monolith', client), obs('service', [...client, ['x-strangler-shadow', '1'], ['x-debug-user', 'admin']]), rules, false, false, NOW).facts;
    expect(more.map((f) => f.shadow)).toContain('x-debug-user');
    // A row whose value is not the tag's, or a row the service dropped, is a difference.
    expect(evaluate(obs('monolith', client), obs('service', [...client, ['x-strangler-shadow', 'admin']]), rules, false, false, NOW).facts.length).toBeGreaterThan(0);
    expect(evaluate(obs('monolith', client), obs('service', client.slice(0, 2)), rules, false, false, NOW).facts.length).toBeGreaterThan(0);
  });
});

describe('NDJSON with a length', () => {
  it('is a document compared line by line, each line as JSON; without a length it is a stream', () => {
    expect(isStreamAnswer({ 'content-type': 'application/x-ndjson', 'content-length': '120' })).toBe(false);
    expect(isStreamAnswer({ 'content-type': 'application/x-ndjson' })).toBe(true);
    expect(isStreamAnswer({ 'content-type': 'text/event-stream' })).toBe(true);
    const lines = (level: string): Buffer => Buffer.from(`{"ts":"2026-12-07T12:00:00Z","level":"info","msg":"start"}\n{"level":"${level}","msg":"paid","order":7}\n`);
    const rules = compileRules({ headers: [], cookies: [], ignore: [], normalizers: [], redact: [] }).normalizers;
    expect(diffBodies({ primary: lines('info'), shadow: lines('error'), primaryType: 'application/x-ndjson', shadowType: 'application/x-ndjson' }, rules))
      .toEqual([{ path: '$[1].level', kind: 'changed', primary: 'info', shadow: 'error' }]);
    // Key order inside a line is no difference.
    expect(diffBodies({ primary: Buffer.from('{"a":1,"b":2}\n'), shadow: Buffer.from('{"b":2,"a":1}\n'), primaryType: 'application/x-ndjson', shadowType: 'application/x-ndjson' }, rules)).toEqual([]);
  });
});

describe('names the answer gave as each side\'s process', () => {
  const obs = (side: 'monolith' | 'service', doc: unknown): Observation => ({ ok: true, side, status: 200, ms: 1, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(doc)) });
  const rules = compileRules({ headers: [], cookies: [], ignore: [], normalizers: [], redact: [] });
  const instance = (host: string, status = 'UP') => ({ hostName: host, status, homePageUrl: `http://${host}:8080/`, healthCheckUrl: `http://${host}:8080/actuator/health`, vipAddress: 'orders' });

  it('a link that names the host the answer gave as its own (Eureka\'s homePageUrl beside hostName) differs by that alone', () => {
    const { facts } = evaluate(obs('monolith', instance('legacy-app-03.dc1.internal')), obs('service', instance('catalog-svc-6d4b9c7f8-x2kqp')), rules, false, false, NOW);
    expect(facts.map((f) => [f.path, f.generated?.kind ?? null])).toEqual([
      ['$.hostName', 'instance'], ['$.homePageUrl', 'instance'], ['$.healthCheckUrl', 'instance'],
    ]);
  });

  it('a link to another path, or a status beside it, is still a difference', () => {
    const other = { ...instance('catalog-svc'), homePageUrl: 'http://catalog-svc:8080/admin/', status: 'DOWN' };
    const { facts } = evaluate(obs('monolith', instance('legacy-app-03')), obs('service', other), rules, false, false, NOW);
    expect(facts.filter((f) => f.generated === null).map((f) => f.path).sort()).toEqual(['$.homePageUrl', '$.status']);
  });
});
