// Upstreams that send `100 Continue` nobody asked for (IIS does to every request with a body; RFC
// 9110 §15.2: a client must read any 1xx before the final answer). Through the facade a client gets
// the final answer, an upload reaches the upstream once, a second write lands, and a body that
// merely contains such a line is passed on byte for byte.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { nextComparisons, startTestFacade, type TestFacade } from '../helpers/facade';
import { rawRequest } from '../helpers/raw-http';

interface Upstream { url: string; bodies: string[]; close(): Promise<void> }

/** A node:http server that writes `100 Continue` as soon as a request's head arrives, then answers once it has the body. */
async function continuingUpstream(): Promise<Upstream> {
  const bodies: string[] = [];
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    res.writeContinue();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      if (req.method !== 'GET') bodies.push(body);
      const payload = JSON.stringify({ method: req.method, bytes: body.length });
      res.writeHead(req.method === 'GET' ? 200 : 201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies,
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}

/** A raw upstream: every request is answered with the chunks `answer` gives, written apart with a pause between them. */
async function rawUpstream(answer: (requestLine: string) => readonly string[]): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    socket.on('data', async (d) => {
      buffered += d.toString('latin1');
      while (buffered.includes('\r\n\r\n')) {
        const end = buffered.indexOf('\r\n\r\n');
        const requestLine = buffered.slice(0, buffered.indexOf('\r\n'));
        buffered = buffered.slice(end + 4);
        for (const chunk of answer(requestLine)) {
          socket.write(chunk, 'latin1');
          await new Promise((r) => setTimeout(r, 20)); // separate reads on the facade's side
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

let facade: TestFacade | undefined;
const upstreams: Array<{ close(): Promise<void> }> = [];

async function start(monolithUrl: string, serviceUrl: string, stage: string): Promise<TestFacade> {
  facade = await startTestFacade({
    monolith: { url: monolithUrl },
    services: { orders: { url: serviceUrl } },
    routes: [{ name: 'orders', match: { path: '/api/**' }, service: 'orders', compare: { sample: 100 } }],
  });
  if (stage !== 'off') {
    facade.store.change({ route: 'orders', stage: stage as 'shadow', force: true, actor: 'test', defaultStage: 'off' });
    (facade.deps.flags as unknown as { reload(): void }).reload();
  }
  return facade;
}

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  for (const u of upstreams.splice(0)) await u.close();
});

describe('an upstream that sends 100 Continue unasked', () => {
  it('reads and uploads over kept-alive connections get the final answer, and each upload reaches the upstream once', async () => {
    const monolith = await continuingUpstream();
    upstreams.push(monolith);
    const f = await start(monolith.url, monolith.url, 'off');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const upload = 'x'.repeat(256 * 1024); // larger than a socket write: the 100 arrives while it is sent
      for (let i = 0; i < 3; i++) {
        const read = await rawRequest(f.url, `/api/orders/${i}`, { agent });
        expect(read.status).toBe(200);
        expect(read.json()).toEqual({ method: 'GET', bytes: 0 });
        const write = await rawRequest(f.url, '/api/orders', { method: 'POST', body: upload, headers: { 'content-type': 'text/plain' }, agent });
        expect(write.status).toBe(201);
        expect(write.json()).toEqual({ method: 'POST', bytes: upload.length });
      }
      expect(monolith.bodies).toHaveLength(3);
      expect(monolith.bodies.every((b) => b === upload)).toBe(true);
    } finally {
      agent.destroy();
    }
  });

  it('at dualwrite the second write to such a service lands (no divergence), and at shadow its reads match', async () => {
    const monolith = await continuingUpstream();
    const service = await continuingUpstream();
    upstreams.push(monolith, service);
    const f = await start(monolith.url, service.url, 'dualwrite');
    const written = nextComparisons(f, 1);
    const write = await rawRequest(f.url, '/api/orders', { method: 'POST', body: '{"sku":"A-1","qty":2}', headers: { 'content-type': 'application/json' } });
    expect(write.status).toBe(201);
    const [record] = await written;
    expect(record).toMatchObject({ kind: 'write', outcome: 'match' });
    expect(service.bodies).toEqual(['{"sku":"A-1","qty":2}']);
    expect((await f.divergences!.openStats('orders')).count).toBe(0);

    f.store.change({ route: 'orders', stage: 'shadow', force: true, actor: 'test', defaultStage: 'off' });
    (f.deps.flags as unknown as { reload(): void }).reload();
    const read = nextComparisons(f, 1);
    expect((await rawRequest(f.url, '/api/orders/7')).status).toBe(200);
    expect((await read)[0]).toMatchObject({ kind: 'read', outcome: 'match', shadowStatus: 200 });
  });

  it('a 100 split across reads and followed by 103 Early Hints is read past; a body holding such a line is passed on as it is', async () => {
    const tricky = 'HTTP/1.1 100 Continue\r\n\r\n';
    const up = await rawUpstream((line) => line.includes('/api/split')
      ? ['HTTP/1.1 1', '00 Continue\r\nX-Note: interim\r\n\r\n', 'HTTP/1.1 103 Early Hints\r\nLink: </app.css>; rel=preload\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal']
      : [`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${4 + tricky.length}\r\n\r\nbody`, tricky]);
    upstreams.push(up);
    const f = await start(up.url, up.url, 'off');
    const split = await rawRequest(f.url, '/api/split');
    expect([split.status, split.text]).toEqual([200, 'final']);
    const body = await rawRequest(f.url, '/api/body');
    expect([body.status, body.text]).toEqual([200, `body${tricky}`]);
  });
});
