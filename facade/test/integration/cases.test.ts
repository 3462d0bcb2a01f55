// Case recording in a running facade, and the store's budget: per endpoint a sample of distinct
// requests and every exchange with a real difference; the monolith's answer is kept whichever side
// answered the client; past cases.maxBytes the oldest samples go first, then the oldest real ones.
import Database from 'better-sqlite3';
import { captureCase, serializeCase, type RecordedCase } from '../../src/core/cases';
import { CaseStore, caseSummary, caseTexts, type CaseRow } from '../../src/io/case-store';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade | null = null;

/** `{ id, price }` for /api/products/:id; the service's price is off from product `wrongFrom` on. */
const products = (side: string, wrongFrom: number): Handler => (req, res) => {
  const id = Number(/\/api\/products\/(\d+)/.exec(req.url ?? '')?.[1] ?? 0);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ id, price: id >= wrongFrom ? 11 : 10, side }));
};

beforeEach(async () => {
  monolith = await startUpstream('monolith', products('monolith', Number.POSITIVE_INFINITY));
  service = await startUpstream('service', products('service', 5));
});

afterEach(async () => {
  await facade?.close();
  facade = null;
  await monolith.close();
  await service.close();
});

async function start(stage: 'shadow' | 'live', cases: Record<string, unknown> = {}): Promise<TestFacade> {
  const f = await startTestFacade({
    monolith: { url: monolith.url }, services: { catalog: { url: service.url } }, cases,
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog', compare: { ignore: [{ path: '$.side', reason: 'names the side' }] } }],
  });
  f.store.change({ route: 'catalog', stage, force: true, actor: 'test', defaultStage: 'off' });
  (f.deps.flags as unknown as { reload(): void }).reload();
  facade = f;
  return f;
}

async function traffic(f: TestFacade, ids: readonly number[]): Promise<void> {
  for (const id of ids) expect((await fetch(`${f.url}/api/products/${id}`)).status).toBe(200);
  await f.waitForDone(ids.length);
  f.deps.cases!.flush();
}

const stored = (f: TestFacade): RecordedCase[] => caseTexts(f.store.db, 'catalog').map((t) => JSON.parse(t.text) as RecordedCase);

it('at shadow an endpoint keeps perEndpoint distinct samples and every exchange with a real difference', async () => {
  const f = await start('shadow', { perEndpoint: 2 });
  await traffic(f, [1, 1, 2, 3, 4, 5, 6, 7, 8, 5]);
  expect(caseSummary(f.store.db, 'catalog')).toEqual([expect.objectContaining({ endpoint: 'GET /api/products/:id', real: 4, sample: 2 })]);
  const real = stored(f).filter((c) => c.comparison?.verdict === 'mismatch').map((c) => c.request.target).sort();
  expect(real).toEqual(['/api/products/5', '/api/products/6', '/api/products/7', '/api/products/8']);
  expect(stored(f).filter((c) => c.comparison?.verdict !== 'mismatch').map((c) => c.request.target)).toEqual(['/api/products/1', '/api/products/2']);
});

it('at live the case keeps the monolith answer (the shadow there), not the service the client got', async () => {
  const f = await start('live');
  await traffic(f, [7]);
  const [c] = stored(f);
  expect(c).toMatchObject({ stage: 'live', answer: { side: 'monolith', body: { kind: 'json', json: { id: 7, price: 10, side: 'monolith' } } }, comparison: { primary: 'service', verdict: 'mismatch' } });
  expect(c!.comparison!.fields).toContainEqual(expect.objectContaining({ field: '$.price', class: 'real', monolith: 10, service: 11 }));
});

it('with cases.enabled false nothing is kept', async () => {
  const f = await start('shadow', { enabled: false });
  await traffic(f, [1, 5]);
  expect(caseSummary(f.store.db)).toEqual([]);
});

describe('the case store budget', () => {
  const policy = { redact: [], redaction: {}, maxBodyBytes: 65_536 };
  let n = 0;
  function aRow(cls: 'real' | 'sample', endpoint = 'GET /api/items/:id'): CaseRow {
    n++;
    const c = captureCase({
      route: 'catalog', endpoint, kind: 'read', stage: 'shadow', at: new Date(Date.UTC(2030, 0, 1, 0, 0, n)).toISOString(), source: { kind: 'comparison', requestId: `r${n}` },
      request: { method: 'GET', target: `/api/items/${n}`, headers: {}, body: Buffer.alloc(0) },
      answer: { side: 'monolith', status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ n, pad: 'x'.repeat(400) })) },
      comparison: { verdict: cls === 'real' ? 'mismatch' : 'match', primary: 'monolith', reasked: false, selfFields: [], fields: [] },
    }, policy);
    return { case: c, text: serializeCase(c), class: cls };
  }

  it('keeps the newest realPerEndpoint real cases, and past maxBytes drops the oldest samples before any real one', () => {
    const db = new Database(':memory:');
    const store = new CaseStore(db);
    const rows = [aRow('sample'), aRow('sample'), aRow('real'), aRow('real'), aRow('real')];
    const size = Buffer.byteLength(rows[0]!.text);
    const out = store.write(rows, { perEndpoint: 10, realPerEndpoint: 2, maxBytes: 1_000_000 });
    expect(out).toMatchObject({ skipped: 0, evicted: 1 });
    expect(caseTexts(db).map((t) => t.id)).toEqual([rows[0], rows[1], rows[3], rows[4]].map((r) => r!.case.id));

    store.write([aRow('sample')], { perEndpoint: 10, realPerEndpoint: 2, maxBytes: size * 3 + 10 });
    expect(caseSummary(db)).toEqual([expect.objectContaining({ real: 2, sample: 1 })]); // two oldest samples gone, both real ones stay
    store.write([aRow('real')], { perEndpoint: 10, realPerEndpoint: 5, maxBytes: size * 2 + 10 });
    expect(caseSummary(db)).toEqual([expect.objectContaining({ real: 2, sample: 0 })]);
    db.close();
  });

  it('the same request is kept once, and moves from sample to real when it starts to differ', () => {
    const db = new Database(':memory:');
    const store = new CaseStore(db);
    const budget = { perEndpoint: 5, realPerEndpoint: 5, maxBytes: 1_000_000 };
    const sample = aRow('sample');
    expect(store.write([sample, { ...sample }], budget)).toMatchObject({ skipped: 1 });
    store.write([{ ...sample, class: 'real' }], budget);
    expect(caseSummary(db)).toEqual([expect.objectContaining({ real: 1, sample: 0 })]);
    db.close();
  });
});
