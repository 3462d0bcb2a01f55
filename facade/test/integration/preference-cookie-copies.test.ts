// A preference both sides keep in a cookie the request chose (Caddy's file_server browse: `?sort=size`
// answers `Set-Cookie: sort=size`, and a listing without the query is sorted by the cookie). Probes15
// (two Caddy instances behind the facade at `shadow`, wget --mirror): the answer to a copy set the
// same value as the answering side's, but the copy had carried the client's previous value, so the
// facade took the pair old → new for the other side's own cookie; the client's next request with the
// old value reached the other side as the new one, and its listing, sorted otherwise, was a real
// difference the service never had.
import type { ComparisonRecord } from '../../src/core/comparison';
import { nextComparisons, type TestFacade } from '../helpers/facade';
import { startTwoSides, type TwoSides } from '../helpers/two-sides';
import type { Handler, TestUpstream } from '../helpers/upstream';

let sides: TwoSides | undefined;
let service: TestUpstream;

/** A directory listing sorted by `?sort=` when given (and kept in a cookie), else by the cookie. `files`: the listing's entries, name → size. */
function listing(files: Record<string, number>): Handler {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const asked = url.searchParams.get('sort');
    const sort = asked ?? /(?:^|;\s*)sort=([^;]+)/.exec(req.headers.cookie ?? '')?.[1] ?? 'name';
    const headers: Record<string, string | string[]> = { 'content-type': 'text/html' };
    if (asked) headers['set-cookie'] = [`sort=${asked}`];
    const names = Object.keys(files).sort((a, b) => (sort === 'size' ? files[b]! - files[a]! : a.localeCompare(b)));
    res.writeHead(200, headers);
    res.end(`<ul>\n${names.map((n) => `<li>${n} ${files[n]}</li>`).join('\n')}\n</ul>\n`);
  };
}

async function start(serviceFiles: Record<string, number>): Promise<TestFacade> {
  sides = await startTwoSides(listing({ 'a.txt': 10, 'b.bin': 300, 'c.md': 20 }), listing(serviceFiles), 'shadow');
  service = sides.service;
  return sides.facade;
}

afterEach(async () => {
  await sides?.close();
  sides = undefined;
});

/** The client's way: its cookie says name, it asks for size once (both sides set the cookie), then lists with its old cookie. */
async function browse(f: TestFacade): Promise<ComparisonRecord> {
  const chose = nextComparisons(f, 1, 10_000);
  await (await fetch(`${f.url}/files/?sort=size`, { headers: { cookie: 'sort=name' } })).text();
  await chose;
  const read = nextComparisons(f, 1, 10_000);
  expect(await (await fetch(`${f.url}/files/`, { headers: { cookie: 'sort=name' } })).text()).toBe('<ul>\n<li>a.txt 10</li>\n<li>b.bin 300</li>\n<li>c.md 20</li>\n</ul>\n');
  return (await read)[0]!;
}

it('a cookie both sides set to one value is not taken as the other side\'s own: the listing the client asks for next compares equal', async () => {
  const f = await start({ 'a.txt': 10, 'b.bin': 300, 'c.md': 20 });
  const record = await browse(f);
  expect([record.outcome, record.facts.map((x) => `${x.kind} ${String(x.primary)}`)]).toEqual(['match', []]);
  expect(service.received.at(-1)!.headers.cookie).toBe('sort=name');
});

it('a service whose listing differs is still a real difference', async () => {
  const record = await browse(await start({ 'a.txt': 10, 'b.bin': 301, 'c.md': 20 }));
  expect(record.outcome).not.toBe('match');
  // one line changed, in the listing's own order: not the whole listing sorted otherwise
  expect(record.facts.map((x) => `${x.kind} ${String(x.primary)} → ${String(x.shadow)}`)).toEqual(['changed b.bin 300 → b.bin 301']);
  expect(service.received.map((r) => r.headers.cookie)).toEqual(service.received.map(() => 'sort=name'));
});
