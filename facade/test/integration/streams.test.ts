// Event streams (Server-Sent Events) through the facade: a stream lasts as long as its client
// listens, so it is not cut by the upstream's total deadline, only by a silence longer than
// streamIdleTimeoutMs; at shadow its copy ends at the headers, so streams held open never use up
// the route's shadow slots nor trip the service's breaker, and each is compared by status and headers.
import http from 'node:http';
import { HEADERS_ONLY, type ComparisonRecord } from '../../src/core/comparison';
import { ADMIN_AUTH } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';

let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;
const clients: http.ClientRequest[] = [];

/** An event stream: an event every `everyMs`, `count` of them, then the end (never, without a count). */
const events = (everyMs: number, count = Infinity): Handler => (req, res) => {
  if (!req.url!.startsWith('/api/events')) { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}'); return; }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write('retry: 1000\n\n');
  let n = 0;
  const t = setInterval(() => { res.write(`data: ${++n}\n\n`); if (n >= count) { clearInterval(t); res.end(); } }, everyMs);
  res.on('close', () => clearInterval(t));
};

async function start(input: { timeoutMs?: number; streamIdleTimeoutMs?: number; compare?: Record<string, unknown> }, stage = 'off'): Promise<void> {
  const deadlines = { timeoutMs: input.timeoutMs, streamIdleTimeoutMs: input.streamIdleTimeoutMs };
  facade = await startTestFacade({
    monolith: { url: monolith.url, ...deadlines },
    // A breaker quick to open: six shadow copies timing out would open it.
    services: { feed: { url: service.url, ...deadlines, breaker: { minRequests: 2, failureRate: 0.5 } } },
    routes: [{ name: 'feed', match: { path: '/api/**' }, service: 'feed', compare: { sample: 100, ...input.compare } }],
  });
  facade.store.change({ route: 'feed', stage: stage as 'shadow', force: true, actor: 'test', defaultStage: 'off' });
  (facade.deps.flags as unknown as { reload(): void }).reload();
}

/** Opens an event stream through the facade; resolves with what arrived and how it ended. */
function listen(path: string, onOpen?: (req: http.ClientRequest) => void): Promise<{ data: string; ended: 'end' | 'cut'; afterMs: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.get(`${facade.url}${path}`, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => { data += c; });
      res.on('end', () => resolve({ data, ended: 'end', afterMs: Date.now() - started }));
      res.on('aborted', () => resolve({ data, ended: 'cut', afterMs: Date.now() - started }));
      res.on('error', () => undefined);
    });
    req.on('error', reject);
    clients.push(req);
    onOpen?.(req);
  });
}

const records: ComparisonRecord[] = [];

beforeEach(async () => {
  monolith = await startUpstream('monolith');
  service = await startUpstream('service');
  records.length = 0;
});

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await facade?.close();
  await monolith.close();
  await service.close();
});

function recording(): void {
  facade.recorder.onRecorded((batch) => { records.push(...batch.filter((r) => r.reason !== 'noise_sample')); });
}

async function until(what: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('an event stream outlives the upstream\'s total deadline: every event arrives, then its end', async () => {
  monolith.handler = events(150, 8); // 1.2 s of events against a 500 ms total deadline
  await start({ timeoutMs: 500 });
  const got = await listen('/api/events');
  expect(got.ended).toBe('end');
  expect(got.data).toBe(`retry: 1000\n\n${[1, 2, 3, 4, 5, 6, 7, 8].map((n) => `data: ${n}\n\n`).join('')}`);
  expect(got.afterMs).toBeGreaterThan(1000);
});

it('a live audio stream (an internet radio: audio without a length, icy metadata) outlives the total deadline; an audio file does not', async () => {
  const radio = (withLength: boolean): Handler => (req, res) => {
    const frame = Buffer.alloc(400, 0xff);
    res.writeHead(200, { 'content-type': 'audio/mpeg', ...(req.url!.includes('icy') ? { 'icy-metaint': '16000', 'content-length': '4000' } : {}), ...(withLength ? { 'content-length': '4000' } : {}) });
    let n = 0;
    const t = setInterval(() => { res.write(frame); if (++n >= 10) { clearInterval(t); res.end(); } }, 100); // 1 s of audio
    res.on('close', () => clearInterval(t));
  };
  monolith.handler = radio(false);
  await start({ timeoutMs: 400 });
  const live = await listen('/api/stream.mp3');
  expect(live.ended).toBe('end');
  expect(live.data.length).toBe(4000);
  const icy = await listen('/api/stream.mp3?icy');
  expect(icy.ended).toBe('end'); // a stream by its icy metadata interval, whatever length it names
  await facade.close();
  monolith.handler = radio(true);
  await start({ timeoutMs: 400 });
  expect((await listen('/api/track.mp3')).ended).toBe('cut');
});

it('a stream silent for longer than streamIdleTimeoutMs is cut, not left hanging', async () => {
  monolith.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'text/event-stream' }); res.write('data: only\n\n'); };
  await start({ timeoutMs: 10_000, streamIdleTimeoutMs: 400 });
  const got = await listen('/api/events');
  expect(got).toMatchObject({ ended: 'cut', data: 'data: only\n\n' });
  expect(got.afterMs).toBeLessThan(5000);
});

it('a document is still cut at the total deadline', async () => {
  monolith.handler = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"slow":'); };
  await start({ timeoutMs: 400 });
  const got = await listen('/api/report');
  expect(got.ended).toBe('cut');
});

it('at shadow, streams held open by more clients than maxInFlight leave the route\'s reads compared and the service\'s breaker closed', async () => {
  monolith.handler = events(100);
  service.handler = events(100);
  await start({ compare: { maxInFlight: 4, shadowTimeoutMs: 300 } }, 'shadow');
  recording();
  const streams = Array.from({ length: 6 }, (_, i) => listen(`/api/events?client=${i}`));
  await until(() => service.received.filter((r) => r.url.startsWith('/api/events')).length === 6);
  await new Promise((r) => setTimeout(r, 600)); // past the shadow timeout: a held copy would have failed by now
  for (let i = 0; i < 5; i++) expect(await (await fetch(`${facade.url}/api/items/${i}`)).json()).toEqual({ ok: true });
  await until(() => records.length === 5);
  expect(records.map((r) => [r.path, r.outcome])).toEqual([0, 1, 2, 3, 4].map((i) => [`/api/items/${i}`, 'match']));
  for (const c of clients) c.destroy();
  await Promise.all(streams);
  await until(() => records.length === 11);
  const compared = records.slice(5);
  expect(compared.map((r) => [r.path.split('?')[0], r.outcome, r.primaryStatus, r.shadowStatus])).toEqual(Array(6).fill(['/api/events', 'match', 200, 200]));
  // a stream's match says nothing of its bodies, and its record says so; a document's carries no such reason
  expect(compared.map((r) => r.reason)).toEqual(Array(6).fill(HEADERS_ONLY));
  expect(records.slice(0, 5).map((r) => r.reason)).toEqual(Array(5).fill(null));
  // and no answer times: a stream lasts as long as its client listens, which no latency percentile or gate should count
  expect(compared.map((r) => [r.primaryMs, r.shadowMs])).toEqual(Array(6).fill([null, null]));
  expect(records.slice(0, 5).every((r) => typeof r.primaryMs === 'number' && typeof r.shadowMs === 'number')).toBe(true);
  const view = await (await fetch(`${facade.adminUrl}/upstreams`, { headers: ADMIN_AUTH })).json() as { upstreams: Array<{ name: string; breaker: { state: string; opened: number } }> };
  expect(view.upstreams.find((u) => u.name === 'feed')?.breaker).toMatchObject({ state: 'closed', opened: 0 });
});

it('at shadow, a POST answered with a stream (a GraphQL subscription over SSE) is compared by status and headers, not as an incomplete write', async () => {
  const handler = (sideName: string): Handler => (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'x-side': sideName });
    let n = 0;
    const t = setInterval(() => { res.write(`event: next\ndata: {"data":{"ticks":${++n}}}\n\n`); if (n >= 3) { clearInterval(t); res.end('event: complete\ndata:\n\n'); } }, 50);
    res.on('close', () => clearInterval(t));
  };
  monolith.handler = handler('monolith');
  service.handler = handler('service');
  await start({}, 'shadow');
  recording();
  const res = await fetch(`${facade.url}/api/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream' }, body: '{"query":"subscription { ticks(n: 3) }"}' });
  expect(await res.text()).toContain('"ticks":3');
  await until(() => records.length === 1);
  expect(records[0]).toMatchObject({ kind: 'write', outcome: 'match', reason: HEADERS_ONLY, primaryMs: null, shadowMs: null });
});

it('a service that answers the stream with a document is a difference at its status and headers', async () => {
  monolith.handler = events(100);
  service.handler = (_req, res) => { res.writeHead(404, { 'content-type': 'application/json' }); res.end('{"error":"no such route"}'); };
  await start({}, 'shadow');
  recording();
  const stream = listen('/api/events');
  await until(() => service.received.length === 1);
  await new Promise((r) => setTimeout(r, 300));
  for (const c of clients) c.destroy();
  await stream;
  await until(() => records.length === 1);
  expect(records[0].outcome).toBe('mismatch');
  expect(records[0].facts.map((f) => f.field).sort()).toEqual(['headers.cache-control', 'headers.content-type', 'status']);
});

it('at shadow, a download larger than maxBodyBytes ends its copy at the cap: skipped as too large, never a timeout against the breaker', async () => {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const slowDownload: Handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    let sent = 0;
    const t = setInterval(() => { res.write(chunk); if (++sent === 20) { clearInterval(t); res.end(); } }, 100); // 1.3 MB over 2 s
    res.on('close', () => clearInterval(t));
  };
  monolith.handler = slowDownload;
  let serviceClosedAfter = Infinity;
  service.handler = (req, res, body) => {
    const started = Date.now();
    res.on('close', () => { serviceClosedAfter = Date.now() - started; });
    slowDownload(req, res, body);
  };
  await start({ compare: { maxBodyBytes: 100_000, shadowTimeoutMs: 1500 } }, 'shadow');
  recording();
  for (let i = 0; i < 2; i++) { // two copies timing out would open the service's breaker (minRequests 2)
    const download = await fetch(`${facade.url}/api/files/big-${i}.bin`);
    expect((await download.arrayBuffer()).byteLength).toBe(20 * chunk.length); // the client gets all of it
    expect(serviceClosedAfter).toBeLessThan(1000); // the copy stopped reading after two chunks, not at its 1.5 s deadline
  }
  await until(() => records.length === 2);
  expect(records.map((r) => [r.outcome, r.reason])).toEqual([['skipped', 'too_large'], ['skipped', 'too_large']]);
  const view = await (await fetch(`${facade.adminUrl}/upstreams`, { headers: ADMIN_AUTH })).json() as { upstreams: Array<{ name: string; breaker: { state: string; opened: number } }> };
  expect(view.upstreams.find((u) => u.name === 'feed')?.breaker).toMatchObject({ state: 'closed', opened: 0 });
});
