// An upstream that answers at once and sends its body later (an Icecast source's 200 before the
// audio, a watch, a long poll, an event stream before its first event): its client gets the status
// and headers when the upstream sent them, not with the first byte of the body, at every stage and
// on both forwarding paths (undici's, and http-proxy's for uploads that wait for 100 Continue).
import http from 'node:http';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';

/** Held bodies by request id: each upstream's answer to it, and whether its body was sent. */
const held = new Map<string, Array<{ sent: boolean; release(): void }>>();
/** A body nobody released (a facade that holds the head back until the body) is sent after this. */
const FALLBACK_MS = 4000;

/** The head now, the body (with a length, chunked or close-delimited) when the test releases it. */
const headFirst: Handler = (req, res) => {
  const url = new URL(req.url!, 'http://x');
  const framing = url.searchParams.get('framing');
  const headers: http.OutgoingHttpHeaders = { 'content-type': framing === 'events' ? 'text/event-stream' : 'application/json' };
  if (framing === 'length') headers['content-length'] = '11';
  res.writeHead(200, headers);
  res.flushHeaders();
  const answer = { sent: false, release: (): void => { clearTimeout(timer); if (!answer.sent) { answer.sent = true; res.end('{"ok":true}'); } } };
  const timer = setTimeout(answer.release, FALLBACK_MS);
  res.on('close', () => clearTimeout(timer));
  const id = url.searchParams.get('id') ?? '';
  held.set(id, [...(held.get(id) ?? []), answer]);
};

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;

beforeAll(async () => {
  monolith = await startUpstream('monolith', headFirst);
  service = await startUpstream('service', headFirst);
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { feed: { url: service.url } },
    routes: [{ name: 'feed', match: { path: '/api/**' }, service: 'feed', compare: { sample: 100 } }],
  });
});

afterAll(async () => {
  await facade?.close();
  await monolith?.close();
  await service?.close();
});

function stage(name: 'off' | 'shadow' | 'live'): void {
  facade.store.change({ route: 'feed', stage: name, force: true, actor: 'test', defaultStage: 'off' });
  (facade.deps.flags as unknown as { reload(): void }).reload();
}

let nextId = 0;

/**
 * Sends the request; when its head arrives, notes whether any upstream had sent the body by then
 * and releases the bodies. A facade that held the head until the body came gets it only after the
 * upstream's fallback: `bodyBeforeHead` true.
 */
function exchange(path: string, init: { method?: string; body?: string; expectContinue?: boolean } = {}): Promise<{ bodyBeforeHead: boolean; status: number; body: string }> {
  const id = String(++nextId);
  return new Promise((resolve, reject) => {
    const req = http.request(`${facade.url}${path}${path.includes('?') ? '&' : '?'}id=${id}`, {
      method: init.method ?? 'GET',
      headers: init.expectContinue ? { expect: '100-continue', 'content-length': String(Buffer.byteLength(init.body ?? '')) } : {},
    }, (res) => {
      const answers = held.get(id) ?? [];
      const bodyBeforeHead = answers.length === 0 || answers.some((a) => a.sent);
      for (const a of answers) a.release();
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ bodyBeforeHead, status: res.statusCode!, body }));
    });
    req.on('error', reject);
    if (init.expectContinue) req.on('continue', () => req.end(init.body));
    else req.end();
  });
}

describe('an answer whose body comes later', () => {
  it.each(['length', 'chunked', 'events'])('reaches its client head first at off (%s)', async (framing) => {
    stage('off');
    const t = await exchange(`/api/feed?framing=${framing}`);
    expect([t.status, t.bodyBeforeHead]).toEqual([200, false]);
    expect(t.body).toBe('{"ok":true}');
  });

  it.each(['shadow', 'live'] as const)('reaches its client head first at %s', async (name) => {
    stage(name);
    const t = await exchange('/api/feed?framing=chunked');
    expect([t.status, t.bodyBeforeHead]).toEqual([200, false]);
    expect(t.body).toBe('{"ok":true}');
  });

  it('reaches its client head first on the path of uploads that wait for 100 Continue', async () => {
    stage('off');
    const t = await exchange('/api/upload?framing=chunked', { method: 'PUT', body: 'x'.repeat(1000), expectContinue: true });
    expect([t.status, t.bodyBeforeHead]).toEqual([200, false]);
    expect(t.body).toBe('{"ok":true}');
  });
});
