// An upstream that answers at once and sends its body later (an Icecast source's 200 before the
// audio, a watch, a long poll, an event stream before its first event): its client gets the status
// and headers when the upstream sent them, not with the first byte of the body, at every stage and
// on both forwarding paths (undici's, and http-proxy's for uploads that wait for 100 Continue).
import http from 'node:http';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';

const BODY_AFTER_MS = 1500;

/** The head now, the body (with a length, chunked or close-delimited) BODY_AFTER_MS later. */
const headFirst: Handler = (req, res) => {
  const framing = new URL(req.url!, 'http://x').searchParams.get('framing');
  const headers: http.OutgoingHttpHeaders = { 'content-type': framing === 'events' ? 'text/event-stream' : 'application/json' };
  if (framing === 'length') headers['content-length'] = '11';
  res.writeHead(200, headers);
  res.flushHeaders();
  const timer = setTimeout(() => res.end('{"ok":true}'), BODY_AFTER_MS);
  res.on('close', () => clearTimeout(timer));
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

/** When the head and the whole answer arrived, in ms after the request was sent. */
function timings(path: string, init: { method?: string; body?: string; expectContinue?: boolean } = {}): Promise<{ headMs: number; endMs: number; status: number; body: string }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request(`${facade.url}${path}`, {
      method: init.method ?? 'GET',
      headers: init.expectContinue ? { expect: '100-continue', 'content-length': String(Buffer.byteLength(init.body ?? '')) } : {},
    }, (res) => {
      const headMs = Date.now() - started;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ headMs, endMs: Date.now() - started, status: res.statusCode!, body }));
    });
    req.on('error', reject);
    if (init.expectContinue) req.on('continue', () => req.end(init.body));
    else req.end();
  });
}

describe('an answer whose body comes later', () => {
  it.each(['length', 'chunked', 'events'])('reaches its client head first at off (%s)', async (framing) => {
    stage('off');
    const t = await timings(`/api/feed?framing=${framing}`);
    expect(t.status).toBe(200);
    expect(t.headMs).toBeLessThan(BODY_AFTER_MS / 2);
    expect(t.endMs).toBeGreaterThanOrEqual(BODY_AFTER_MS - 100);
    if (framing !== 'events') expect(t.body).toBe('{"ok":true}');
  });

  it.each(['shadow', 'live'] as const)('reaches its client head first at %s', async (name) => {
    stage(name);
    const t = await timings('/api/feed?framing=chunked');
    expect(t.headMs).toBeLessThan(BODY_AFTER_MS / 2);
    expect(t.body).toBe('{"ok":true}');
  });

  it('reaches its client head first on the path of uploads that wait for 100 Continue', async () => {
    stage('off');
    const t = await timings('/api/upload?framing=chunked', { method: 'PUT', body: 'x'.repeat(1000), expectContinue: true });
    expect(t.status).toBe(200);
    expect(t.headMs).toBeLessThan(BODY_AFTER_MS / 2);
    expect(t.body).toBe('{"ok":true}');
  });
});
