// The public server parses a connection again after an Upgrade that is not a WebSocket
// (io/request-target.ts): many such requests on one connection are each answered in turn, and the
// connection does not gather a listener per request (Node warns past ten, and each would be a leak).
import net, { type AddressInfo, type Socket } from 'node:net';
import { parseConfig } from '../../src/config';
import { createPublicServer, type PublicServer } from '../../src/io/public-server';

/** Writes `bytes` on a new connection and resolves with all that came back once it closed (at most 5 s). */
function exchangeRaw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = net.connect(port, '127.0.0.1');
    let out = '';
    const t = setTimeout(() => { c.destroy(); reject(new Error(`still open after 5 s; got ${JSON.stringify(out)}`)); }, 5000);
    c.on('data', (d: Buffer) => { out += d.toString('latin1'); });
    c.on('error', () => undefined);
    c.on('close', () => { clearTimeout(t); resolve(out); });
    c.write(bytes);
  });
}

let pub: PublicServer;

afterEach(async () => {
  pub.server.closeAllConnections();
  await new Promise<void>((r) => pub.server.close(() => r()));
});

it('15 h2c requests on one connection: 15 answers in order, and the socket holds as many close listeners at the last as at the first', async () => {
  const { listen } = parseConfig({ monolith: { url: 'http://127.0.0.1:9' }, state: { db: ':memory:' } }, 'test config');
  const closeListeners: number[] = [];
  let socket: Socket | null = null;
  pub = createPublicServer(listen, async (req, res) => {
    closeListeners.push(socket!.listenerCount('close'));
    req.resume();
    res.end(`answer to ${req.url} with ${req.headers.upgrade ?? 'no upgrade'}`);
  }, (_req, s) => s.destroy());
  pub.server.on('connection', (s: Socket) => { socket = s; });
  await new Promise<void>((r) => pub.server.listen(0, '127.0.0.1', () => r()));
  const port = (pub.server.address() as AddressInfo).port;
  const h2c = (i: number): string => `GET /r/${i} HTTP/1.1\r\nHost: shop.example\r\nConnection: Upgrade, HTTP2-Settings${i === 14 ? ', close' : ''}\r\n`
    + 'Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n';
  const out = await exchangeRaw(port, Array.from({ length: 15 }, (_, i) => h2c(i)).join(''));
  expect([...out.matchAll(/answer to (\S+) with (.+?)(?=HTTP\/1\.1|$)/g)].map((m) => m[1])).toEqual(Array.from({ length: 15 }, (_, i) => `/r/${i}`));
  expect(out).not.toContain('with h2c');
  expect(closeListeners).toHaveLength(15);
  expect(closeListeners[14]).toBe(closeListeners[0]);
});
