// Ids a client sends in a later body reach the other side as its own, but only in a body that is
// text: a form or JSON body sent with `Content-Encoding: gzip` is compressed bytes, and an id found in
// them (a stored deflate block holds the form as is) rewritten breaks the gzip stream's lengths and
// checksum: the service got a corrupted body. It goes as the client sent it.
import { gzipSync } from 'node:zlib';
import { startTwoSides, type TwoSides } from '../helpers/two-sides';
import type { Handler } from '../helpers/upstream';

let sides: TwoSides | undefined;
afterEach(async () => { await sides?.close(); sides = undefined; });

function shop(first: number): Handler {
  let next = first;
  return (req, res) => {
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify(req.url === '/api/orders' ? { id: next++ } : { ok: true }));
  };
}

it('at dualwrite, a gzip-encoded form body naming a paired order id reaches the service byte for byte', async () => {
  sides = await startTwoSides(shop(17), shop(9001), 'dualwrite');
  const f = sides.facade;
  await fetch(`${f.url}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  await f.waitForDone(1, 10_000);
  const plain = await fetch(`${f.url}/api/payments`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'x=1&order_id=17&y=2' });
  expect(plain.status).toBe(201);
  const body = gzipSync(Buffer.from('x=1&order_id=17&y=2'), { level: 0 });
  const coded = await fetch(`${f.url}/api/payments`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' }, body });
  expect(coded.status).toBe(201);
  await f.waitForDone(3, 10_000);
  const sent = (u: TwoSides["service"]): string[] => u.received.filter((r) => r.url === '/api/payments').map((r) => r.body);
  // The plain form is translated (the feature); the compressed one is left as sent.
  expect(sent(sides.service)[0]).toBe('x=1&order_id=9001&y=2');
  expect(sent(sides.service)[1]).toBe(sent(sides.monolith)[1]);
});
