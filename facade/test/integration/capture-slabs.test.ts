// Large answers of shadowed reads compared many at a time: the captures are joined in reused slabs
// (io/capture-slabs.ts), and each comparison must still see its own request's two answers.
import { nextComparisons, startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;

/** A ~40-200 KB answer that is this request's own all through (a slab holding another's would differ). */
function answer(side: 'monolith' | 'service'): Handler {
  return (req, res) => {
    const n = Number(req.url!.split('/').pop());
    const items = Array.from({ length: 300 + (n % 5) * 300 }, (_, i) => ({ n, i, price: (n * 1000 + i) / 100, label: `item ${n}-${i}`.padEnd(100, '.') }));
    // Every 4th request the service prices one item in the middle differently: a real difference.
    if (side === 'service' && n % 4 === 0) items[150]!.price += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ n, items }));
  };
}

beforeEach(async () => {
  monolith = await startUpstream('monolith');
  service = await startUpstream('service');
  monolith.handler = answer('monolith');
  service.handler = answer('service');
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url: service.url } },
    routes: [{ name: 'catalog', match: { path: '/api/catalog/**' }, service: 'catalog', compare: { reask: { enabled: false } } }],
  });
  facade.store.change({ route: 'catalog', stage: 'shadow', force: true, actor: 'test', defaultStage: 'off' });
  (facade.deps.flags as unknown as { reload(): void }).reload();
});

afterEach(async () => {
  await facade?.close();
  await monolith.close();
  await service.close();
});

it('many large shadowed reads at once, in waves: each comparison sees its own answers', async () => {
  const waves = 3;
  const perWave = 24;
  for (let w = 0; w < waves; w++) {
    const records = nextComparisons(facade, perWave, 20_000);
    const ns = Array.from({ length: perWave }, (_, i) => w * perWave + i);
    const bodies = await Promise.all(ns.map(async (n) => (await fetch(`${facade.url}/api/catalog/list/${n}`)).json() as Promise<{ n: number; items: { n: number }[] }>));
    // The client always gets the monolith's answer to its own request.
    bodies.forEach((b, i) => { expect(b.n).toBe(ns[i]); expect(b.items.every((it) => it.n === ns[i])).toBe(true); });
    const got = await records;
    const byN = new Map(got.map((r) => [Number(r.path.split('/').pop()), r]));
    for (const n of ns) {
      const r = byN.get(n);
      expect(r).toBeDefined();
      if (n % 4 === 0) {
        expect(r!.outcome).not.toBe('match'); // unjudged: one sighting, no re-asks here
        expect(r!.facts.map((f) => f.path)).toEqual(['$.items[150].price']);
      } else {
        expect({ n, outcome: r!.outcome, facts: r!.facts.length }).toEqual({ n, outcome: 'match', facts: 0 });
      }
    }
  }
}, 60_000);
