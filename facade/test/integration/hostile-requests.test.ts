// Requests nobody here wrote, sent byte for byte: a pipelined request the facade cannot read must
// not cut into the answer before it, headers named in Connection must not take a body or a Host
// away, one request gets one answer, and encoded `..` cannot climb above the root.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { exchange } from '../helpers/raw-http';

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }

let facade: TestFacade | undefined;
let server: http.Server | undefined;
let seen: Seen[] = [];

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  if (server) await new Promise<void>((r) => { server!.close(() => r()); server!.closeAllConnections(); });
  server = undefined;
});

/** One upstream (monolith and service alike) that records what it got; `answer` replies. */
async function start(answer: (req: IncomingMessage, res: ServerResponse, body: string) => void, stage = 'off'): Promise<TestFacade> {
  seen = [];
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (c: string) => { body += c; });
    req.on('end', () => { seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }); answer(req, res, body); });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  facade = await startTestFacade({
    listen: { headersTimeoutMs: 1000, requestTimeoutMs: 5000 },
    monolith: { url }, services: { svc: { url } },
    routes: [{ name: 'app', match: { path: '/**' }, service: 'svc' }],
  });
  await setStage(facade.adminUrl!, 'app', stage);
  return facade;
}

const ok = (_req: IncomingMessage, res: ServerResponse, body: string): void => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(`got ${body.length} bytes`);
};

/** The status lines of every answer in `raw`, in order. */
const statuses = (raw: string): string[] => [...raw.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]!);

describe('a request the facade cannot read, behind one it is answering', () => {
  it.each(['off', 'shadow'])('a pipelined POST is answered before the 400 for the garbage after it (%s)', async (stage) => {
    const f = await start(ok, stage);
    const raw = await exchange(f.url, 'POST /pay HTTP/1.1\r\nHost: shop.example\r\nContent-Length: 3\r\n\r\nabcGARBAGE\r\n\r\n');
    expect(statuses(raw)).toEqual(['200', '400']);
    expect(raw).toContain('got 3 bytes');
    expect(seen.filter((s) => s.url === '/pay')[0]).toMatchObject({ method: 'POST', body: 'abc' });
  });

  it('an answer streaming when the next request turns out unreadable reaches the client whole, then the 400', async () => {
    const f = await start((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '30' });
      res.write('part0\n');
      setTimeout(() => res.end('x'.repeat(24)), 300);
    });
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(new URL(f.url).port), '127.0.0.1');
      let out = '';
      socket.on('data', (c: Buffer) => { out += c.toString('latin1'); });
      socket.on('error', reject);
      socket.on('close', () => resolve(out));
      socket.write('GET /download HTTP/1.1\r\nHost: shop.example\r\n\r\n');
      setTimeout(() => socket.write('GARBAGE\r\n\r\n'), 100);
    });
    const firstBody = raw.slice(raw.indexOf('\r\n\r\n') + 4, raw.indexOf('\r\n\r\n') + 4 + 30);
    expect(firstBody).toBe(`part0\n${'x'.repeat(24)}`);
    expect(statuses(raw)).toEqual(['200', '400']);
  });

  it('a transfer coding it cannot pass on gets one answer (501), not a 501 and then a 400', async () => {
    const f = await start(ok);
    const raw = await exchange(f.url, 'POST /a HTTP/1.1\r\nHost: shop.example\r\nTransfer-Encoding: gzip\r\n\r\nabcd');
    expect(statuses(raw)).toEqual(['501']);
    expect(seen).toHaveLength(0);
  });
});

describe('headers named in Connection', () => {
  it('Connection: content-length does not take the body away (the upstream gets all 5 bytes)', async () => {
    const f = await start(ok);
    const raw = await exchange(f.url, 'POST /a HTTP/1.1\r\nHost: shop.example\r\nConnection: content-length, close\r\nContent-Length: 5\r\n\r\nhello');
    expect(statuses(raw)).toEqual(['200']);
    expect(seen[0]).toMatchObject({ body: 'hello', headers: expect.objectContaining({ 'content-length': '5' }) });
  });

  it('Connection: transfer-encoding does not take a chunked body away', async () => {
    const f = await start(ok);
    await exchange(f.url, 'POST /a HTTP/1.1\r\nHost: shop.example\r\nConnection: transfer-encoding, close\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
    expect(seen[0]!.body).toBe('hello');
  });

  it('Connection: host does not replace the client\'s Host', async () => {
    const f = await start(ok);
    await exchange(f.url, 'GET /a HTTP/1.1\r\nHost: shop.example\r\nConnection: host, close\r\n\r\n');
    expect(seen[0]!.headers).toMatchObject({ host: 'shop.example', 'x-forwarded-host': 'shop.example' });
  });
});

describe('upgrades', () => {
  it('a POST carrying Upgrade: websocket is passed on as the POST it is', async () => {
    const f = await start(ok);
    const raw = await exchange(f.url, 'POST /x HTTP/1.1\r\nHost: shop.example\r\nUpgrade: websocket\r\nConnection: upgrade, close\r\nContent-Length: 5\r\n\r\nhello');
    expect(statuses(raw)).toEqual(['200']);
    expect(raw).toContain('got 5 bytes');
    expect(seen[0]).toMatchObject({ method: 'POST', body: 'hello' });
  });

  it('a WebSocket upgrade the upstream refuses with a chunked body reaches the client readable', async () => {
    const f = await start((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' }); // no length: node:http chunks it
      res.write('{"error":');
      res.end('"login"}');
    });
    const answer = await new Promise<{ status: number; body: string; requestId: unknown }>((resolve, reject) => {
      const req = http.request(`${f.url}/socket`, { headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' } });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => { body += c; });
        res.on('end', () => resolve({ status: res.statusCode!, body, requestId: res.headers['x-request-id'] }));
        res.on('error', reject);
      });
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    expect(answer).toMatchObject({ status: 401, body: '{"error":"login"}' });
    expect(typeof answer.requestId).toBe('string');
  });
});

describe('refused with a message that names the problem, and nothing sent upstream', () => {
  it.each([
    ['/a/..%2f..%2fetc/passwd', /climbs above the root once %2F or %5C/],
    ['/..%5cwindows/win.ini', /climbs above the root/],
    ['/a/%2e%2e%2f%2e%2e%2fetc', /climbs above the root/],
  ])('an encoded ".." that climbs above the root: %s', async (target, why) => {
    const f = await start(ok);
    const raw = await exchange(f.url, `GET ${target} HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n`);
    expect(statuses(raw)).toEqual(['400']);
    expect(raw).toMatch(why);
    expect(seen).toHaveLength(0);
  });

  it('an encoded slash with a ".." that stays inside the root is passed on byte for byte', async () => {
    const f = await start(ok);
    await exchange(f.url, 'GET /files/a%2F..%2Fb HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n');
    expect(seen[0]!.url).toBe('/files/a%2F..%2Fb');
  });

  it('an HTTP/1.1 request without a Host', async () => {
    const f = await start(ok);
    const raw = await exchange(f.url, 'GET /a HTTP/1.1\r\n\r\n');
    expect(statuses(raw)).toEqual(['400']);
    expect(raw).toMatch(/must carry a Host header/);
    expect(seen).toHaveLength(0);
  });

  it('TRACE (it would echo cookies back)', async () => {
    const f = await start(ok);
    const raw = await exchange(f.url, 'TRACE /a HTTP/1.1\r\nHost: shop.example\r\nCookie: sid=secret\r\n\r\n');
    expect(statuses(raw)).toEqual(['405']);
    expect(raw).not.toContain('sid=secret');
    expect(seen).toHaveLength(0);
  });
});

it('an expectation other than 100-continue is passed on, not refused with a bare 417', async () => {
  const f = await start(ok);
  const raw = await exchange(f.url, 'GET /a HTTP/1.1\r\nHost: shop.example\r\nExpect: 200-ok\r\nConnection: close\r\n\r\n');
  expect(statuses(raw)).toEqual(['200']);
  expect(seen).toHaveLength(1);
});
