// Recorded cases, the pure parts: capture redacts like the diff store and writes keyless masks, the
// file format is stable and validated, replay planning never sends what it must not, a live target
// is recognised under any loopback spelling, generated time values survive the time since
// recording, and the JUnit file is escaped and counted.
import {
  captureCase, caseComparison, classOf, evidenceFromCases, judgeReplay, liveUpstreamAt, parseCase, planCase, renderJunit,
  replayReport, comparedCase, notSent, targetError, serializeCase, caseBodyHash, encodeBody, keepHeaders, CaseFileError,
  type Exchange, type RecordedCase,
} from '../../../src/core/cases';
import { compileRules } from '../../../src/core/compare';
import { classifyComparison, type ComparisonRecord } from '../../../src/core/comparison';
import { classifyRulesFor } from '../../../src/io/classify-rules';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2lnbmF0dXJlLXNlY3JldA';
const policy = { redact: ['$..password'], redaction: { key: 'a-key-of-the-facade-0123456789' }, maxBodyBytes: 65_536 };

function anExchange(overrides: Partial<Exchange> = {}): Exchange {
  return {
    route: 'catalog', endpoint: 'GET /api/products/:id', kind: 'read', stage: 'shadow', at: '2030-01-01T10:00:00.000Z',
    source: { kind: 'comparison', requestId: 'r-1' },
    request: {
      method: 'GET', target: '/api/products/7?access_token=tok-123&view=full',
      headers: { authorization: 'Bearer sekret-1234567890', cookie: 'sid=abc123; theme=dark', accept: 'application/json', 'x-request-id': 'r-1', 'x-forwarded-for': '127.0.0.1' },
      body: Buffer.alloc(0),
    },
    answer: {
      side: 'monolith', status: 200, headers: { 'content-type': 'application/json', date: 'Tue, 01 Jan 2030 10:00:00 GMT', 'set-cookie': ['sid=new-secret; Path=/; HttpOnly'] },
      body: Buffer.from(JSON.stringify({ sku: 'SKU-7', price: 12.5, id: 9007199254740993, owner: { password: 'hunter2', token: JWT }, at: '2030-01-01T10:00:00.000Z' }).replace('9007199254740992', '9007199254740993')),
    },
    comparison: null,
    ...overrides,
  };
}

describe('capture', () => {
  it('keeps the request and the answer with every secret masked, without the facade key, and drops per-hop headers', () => {
    const c = captureCase(anExchange(), policy);
    const text = serializeCase(c);
    for (const secret of ['sekret-1234567890', 'abc123', 'tok-123', 'hunter2', JWT, 'new-secret']) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/\[REDACTED:[0-9a-f]{6}\]/); // keyless: the same exchange gives the same file on every facade
    expect(c.request.target).toBe('/api/products/7?access_token=[REDACTED]&view=full');
    expect(c.request.headers).toEqual({ accept: 'application/json', authorization: 'Bearer [REDACTED]', cookie: 'sid=[REDACTED]; theme=[REDACTED]' });
    expect(Object.keys(c.answer.headers)).toEqual(['content-type', 'set-cookie']);
    expect(c.answer.body).toMatchObject({ kind: 'json', json: { sku: 'SKU-7', owner: { password: '[REDACTED]', token: '[REDACTED]' } } });
    expect(classOf(c)).toBe('sample');
  });

  it('keeps a binary body as its size and hash only, and a body over the cap as its size', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]);
    expect(encodeBody(png, 'image/png', policy)).toEqual({ kind: 'binary', bytes: 8, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(encodeBody(Buffer.alloc(70_000, 'a'), 'text/plain', policy)).toEqual({ kind: 'omitted', bytes: 70_000, why: 'larger than 65536 bytes' });
    expect(encodeBody(null, 'application/json', policy)).toMatchObject({ kind: 'omitted', bytes: null });
  });

  it('the same request gets the same id (one case per request), another query another id', () => {
    const a = captureCase(anExchange(), policy);
    const b = captureCase(anExchange({ at: '2030-02-01T00:00:00.000Z' }), policy);
    const other = captureCase(anExchange({ request: { ...anExchange().request, target: '/api/products/8' } }), policy);
    expect(b.id).toBe(a.id);
    expect(other.id).not.toBe(a.id);
  });

  it('records what the comparison found, each field with its class and both sides by name', () => {
    const record = {
      route: 'catalog', endpoint: 'GET /api/products/:id', primarySide: 'monolith', reasked: true, selfFields: ['$.at'],
      facts: [{ path: '$.price', field: '$.price', kind: 'changed', primary: 12.5, shadow: 13, primaryHash: 'h', generated: null }],
    } as unknown as ComparisonRecord;
    const classed = { verdict: 'mismatch' as const, fields: [{ field: '$.price', class: 'real' as const, why: 'confirmed', example: record.facts[0]! }] };
    const c = captureCase(anExchange({ comparison: caseComparison(record, classed) }), policy);
    expect(c.comparison).toEqual({ verdict: 'mismatch', primary: 'monolith', reasked: true, selfFields: ['$.at'],
      fields: [{ field: '$.price', class: 'real', why: 'confirmed', path: '$.price', kind: 'changed', monolith: 12.5, service: 13 }] });
    expect(classOf(c)).toBe('real');
  });
});

describe('case file', () => {
  it('round-trips, is byte-stable whatever the key order it was built with, and keeps long numbers exact', () => {
    const c = captureCase(anExchange(), policy);
    const text = serializeCase(c);
    expect(text).toContain('"id": 9007199254740993');
    expect(text.indexOf('"format"')).toBeLessThan(text.indexOf('"request"'));
    const back = parseCase(text, 'x.json');
    expect(serializeCase(back)).toBe(text);
    const reordered = JSON.parse(JSON.stringify({ ...c, answer: { body: c.answer.body, headers: c.answer.headers, status: c.answer.status, side: c.answer.side } })) as RecordedCase;
    expect(serializeCase({ ...reordered, answer: { ...reordered.answer, body: back.answer.body } })).toBe(text);
  });

  it('names the file and every bad field', () => {
    const c = JSON.parse(serializeCase(captureCase(anExchange(), policy)));
    c.answer.status = 42;
    c.request.method = 'get';
    delete c.route;
    let err: unknown;
    try { parseCase(JSON.stringify(c), 'cases/a.json'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(CaseFileError);
    expect((err as CaseFileError).problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^route: /), expect.stringMatching(/^request\.method: must be an upper-case HTTP method/), expect.stringMatching(/^answer\.status: /),
    ]));
    expect(() => parseCase('{ nope', 'cases/b.json')).toThrow(/cases\/b\.json: not a valid case file \(\(file\): not JSON/);
  });
});

describe('replay plan', () => {
  const read = captureCase(anExchange({ request: { ...anExchange().request, target: '/api/products/7' } }), policy);
  const write = captureCase(anExchange({ kind: 'write', request: { method: 'POST', target: '/api/orders', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"sku":"A","qty":2}') } }), policy);

  it('sends a read without its masked headers, unless --header replaces them', () => {
    const plan = planCase(read, { writes: false, headers: {} });
    expect(plan).toMatchObject({ send: true, dropped: ['authorization', 'cookie'], request: { method: 'GET', target: '/api/products/7', headers: { accept: 'application/json' } } });
    expect(planCase(read, { writes: false, headers: { authorization: 'Bearer test' } })).toMatchObject({ send: true, dropped: ['cookie'], request: { headers: { authorization: 'Bearer test' } } });
  });

  it('never sends a write without --writes, nor a request whose query held a masked secret', () => {
    expect(planCase(write, { writes: false, headers: {} })).toEqual({ send: false, write: true, why: 'a write: sent only with --writes, to a throwaway target' });
    expect(planCase(write, { writes: true, headers: {} })).toMatchObject({ send: true, request: { body: Buffer.from('{"qty":2,"sku":"A"}') } });
    expect(planCase(captureCase(anExchange(), policy), { writes: true, headers: {} })).toMatchObject({ send: false, why: expect.stringMatching(/query held secrets masked/) });
  });
});

describe('live target', () => {
  const live = [{ name: 'the monolith', url: 'http://127.0.0.1:3000' }, { name: 'service catalog', url: 'https://catalog.internal/v2' }];
  it.each([
    ['http://localhost:3000', 'the monolith'], ['http://[::1]:3000/base', 'the monolith'], ['https://127.0.0.1:3000', 'the monolith'],
    ['https://CATALOG.internal:443', 'service catalog'], ['http://127.0.0.1:3001', null], ['http://catalog.internal', null],
  ])('%s is %s', (target, name) => {
    expect(liveUpstreamAt(target, live)?.name ?? null).toBe(name);
  });
});

describe('judging a replayed answer', () => {
  const rules = compileRules({ headers: ['content-type'], cookies: [], ignore: [], normalizers: [], redact: ['$..password'] }, { hash: caseBodyHash });
  const classify = classifyRulesFor('catalog', undefined, []);
  const recorded = captureCase(anExchange({
    answer: { side: 'monolith', status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"sku":"A","price":10,"now":"2030-01-01T10:00:00.000Z","views":3}') },
    comparison: { verdict: 'noise', primary: 'monolith', reasked: true, selfFields: ['$.views'], fields: [] },
  }), policy);
  const answer = (body: unknown) => ({ status: 200, headers: keepHeaders({ 'content-type': 'application/json' }, {}), body: encodeBody(Buffer.from(JSON.stringify(body)), 'application/json', policy), ms: 3 });

  it('a timestamp made at replay time a day later is a generated value, a noisy field is noise, a changed price is real', () => {
    const day = 86_400_000;
    const j = judgeReplay(recorded, answer({ sku: 'A', price: 11, now: '2030-01-02T10:00:01.000Z', views: 9 }), rules, day);
    const book = evidenceFromCases([recorded]);
    const asked = { ...j, reasked: true, selfFields: [], reasks: 3 }; // the target answered the same three times more (case-replay.ts)
    book.add(asked);
    const classed = classifyComparison(asked, classify, book);
    expect(Object.fromEntries(classed.fields.map((f) => [f.field, f.class]))).toEqual({ '$.price': 'real', '$.now': 'generated', '$.views': 'noise' });
    expect(classed.verdict).toBe('mismatch');
    expect(j.diff).toMatch(/^--- recorded$/m);
  });

  it('the same answer (keys in another order) is no difference, and a binary body is compared by hash', () => {
    expect(judgeReplay(recorded, answer({ views: 3, now: '2030-01-01T10:00:00.000Z', price: 10, sku: 'A' }), rules, 0).facts).toEqual([]);
    const img = captureCase(anExchange({ answer: { side: 'monolith', status: 200, headers: { 'content-type': 'image/png' }, body: Buffer.from([1, 2, 3]) } }), policy);
    const same = { status: 200, headers: { 'content-type': 'image/png' }, body: encodeBody(Buffer.from([1, 2, 3]), 'image/png', policy), ms: 1 };
    const other = { ...same, body: encodeBody(Buffer.from([1, 2, 4]), 'image/png', policy) };
    expect(judgeReplay(img, same, rules, 0).facts).toEqual([]);
    expect(judgeReplay(img, other, rules, 0).facts).toEqual([expect.objectContaining({ path: 'body#sha256', primary: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
  });
});

describe('JUnit', () => {
  it('has one testcase per case, a failure naming the field, an error, a skipped write, and escapes data', () => {
    const c = captureCase(anExchange({ request: { ...anExchange().request, target: '/api/products/<7>&"x"' } }), policy);
    const classed = { verdict: 'mismatch' as const, fields: [{ field: '$.price', class: 'real' as const, why: 'the target answered the same twice', example: { path: '$.price', field: '$.price', kind: 'changed' as const, primary: 10, shadow: 11, primaryHash: 'h', generated: null } }] };
    const report = replayReport({ target: 'http://127.0.0.1:5001', startedAt: '2030-01-01T10:00:00.000Z', ms: 20, evidence: { catalog: 'cases' }, failOnUnjudged: false, cases: [
      comparedCase(c, { write: false, replayedStatus: 200, classed, diff: '', dropped: [], bodyCompared: true, reasked: true, ms: 4 }),
      targetError(c, false, 'UPSTREAM_UNREACHABLE: connect ECONNREFUSED', null, []),
      notSent(c, true, 'a write: sent only with --writes, to a throwaway target'),
      comparedCase(c, { write: false, replayedStatus: 200, classed: { verdict: 'match', fields: [] }, diff: '', dropped: [], bodyCompared: true, reasked: false, ms: 2 }),
    ] });
    const xml = renderJunit(report);
    expect(report.passed).toBe(false);
    expect(xml.match(/<testcase /g)).toHaveLength(4);
    expect(xml).toContain('<testsuite name="catalog" tests="4" failures="1" errors="1" skipped="1"');
    expect(xml).toContain('<failure message="real difference at $.price" type="mismatch">$.price: recorded 10, replayed 11');
    expect(xml).toContain('name="GET /api/products/&lt;7&gt;&amp;&quot;x&quot;');
  });
});
