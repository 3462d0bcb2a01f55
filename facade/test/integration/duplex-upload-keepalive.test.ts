// A full-duplex exchange: the upstream answers a chunked upload as it reads it (an echo, a progress
// stream, NDJSON answered line by line), and its answer outlasts the upload. Going direct or
// through nginx the client's connection stays open for its next request; the facade closed it
// (Connection: close at the head, since the upload had not ended when the answer began). An answer
// that ends before the upload does still closes the connection: the rest of the body is unread.
import http from 'node:http';
import net from 'node:net';
import { startTestFacade, type TestFacade } from '../helpers/facade';

let upstream: http.Server;
let url: string;
let facade: TestFacade;

beforeEach(async () => {
  upstream = http.createServer((req, res) => {
    if (req.url === '/echo') {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.flushHeaders();
      req.on('data', (c: Buffer) => res.write(c));
      req.on('end', () => res.end());
    } else if (req.url === '/partial') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('enough'); // chunked, and over before the upload is
    } else {
      req.resume();
      req.on('end', () => res.end('ok'));
    }
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(upstream.address() as net.AddressInfo).port}`;
  facade = await startTestFacade({ monolith: { url }, services: {}, routes: [] });
});

afterEach(async () => {
  await facade.close();
  upstream.closeAllConnections();
  await new Promise<void>((r) => upstream.close(() => r()));
});

/** A raw client: `waitFor` resolves once the bytes back contain `text` (or the connection ended). */
function rawClient(facadeUrl: string): { sock: net.Socket; got: () => string; ended: () => boolean; waitFor(text: string): Promise<void> } {
  const sock = net.connect(Number(new URL(facadeUrl).port), '127.0.0.1');
  let got = '';
  let ended = false;
  const waiters: Array<() => void> = [];
  const poke = (): void => { for (const w of waiters.splice(0)) w(); };
  sock.on('data', (d: Buffer) => { got += d.toString('latin1'); poke(); });
  sock.on('end', () => { ended = true; poke(); });
  sock.on('close', () => { ended = true; poke(); });
  sock.on('error', () => undefined);
  return {
    sock, got: () => got, ended: () => ended,
    waitFor: (text) => new Promise<void>((resolve) => {
      const check = (): void => { if (got.includes(text) || ended) resolve(); else waiters.push(check); };
      check();
    }),
  };
}

const chunk = (s: string): string => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;

it('keeps the connection after an answer that streamed alongside the upload and ended after it', async () => {
  const c = rawClient(facade.url);
  c.sock.write('POST /echo HTTP/1.1\r\nHost: shop.example\r\nTransfer-Encoding: chunked\r\n\r\n' + chunk('{"n":1}\n'));
  await c.waitFor('{"n":1}'); // echoed while the upload is still open: full duplex
  c.sock.write(chunk('{"n":2}\n') + '0\r\n\r\n');
  await c.waitFor('{"n":2}\n\r\n0\r\n\r\n');
  c.sock.write('GET /next HTTP/1.1\r\nHost: shop.example\r\n\r\n');
  await c.waitFor('\r\n\r\nok');
  c.sock.destroy();
  const head = c.got().split('\r\n\r\n')[0]!;
  expect(head).not.toMatch(/^connection: *close/im);
  expect(c.got()).toContain('\r\n\r\nok');
});

it('still closes the connection after a chunked answer that ended before the upload did', async () => {
  const c = rawClient(facade.url);
  c.sock.write('POST /partial HTTP/1.1\r\nHost: shop.example\r\nTransfer-Encoding: chunked\r\n\r\n' + chunk('part one'));
  await c.waitFor('enough\r\n0\r\n\r\n');
  await c.waitFor('never sent'); // resolves when the connection ends
  c.sock.destroy();
  expect(c.got()).toMatch(/^HTTP\/1\.1 200 /);
  expect(c.ended()).toBe(true);
});

it('keeps it too for an upload that waited for 100 Continue (carried by the other forwarder)', async () => {
  const c = rawClient(facade.url);
  c.sock.write('POST /echo HTTP/1.1\r\nHost: shop.example\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n');
  await c.waitFor('100 Continue\r\n\r\n');
  c.sock.write(chunk('{"n":1}\n'));
  await c.waitFor('{"n":1}');
  c.sock.write(chunk('{"n":2}\n') + '0\r\n\r\n');
  await c.waitFor('{"n":2}\n\r\n0\r\n\r\n');
  c.sock.write('GET /next HTTP/1.1\r\nHost: shop.example\r\n\r\n');
  await c.waitFor('\r\n\r\nok');
  c.sock.destroy();
  const head = c.got().split('\r\n\r\n')[1]!; // after the 100
  expect(head).toMatch(/^HTTP\/1\.1 200 /);
  expect(head).not.toMatch(/^connection: *close/im);
  expect(c.got()).toContain('\r\n\r\nok');
});
