// NTLM and Negotiate (IIS, Windows authentication) authenticate the TCP connection, not the
// request: after the handshake, requests on that connection carry no credentials. Behind the
// facade, the upstream connection a client authenticated must serve that client alone, and the
// handshake's steps must reach one upstream connection (probes10: a second client with no
// credentials was answered as the first one's user).
import http from 'node:http';
import type { Socket } from 'node:net';
import { setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade | undefined;

/** An IIS-like server: type 1 → challenge; type 3 on the same connection → the connection is alice's. */
const windowsAuth = (name: string) => {
  const state = new WeakMap<Socket, 'challenged' | 'alice'>();
  return startUpstream(name, (req, res) => {
    const auth = req.headers.authorization ?? '';
    const was = state.get(req.socket);
    if (auth === 'NTLM TYPE1') {
      state.set(req.socket, 'challenged');
      res.writeHead(401, { 'www-authenticate': 'NTLM CHALLENGE', 'content-length': '0' }).end();
    } else if (auth === 'NTLM TYPE3-alice' && was === 'challenged') {
      state.set(req.socket, 'alice');
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello alice from ${name}`);
    } else if (auth === '' && was === 'alice') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`hello alice from ${name}`);
    } else {
      res.writeHead(401, { 'www-authenticate': 'NTLM', 'content-length': '0' }).end();
    }
  });
};

/** One GET on `agent` (one client connection when the agent keeps one socket). */
function get(agent: http.Agent | false, authorization?: string): Promise<{ status: number; body: string }> {
  const url = new URL(facade!.url);
  return new Promise((resolve, reject) => {
    const req = http.get({ host: url.hostname, port: url.port, path: '/intranet/me', agent, headers: authorization ? { authorization } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

/** One upload that waits for `100 Continue` (carried by http-proxy, not undici) on `agent`. */
function put(agent: http.Agent | false, authorization?: string): Promise<{ status: number; body: string }> {
  const url = new URL(facade!.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: 'PUT', path: '/intranet/files/a.txt', agent,
      headers: { expect: '100-continue', 'content-length': '5', ...(authorization ? { authorization } : {}) } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('continue', () => req.end('hello'));
    req.on('error', reject);
  });
}

beforeEach(async () => {
  monolith = await windowsAuth('monolith');
  service = await windowsAuth('service');
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { next: { url: service.url } },
    routes: [{ name: 'intranet', match: { path: '/intranet/**' }, service: 'next' }],
  });
});

afterEach(async () => {
  await facade?.close();
  facade = undefined;
  await Promise.all([monolith.close(), service.close()]);
});

it.each(['off', 'shadow'])('at %s, a connection a client authenticated with NTLM answers that client only; another client is asked to authenticate', async (stage) => {
  if (stage !== 'off') await setStage(facade!.adminUrl!, 'intranet', stage);
  const alice = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    expect((await get(alice, 'NTLM TYPE1')).status).toBe(401);
    expect(await get(alice, 'NTLM TYPE3-alice')).toEqual({ status: 200, body: 'hello alice from monolith' });
    expect(await get(alice)).toEqual({ status: 200, body: 'hello alice from monolith' }); // her connection stays hers
    // Bob, on a connection of his own, sent no credentials: direct, he gets a 401.
    expect((await get(false)).status).toBe(401);
    expect((await get(false)).status).toBe(401);
    expect(await get(alice)).toEqual({ status: 200, body: 'hello alice from monolith' });
  } finally {
    alice.destroy();
  }
});

it('an upload that waits for 100 Continue takes the same care: the handshake on its own connection, no one else served on it', async () => {
  const alice = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    expect((await put(alice, 'NTLM TYPE1')).status).toBe(401);
    expect(await put(alice, 'NTLM TYPE3-alice')).toEqual({ status: 200, body: 'hello alice from monolith' });
    expect((await put(false)).status).toBe(401); // Bob, no credentials
    expect((await put(false)).status).toBe(401);
  } finally {
    alice.destroy();
  }
});
