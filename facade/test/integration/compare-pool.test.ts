// Bounded memory (issue 11, item 2): large comparisons run in a fixed number of worker threads with
// a bounded queue; what does not fit is skipped, counted and recorded with its reason, never
// queued without bound, while every client still gets its answer.
import { parseConfig } from '../../src/config';
import { compileRules } from '../../src/core/compare';
import type { Observation } from '../../src/core/compare/types';
import { ComparePool, CompareSkipped, WORKER_THRESHOLD } from '../../src/io/compare-pool';
import { rulesFor } from '../../src/io/compare-rules';
import { metricSum, metricsText, setStage } from '../helpers/admin-client';
import { startTestFacade, type TestFacade } from '../helpers/facade';
import { startUpstream, type TestUpstream } from '../helpers/upstream';

/** A JSON body of about `bytes` bytes, with one value that differs by `variant`. */
function bigJson(bytes: number, variant: string): Buffer {
  const items = Array.from({ length: Math.ceil(bytes / 40) }, (_, i) => ({ sku: `SKU-${i}`, price: '1.00' }));
  items[7] = { sku: 'SKU-7', price: variant };
  return Buffer.from(JSON.stringify({ items }));
}

function observation(side: 'monolith' | 'service', body: Buffer): Observation {
  return { ok: true, side, status: 200, headers: { 'content-type': 'application/json' }, body, ms: 1 };
}

describe('ComparePool', () => {
  let pool: ComparePool | undefined;
  afterEach(async () => { await pool?.close(); pool = undefined; });

  it('with one thread and a queue of one, a third concurrent comparison is skipped and reported', async () => {
    const config = parseConfig({ monolith: { url: 'http://127.0.0.1:1' }, services: { s: { url: 'http://127.0.0.1:2' } }, routes: [{ name: 'r', match: { path: '/r/**' }, service: 's' }] }, 'test');
    const skips: string[] = [];
    pool = new ComparePool({ threads: 1, maxQueued: 1, onSkip: (route, reason) => skips.push(`${route}:${reason}`) });
    const raw = rulesFor(config.routes[0], []);
    pool.setRules('r', compileRules(raw), raw);
    const body = bigJson(WORKER_THRESHOLD, '1.00');
    const other = bigJson(WORKER_THRESHOLD, '2.00');
    const results = await Promise.allSettled([0, 1, 2].map(() => pool!.evaluate('r', observation('monolith', body), observation('service', other))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    const rejected = results[2] as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(CompareSkipped);
    expect((rejected.reason as CompareSkipped).reason).toBe('compare_queue_full');
    expect(skips).toEqual(['r:compare_queue_full']);
    const first = (results[0] as unknown as PromiseFulfilledResult<{ facts: Array<{ path: string }> }>).value;
    expect(first.facts.map((f) => f.path)).toEqual(['$.items[7].price']);
  });

  it('large bodies whose bytes agree are a match at once: never queued behind a busy thread, never skipped', async () => {
    const config = parseConfig({ monolith: { url: 'http://127.0.0.1:1' }, services: { s: { url: 'http://127.0.0.1:2' } }, routes: [{ name: 'r', match: { path: '/r/**' }, service: 's' }] }, 'test');
    const skips: string[] = [];
    pool = new ComparePool({ threads: 1, maxQueued: 0, onSkip: (route, reason) => skips.push(`${route}:${reason}`) });
    const raw = rulesFor(config.routes[0], []);
    pool.setRules('r', compileRules(raw), raw);
    const body = bigJson(WORKER_THRESHOLD, '1.00');
    const busy = pool.evaluate('r', observation('monolith', body), observation('service', bigJson(WORKER_THRESHOLD, '2.00'))); // takes the one thread
    busy.catch(() => undefined); // awaited below; a failure before that must not crash the run
    const agreeing = await Promise.all([0, 1, 2, 3, 4].map(() => pool!.evaluate('r', observation('monolith', body), observation('service', Buffer.from(body)))));
    expect(agreeing.map((r) => r.facts.length)).toEqual([0, 0, 0, 0, 0]);
    // Equal bodies with another status still differ there.
    const status = await pool.evaluate('r', observation('monolith', body), { ...observation('service', Buffer.from(body)), status: 500 } as Observation);
    expect(status.facts.map((f) => f.path)).toEqual(['status']);
    expect((await busy).facts.map((f) => f.path)).toEqual(['$.items[7].price']);
    expect(skips).toEqual([]);
  });
});

describe('a shadow flood of large bodies', () => {
  let monolith: TestUpstream;
  let service: TestUpstream;
  let facade: TestFacade;

  afterEach(async () => {
    await facade.close();
    await Promise.all([monolith.close(), service.close()]);
  });

  it('answers every client; comparisons that do not fit the pool are recorded as skipped and counted', async () => {
    const primaryBody = bigJson(100 * 1024, '1.00');
    const shadowBody = bigJson(100 * 1024, '1.50');
    monolith = await startUpstream('monolith', (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(primaryBody); });
    service = await startUpstream('service', (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(shadowBody); });
    facade = await startTestFacade({
      monolith: { url: monolith.url },
      services: { inventory: { url: service.url } },
      routes: [{ name: 'inventory', match: { path: '/api/inventory/**' }, service: 'inventory' }],
      comparePool: { threads: 1, maxQueued: 0 },
    });
    await setStage(facade.adminUrl!, 'inventory', 'shadow');
    const recorded: Array<{ outcome: string; reason: string | null }> = [];
    facade.recorder.onRecorded((batch) => recorded.push(...batch));
    const statuses = await Promise.all(Array.from({ length: 8 }, (_, i) => fetch(`${facade.url}/api/inventory/${i}`).then(async (r) => { await r.arrayBuffer(); return r.status; })));
    expect(statuses).toEqual(Array(8).fill(200));
    await facade.waitForDone(8, 20_000);
    await facade.recorder.flush();
    const skipped = recorded.filter((r) => r.outcome === 'skipped' && r.reason === 'compare_queue_full');
    const compared = recorded.filter((r) => r.outcome !== 'skipped' && r.outcome !== 'error');
    expect(skipped.length).toBeGreaterThan(0);
    expect(compared.length).toBeGreaterThan(0);
    expect(skipped.length + compared.length).toBe(8);
    const text = await metricsText(facade.adminUrl!);
    expect(metricSum(text, 'strangler_shadow_dropped_total', { route: 'inventory', reason: 'compare_queue_full' })).toBe(skipped.length);
  });
});
