// The primary is asked again to tell noise from a real difference; a write to a related path that
// starts meanwhile (a sync client's PUTs right after its PROPFIND listing: vdirsyncer behind the
// facade, probes17) changes the second answer. Taken as "the primary disagreed with itself", the field
// was learned as noise, and later real differences at it passed as noise. Such a comparison is
// skipped as write_in_flight, as a read overlapped before it was compared always was.
import { nextComparisons } from '../helpers/facade';
import { startTwoSides, type TwoSides } from '../helpers/two-sides';
import type { Handler } from '../helpers/upstream';

let sides: TwoSides | undefined;
afterEach(async () => { await sides?.close(); sides = undefined; });

/** A list of items; `shout`: the service's fault, titles in capitals; `held`: re-asks wait for it. */
function items(opts: { shout?: boolean; held?: Promise<void> } = {}): Handler {
  const titles = new Map([['1', 'kettle'], ['2', 'cup']]);
  return (req, res, body) => {
    const answer = (): void => {
      if (req.method === 'PUT') titles.set(req.url!.split('/').pop()!, (JSON.parse(body) as { title: string }).title);
      const list = [...titles].map(([id, title]) => ({ id: Number(id), title: opts.shout ? title.toUpperCase() : title }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.method === 'PUT' ? { ok: true } : list));
    };
    if (req.headers['x-strangler-reask'] && opts.held) void opts.held.then(answer); else answer();
  };
}

it('a re-ask that a related write overlapped is no evidence of noise: skipped, and the service\'s fault stays real', async () => {
  let release!: () => void;
  const held = new Promise<void>((r) => { release = r; });
  sides = await startTwoSides(items({ held }), items({ shout: true }), 'shadow');
  const f = sides.facade;
  const first = nextComparisons(f, 2, 10_000);
  expect(await (await fetch(`${f.url}/items`)).json()).toEqual([{ id: 1, title: 'kettle' }, { id: 2, title: 'cup' }]);
  await sides.monolith.waitFor(2); // the read, and the primary asked again (held)
  expect((await fetch(`${f.url}/items/1`, { method: 'PUT', body: '{"title":"lid"}' })).status).toBe(200);
  await sides.service.waitFor(2); // the read's copy and the write's
  release();
  const got = await first;
  const read = got.find((r) => r.method === 'GET')!;
  expect([read.outcome, read.reason]).toEqual(['skipped', 'write_in_flight']);
  const next = nextComparisons(f, 1, 10_000);
  await fetch(`${f.url}/items`);
  const again = (await next)[0]!;
  expect(again.outcome).toBe('mismatch');
});
