// What crosses the facade and what does not: forwarding headers, request ids and trace context,
// hop-by-hop headers, cookies and redirects, and bodies streamed both ways without buffering.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import net, { type AddressInfo, type Socket } from 'node:net';
import { setStage } from '../helpers/admin-client';
import { nextComparisons, startTestFacade, type TestFacade } from '../helpers/facade';
import { deferred, exchange, rawRequest, within } from '../helpers/raw-http';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let catalog: TestUpstream;
let facade: TestFacade;
const extraServers: http.Server[] = [];

async function start(urls: { monolith?: string; catalog?: string } = {}): Promise<void> {
  facade = await startTestFacade({
    monolith: { url: urls.monolith ?? monolith.url },
    services: { catalog: { url: urls.catalog ?? catalog.url } },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' }],
  });
}

beforeEach(async () => {
  monolith = await startUpstream('monolith');
  catalog = await startUpstream('catalog');
});

afterEach(async () => {
  await facade?.close();
  await Promise.all([monolith.close(), catalog.close()]);
  for (const s of extraServers.splice(0)) await new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); });
});

async function listen(server: http.Server): Promise<string> {
  extraServers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('request headers', () => {
  beforeEach(() => start());

  it('the upstream learns who asked: X-Forwarded-For, -Proto and -Host', async () => {
    const port = new URL(facade.url).port;
    await rawRequest(facade.url, '/api/orders', { headers: { host: `shop.example:${port}` } });
    const [got] = await monolith.waitFor(1);
    expect(got.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(got.headers['x-forwarded-proto']).toBe('http');
    expect(got.headers['x-forwarded-host']).toBe(`shop.example:${port}`);
    expect(got.headers.host).toBe(`shop.example:${port}`);
  });

  it('an X-Forwarded-For from a proxy in front (loopback and private peers are trusted by default) is extended, not replaced', async () => {
    await rawRequest(facade.url, '/api/orders', { headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' } });
    const [got] = await monolith.waitFor(1);
    expect(got.headers['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');
    expect(got.headers['x-forwarded-proto']).toBe('https');
  });

  it('from a peer outside listen.trustForwardedFrom, the client\'s X-Forwarded-* are replaced by the facade\'s own, and cannot turn a redirect to https', async () => {
    await facade.close();
    facade = await startTestFacade({
      monolith: { url: monolith.url }, services: { catalog: { url: catalog.url } },
      routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' }],
      listen: { trustForwardedFrom: ['10.0.0.0/8'] }, // the load balancer's network; this client (loopback) is not in it
    });
    monolith.handler = (req, res) => { res.writeHead(302, { location: `${monolith.url}/login` }); res.end(); };
    const spoofed = { host: 'shop.example', 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' };
    const res = await rawRequest(facade.url, '/account', { headers: spoofed });
    expect(res.headers.location).toBe('http://shop.example/login');
    const [got] = await monolith.waitFor(1);
    expect([got.headers['x-forwarded-for'], got.headers['x-forwarded-proto'], got.headers['x-forwarded-host']]).toEqual(['127.0.0.1', 'http', 'shop.example']);
  });

  it('a client cannot pass a request off as one of the facade\'s copies: its x-strangler-* tags are dropped, the facade\'s own second-write tag stays', async () => {
    await setStage(facade.adminUrl!, 'catalog', 'live');
    const spoofed = { 'x-strangler-shadow': '1', 'x-strangler-second-write': '1', 'x-strangler-reask': '1', 'x-strangler-repair': '1', 'x-strangler-replay': '1' };
    expect((await rawRequest(facade.url, '/api/products/3', { method: 'POST', body: '{}', headers: { ...spoofed, 'x-strangler-note': 'kept' } })).status).toBe(200);
    const [primary] = await catalog.waitFor(1);
    const [second] = await monolith.waitFor(1);
    const tags = (h: http.IncomingHttpHeaders): Record<string, unknown> => Object.fromEntries(Object.entries(h).filter(([k]) => k.startsWith('x-strangler-')));
    expect(tags(primary!.headers)).toEqual({ 'x-strangler-note': 'kept' });
    expect(tags(second!.headers)).toEqual({ 'x-strangler-note': 'kept', 'x-strangler-second-write': '1' });
  });

  it('a client x-request-id is passed through and echoed back', async () => {
    const res = await rawRequest(facade.url, '/api/orders', { headers: { 'x-request-id': 'req-42.a:b@c' } });
    const [got] = await monolith.waitFor(1);
    expect(got.headers['x-request-id']).toBe('req-42.a:b@c');
    expect(res.headers['x-request-id']).toBe('req-42.a:b@c');
  });

  it('without an x-request-id one is generated, sent upstream and echoed on the response', async () => {
    const res = await rawRequest(facade.url, '/api/orders');
    const [got] = await monolith.waitFor(1);
    const id = got.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-request-id']).toBe(id);
  });

  it('an x-request-id that could inject into logs is replaced by a generated one', async () => {
    const res = await rawRequest(facade.url, '/api/orders', { headers: { 'x-request-id': 'a b<script>' } });
    const [got] = await monolith.waitFor(1);
    expect(got.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-request-id']).toBe(got.headers['x-request-id']);
  });

  it('W3C traceparent and tracestate pass through unchanged', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await rawRequest(facade.url, '/api/products/1', { headers: { traceparent, tracestate: 'vendor=abc' } });
    const [got] = await monolith.waitFor(1);
    expect(got.headers.traceparent).toBe(traceparent);
    expect(got.headers.tracestate).toBe('vendor=abc');
  });

  it('hop-by-hop headers stay at the facade while end-to-end headers reach the upstream', async () => {
    const res = await rawRequest(facade.url, '/api/orders', {
      headers: {
        connection: 'close, x-hop-secret', 'x-hop-secret': 'per-connection', 'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic cHJveHk6c2VjcmV0', te: 'trailers',
        authorization: 'Bearer end-to-end', 'x-custom': 'kept', accept: 'application/json',
      },
    });
    expect(res.status).toBe(200);
    const [got] = await monolith.waitFor(1);
    expect(got.headers).not.toHaveProperty('x-hop-secret');
    expect(got.headers).not.toHaveProperty('keep-alive');
    expect(got.headers).not.toHaveProperty('proxy-authorization');
    expect(got.headers).not.toHaveProperty('te');
    expect(got.headers.connection ?? '').not.toMatch(/x-hop-secret|close/i);
    expect(got.headers.authorization).toBe('Bearer end-to-end');
    expect(got.headers['x-custom']).toBe('kept');
    expect(got.headers.accept).toBe('application/json');
  });
});

describe('bodiless requests', () => {
  beforeEach(() => start());

  it.each(['off', 'shadow', 'live'])('a GET or DELETE without a body reaches each side without an invented Content-Length (route at %s)', async (stage) => {
    await setStage(facade.adminUrl!, 'catalog', stage);
    await rawRequest(facade.url, '/api/products/7');
    await rawRequest(facade.url, '/api/products/7', { method: 'DELETE' });
    const sides = stage === 'off' ? [monolith] : [monolith, catalog];
    for (const side of sides) {
      const got = (await side.waitFor(2)).filter((r) => !('x-strangler-reask' in r.headers));
      expect(got.map((r) => r.method).sort()).toEqual(['DELETE', 'GET']);
      for (const r of got) {
        expect(r.headers['content-length']).toBeUndefined();
        expect(r.headers['transfer-encoding']).toBeUndefined();
      }
    }
  });

  it('a POST with an empty body keeps its Content-Length: 0', async () => {
    await setStage(facade.adminUrl!, 'catalog', 'shadow');
    await rawRequest(facade.url, '/api/products/7/touch', { method: 'POST', headers: { 'content-length': '0' } });
    const [got] = await monolith.waitFor(1);
    expect(got.headers['content-length']).toBe('0');
  });
});

describe('responses', () => {
  beforeEach(() => start());

  it('two Set-Cookie headers arrive as two, intact', async () => {
    monolith.handler = (_req, res) => {
      res.setHeader('set-cookie', ['sid=abc123; Path=/; HttpOnly; SameSite=Lax', 'theme=dark; Max-Age=3600; Expires=Wed, 21 Oct 2037 07:28:00 GMT']);
      res.end('ok');
    };
    const res = await rawRequest(facade.url, '/login');
    expect(res.headers['set-cookie']).toEqual(['sid=abc123; Path=/; HttpOnly; SameSite=Lax', 'theme=dark; Max-Age=3600; Expires=Wed, 21 Oct 2037 07:28:00 GMT']);
  });

  it('a redirect keeps its status and Location untouched', async () => {
    monolith.handler = (_req, res) => { res.writeHead(302, { location: 'http://127.0.0.1:3000/login?next=%2Faccount' }); res.end(); };
    const res = await rawRequest(facade.url, '/account');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('http://127.0.0.1:3000/login?next=%2Faccount');
    expect(res.headers['x-strangler-side']).toBe('monolith');
  });

  it('a Location on the upstream\'s own address gets the client\'s origin (nginx\'s proxy_redirect default); another site\'s stays', async () => {
    monolith.handler = (req, res) => {
      const to = req.url === '/away' ? 'https://id.example/authorize?x=1' : `${monolith.url}/login?next=%2Faccount#top`;
      res.writeHead(req.url === '/created' ? 201 : 302, { location: to });
      res.end();
    };
    const direct = await rawRequest(facade.url, '/account', { headers: { host: 'shop.example:8443', 'x-forwarded-proto': 'https' } });
    expect([direct.status, direct.headers.location]).toEqual([302, 'https://shop.example:8443/login?next=%2Faccount#top']);
    const created = await rawRequest(facade.url, '/created', { headers: { host: 'shop.example' } });
    expect([created.status, created.headers.location]).toEqual([201, 'http://shop.example/login?next=%2Faccount#top']);
    expect((await rawRequest(facade.url, '/away', { headers: { host: 'shop.example' } })).headers.location).toBe('https://id.example/authorize?x=1');
    // A client's own X-Forwarded-Host does not steer it (a cache keyed on Host would keep it for everyone).
    const steered = await rawRequest(facade.url, '/account', { headers: { host: 'shop.example', 'x-forwarded-host': 'evil.example' } });
    expect(steered.headers.location).toBe('http://shop.example/login?next=%2Faccount#top');
  });

  it('a scheme-relative Location and a Refresh on the upstream\'s own address get the client\'s host too', async () => {
    const own = monolith.url.slice('http:'.length);
    monolith.handler = (req, res) => {
      if (req.url === '/meta') res.writeHead(200, { refresh: `0; URL='${monolith.url}/done?x=1'`, 'content-type': 'text/html' });
      else res.writeHead(302, { location: `${own}/login` });
      res.end();
    };
    expect((await rawRequest(facade.url, '/account', { headers: { host: 'shop.example' } })).headers.location).toBe('//shop.example/login');
    expect((await rawRequest(facade.url, '/meta', { headers: { host: 'shop.example' } })).headers.refresh).toBe("0; URL='http://shop.example/done?x=1'");
  });

  it('hop-by-hop response headers (and ones the upstream lists in Connection) do not reach the client', async () => {
    monolith.handler = (_req, res) => {
      res.writeHead(200, { connection: 'keep-alive, x-upstream-hop', 'x-upstream-hop': '1', 'keep-alive': 'timeout=5', 'x-end-to-end': '1' });
      res.end('ok');
    };
    const res = await rawRequest(facade.url, '/x');
    expect(res.headers).not.toHaveProperty('x-upstream-hop');
    expect(res.headers['keep-alive']).not.toBe('timeout=5');
    expect(res.headers['x-end-to-end']).toBe('1');
  });

  it('a chunked response streams: the client reads the first chunk before the upstream has ended', async () => {
    const release = deferred();
    monolith.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first chunk;');
      void release.promise.then(() => res.end('second chunk'));
    };
    const base = new URL(facade.url);
    const answer = await within(new Promise<{ first: string; te: unknown; rest: Promise<string> }>((resolve, reject) => {
      const req = http.get({ hostname: base.hostname, port: base.port, path: '/stream', agent: false }, (res) => {
        res.setEncoding('utf8');
        res.once('data', (first: string) => {
          let rest = '';
          res.on('data', (c: string) => { rest += c; });
          resolve({ first, te: res.headers['transfer-encoding'], rest: new Promise((r) => res.on('end', () => r(rest))) });
        });
      });
      req.on('error', reject);
    }), 3000, 'first chunk through the facade');
    expect(answer.first).toBe('first chunk;');
    expect(answer.te).toBe('chunked');
    release.resolve();
    await expect(within(answer.rest, 3000, 'rest of the stream')).resolves.toBe('second chunk');
  });
});

describe('request bodies', () => {
  it('a 5 MB upload streams through to the upstream intact (route at off)', async () => {
    const firstBytes = deferred();
    const upload = http.createServer((req, res) => {
      const hash = createHash('sha256');
      let size = 0;
      req.on('data', (c: Buffer) => { size += c.length; hash.update(c); firstBytes.resolve(); });
      req.on('end', () => res.end(JSON.stringify({ size, sha256: hash.digest('hex'), te: req.headers['transfer-encoding'] ?? null })));
    });
    await start({ monolith: await listen(upload) });
    await setStage(facade.adminUrl!, 'catalog', 'off');

    const body = Buffer.alloc(5 * 1024 * 1024);
    for (let i = 0; i < body.length; i += 4) body.writeUInt32LE((i * 2654435761) >>> 0, i);
    const base = new URL(facade.url);
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request({
        hostname: base.hostname, port: base.port, method: 'POST', path: '/api/products/upload', agent: false,
        headers: { 'content-type': 'application/octet-stream', 'content-length': body.length },
      }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => { text += c; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      // Send 1 MB, wait until the upstream has bytes, then the rest: a buffering facade would deadlock here.
      req.write(body.subarray(0, 1024 * 1024));
      void within(firstBytes.promise, 3000, 'first upload bytes at the upstream').then(
        () => req.end(body.subarray(1024 * 1024)),
        (err: Error) => { req.destroy(); reject(err); },
      );
    });
    const res = await within(answer, 10_000, 'upload answer');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ size: body.length, sha256: createHash('sha256').update(body).digest('hex'), te: null });
  });

  it('a chunked upload of unknown length streams through as chunked', async () => {
    await start();
    const base = new URL(facade.url);
    const res = await new Promise<number>((resolve, reject) => {
      const req = http.request({ hostname: base.hostname, port: base.port, method: 'PUT', path: '/api/orders/1', agent: false }, (r) => { r.resume(); r.on('end', () => resolve(r.statusCode ?? 0)); });
      req.on('error', reject);
      req.write('part one,');
      req.end('part two');
    });
    expect(res).toBe(200);
    const [got] = await monolith.waitFor(1);
    expect(got.body).toBe('part one,part two');
    expect(got.headers['transfer-encoding']).toBe('chunked');
  });
});

describe('upstream connections', () => {
  it('many sequential requests reuse a few keep-alive sockets to the upstream', async () => {
    await start();
    const connections: Socket[] = [];
    monolith.server.on('connection', (s: Socket) => connections.push(s));
    for (let i = 0; i < 50; i++) {
      const res = await rawRequest(facade.url, `/api/orders/${i}`);
      expect(res.status).toBe(200);
    }
    expect(monolith.received).toHaveLength(50);
    expect(connections.length).toBeLessThanOrEqual(2);
  });

  it('concurrent requests share a bounded pool and all get answered', async () => {
    await start();
    const connections: Socket[] = [];
    monolith.server.on('connection', (s: Socket) => connections.push(s));
    const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => rawRequest(facade.url, `/api/orders/${i}`).then((r) => r.status)));
    expect(statuses).toEqual(Array(30).fill(200));
    // A second burst is served on the sockets the first one opened.
    const before = connections.length;
    await Promise.all(Array.from({ length: 10 }, (_, i) => rawRequest(facade.url, `/api/orders/b${i}`)));
    expect(connections.length).toBe(before);
  });

  it('an upstream URL with a base path gets it on forwarded requests too', async () => {
    await start({ catalog: `${catalog.url}/catalog-v2` });
    await setStage(facade.adminUrl!, 'catalog', 'complete');
    const res = await rawRequest(facade.url, '/api/products/1?x=1');
    expect(res.json().from).toBe('catalog');
    expect(catalog.received.map((r) => r.url)).toEqual(['/catalog-v2/api/products/1?x=1']);
  });
});

describe('the Host an upstream gets', () => {
  it('is the client\'s by default; `upstream` sends the upstream URL\'s own and a name sends that name, on the primary and on the shadow copy alike', async () => {
    facade = await startTestFacade({
      monolith: { url: monolith.url },
      services: { catalog: { url: catalog.url, host: 'catalog.internal:8443' } },
      routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog', compare: { sample: 100 } }],
    });
    await rawRequest(facade.url, '/api/orders/1', { headers: { host: 'shop.example' } });
    expect(monolith.received[0]!.headers).toMatchObject({ host: 'shop.example', 'x-forwarded-host': 'shop.example' });
    await setStage(facade.adminUrl!, 'catalog', 'shadow');
    await rawRequest(facade.url, '/api/products/7', { headers: { host: 'shop.example' } });
    await catalog.waitFor(1);
    expect(monolith.received[1]!.headers.host).toBe('shop.example');
    expect(catalog.received[0]!.headers).toMatchObject({ host: 'catalog.internal:8443', 'x-forwarded-host': 'shop.example', 'x-strangler-shadow': '1' });
    await facade.close();

    facade = await startTestFacade({
      monolith: { url: monolith.url, host: 'upstream' },
      services: { catalog: { url: catalog.url } },
      routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' }],
    });
    await rawRequest(facade.url, '/api/orders/2', { headers: { host: 'shop.example' } });
    expect(monolith.received[2]!.headers).toMatchObject({ host: `127.0.0.1:${monolith.port}`, 'x-forwarded-host': 'shop.example' });
  });

  it('an upstream sent its own Host redirects on it: the client gets its own origin (and the URL\'s base path is dropped), and each side\'s own address compares as the same Location', async () => {
    const redirect = (own: string): TestUpstream['handler'] => (req, res) => {
      res.writeHead(303, { location: `${own}/api/products/7/reviews?page=2` });
      res.end();
    };
    monolith.handler = redirect(monolith.url);
    catalog.handler = redirect('http://catalog.internal:8443/v2'); // what a service under /v2 behind a Host-routing ingress writes
    facade = await startTestFacade({
      monolith: { url: monolith.url },
      services: { catalog: { url: `${catalog.url}/v2`, host: 'catalog.internal:8443' } },
      routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog', compare: { sample: 100 } }],
    });
    await setStage(facade.adminUrl!, 'catalog', 'complete');
    const served = await rawRequest(facade.url, '/api/products/7/reviews/new', { headers: { host: 'shop.example' } });
    expect([served.headers['x-strangler-side'], served.headers.location]).toEqual(['service', 'http://shop.example/api/products/7/reviews?page=2']);

    catalog.handler = redirect('http://catalog.internal:8443');
    await setStage(facade.adminUrl!, 'catalog', 'shadow');
    const compared = nextComparisons(facade, 1);
    const answer = await rawRequest(facade.url, '/api/products/7/reviews/new', { headers: { host: 'shop.example' } });
    expect(answer.headers.location).toBe('http://shop.example/api/products/7/reviews?page=2');
    expect((await compared)[0]).toMatchObject({ outcome: 'match', primaryStatus: 303, shadowStatus: 303 });
  });

  it('a host that is not "client", "upstream" or a host[:port] is a config error naming the field', async () => {
    await expect(startTestFacade({
      monolith: { url: monolith.url, host: 'shop.example/admin' },
      services: { catalog: { url: catalog.url } },
      routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' }],
    })).rejects.toThrow(/monolith\.host.*"client", "upstream" or a host\[:port\]/);
  });
});

describe('an HTTPS upstream', () => {
  it('whose certificate cannot be verified (self-signed) is a 502 UPSTREAM_TLS naming why, not "could not be reached"', async () => {
    const dir = path.join(__dirname, '..', 'fixtures', 'tls');
    const tls = https.createServer({ key: fs.readFileSync(path.join(dir, 'self-signed.key')), cert: fs.readFileSync(path.join(dir, 'self-signed.crt')) }, (_req, res) => { res.writeHead(200); res.end('secret'); });
    extraServers.push(tls);
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', () => r()));
    await start({ monolith: `https://127.0.0.1:${(tls.address() as AddressInfo).port}` });
    const res = await rawRequest(facade.url, '/api/orders/1');
    expect(res.status).toBe(502);
    expect(res.json()).toMatchObject({ error: 'UPSTREAM_TLS', upstream: 'monolith' });
    expect(res.json<{ message: string }>().message).toMatch(/over TLS: self-signed certificate \(DEPTH_ZERO_SELF_SIGNED_CERT\).*NODE_EXTRA_CA_CERTS/);
  });
});

describe('request shapes from clients nobody here wrote', () => {
  it('a thousand pipelined GETs on one connection are all answered, in order (the upstream\'s answers come back in any order)', async () => {
    // The upstream answers the later requests first: a proxy that forwarded them all at once held
    // every pooled connection with answers it could not send yet (it answered 384, then nothing).
    monolith.handler = (req, res) => {
      const n = Number(req.url!.split('/').pop());
      setTimeout(() => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(`answer ${n}`); }, n % 3);
    };
    await start();
    const N = 1000;
    const socket = net.connect(Number(new URL(facade.url).port), '127.0.0.1');
    let text = '';
    const all = new Promise<void>((resolve, reject) => {
      socket.on('data', (d) => { text += d.toString('latin1'); if ((text.match(/HTTP\/1\.1 200/g) ?? []).length === N) resolve(); });
      socket.on('error', reject);
    });
    socket.write(Array.from({ length: N }, (_, i) => `GET /api/orders/${i} HTTP/1.1\r\nHost: shop.example\r\n\r\n`).join(''));
    await within(all, 20_000, 'all 1,000 answers');
    socket.destroy();
    const bodies = [...text.matchAll(/answer (\d+)/g)].map((m) => Number(m[1]));
    expect(bodies).toEqual(Array.from({ length: N }, (_, i) => i));
  });

  it('a client that pipelines and leaves: its waiting requests are dropped and the facade drains at once', async () => {
    monolith.handler = (_req, res) => { setTimeout(() => { res.writeHead(200); res.end('late'); }, 300); };
    await start();
    const socket = net.connect(Number(new URL(facade.url).port), '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(Array.from({ length: 50 }, (_, i) => `GET /api/orders/${i} HTTP/1.1\r\nHost: shop.example\r\n\r\n`).join(''));
    await monolith.waitFor(1);
    socket.destroy();
    await new Promise((r) => setTimeout(r, 500));
    expect(monolith.received).toHaveLength(1); // the 49 behind it never went upstream
    const started = Date.now();
    const drained = await facade.drain(5000);
    expect(drained.cut).toBe(0);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  /** The raw header lists of the requests an upstream (the monolith by default) gets from here on. */
  function rawHeadersSeen(upstream: TestUpstream = monolith): string[][] {
    const seen: string[][] = [];
    upstream.server.prependListener('request', (req: http.IncomingMessage) => { seen.push(req.rawHeaders); });
    return seen;
  }
  const linesOf = (raw: readonly string[], name: string): string[] => raw.flatMap((v, i) => (i % 2 === 0 && v.toLowerCase() === name ? [raw[i + 1]!] : []));

  it('header names reach the upstream spelled as the client sent them', async () => {
    await start();
    const seen = rawHeadersSeen();
    const out = await exchange(facade.url, 'GET /api/orders/5 HTTP/1.1\r\nHost: shop.example\r\nX-API-Key: Secret\r\nSOAPAction: "urn:x"\r\naccept: */*\r\nConnection: close\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1\.1 200 /);
    const names = seen[0]!.filter((_, i) => i % 2 === 0);
    expect(names).toEqual(expect.arrayContaining(['X-API-Key', 'SOAPAction', 'accept']));
    expect(names).not.toContain('x-api-key');
    expect(monolith.received[0]!.headers['x-api-key']).toBe('Secret');
  });

  it('a header the client repeated reaches the upstream as its lines, as nginx sends it; X-Forwarded-For carries the facade\'s append', async () => {
    await start();
    const seen = rawHeadersSeen();
    const out = await exchange(facade.url, 'GET /api/orders/5 HTTP/1.1\r\nHost: shop.example\r\nX-Custom: a, b\r\nAccept: text/html\r\nX-Custom: c\r\n'
      + 'Cookie: sid=1\r\nCookie: theme=dark\r\nX-Forwarded-For: 10.0.0.1\r\nX-Forwarded-For: 10.0.0.2\r\nAccept: application/json\r\nConnection: close\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1\.1 200 /);
    const lines = (name: string): string[] => linesOf(seen[0]!, name);
    expect(lines('x-custom')).toEqual(['a, b', 'c']);
    expect(lines('accept')).toEqual(['text/html', 'application/json']);
    expect(lines('cookie')).toEqual(['sid=1', 'theme=dark']);
    expect(lines('x-forwarded-for')).toEqual(['10.0.0.1, 10.0.0.2, 127.0.0.1']);
  });

  it('at shadow the copy reaches the other side with the header spellings and repeated lines the primary got, tagged as a shadow', async () => {
    await start();
    await setStage(facade.adminUrl!, 'catalog', 'shadow');
    const primary = rawHeadersSeen(monolith);
    const shadow = rawHeadersSeen(catalog);
    const out = await exchange(facade.url, 'GET /api/products/5 HTTP/1.1\r\nHost: shop.example\r\nX-API-Key: Secret\r\nX-Custom: a\r\nX-Custom: b\r\nConnection: close\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1\.1 200 /);
    await catalog.waitFor(1);
    for (const raw of [primary[0]!, shadow[0]!]) {
      expect(raw.filter((_, i) => i % 2 === 0)).toEqual(expect.arrayContaining(['X-API-Key', 'X-Custom']));
      expect(linesOf(raw, 'x-custom')).toEqual(['a', 'b']);
    }
    expect(linesOf(shadow[0]!, 'x-strangler-shadow')).toEqual(['1']);
  });

  it('Expect: 100-continue on a request without a body gets its 100 at once and the connection stays open', async () => {
    await start();
    // an upstream that answers without a 100 (as it may: RFC 9110 §10.1.1)
    monolith.server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => monolith.server.emit('request', req, res));
    const out = await exchange(facade.url, 'PUT /api/orders/7 HTTP/1.1\r\nHost: shop.example\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n'
      + 'GET /api/orders/8 HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    expect(out.match(/HTTP\/1\.1 200 /g)).toHaveLength(2); // the second request was answered on the same connection
    expect(monolith.received.map((r) => `${r.method} ${r.url}`)).toEqual(['PUT /api/orders/7', 'GET /api/orders/8']);
  });

  it('an upload that waits for 100 Continue (curl, .NET) keeps its header spellings and repeated lines too', async () => {
    await start();
    const seen = rawHeadersSeen();
    const out = await exchange(facade.url, 'POST /api/orders HTTP/1.1\r\nHost: shop.example\r\nContent-Type: application/json\r\nX-API-Key: Secret\r\n'
      + 'X-Custom: a\r\nX-Custom: b\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
    expect(linesOf(seen[0]!, 'x-custom')).toEqual(['a', 'b']);
    expect(out).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 [\s\S]*"body":"{}"/);
    const names = seen[0]!.filter((_, i) => i % 2 === 0);
    expect(names).toEqual(expect.arrayContaining(['Content-Type', 'X-API-Key', 'Expect', 'Content-Length']));
    expect(names).not.toContain('x-api-key');
  });

  it('an absolute-form request-target is routed by its path and reaches the upstream in origin form with its host', async () => {
    await start();
    await setStage(facade.adminUrl!, 'catalog', 'complete');
    const out = await exchange(facade.url, 'GET http://shop.example:8080/api/products/3?q=1 HTTP/1.1\r\nHost: ignored.example\r\nConnection: close\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1\.1 200 /);
    expect(catalog.received).toHaveLength(1);
    expect(catalog.received[0]).toMatchObject({ url: '/api/products/3?q=1' });
    expect(catalog.received[0]!.headers['x-forwarded-host']).toBe('shop.example:8080');
    expect(monolith.received).toHaveLength(0);
  });

  it('an Upgrade that is not a WebSocket (h2c, as `curl --http2` sends) is the plain HTTP/1.1 request it also is: bodies arrive and the connection stays open', async () => {
    await start();
    const h2c = 'Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n';
    const out = await exchange(facade.url,
      `GET /api/orders/9 HTTP/1.1\r\nHost: shop.example\r\n${h2c}\r\n`
      + `POST /api/orders HTTP/1.1\r\nHost: shop.example\r\n${h2c}Content-Length: 5\r\n\r\nhello`
      + 'POST /api/orders HTTP/1.1\r\nHost: shop.example\r\nConnection: Upgrade, close\r\nUpgrade: TLS/1.0\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nchu\r\n3\r\nnky\r\n0\r\n\r\n');
    const answers = out.split(/(?=HTTP\/1\.1 )/);
    expect(answers.map((a) => a.slice(0, 15))).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
    expect(answers.map((a) => /\r\nconnection: (\S+)\r\n/i.exec(a)?.[1]?.toLowerCase())).toEqual(['keep-alive', 'keep-alive', 'close']);
    expect(monolith.received.map((r) => [r.method, r.body])).toEqual([['GET', ''], ['POST', 'hello'], ['POST', 'chunky']]);
    // The upgrade is hop-by-hop: the upstream is not asked to switch protocols.
    for (const r of monolith.received) {
      expect(r.headers.upgrade).toBeUndefined();
      expect(r.headers['http2-settings']).toBeUndefined();
    }
  });

  it.each([
    ['two Host lines', 'GET /api/orders/5 HTTP/1.1\r\nHost: shop.example\r\nhost: evil.example\r\nConnection: keep-alive\r\n\r\n'],
    ['two equal Host lines, on a POST with a body', 'POST /api/orders HTTP/1.1\r\nHost: shop.example\r\nContent-Length: 2\r\nHOST: shop.example\r\n\r\n{}'],
    ['two Host lines on a WebSocket upgrade', 'GET /api/orders/ws HTTP/1.1\r\nHost: shop.example\r\nHost: evil.example\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n'
      + 'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'],
  ])('a request with %s is refused with 400, reaches no upstream, and the connection closes', async (_, bytes) => {
    await start();
    const out = await exchange(facade.url, bytes);
    expect(out).toMatch(/^HTTP\/1\.1 400 /);
    expect(out).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(out.slice(out.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: 'BAD_REQUEST', message: expect.stringContaining('more than one Host header') });
    expect(monolith.received).toHaveLength(0);
    expect((await rawRequest(facade.url, '/api/orders/1')).status).toBe(200); // still serving
  });

  it.each([
    ['gzip, chunked', 'gzip, chunked'],
    ['deflate then chunked, in capitals', 'Deflate,CHUNKED'],
  ])('a request body with transfer coding %s (only chunking would be removed) is refused with 501 naming the header, reaches no upstream', async (_, te) => {
    await start();
    const out = await exchange(facade.url, `POST /api/orders HTTP/1.1\r\nHost: shop.example\r\nTransfer-Encoding: ${te}\r\n\r\n5\r\nab\x1f\x8bc\r\n0\r\n\r\n`);
    expect(out).toMatch(/^HTTP\/1\.1 501 /);
    expect(out).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(out.slice(out.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: 'TRANSFER_CODING_NOT_SUPPORTED', message: expect.stringContaining('Transfer-Encoding') });
    expect(monolith.received).toHaveLength(0);
    const chunked = await exchange(facade.url, 'POST /api/orders HTTP/1.1\r\nHost: shop.example\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n');
    expect(chunked).toMatch(/^HTTP\/1\.1 20[01] /); // plain chunking passes
  });

  it.each([
    ['with userinfo', 'user@shop.example'],
    ['with a path', 'shop.example/admin'],
    ['with a space', 'shop example'],
    ['with a port that is not a number', 'shop.example:80x'],
    ['with an unclosed IPv6 literal', '[::1'],
  ])('a Host %s is refused with 400 naming it, and reaches no upstream', async (_, host) => {
    await start();
    const out = await exchange(facade.url, `GET /api/orders/5 HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
    expect(out).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(out.slice(out.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: 'BAD_REQUEST', message: expect.stringContaining(JSON.stringify(host)) });
    expect(monolith.received).toHaveLength(0);
  });

  it.each(['[::1]:8080', 'shop.example:', 'my_host.internal', 'xn--caf-dma.example', '127.0.0.1:9'])('a Host %s is a host: forwarded as sent', async (host) => {
    await start();
    const out = await exchange(facade.url, `GET /api/orders/5 HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    expect(out).toMatch(/^HTTP\/1\.1 200 /);
    expect(monolith.received[0]!.headers.host).toBe(host);
  });

  it.each(['HTTP/2.0'])('a request line naming %s (node:http would serve it as 1.1) is answered 505 and reaches no upstream', async (version) => {
    await start();
    const out = await exchange(facade.url, `GET /api/orders/5 ${version}\r\nHost: shop.example\r\n\r\n`);
    expect(out).toMatch(/^HTTP\/1\.1 505 /);
    expect(JSON.parse(out.slice(out.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: 'HTTP_VERSION_NOT_SUPPORTED' });
    expect(monolith.received).toHaveLength(0);
  });

  it('an HTTP/1.0 request without a Host is answered, and the upstream gets no made-up X-Forwarded-Host', async () => {
    await start();
    const out = await exchange(facade.url, 'GET /api/orders/7 HTTP/1.0\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1\.1 200 /);
    expect(monolith.received).toHaveLength(1);
    expect(monolith.received[0]!.headers).not.toHaveProperty('x-forwarded-host');
    expect(monolith.received[0]!.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('CONNECT is refused with 501 naming the method, and reaches no upstream', async () => {
    await start();
    const out = await exchange(facade.url, 'CONNECT shop.example:443 HTTP/1.1\r\nHost: shop.example:443\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1\.1 501 /);
    expect(JSON.parse(out.slice(out.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: 'METHOD_NOT_SUPPORTED', message: expect.stringContaining('CONNECT') });
    expect(monolith.received).toHaveLength(0);
    expect(catalog.received).toHaveLength(0);
    expect((await rawRequest(facade.url, '/api/orders/1')).status).toBe(200); // still serving
  });
});

describe('an upstream that answers before it has read the upload', () => {
  it.each([['off'], ['shadow']] as const)('at %s the client gets its 413, not a 502, though the upstream closed on an 8 MB upload', async (stage) => {
    let seen = 0;
    const early = await listen(http.createServer((req, res) => {
      seen++;
      // Answers from the headers alone and closes with the body unread: its kernel resets the connection.
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      res.end('{"error":"upload too large for me"}');
    }));
    await start({ monolith: early, catalog: early });
    await setStage(facade.adminUrl!, 'catalog', stage);
    for (let i = 0; i < 3; i++) {
      const res = await rawRequest(facade.url, '/api/products/upload', { method: 'PUT', body: Buffer.alloc(8 * 1024 * 1024, 97),
        headers: { 'content-type': 'application/octet-stream' }, timeoutMs: 10_000 });
      expect(res.status).toBe(413);
      expect(res.json()).toEqual({ error: 'upload too large for me' });
    }
    expect(seen).toBeGreaterThanOrEqual(3);
  });
});

describe('informational answers', () => {
  it("an upstream's 103 Early Hints reach an HTTP/1.1 client before the final answer, with its Link headers", async () => {
    const hinting = await listen(http.createServer((req, res) => {
      res.writeEarlyHints({ link: ['</app.css>; rel=preload; as=style', '</app.js>; rel=preload; as=script'] });
      setTimeout(() => { res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 }); res.end('ok'); }, 50);
    }));
    await start({ monolith: hinting });
    const out = await exchange(facade.url, 'GET /api/orders/1 HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1\.1 103 Early Hints\r\n/);
    const early = out.slice(0, out.indexOf('\r\n\r\n'));
    expect(early).toContain('</app.css>; rel=preload; as=style');
    expect(early).toContain('</app.js>; rel=preload; as=script');
    expect(out.slice(out.indexOf('\r\n\r\n') + 4)).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nok$/);
  });

  it('an HTTP/1.0 client gets the final answer only', async () => {
    const hinting = await listen(http.createServer((req, res) => {
      res.writeEarlyHints({ link: '</app.css>; rel=preload; as=style' });
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
      res.end('ok');
    }));
    await start({ monolith: hinting });
    const out = await exchange(facade.url, 'GET /api/orders/1 HTTP/1.0\r\nHost: shop.example\r\n\r\n');
    expect(out).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(out).not.toContain('103');
  });
});
