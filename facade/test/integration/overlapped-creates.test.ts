// Creates in a collection at once (`POST /api/orders` from many clients) are not two writes of one
// resource: each makes its own record, so a real difference in their answers (the service's currency
// wrong in every create) is a mismatch under concurrent load too, not skipped as writes_overlapped.
import { nextComparisons } from '../helpers/facade';
import { startTwoSides, type TwoSides } from '../helpers/two-sides';
import type { Handler } from '../helpers/upstream';
import { createsInCollection } from '../../src/io/write-order';

let sides: TwoSides | undefined;
afterEach(async () => { await sides?.close(); sides = undefined; });

/** Answers each create only once `batch` of them arrived, so every create overlaps the others. */
function shop(first: number, currency: string, batch: number): Handler {
  let next = first;
  const waiting: (() => void)[] = [];
  return (req, res) => {
    const id = next++;
    waiting.push(() => { res.writeHead(201, { 'content-type': 'application/json' }); res.end(JSON.stringify({ id, currency })); });
    if (waiting.length >= batch) for (const w of waiting.splice(0)) w();
  };
}

it('concurrent creates whose answers differ at a real field are mismatches, not writes_overlapped', async () => {
  // Only the monolith holds its answers: the copies go one by one after each primary answer.
  sides = await startTwoSides(shop(17, 'USD', 4), shop(9001, 'usd', 1), 'dualwrite');
  const f = sides.facade;
  const records = nextComparisons(f, 4, 15_000);
  await Promise.all(Array.from({ length: 4 }, () => fetch(`${f.url}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.text())));
  const outcomes = (await records).map((r) => `${r.outcome}${r.reason ? `:${r.reason}` : ''}`);
  // The first of a new endpoint may be unjudged (one sample); none is skipped, and the difference is found.
  expect(outcomes.filter((o) => o !== 'mismatch' && o !== 'unjudged')).toEqual([]);
  expect(outcomes).toContain('mismatch');
});

it('a POST to a path without an id is a create in a collection; a write to a named resource is not', () => {
  expect(createsInCollection('POST', '/api/orders')).toBe(true);
  expect(createsInCollection('POST', '/api/items/7/reserve')).toBe(false);
  expect(createsInCollection('PUT', '/api/settings')).toBe(false);
  expect(createsInCollection('PATCH', '/api/orders')).toBe(false);
});
