// `Expect: 100-continue` whose body the client sent without waiting for the 100 (RFC 9110 §10.1.1
// allows it; curl sends the body after 1 s without one), to an upstream that answers the whole
// request without a 100 (many do once the body is in): the request is complete, so the client's
// connection stays open for its next request, as it does going direct.
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startLengthFramedServer, startRawServer, type RawServer } from '../helpers/net';
import { exchange } from '../helpers/raw-http';

let upstream: RawServer;
let facade: TestFacade;
let received: string[];

beforeEach(async () => {
  received = [];
  // Keep-alive, bodies by Content-Length, never a 100 Continue.
  upstream = await startLengthFramedServer((head, body) => {
    received.push(`${head.split(' ').slice(0, 2).join(' ')} ${body}`.trim());
    return 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
  });
  facade = await startTestFacade({ monolith: { url: upstream.url }, services: {}, routes: [] });
});

afterEach(async () => {
  await facade.close();
  await upstream.close();
});

const statuses = (raw: string): string[] => [...raw.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]!);

it('a request whose body came with its Expect header is followed by the next one on the same connection', async () => {
  const raw = await exchange(facade.url,
    'POST /upload HTTP/1.1\r\nHost: shop.example\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello'
    + 'GET /next HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n');
  expect(statuses(raw)).toEqual(['200', '200']);
  expect(received).toEqual(['POST /upload hello', 'GET /next']);
});

it('an Expect request the upstream answers before any body was sent still closes the connection', async () => {
  // The upstream answers at the head (as to a 417 or 401): nothing after it on the connection can be
  // read as a request, since the client may yet send the body.
  await upstream.close();
  upstream = await startRawServer((socket) => socket.once('data', () => socket.write('HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n')));
  await facade.close();
  facade = await startTestFacade({ monolith: { url: upstream.url }, services: {}, routes: [] });
  const raw = await exchange(facade.url, 'POST /upload HTTP/1.1\r\nHost: shop.example\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n');
  expect(statuses(raw)).toEqual(['417']);
});
