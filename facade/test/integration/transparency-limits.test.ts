// Proxy transparency (issue 11, item 8): large request and response headers pass (maxHeaderSize
// of at least 32 KB on both edges), trailers reach the client, and `Expect: 100-continue` is
// answered by the upstream that will answer the request, so its own 417 reaches the client.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricSum, metricsText, setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { exchange, within } from '../helpers/raw-http';

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }

let facade: TestFacade | undefined;
const servers: http.Server[] = [];

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  for (const s of servers.splice(0)) await new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); });
});

/** An upstream with room for 64 KB of headers; `onRequest` answers, `onContinue` decides Expect requests. */
async function upstream(
  onRequest: (req: IncomingMessage, res: ServerResponse, body: string) => void,
  onContinue?: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => { seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body }); onRequest(req, res, body); });
  };
  const server = http.createServer({ maxHeaderSize: 65_536 }, handle);
  if (onContinue) server.on('checkContinue', (req, res) => onContinue(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const json = (from: string) => (_req: IncomingMessage, res: ServerResponse, body: string): void => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ from, body }));
};

async function start(monolithUrl: string, serviceUrl: string, stage: string, listen?: { headersTimeoutMs: number; requestTimeoutMs: number }): Promise<TestFacade> {
  facade = await startTestFacade({
    ...(listen ? { listen } : {}),
    monolith: { url: monolithUrl },
    services: { catalog: { url: serviceUrl } },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' }],
  });
  await setStage(facade.adminUrl!, 'catalog', stage);
  return facade;
}

interface Reply { status: number; headers: http.IncomingHttpHeaders; trailers: NodeJS.Dict<string>; body: string; continued: boolean }

/** One request with room for 64 KB of response headers; with `expect`, the body is sent only after a 100. */
function send(f: TestFacade, path: string, opts: { method?: string; headers?: http.OutgoingHttpHeaders; body?: string; expect?: boolean } = {}): Promise<Reply> {
  const base = new URL(f.url);
  return within(new Promise<Reply>((resolve, reject) => {
    const headers = { ...opts.headers, ...(opts.expect ? { expect: '100-continue', 'content-length': Buffer.byteLength(opts.body ?? '') } : {}) };
    const req = http.request({ hostname: base.hostname, port: base.port, method: opts.method ?? 'GET', path, agent: false, maxHeaderSize: 65_536, headers });
    let continued = false;
    req.on('error', reject);
    req.on('continue', () => { continued = true; req.end(opts.body); });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, trailers: res.trailers, body, continued }));
    });
    if (!opts.expect) req.end(opts.body);
  }), 5000, `${opts.method ?? 'GET'} ${path}`);
}

it('a request with a 40 KB header reaches the upstream intact', async () => {
  const m = await upstream(json('monolith'));
  const s = await upstream(json('catalog'));
  const f = await start(m.url, s.url, 'complete');
  const big = 'a'.repeat(40 * 1024);
  const reply = await send(f, '/api/products/1', { headers: { 'x-big': big } });
  expect(reply.status).toBe(200);
  expect(s.seen[0].headers['x-big']).toBe(big);
});

it('a request with 1,500 header lines (within listen.maxHeaderBytes) reaches the upstream with every one of them', async () => {
  const m = await upstream(json('monolith'));
  servers[servers.length - 1]!.maxHeadersCount = 0; // this upstream counts them all too
  const s = await upstream(json('catalog'));
  const f = await start(m.url, s.url, 'off');
  const many = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`x-h${i}`, String(i)]));
  const reply = await send(f, '/api/orders/1', { headers: many });
  expect(reply.status).toBe(200);
  const got = m.seen[0]!.headers;
  expect(Array.from({ length: 1500 }, (_, i) => got[`x-h${i}`])).toEqual(Array.from({ length: 1500 }, (_, i) => String(i)));
});

it('a request whose headers exceed listen.maxHeaderBytes is refused with 431 and reaches no upstream', async () => {
  const m = await upstream(json('monolith'));
  const s = await upstream(json('catalog'));
  const f = await start(m.url, s.url, 'complete');
  const reply = await send(f, '/api/products/1', { headers: { 'x-big': 'a'.repeat(70 * 1024) } });
  expect(reply.status).toBe(431);
  expect(JSON.parse(reply.body)).toEqual({ error: 'HEADERS_TOO_LARGE', message: 'the request line and headers are over 65536 bytes (listen.maxHeaderBytes)' });
  expect([...m.seen, ...s.seen]).toHaveLength(0);
});

/** The status line and the JSON body of a whole exchange the facade closed. */
function answerOf(raw: string): { status: string; body: { error: string; message: string } } {
  const [head, body] = raw.split('\r\n\r\n');
  expect(head).toMatch(new RegExp(`content-length: ${Buffer.byteLength(body!)}\r\n`, 'i'));
  return { status: head!.split('\r\n')[0]!, body: JSON.parse(body!) as { error: string; message: string } };
}

it('a client that trickles its headers (slowloris) gets a 408 naming listen.headersTimeoutMs, and the connection is closed', async () => {
  const m = await upstream(json('monolith'));
  const s = await upstream(json('catalog'));
  const f = await start(m.url, s.url, 'shadow', { headersTimeoutMs: 300, requestTimeoutMs: 600 });
  const got = answerOf(await exchange(f.url, 'GET /api/products/1 HTTP/1.1\r\nHost: shop.example\r\nX-Slow: 1\r\n', 5000));
  expect(got.status).toBe('HTTP/1.1 408 Request Timeout');
  expect(got.body.error).toBe('REQUEST_TIMEOUT');
  expect(got.body.message).toContain('300 ms (listen.headersTimeoutMs)');
  expect([...m.seen, ...s.seen]).toHaveLength(0);
  expect(metricSum(await metricsText(f.adminUrl!), 'strangler_bad_requests_total', { code: 'REQUEST_TIMEOUT' })).toBe(1);
});

it.each([
  ['raw UTF-8 in the path', Buffer.from('GET /api/products/caf\u00e9 HTTP/1.1\r\nHost: x\r\n\r\n', 'utf8'), /Invalid char in url path \(spaces and non-ASCII characters must be percent-encoded\) \[HPE_INVALID_URL\]/],
  ['Content-Length with Transfer-Encoding', 'POST /api/products HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', /Transfer-Encoding can't be present with Content-Length/],
  ['a space in a header name', 'GET /api/products/1 HTTP/1.1\r\nHost: x\r\nX Bad: 1\r\n\r\n', /Invalid header token \[HPE_INVALID_HEADER_TOKEN\]/],
  ['a chunk size that is not hex', 'POST /api/products HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /Invalid character in chunk size/],
])('a request node:http cannot read (%s) gets a 400 that says what is wrong, and reaches no upstream', async (_what, bytes, says) => {
  const m = await upstream(json('monolith'));
  const s = await upstream(json('catalog'));
  const f = await start(m.url, s.url, 'dualwrite');
  const got = answerOf(await exchange(f.url, bytes));
  expect(got.status).toBe('HTTP/1.1 400 Bad Request');
  expect(got.body.error).toBe('BAD_REQUEST');
  expect(got.body.message).toMatch(says);
  expect([...m.seen, ...s.seen]).toHaveLength(0);
  expect(metricSum(await metricsText(f.adminUrl!), 'strangler_bad_requests_total', { code: 'UNREADABLE_REQUEST' })).toBe(1);
});

it('an upstream answer with 40 KB of headers reaches the client (no 502)', async () => {
  const big = 'b'.repeat(40 * 1024);
  const m = await upstream((_req, res) => { res.writeHead(200, { 'x-big': big, 'content-type': 'text/plain' }); res.end('ok'); });
  const s = await upstream(json('catalog'));
  const f = await start(m.url, s.url, 'off');
  const reply = await send(f, '/api/orders/1');
  expect(reply.status).toBe(200);
  expect(reply.headers['x-big']).toBe(big);
  expect(reply.body).toBe('ok');
});

it('an answer with 1,500 header lines reaches the client whole, on either forwarder (plain, and with Expect: 100-continue)', async () => {
  const many = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`x-r${i}`, String(i)]));
  const m = await upstream((_req, res) => { res.writeHead(200, { ...many, 'content-type': 'text/plain' }); res.end('ok'); });
  const s = await upstream(json('catalog'));
  const f = await start(m.url, s.url, 'off');
  const lines = (raw: string): number => (raw.match(/\r\nx-r\d+: /gi) ?? []).length;
  expect(lines(await exchange(f.url, 'GET /api/orders/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'))).toBe(1500);
  const expecting = await exchange(f.url, 'POST /api/orders HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi');
  expect(lines(expecting)).toBe(1500);
});

it('trailers announced with Trailer reach the client after the body', async () => {
  const m = await upstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', trailer: 'x-checksum, x-rows' });
    res.write('row 1\n');
    res.write('row 2\n');
    res.addTrailers({ 'x-checksum': 'sha256-abc', 'x-rows': '2' });
    res.end();
  });
  const s = await upstream(json('catalog'));
  const f = await start(m.url, s.url, 'off');
  const reply = await send(f, '/api/export', { headers: { te: 'trailers' } });
  expect(reply.status).toBe(200);
  expect(reply.body).toBe('row 1\nrow 2\n');
  expect(reply.headers.trailer).toBe('x-checksum, x-rows');
  expect(reply.trailers).toMatchObject({ 'x-checksum': 'sha256-abc', 'x-rows': '2' });
});

it('Expect: 100-continue is decided by the upstream: its 417 reaches the client, which never sends the body', async () => {
  const m = await upstream(json('monolith'));
  const s = await upstream(json('catalog'), (req, res) => {
    res.writeHead(417, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'upload refused', expect: req.headers.expect }));
  });
  const f = await start(m.url, s.url, 'complete');
  const reply = await send(f, '/api/products/upload', { method: 'PUT', body: 'x'.repeat(5000), expect: true });
  expect(reply.status).toBe(417);
  expect(JSON.parse(reply.body)).toEqual({ error: 'upload refused', expect: '100-continue' });
  expect(reply.continued).toBe(false);
  expect(s.seen).toHaveLength(0); // the upstream refused before any body: no request completed there
});

it('Expect: 100-continue accepted by the upstream: the client gets its 100, sends the body, and the upstream gets it', async () => {
  const m = await upstream(json('monolith'));
  const s = await upstream(json('catalog'), (req, res) => {
    res.writeContinue();
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => { res.writeHead(201, { 'content-type': 'application/json' }); res.end(JSON.stringify({ got: body.length, expect: req.headers.expect })); });
  });
  const f = await start(m.url, s.url, 'complete');
  const reply = await send(f, '/api/products/upload', { method: 'PUT', body: 'y'.repeat(5000), expect: true });
  expect(reply.continued).toBe(true);
  expect(reply.status).toBe(201);
  expect(JSON.parse(reply.body)).toEqual({ got: 5000, expect: '100-continue' });
});

it('Expect: 100-continue on a write sent to both sides (dualwrite): the facade says 100 itself and both sides get the body', async () => {
  const m = await upstream(json('monolith'));
  const s = await upstream(json('catalog'));
  const f = await start(m.url, s.url, 'dualwrite');
  const reply = await send(f, '/api/products', { method: 'POST', body: '{"sku":"E"}', expect: true, headers: { 'content-type': 'application/json' } });
  expect(reply.continued).toBe(true);
  expect(reply.status).toBe(200);
  expect(JSON.parse(reply.body)).toMatchObject({ from: 'monolith', body: '{"sku":"E"}' });
  await f.waitForDone(1);
  expect(s.seen.map((r) => r.body)).toEqual(['{"sku":"E"}']);
});
