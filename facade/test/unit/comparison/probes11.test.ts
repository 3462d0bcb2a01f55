// What real Ruby, Python and PHP applications showed behind the facade (probes11): Redmine's PDFs
// stamped with their render time, its records in a format by suffix, Radicale's multistatus in a
// per-process order, a Django status page's start time, an error page's status read first.
import { compileRules, diffObservations } from '../../../src/core/compare';
import { diffBodies } from '../../../src/core/compare/body';
import type { Observation } from '../../../src/core/compare/types';
import { endpointFindings, endpointOf, EvidenceBook, generatedFact, instanceFact, type ClassifyRules, type FieldFact, type StoredComparison } from '../../../src/core/comparison';

const normalizers = compileRules({ headers: [], cookies: [], ignore: [], normalizers: [], redact: [] }).normalizers;

describe('a PDF stamped with the time it was rendered', () => {
  const pdf = (created: string, body = 'BT /F1 12 Tf (Issue #2: In Progress) Tj ET'): Buffer =>
    Buffer.from(`%PDF-1.7\n1 0 obj << /CreationDate (D:${created}+00'00') /ModDate (D:${created}+00'00') >> endobj\n2 0 obj << /Length 44 >> stream\n${body}\nendstream endobj\n%%EOF\n`, 'latin1');
  const pair = (a: Buffer, b: Buffer) => diffBodies({ primary: a, shadow: b, primaryType: 'application/pdf', shadowType: 'application/pdf' }, normalizers);

  it('differs at its dates alone, each named and read as a time', () => {
    expect(pair(pdf('20261207131740'), pdf('20261207131741'))).toEqual([
      { path: 'body#pdf/CreationDate', kind: 'changed', primary: '2026-12-07T13:17:40+00:00', shadow: '2026-12-07T13:17:41+00:00' },
      { path: 'body#pdf/ModDate', kind: 'changed', primary: '2026-12-07T13:17:40+00:00', shadow: '2026-12-07T13:17:41+00:00' },
    ]);
  });

  it('with any other byte changed is compared by hash, as before', () => {
    expect(pair(pdf('20261207131740'), pdf('20261207131741', 'BT /F1 12 Tf (Issue #2: New        ) Tj ET')).map((d) => d.path)).toEqual(['body#sha256']);
  });
});

describe('a WebDAV multistatus', () => {
  const rules = compileRules({ headers: [], cookies: [], ignore: [], normalizers: [], redact: [] });
  const ms = (hrefs: string[], etag = '"1"'): Observation => ({ ok: true, side: 'monolith', status: 207, ms: 1, headers: { 'content-type': 'application/xml; charset=utf-8' },
    body: Buffer.from(`<?xml version="1.0"?><D:multistatus xmlns:D="DAV:">${hrefs.map((h) => `<D:response><D:href>${h}</D:href><D:propstat><D:prop><D:getetag>${etag}</D:getetag></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>`).join('')}</D:multistatus>`) });

  it('lists its responses in any order (Radicale\'s multiget, in the order its process hashes them): the same answer', () => {
    expect(diffObservations(ms(['/alice/work/ev2.ics', '/alice/work/ev1.ics']), ms(['/alice/work/ev1.ics', '/alice/work/ev2.ics']), rules)).toEqual([]);
  });

  it('a response missing or changed still differs', () => {
    expect(diffObservations(ms(['/alice/work/ev2.ics', '/alice/work/ev1.ics']), ms(['/alice/work/ev1.ics']), rules).length).toBeGreaterThan(0);
    expect(diffObservations(ms(['/alice/work/ev1.ics', '/alice/work/ev2.ics']), ms(['/alice/work/ev2.ics', '/alice/work/ev1.ics'], '"2"'), rules).length).toBeGreaterThan(0);
  });
});

describe('names', () => {
  it('a record asked for in a format by suffix is the id\'s endpoint in that format, whatever its id\'s length', () => {
    expect(endpointOf('GET', '/issues/3.json')).toBe('GET /issues/:id.json');
    expect(endpointOf('GET', '/issues/123.pdf')).toBe('GET /issues/:id.pdf');
    expect(endpointOf('GET', '/files/report.pdf')).toBe('GET /files/report.pdf');
  });

  it('a status page\'s start time under a bare `started` is the process\'s own', () => {
    expect(instanceFact('$.started', '2026-12-07T13:03:43Z', '2026-12-07T13:06:35Z')).toEqual({ kind: 'instance', deltaMs: null });
    expect(instanceFact('$.up_since', 1796648623, 1796648795)).toEqual({ kind: 'instance', deltaMs: null });
  });
});

describe('an error page', () => {
  it('its status is read first among the fields that differed as often with it', () => {
    const rules: ClassifyRules = { ignore: [], generated: { toleranceMs: 60_000, kinds: new Set(), exactFields: [] } };
    const fact = (field: string, primary: unknown, shadow: unknown): FieldFact => ({ path: field, field, kind: 'changed', primary, shadow, primaryHash: JSON.stringify(primary), generated: null });
    const facts = [fact('text[2]', '<h1>Issues</h1>', '<h1>Internal error</h1>'), fact('headers.content-type', 'text/html', 'text/plain'), fact('status', 200, 500)];
    const book = new EvidenceBook();
    const comparisons: StoredComparison[] = [0, 1, 2].map((i) => ({ id: i, at: `2026-12-07T10:00:0${i}.000Z`, method: 'GET', path: '/issues', outcome: 'mismatch', reason: null, diff: null,
      route: 'app', endpoint: 'GET /issues', reasked: true, reasks: 3, selfFields: [], facts }));
    for (const c of comparisons) book.add(c);
    expect(endpointFindings(comparisons, rules, book)[0]!.fields[0]!.field).toBe('status');
  });
});

describe('times said relative to now', () => {
  const NOW = Date.parse('2026-12-07T13:40:00Z');
  it('a minute apart either side of a minute\'s turn are each side\'s clock; days apart, or another word, are not', () => {
    expect(generatedFact('<td title="Dec 7">10 minutes</td>', '<td title="Dec 7">9 minutes</td>', NOW)).toEqual({ kind: 'timestamp', deltaMs: 60_000 });
    expect(generatedFact('Updated 1 minute ago by Alice', 'Updated 2 minutes ago by Alice', NOW)).toEqual({ kind: 'timestamp', deltaMs: 60_000 });
    expect(generatedFact('Ships in 2 days', 'Ships in 3 days', NOW)).toEqual({ kind: 'timestamp', deltaMs: 86_400_000 }); // outside any tolerance: a difference
    expect(generatedFact('Updated 1 minute ago by Alice', 'Updated 2 minutes ago by Bob', NOW)).toBeNull();
  });
});

describe('a failure', () => {
  it('the other side\'s 5xx is real even where the primary\'s own status was learned as noise', () => {
    const rules: ClassifyRules = { ignore: [], generated: { toleranceMs: 60_000, kinds: new Set(), exactFields: [] } };
    const status = (primary: number, shadow: number): FieldFact => ({ path: 'status', field: 'status', kind: 'changed', primary, shadow, primaryHash: String(primary), generated: null });
    const book = new EvidenceBook();
    // The primary once answered 500 itself when asked again: its status is noise on this endpoint.
    const noisy: StoredComparison = { id: 1, at: '2026-12-07T10:00:00.000Z', method: 'GET', path: '/issues.json', outcome: 'mismatch', reason: null, diff: null,
      route: 'app', endpoint: 'GET /issues.json', reasked: true, reasks: 3, selfFields: ['status'], facts: [status(500, 200)] };
    for (let i = 0; i < 5; i++) book.add(noisy);
    const failed: StoredComparison = { ...noisy, id: 9, selfFields: [], facts: [status(200, 500)] };
    book.add(failed);
    const [endpoint] = endpointFindings([failed], rules, book);
    expect(endpoint!.fields[0]).toMatchObject({ field: 'status', class: 'real' });
  });
});
