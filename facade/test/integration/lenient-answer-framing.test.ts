// Answers whose framing only a lenient parser reads (`parser: lenient`, or an upstream `auto` turned
// lenient): the client must get each answer framed as it was read, never a header that frames it
// otherwise, and an answer read whole must reach it whatever garbage follows it on the socket.
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startRawServer, type RawServer } from '../helpers/net';
import { exchange } from '../helpers/raw-http';

let upstream: RawServer;
let facade: TestFacade;

/** An upstream answering every request head with `answer`, read leniently by the facade. */
async function start(answer: string): Promise<void> {
  upstream = await startRawServer((socket) => socket.on('data', (d: Buffer) => { if (d.includes('\r\n\r\n')) socket.write(answer); }));
  facade = await startTestFacade({ monolith: { url: upstream.url, parser: 'lenient' }, services: {}, routes: [] });
}

afterEach(async () => {
  await facade.close();
  await upstream.close();
});

const twice = 'GET /1 HTTP/1.1\r\nHost: shop.example\r\n\r\nGET /2 HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n';

/** Splits raw answers on their heads: [head, body] pairs, bodies by the head's own framing (bytes that frame nothing end it, as `?`). */
function answers(raw: string): Array<{ head: string; body: string }> {
  const out: Array<{ head: string; body: string }> = [];
  let rest = raw;
  for (let n = 0; rest.length && n < 8; n++) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0 || !rest.startsWith('HTTP/')) { out.push({ head: '?', body: rest }); break; }
    const head = rest.slice(0, end);
    rest = rest.slice(end + 4);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    let body = '';
    if (length) { body = rest.slice(0, Number(length[1])); rest = rest.slice(Number(length[1])); } else {
      for (let c = 0; c < 64; c++) { // chunked
        const eol = rest.indexOf('\r\n');
        const size = eol < 0 ? NaN : parseInt(rest.slice(0, eol), 16);
        if (Number.isNaN(size)) { body += `?${rest}`; rest = ''; break; }
        rest = rest.slice(eol + 2);
        if (size === 0) { rest = rest.slice(rest.indexOf('\r\n') + 2); break; }
        body += rest.slice(0, size);
        rest = rest.slice(size + 2);
      }
    }
    out.push({ head, body });
  }
  return out;
}

it('an answer with both Transfer-Encoding: chunked and a Content-Length reaches the client framed as read, without the length', async () => {
  await start('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
  const got = answers(await exchange(facade.url, twice));
  expect(got.map((a) => a.head.split('\r\n')[0])).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
  expect(got.map((a) => a.body)).toEqual(['hello', 'hello']);
  for (const a of got) expect(a.head).not.toMatch(/\r\ncontent-length:/i);
});

it('an answer whose length is shorter than what the upstream wrote reaches the client as read (its length), as from a strict one', async () => {
  await start('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nhelloEXTRA');
  const raw = await exchange(facade.url, 'GET /1 HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n');
  const got = answers(raw);
  expect(got.map((a) => [a.head.split('\r\n')[0], a.body])).toEqual([['HTTP/1.1 200 OK', 'hel']]);
});
