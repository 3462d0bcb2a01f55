// WebSocket pass-through: an upgrade is routed like any request (normalized path, route, stage) and
// tunnelled to the primary side; there is no shadow for a socket. Unrouted paths go to the monolith.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { freePort } from '../helpers/net';
import { within } from '../helpers/raw-http';

interface EchoServer {
  readonly url: string;
  readonly upgrades: http.IncomingMessage[];
  close(): Promise<void>;
}

/** A ws server answering every message with `<name>:<message>`, recording each upgrade request. */
async function startEcho(name: string): Promise<EchoServer> {
  const server = http.createServer((_req, res) => { res.writeHead(200); res.end(`${name} http`); });
  const wss = new WebSocketServer({ server });
  const upgrades: http.IncomingMessage[] = [];
  wss.on('connection', (socket, req) => {
    upgrades.push(req);
    socket.on('message', (data) => socket.send(`${name}:${data.toString()}`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, upgrades,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); });
    },
  };
}

let monolith: EchoServer;
let catalog: EchoServer;
let facade: TestFacade | undefined;
const clients: WebSocket[] = [];

async function start(catalogUrl = catalog.url): Promise<TestFacade> {
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { catalog: { url: catalogUrl } },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog' }],
  });
  return facade;
}

beforeEach(async () => {
  monolith = await startEcho('monolith');
  catalog = await startEcho('catalog');
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith.close(), catalog.close()]);
});

/** Connects through the facade, sends one message and resolves with the echo. */
async function echoThrough(f: TestFacade, path: string, message = 'ping', headers: Record<string, string> = {}): Promise<string> {
  const ws = new WebSocket(`${f.url.replace(/^http/, 'ws')}${path}`, { headers });
  clients.push(ws);
  const reply = new Promise<string>((resolve, reject) => {
    ws.once('open', () => ws.send(message));
    ws.once('message', (data) => resolve(data.toString()));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  return within(reply, 5000, `echo through ${path}`);
}

it.each([
  ['off', 'monolith'], ['dualwrite', 'monolith'], ['shadow', 'monolith'],
  ['live', 'catalog'], ['rampdown', 'catalog'], ['complete', 'catalog'],
])('in the %s stage a routed WebSocket is answered by the %s', async (stage, side) => {
  const f = await start();
  await setStage(f.adminUrl!, 'catalog', stage);
  expect(await echoThrough(f, '/api/products/feed', 'hello')).toBe(`${side}:hello`);
  const other = side === 'catalog' ? monolith : catalog;
  expect(other.upgrades).toHaveLength(0);
});

it('an unrouted WebSocket path goes to the monolith whatever the stages', async () => {
  const f = await start();
  await setStage(f.adminUrl!, 'catalog', 'complete');
  expect(await echoThrough(f, '/ws/chat?room=1')).toBe('monolith:ping');
  expect(monolith.upgrades.map((r) => r.url)).toEqual(['/ws/chat?room=1']);
});

it('the upgrade reaches the upstream with forwarding headers and many messages flow both ways', async () => {
  const f = await start();
  await setStage(f.adminUrl!, 'catalog', 'complete');
  const ws = new WebSocket(`${f.url.replace(/^http/, 'ws')}/api/products/feed`, { headers: { 'x-request-id': 'ws-1', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 'X-Client-Version': '3' } });
  clients.push(ws);
  const answered = new Promise<http.IncomingMessage>((r) => ws.once('upgrade', r));
  await within(new Promise((r, j) => { ws.once('open', r); ws.once('error', j); }), 5000, 'open');
  const switched = await answered;
  expect(switched.headers['x-strangler-side']).toBe('service'); // the 101 names the side, as every answer does
  expect(switched.headers['x-request-id']).toBe('ws-1');
  const replies: string[] = [];
  const all = new Promise<void>((resolve) => ws.on('message', (d) => { replies.push(d.toString()); if (replies.length === 50) resolve(); }));
  for (let i = 0; i < 50; i++) ws.send(`m${i}`);
  await within(all, 5000, '50 echoes');
  expect(replies).toEqual(Array.from({ length: 50 }, (_, i) => `catalog:m${i}`));
  const [upgrade] = catalog.upgrades;
  expect(upgrade.headers['x-forwarded-for']).toBe('127.0.0.1');
  expect(upgrade.headers['x-request-id']).toBe('ws-1');
  expect(upgrade.headers.traceparent).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  expect(upgrade.headers.upgrade).toBe('websocket');
  expect(upgrade.rawHeaders).toContain('X-Client-Version'); // spelled as the client sent it, as on every other path
});

it('a WebSocket path is normalized for routing, like any request, and forwarded as sent', async () => {
  const f = await start();
  await setStage(f.adminUrl!, 'catalog', 'complete');
  expect(await echoThrough(f, '/api/%70roducts/feed')).toBe('catalog:ping');
  expect(catalog.upgrades.map((r) => r.url)).toEqual(['/api/%70roducts/feed']);
});

/** A raw upgrade request (the ws client would normalize the path itself). */
function rawUpgrade(f: TestFacade, path: string): Promise<number> {
  const base = new URL(f.url);
  return within(new Promise<number>((resolve, reject) => {
    const req = http.request({
      hostname: base.hostname, port: base.port, path, agent: false,
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    req.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve(res.statusCode ?? 0); });
    req.on('error', reject);
    req.end();
  }), 5000, `upgrade ${path}`);
}

it('a malformed WebSocket path is refused with 400', async () => {
  const f = await start();
  expect(await rawUpgrade(f, '/api/%zz')).toBe(400);
  expect(await rawUpgrade(f, '/api/../../etc')).toBe(400);
  expect(monolith.upgrades).toHaveLength(0);
});

it('a dot-segment WebSocket path cannot sneak past its route', async () => {
  const f = await start();
  await setStage(f.adminUrl!, 'catalog', 'complete');
  expect(await rawUpgrade(f, '/api/products/../chat')).toBe(101);
  expect(monolith.upgrades.map((r) => r.url)).toEqual(['/api/products/../chat']);
  expect(catalog.upgrades).toHaveLength(0);
});

it('a WebSocket to a service that is down is refused with 502, and the facade keeps serving', async () => {
  const f = await start(`http://127.0.0.1:${await freePort()}`);
  await setStage(f.adminUrl!, 'catalog', 'complete');
  expect(await rawUpgrade(f, '/api/products/feed')).toBe(502);
  expect(await echoThrough(f, '/ws/chat')).toBe('monolith:ping');
});
