// The lenient exchange (io/lenient-dispatcher.ts) against a real node:http upstream: a streamed body
// without a length is framed chunked (given raw, a DELETE's body `GET /other HTTP/1.1…` was read
// as a second request), and a socket whose upload was cut short by an early answer is not reused.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Dispatcher } from 'undici';
import { LenientDispatcher } from '../../src/io/lenient-dispatcher';
import { createUpstream, destroyUpstream, type Upstream } from '../../src/io/upstreams';

interface Seen { method: string; url: string; body: string; te?: string }

let server: http.Server;
let seen: Seen[];
let upstream: Upstream;

beforeEach(async () => {
  seen = [];
  server = http.createServer((req, res) => {
    if (req.url === '/upload') { // answers at once, before reading, and keeps the connection
      seen.push({ method: req.method!, url: req.url, body: '' });
      res.writeHead(401, { 'content-length': '4' });
      res.end('nope');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body: Buffer.concat(chunks).toString(), te: req.headers['transfer-encoding'] });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  upstream = createUpstream('monolith', 'monolith', {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connectTimeoutMs: 1000, headersTimeoutMs: 5000, idleTimeoutMs: 5000,
    timeoutMs: 5000, maxSockets: 4, maxHeaderBytes: 65_536, retry: { idempotentMethods: ['GET'], delayMs: 100, budgetMs: 0 }, parser: 'lenient',
  });
});

afterEach(async () => {
  destroyUpstream(upstream);
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

/** One exchange: its status and body, or its error; `stopBody` ends a streamed body early once answered (as dispatch.ts does). */
function exchange(d: LenientDispatcher, opts: Dispatcher.DispatchOptions, stopBody?: () => void): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    let status = 0;
    const chunks: Buffer[] = [];
    d.dispatch(opts, {
      onConnect: () => undefined,
      onHeaders: (s) => { status = s; return true; },
      onData: (c) => { chunks.push(c); return true; },
      onComplete: () => { stopBody?.(); resolve({ status, body: Buffer.concat(chunks).toString() }); },
      onError: (err) => resolve({ error: err.message }),
      onUpgrade: () => undefined,
    });
  });
}

it('a streamed DELETE body without a length goes chunked, whole, as one request', async () => {
  const d = new LenientDispatcher(upstream, 1000);
  async function* body(): AsyncGenerator<Buffer> { yield Buffer.from('GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n'); }
  const out = await exchange(d, { method: 'DELETE', path: '/items/1', headers: ['host', 'shop.example'], body: body() as never });
  expect(out).toEqual({ status: 200, body: 'ok' });
  await new Promise((r) => setTimeout(r, 50));
  expect(seen).toEqual([{ method: 'DELETE', url: '/items/1', body: 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n', te: 'chunked' }]);
});

it('after an early answer to an upload, the next request does not wait on the socket still owed its body', async () => {
  const d = new LenientDispatcher(upstream, 1000);
  let stop = false;
  async function* slow(): AsyncGenerator<Buffer> {
    for (let i = 0; i < 100 && !stop; i++) { yield Buffer.alloc(1000, 97); await new Promise((r) => setTimeout(r, 10)); }
  }
  const upload = await exchange(d, { method: 'POST', path: '/upload', headers: ['host', 'shop.example', 'content-length', '100000'], body: slow() as never }, () => { stop = true; });
  expect(upload).toEqual({ status: 401, body: 'nope' });
  await new Promise((r) => setTimeout(r, 100)); // the upload's socket back in the pool, if it were given back
  const started = performance.now();
  const next = await Promise.race([
    exchange(d, { method: 'GET', path: '/next', headers: ['host', 'shop.example'] }),
    new Promise((r) => setTimeout(() => r('stalled'), 3000)),
  ]);
  expect(next).toEqual({ status: 200, body: 'ok' });
  expect(performance.now() - started).toBeLessThan(2000);
});
