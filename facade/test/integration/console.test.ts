// The console's server side on a real facade: the page and its assets are served without a token
// (they hold no data) and nothing else is; the event stream needs a token, says who it belongs to,
// sends the current snapshot at once and then coalesces bursts of recorded comparisons into few
// pushes; a change committed by another process (a cluster worker, the CLI) reaches the stream.
import path from 'node:path';
import { StateStore } from '../../src/io/state-store';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

const TOKEN = 'test-token';
let monolith: TestUpstream;
let service: TestUpstream;
let facade: TestFacade;
const streams: AbortController[] = [];

interface Snapshot { routes: Array<{ name: string; state: { stage: string }; report: { total: number } | null; gate: { to: string } | null }> }

/** An open event stream: `next(pred)` resolves the first event (in order) that satisfies `pred`; `seen` counts snapshots. */
async function openStream(token: string | null): Promise<{ status: number; type: string | null; next: (pred: (e: { event: string; data: unknown }) => boolean) => Promise<{ event: string; data: unknown }>; snapshots: () => number }> {
  const ctrl = new AbortController();
  streams.push(ctrl);
  const res = await fetch(`${facade.adminUrl}/console/events`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: ctrl.signal });
  const events: Array<{ event: string; data: unknown }> = [];
  const waiters: Array<() => void> = [];
  let count = 0;
  if (res.ok && res.body) {
    void (async () => {
      let buffer = '';
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(frame)?.[1];
            const data = /^data: (.*)$/m.exec(frame)?.[1];
            if (event && data) {
              if (event === 'snapshot') count++;
              events.push({ event, data: JSON.parse(data) });
              for (const w of waiters.splice(0)) w();
            }
          }
        }
      } catch { /* aborted */ }
    })();
  }
  let read = 0;
  const next = async (pred: (e: { event: string; data: unknown }) => boolean): Promise<{ event: string; data: unknown }> => {
    for (;;) {
      while (read < events.length) {
        const e = events[read++];
        if (pred(e)) return e;
      }
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  return { status: res.status, type: res.headers.get('content-type'), next, snapshots: () => count };
}

const inventoryOf = (e: { data: unknown }) => (e.data as Snapshot).routes.find((r) => r.name === 'inventory')!;

beforeAll(async () => {
  monolith = await startUpstream('monolith');
  service = await startUpstream('service');
  facade = await startTestFacade({
    monolith: { url: monolith.url },
    services: { inventory: { url: service.url } },
    routes: [{ name: 'inventory', match: { path: '/api/inventory/**' }, service: 'inventory' }],
    flags: { provider: 'sqlite', pollMs: 60_000 }, // only the console's own database watch notices the other process
  }, { adminToken: TOKEN });
  facade.store.change({ route: 'inventory', stage: 'shadow', force: true, actor: 'setup', defaultStage: 'off' });
  (facade.deps.flags as unknown as { reload(): void }).reload();
});

afterEach(() => { for (const c of streams.splice(0)) c.abort(); });

afterAll(async () => {
  await facade?.close();
  await Promise.all([monolith?.close(), service?.close()]);
});

it('serves the page and its assets without a token, with a policy that runs only its own script', async () => {
  const page = await fetch(`${facade.adminUrl}/console`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/text\/html/);
  expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
  expect(await page.text()).toContain('<script type="module" src="/console/assets/console.js"></script>');
  const script = await fetch(`${facade.adminUrl}/console/assets/console.js`);
  expect([script.status, script.headers.get('content-type')]).toEqual([200, expect.stringMatching(/javascript/)]);
  for (const other of ['/console/assets/missing.js', '/console/assets/..%2fconsole-routes.ts', '/console/assets/%2e%2e/console-routes.ts']) {
    const res = await fetch(`${facade.adminUrl}${other}`);
    expect([401, 403, 404]).toContain(res.status); // serve-static refuses a climb out of its folder (403)
    expect(await res.text()).not.toContain('mountConsole');
  }
});

it('the event stream refuses a missing or unknown token', async () => {
  expect((await openStream(null)).status).toBe(401);
  expect((await openStream('nope')).status).toBe(401);
});

it('with a token: hello names the token, the first snapshot comes at once, and a burst of batches is coalesced', async () => {
  const s = await openStream(TOKEN);
  expect([s.status, s.type]).toEqual([200, 'text/event-stream; charset=utf-8']);
  expect((await s.next((e) => e.event === 'hello')).data).toEqual({ name: 'admin', role: 'write', canChange: true });
  const first = inventoryOf(await s.next((e) => e.event === 'snapshot'));
  expect(first).toMatchObject({ state: { stage: 'shadow' }, gate: { to: 'live' } });
  const before = first.report?.total ?? 0;

  const batches = 30;
  for (let i = 0; i < batches; i++) {
    await (await fetch(`${facade.url}/api/inventory/${i}`)).text();
    await facade.waitForDone(facade.done.length);
    await facade.recorder.flush(); // one committed batch per request: 30 notifications
  }
  await s.next((e) => e.event === 'snapshot' && inventoryOf(e).report?.total === before + batches);
  expect(s.snapshots()).toBeLessThan(batches); // one push per second at most, not one per batch
});

it('a stage change committed by another process reaches an open stream', async () => {
  const s = await openStream(TOKEN);
  await s.next((e) => e.event === 'snapshot');
  const other = new StateStore(path.join(facade.dir, 'state.db'));
  try {
    other.change({ route: 'inventory', stage: 'dualwrite', actor: 'cli', reason: 'another process', defaultStage: 'off' });
  } finally {
    other.close();
  }
  // The flag poll is a minute away: the console's database watch reloads nothing itself, but the
  // audit log it reports (lastChange) moves at once.
  const e = await s.next((ev) => ev.event === 'snapshot'
    && (ev.data as { routes: Array<{ report: { lastChange: { reason: string } | null } | null }> }).routes[0].report?.lastChange?.reason === 'another process');
  expect(e.event).toBe('snapshot');
});

it('refuses a seventeenth open stream', async () => {
  const open = await Promise.all(Array.from({ length: 16 }, () => openStream(TOKEN)));
  expect(open.map((s) => s.status)).toEqual(Array(16).fill(200));
  expect((await openStream(TOKEN)).status).toBe(503);
});
