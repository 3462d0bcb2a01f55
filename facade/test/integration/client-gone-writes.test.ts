// A write sent to both sides whose client leaves before reading its answer (closes after sending,
// or pipelines writes and hangs up) may still have been applied by the authoritative side: its
// second write is sent when that side answered below 400, and kept as a divergence when the client
// left before any answer; never applied on one side alone without a trace.
import net, { type AddressInfo } from 'node:net';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;

afterEach(async () => {
  await facade?.close();
  await monolith?.close();
  await service?.close();
});

/** `answerAfterMs`: the monolith's delay; `streamMs`: it sends its headers at once and ends its body this much later. */
async function start(stage: string, monolithDelay: { answerAfterMs?: number; streamMs?: number }): Promise<void> {
  monolith = await startUpstream('monolith', (_req, res) => {
    if (monolithDelay.streamMs !== undefined) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('part ');
      setTimeout(() => res.end('rest'), monolithDelay.streamMs);
      return;
    }
    setTimeout(() => { res.writeHead(201, { 'content-type': 'text/plain' }); res.end('made'); }, monolithDelay.answerAfterMs ?? 0);
  });
  service = await startUpstream('service');
  facade = await startTestFacade({
    monolith: { url: monolith.url }, services: { svc: { url: service.url } },
    routes: [{ name: 'orders', match: { path: '/orders/**' }, service: 'svc', defaultStage: stage as 'dualwrite' }],
  });
}

/** Sends `bytes` on a new connection and closes it once the monolith has received `seen` requests. */
async function sendAndLeave(bytes: string, seen: number): Promise<void> {
  const port = Number(new URL(facade.url).port);
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise<void>((r) => socket.once('connect', () => r()));
  socket.write(bytes);
  await monolith.waitFor(seen, 3000);
  await new Promise((r) => setTimeout(r, 30));
  socket.destroy();
}

const post = (path: string): string => `POST ${path} HTTP/1.1\r\nHost: shop.example\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello`;

it('the client leaves before the monolith answers: the write it had whole is kept as a divergence (dualwrite)', async () => {
  await start('dualwrite', { answerAfterMs: 300 });
  await sendAndLeave(post('/orders/1'), 1);
  await facade.waitForDone(1, 3000);
  expect(monolith.received.map((r) => r.body)).toEqual(['hello']);
  const open = await facade.divergences.list('orders');
  expect(open).toHaveLength(1);
  expect(open[0]).toMatchObject({ reason: 'primary_outcome_unknown_client_gone', side: 'service', path: '/orders/1' });
});

it('the client leaves while the monolith\'s 200 streams: the service gets its second write (shadow)', async () => {
  await start('shadow', { streamMs: 300 });
  await sendAndLeave(post('/orders/2'), 1);
  await facade.waitForDone(1, 3000);
  await service.waitFor(1, 3000);
  expect(service.received).toMatchObject([{ method: 'POST', url: '/orders/2', body: 'hello' }]);
  expect(await facade.divergences.list('orders')).toEqual([]);
});

it('pipelined writes and a client that hangs up: each write the monolith got is on the service or a divergence', async () => {
  await start('dualwrite', { answerAfterMs: 100 });
  await sendAndLeave(Array.from({ length: 10 }, (_, i) => post(`/orders/p${i}`)).join(''), 1);
  await facade.waitForDone(1, 3000);
  await new Promise((r) => setTimeout(r, 300));
  const onMonolith = monolith.received.map((r) => r.url);
  const accounted = [...service.received.map((r) => r.url), ...(await facade.divergences.list('orders')).map((d) => d.path)];
  expect(onMonolith.length).toBeGreaterThan(0);
  for (const url of onMonolith) expect(accounted).toContain(url);
});
