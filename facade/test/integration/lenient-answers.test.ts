// A legacy monolith whose answers break HTTP/1.1's framing in ways nginx, curl and browsers read
// anyway (bare LF line ends, folded header lines, control bytes in a value): behind the facade it
// works as behind nginx. By default (`parser: auto`) the first such answer turns the upstream's
// parsing lenient and the request goes again if it may; `lenient` reads them from the first;
// `strict` refuses them (502).
import http from 'node:http';
import net from 'node:net';
import pino from 'pino';
import { setStage } from '../helpers/admin-client';
import { nextComparisons, startTestFacade, type TestFacade } from '../helpers/facade';
import { startLengthFramedServer, startRawServer, type RawServer } from '../helpers/net';
import { rawRequest } from '../helpers/raw-http';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

interface Legacy extends RawServer {
  /** Request lines received, in order (`POST /api/orders`). */
  readonly received: string[];
}

/**
 * A hand-written HTTP/1.1 server of the CGI era: keep-alive, bodies by Content-Length, and every
 * answer's lines ended by a bare LF, with a folded header line and a tab-and-control-byte value.
 */
async function legacyServer(lineEnd = '\n'): Promise<Legacy> {
  const received: string[] = [];
  const server = await startLengthFramedServer((head, body) => {
    const requestLine = head.split('\r\n')[0]!;
    received.push(requestLine.split(' ').slice(0, 2).join(' '));
    const answer = JSON.stringify({ from: 'legacy', request: requestLine, body });
    return [
      'HTTP/1.1 200 OK', 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(answer)}`,
      'X-Powered-By: LegacyCGI/1.0', 'X-Folded: first part', '  second part', 'X-Note: tab\there', '', '',
    ].join(lineEnd) + answer;
  });
  return Object.assign(server, { received });
}

let monolith: Legacy;
let service: TestUpstream;
let facade: TestFacade | undefined;
let logLines: Array<Record<string, unknown>>;

beforeEach(async () => {
  monolith = await legacyServer();
  service = await startUpstream('catalog');
  logLines = [];
});

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await monolith.close();
  await service.close();
});

async function start(parser?: 'auto' | 'strict' | 'lenient'): Promise<TestFacade> {
  const logger = pino({ level: 'warn' }, { write: (line: string) => { logLines.push(JSON.parse(line) as Record<string, unknown>); } });
  facade = await startTestFacade({
    monolith: { url: monolith.url, ...(parser ? { parser } : {}) },
    services: { catalog: { url: service.url } },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' }],
  }, { logger });
  return facade;
}

async function post(url: string, path: string, body: string): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  const res = await fetch(url + path, { method: 'POST', body, headers: { 'content-type': 'text/plain' } });
  return { status: res.status, body: await res.text(), headers: Object.fromEntries(res.headers) };
}

it('by default the first bare-LF answer turns the monolith lenient: a GET is asked again and answered, the next answers come through, and the switch is logged once', async () => {
  const f = await start();
  const first = await rawRequest(f.url, '/api/orders/1');
  expect(first.status).toBe(200);
  expect(first.json()).toMatchObject({ from: 'legacy', request: 'GET /api/orders/1 HTTP/1.1' });
  expect(first.headers['x-powered-by']).toBe('LegacyCGI/1.0');
  expect(first.headers['x-folded']).toMatch(/^first part +second part$/); // obs-fold replaced by spaces (RFC 9112 5.2)
  // Asked twice: once read strictly (refused), once leniently.
  expect(monolith.received).toEqual(['GET /api/orders/1', 'GET /api/orders/1']);
  for (let i = 2; i <= 4; i++) {
    const res = await rawRequest(f.url, `/api/orders/${i}`);
    expect(res.status).toBe(200);
    expect(res.json().request).toBe(`GET /api/orders/${i} HTTP/1.1`);
  }
  const written = await post(f.url, '/api/orders', 'one order');
  expect(written.status).toBe(200);
  expect(JSON.parse(written.body)).toMatchObject({ body: 'one order' });
  expect(monolith.received.slice(2)).toEqual(['GET /api/orders/2', 'GET /api/orders/3', 'GET /api/orders/4', 'POST /api/orders']);
  const warnings = logLines.filter((l) => String(l.msg).includes('leniently'));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatchObject({ upstream: 'monolith' });
  expect(String(warnings[0]!.reason)).toMatch(/^HPE_/);
});

it('a write that meets the first bare-LF answer is not sent twice: it gets 502, and the next write goes through', async () => {
  const f = await start();
  const first = await post(f.url, '/api/orders', 'first');
  expect(first.status).toBe(502);
  expect(JSON.parse(first.body)).toMatchObject({ error: 'UPSTREAM_BAD_RESPONSE', upstream: 'monolith' });
  expect(monolith.received).toEqual(['POST /api/orders']);
  const second = await post(f.url, '/api/orders', 'second');
  expect(second.status).toBe(200);
  expect(JSON.parse(second.body)).toMatchObject({ body: 'second' });
  expect(monolith.received).toEqual(['POST /api/orders', 'POST /api/orders']);
});

it('`parser: lenient` reads the first answer, a write included, asking once', async () => {
  const f = await start('lenient');
  const first = await post(f.url, '/api/orders', 'first');
  expect(first.status).toBe(200);
  expect(JSON.parse(first.body)).toMatchObject({ body: 'first' });
  expect(monolith.received).toEqual(['POST /api/orders']);
  expect(logLines.filter((l) => String(l.msg).includes('leniently'))).toHaveLength(0);
});

it('`parser: strict` refuses such answers every time, as before', async () => {
  const f = await start('strict');
  for (let i = 0; i < 3; i++) {
    const res = await rawRequest(f.url, '/api/orders/1');
    expect(res.status).toBe(502);
    expect(res.json()).toMatchObject({ error: 'UPSTREAM_BAD_RESPONSE', upstream: 'monolith' });
  }
  expect(monolith.received).toHaveLength(3);
});

it('answers with no status line at all stay a 502 under `auto`, asked once', async () => {
  const garbage = await startRawServer((socket) => socket.on('data', () => socket.write('SSH-2.0-OpenSSH_9.6\r\n\r\n')));
  try {
    facade = await startTestFacade({ monolith: { url: garbage.url }, services: {}, routes: [] });
    for (let i = 0; i < 2; i++) expect((await rawRequest(facade.url, '/x')).status).toBe(502);
  } finally {
    await facade?.close();
    facade = undefined;
    await garbage.close();
  }
});

/**
 * The outcomes of three reads at shadow, a well-formed monolith answering `answer` as JSON, the
 * service `odd` (a raw server) as the rewrite with the odd framing.
 */
async function outcomesAgainst(odd: RawServer, answer: (url: string) => unknown): Promise<string[]> {
  await monolith.close();
  const wellFormed = await startUpstream('monolith', (req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(answer(req.url ?? '')));
  });
  try {
    facade = await startTestFacade({
      monolith: { url: wellFormed.url },
      services: { catalog: { url: odd.url } },
      routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' }],
    });
    await setStage(facade.adminUrl!, 'catalog', 'shadow');
    const records = nextComparisons(facade, 3);
    for (let i = 1; i <= 3; i++) expect((await rawRequest(facade.url, `/api/products/${i}`)).status).toBe(200);
    return (await records).map((r) => r.outcome);
  } finally {
    await facade?.close();
    facade = undefined;
    await wellFormed.close();
    await odd.close();
  }
}

it('at shadow, a service that answers with bare LFs is compared like any other (its copies read leniently), and matches', async () => {
  const odd = await startRawServer((socket) => socket.on('data', (chunk: Buffer) => {
    const url = chunk.toString('latin1').split(' ')[1];
    const body = JSON.stringify({ id: url, price: 12 });
    socket.write(`HTTP/1.1 200 OK\nContent-Type: application/json\nContent-Length: ${body.length}\n\n${body}`);
  }));
  expect(await outcomesAgainst(odd, (url) => ({ id: url, price: 12 }))).toEqual(['match', 'match', 'match']);
});

it('a request the dispatcher cannot carry (one waiting for 100 Continue, on http-proxy) reads the lenient monolith too', async () => {
  const f = await start('lenient');
  const out = await new Promise<string>((resolve) => {
    const s = net.connect(Number(new URL(f.url).port), '127.0.0.1');
    let o = '';
    s.on('data', (c: Buffer) => { o += c.toString('latin1'); });
    s.on('close', () => resolve(o));
    // The body follows at once, as a client that does not wait for the 100 sends it.
    s.write('POST /api/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello');
  });
  expect(out).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
  expect(out).toContain('"body":"hello"');
});

it('a HEAD to a CGI script that prints its body anyway, in bare LFs, gets the head, and the next request is served', async () => {
  const nph = await startRawServer((socket) => socket.on('data', () => {
    socket.end('HTTP/1.0 200 OK\nContent-Type: text/plain\nX-Legacy: yes\n\nhello from nph\n'); // the body for a HEAD too
  }));
  try {
    facade = await startTestFacade({ monolith: { url: nph.url, parser: 'lenient' }, services: {}, routes: [] });
    for (const method of ['HEAD', 'HEAD', 'GET']) {
      const out = await new Promise<string>((resolve) => {
        const s = net.connect(Number(new URL(facade!.url).port), '127.0.0.1');
        let o = '';
        s.on('data', (c: Buffer) => { o += c.toString('latin1'); });
        s.on('close', () => resolve(o));
        s.write(`${method} /cgi-bin/nph-legacy.cgi HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`);
      });
      expect([method, out.slice(0, 17)]).toEqual([method, 'HTTP/1.1 200 OK\r\n']);
      expect(out).toMatch(/\r\nx-legacy: yes\r\n/i);
      if (method === 'GET') expect(out).toContain('hello from nph\n');
      else expect(out.endsWith('\r\n\r\n')).toBe(true);
    }
  } finally {
    await facade?.close();
    facade = undefined;
    await nph.close();
  }
});

it('at shadow, a write whose first answer could not be read (before the monolith turned lenient) is kept as a divergence, not lost in silence', async () => {
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url: service.url } },
    routes: [{ name: 'orders', match: { path: '/api/orders/**' }, service: 'catalog' }],
  }, { logger: pino({ level: 'silent' }) });
  await setStage(facade.adminUrl!, 'orders', 'shadow');
  const first = await post(facade.url, '/api/orders/new', 'order 1');
  expect(first.status).toBe(502);
  await facade.waitForDone(1);
  expect(monolith.received).toEqual(['POST /api/orders/new']); // it ran there
  expect(service.received).toEqual([]);
  const [d] = await facade.divergences.list('orders');
  expect(d).toMatchObject({ reason: 'primary_answer_unreadable', side: 'service', path: '/api/orders/new' });
  // The next write goes through, to both sides.
  expect((await post(facade.url, '/api/orders/new', 'order 2')).status).toBe(200);
  await service.waitFor(1);
  expect(service.received[0]!.body).toBe('order 2');
});

/** A server that answers every request with `answer` and records each request line. */
async function answering(answer: (path: string) => string): Promise<Legacy> {
  const received: string[] = [];
  const server = await startRawServer((socket) => socket.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('latin1').split('\r\n').filter((l) => /^[A-Z]+ \/\S* HTTP\/1\.1$/.test(l))) {
      received.push(line.split(' ').slice(0, 2).join(' '));
      socket.write(answer(line.split(' ')[1]!));
    }
  }));
  return Object.assign(server, { received });
}

// undici's llhttp reports these three alike (a length mismatch before any header), unlike Node's.
const bareLfLengthFirst = (path: string): string => { const b = JSON.stringify({ path }); return `HTTP/1.1 200 OK\nContent-Length: ${b.length}\nContent-Type: application/json\n\n${b}`; };

it('a bare-LF answer whose first header is Content-Length turns the monolith lenient too: the GET is answered, asked three times (the strict read names the rule)', async () => {
  await monolith.close();
  monolith = await answering(bareLfLengthFirst);
  const f = await start();
  const first = await rawRequest(f.url, '/api/orders/1');
  expect(first.status).toBe(200);
  expect(first.json()).toEqual({ path: '/api/orders/1' });
  expect(monolith.received).toEqual(['GET /api/orders/1', 'GET /api/orders/1', 'GET /api/orders/1']);
  expect((await rawRequest(f.url, '/api/orders/2')).json()).toEqual({ path: '/api/orders/2' });
  expect(monolith.received).toHaveLength(4);
  const warnings = logLines.filter((l) => String(l.msg).includes('leniently'));
  expect(warnings).toHaveLength(1);
  expect(String(warnings[0]!.reason)).toMatch(/^HPE_CR_EXPECTED/);
});

it.each([
  ['Content-Length twice', (): string => 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok'],
  ['Content-Length beside chunked', (): string => 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n'],
])('an answer with %s stays a 502 under `auto`: the upstream does not turn lenient', async (_name, answer) => {
  await monolith.close();
  monolith = await answering(answer);
  const f = await start();
  for (let i = 0; i < 2; i++) {
    const res = await rawRequest(f.url, '/api/orders/1');
    expect(res.status).toBe(502);
    expect(res.json()).toMatchObject({ error: 'UPSTREAM_BAD_RESPONSE', upstream: 'monolith' });
  }
  expect(logLines.filter((l) => String(l.msg).includes('leniently'))).toHaveLength(0);
});

it('at shadow, a service whose bare-LF answers start their head with Content-Length is read leniently from its first copy, and matches', async () => {
  expect(await outcomesAgainst(await answering(bareLfLengthFirst), (url) => ({ path: url }))).toEqual(['match', 'match', 'match']);
});
