// A request pipelined behind an answer that closes the connection (a 413, a refusal, a client's
// Connection: close) is never sent upstream, as nginx drops it: its answer could not reach the
// client, which would send the write again on a new connection (and at dualwrite the other side
// never got it). A request pipelined before such an answer is still answered.
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';
import { exchange } from '../helpers/raw-http';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;

beforeAll(async () => {
  monolith = await startUpstream('monolith');
  service = await startUpstream('service');
  facade = await startTestFacade({
    listen: { maxRequestBodyBytes: 100 },
    monolith: { url: monolith.url }, services: { svc: { url: service.url } },
    routes: [{ name: 'orders', match: { path: '/orders/**' }, service: 'svc', defaultStage: 'dualwrite' }],
  });
});

afterAll(async () => {
  await facade.close();
  await monolith.close();
  await service.close();
});

beforeEach(() => { monolith.received.length = 0; service.received.length = 0; });

const H = 'Host: shop.example\r\n';
const after = `POST /orders/after HTTP/1.1\r\n${H}Content-Length: 2\r\n\r\nzz`;
const statuses = (raw: string): string[] => [...raw.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]!);

it.each([
  ['a 413 (declared length over the cap)', `POST /orders/1 HTTP/1.1\r\n${H}Content-Length: 200\r\n\r\n${'x'.repeat(200)}`, '413'],
  ['a 413 (chunked body over the cap)', `POST /orders/1 HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nc8\r\n${'x'.repeat(200)}\r\n0\r\n\r\n`, '413'],
  ['a 400 for a Host that is not a host', `POST /orders/1 HTTP/1.1\r\nHost: a b\r\nContent-Length: 1\r\n\r\nq`, '400'],
  ['a 405 for TRACE', `TRACE /orders/1 HTTP/1.1\r\n${H}\r\n`, '405'],
  ['a 501 for a transfer coding', `POST /orders/1 HTTP/1.1\r\n${H}Transfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`, '501'],
])('a POST pipelined behind %s reaches neither side', async (_name, first, status) => {
  const raw = await exchange(facade.url, first + after);
  await new Promise((r) => setTimeout(r, 300));
  expect(statuses(raw)).toEqual([status]);
  expect(monolith.received.filter((r) => r.url === '/orders/after')).toEqual([]);
  expect(service.received.filter((r) => r.url === '/orders/after')).toEqual([]);
});

it('a POST marked Connection: close, pipelined behind another, is still answered (it is the last one, not one after it)', async () => {
  const raw = await exchange(facade.url, `POST /orders/a HTTP/1.1\r\n${H}Content-Length: 1\r\n\r\na` + `POST /orders/b HTTP/1.1\r\n${H}Connection: close\r\nContent-Length: 1\r\n\r\nb`);
  expect(statuses(raw)).toEqual(['200', '200']);
  await service.waitFor(2, 3000);
  expect(monolith.received.map((r) => r.url)).toEqual(['/orders/a', '/orders/b']);
});
