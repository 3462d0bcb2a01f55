// Three facade processes (main.ts, as an operator runs them) on three ports share one PostgreSQL state
// in front of one monolith/service pair: a stage change made through one replica's admin API changes
// the answers of all three within a second; a service failing across the replicas' traffic is rolled
// back once (one audit entry) and all three apply it; a replica that loses the database keeps serving
// on its last known stages, says so in /healthz and /metrics, and catches up when the database returns.
import fs from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { adminGet, metricSum, metricsText, putStage } from '../helpers/admin-client';
import { tempDir } from '../helpers/facade';
import { describeWithPostgres, startPostgres, type TestPostgres } from '../helpers/postgres';
import { killAll } from '../helpers/processes';
import { startReplicaProcesses } from '../helpers/replica-processes';
import { rawRequest, within } from '../helpers/raw-http';
import { jsonHandler, startUpstream, type TestUpstream } from '../helpers/upstream';
import { openDatabase } from '../../src/io/db/open';
import { PgStateStore } from '../../src/io/pg-state-store';
import type { AuditEntry } from '../../src/io/state-api';

jest.setTimeout(120_000);

interface Replica { readonly id: string; readonly url: string; readonly adminUrl: string; readonly child: ChildProcess; log: string }

const TOKEN = 'replica-test-token';
const KEYS = { STRANGLER_DIVERGENCE_KEY: Buffer.alloc(32, 7).toString('base64'), STRANGLER_REDACTION_KEY: 'one-key-for-every-replica-0123456789' };

describeWithPostgres('facade replicas sharing PostgreSQL', () => {
  let pg: TestPostgres;
  let monolith: TestUpstream;
  let catalog: TestUpstream;
  let serviceFails = false;
  let dir: string;
  let replicas: Replica[] = [];

  beforeAll(async () => { pg = await startPostgres(); });
  afterAll(async () => { await pg.stop(); });
  beforeEach(async () => {
    serviceFails = false;
    dir = tempDir('strangler-replicas-');
    monolith = await startUpstream('monolith');
    catalog = await startUpstream('catalog', (req, res, body) => {
      if (!serviceFails) return jsonHandler('catalog')(req, res, body);
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"from":"catalog","error":"boom"}');
    });
  });
  afterEach(async () => {
    killAll();
    replicas = [];
    await Promise.all([monolith.close(), catalog.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Starts replicas r1..r3 of one config on their own ports and local dirs, all on database `url`. */
  async function startReplicas(url: string, extra: Record<string, unknown> = {}): Promise<Replica[]> {
    replicas = await startReplicaProcesses(['r1', 'r2', 'r3'], {
      dir, database: url, env: { STRANGLER_ADMIN_TOKEN: TOKEN, ...KEYS },
      config: {
        monolith: { url: monolith.url },
        services: { catalog: { url: catalog.url, timeoutMs: 2000 } },
        routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog', compare: { reask: { enabled: false } } }],
        ...extra,
      },
    });
    return replicas;
  }

  const side = async (r: Replica, n = 0): Promise<string> => (await rawRequest(r.url, `/api/products/${n}`)).json().from as string;

  /** Asks `r` until it answers from `from`; the milliseconds that took (fails after `ms`). */
  async function untilAnswered(r: Replica, from: string, ms: number): Promise<number> {
    const started = Date.now();
    let last = '';
    while (Date.now() - started < ms) {
      last = await side(r);
      if (last === from) return Date.now() - started;
    }
    throw new Error(`${r.id} still answered from ${last} after ${ms} ms`);
  }

  const history = async (r: Replica): Promise<AuditEntry[]> =>
    (await adminGet<{ history: AuditEntry[] }>(r.adminUrl, '/routes/catalog/history', TOKEN)).body.history;

  it('a stage change through one replica\'s admin API changes the answer of all three within a second', async () => {
    // The re-read runs once a minute here: only the notification can bring the change in time.
    const rs = await startReplicas(await pg.createDatabase(), { flags: { provider: 'sqlite', pollMs: 60_000 } });
    for (const r of rs) expect(await side(r)).toBe('monolith');
    const changed = await putStage(rs[1].adminUrl, 'catalog', { stage: 'complete', force: true, reason: 'replica test' }, TOKEN);
    expect(changed.status).toBe(200);
    const waited = await Promise.all(rs.map((r) => untilAnswered(r, 'catalog', 5000)));
    for (const ms of waited) expect(ms).toBeLessThan(1000);
    // One change, one audit entry, and every replica lists the same stage.
    for (const r of rs) {
      expect((await history(r)).map((e) => `${e.from} → ${e.to}`)).toEqual(['off → complete']);
      expect((await adminGet<{ stage: string }>(r.adminUrl, '/routes/catalog', TOKEN)).body.stage).toBe('complete');
    }
  });

  it('a service failing across the replicas\' traffic is rolled back once, and all three apply it', async () => {
    // 30 requests are needed to judge; each replica sees only 10 of the 30 failures.
    const rs = await startReplicas(await pg.createDatabase(), { autoRollback: { windowMs: 60_000, minRequests: 30, maxErrorRate: 0.2 } });
    expect((await putStage(rs[0].adminUrl, 'catalog', { stage: 'live', force: true }, TOKEN)).status).toBe(200);
    for (const r of rs) await untilAnswered(r, 'catalog', 5000);
    serviceFails = true;
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      for (const r of rs) statuses.push((await rawRequest(r.url, `/api/products/${i}`)).status);
    }
    // The service's 500s, then the monolith's 200s once the rollback lands: the 200s that answered
    // before the failures are in the window too, so on a slow machine it can come before the 30th.
    expect(statuses.filter((s) => s !== 500 && s !== 200)).toEqual([]);
    expect(statuses.slice(0, 6)).toEqual(Array(6).fill(500));
    expect(statuses.filter((s) => s === 500).length).toBeGreaterThanOrEqual(10);
    for (const r of rs) await untilAnswered(r, 'monolith', 10_000);
    const entries = (await history(rs[2])).filter((e) => e.actor === 'auto-rollback');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ from: 'live', to: 'shadow' });
    // Judged on the sum: more requests than any one replica saw (the few 200s before the failures count too).
    const details = entries[0].details as { requests: number; failures: number; replica: string };
    expect(details.requests).toBeGreaterThanOrEqual(30);
    expect(details.failures / details.requests).toBeGreaterThan(0.2);
    expect(['r1', 'r2', 'r3']).toContain(details.replica);
    let counted = 0;
    for (const r of rs) counted += metricSum(await metricsText(r.adminUrl), 'strangler_auto_rollbacks_total', { route: 'catalog' });
    expect(counted).toBe(1);
    for (const r of rs) expect((await adminGet<{ stage: string }>(r.adminUrl, '/routes/catalog', TOKEN)).body.stage).toBe('shadow');
  });

  it('a replica that loses the database keeps serving, says so, and catches up when it returns', async () => {
    const url = await pg.createDatabase();
    const rs = await startReplicas(url, { flags: { provider: 'sqlite', pollMs: 200 } });
    expect((await putStage(rs[0].adminUrl, 'catalog', { stage: 'complete', force: true }, TOKEN)).status).toBe(200);
    for (const r of rs) await untilAnswered(r, 'catalog', 5000);

    await pg.halt();
    for (const r of rs) {
      let health = (await adminGet<{ ok: boolean; state: { connected: boolean } }>(r.adminUrl, '/healthz', null)).body;
      for (let i = 0; i < 100 && health.state.connected; i++) health = (await adminGet<typeof health>(r.adminUrl, '/healthz', null)).body;
      expect(health).toMatchObject({ ok: true, state: { engine: 'postgres', connected: false } });
      // The scrape itself answers (a metric read from the database must not fail it), and says the database is down.
      expect(await metricsText(r.adminUrl)).toMatch(/^strangler_state_db_up 0$/m);
      // Still routed by the last known stage.
      for (let i = 0; i < 5; i++) expect(await side(r, i)).toBe('catalog');
    }

    await pg.resume();
    // A change written while the replicas are still reconnecting (as the CLI would): they catch up.
    const db = await openDatabase(url);
    try {
      await (await PgStateStore.open(db.pg!)).change({ route: 'catalog', stage: 'rampdown', actor: 'operator', defaultStage: 'off' });
    } finally {
      await db.close();
    }
    for (const r of rs) {
      expect(await side(r)).toBe('catalog'); // rampdown: reads still answered by the service
      let health = (await adminGet<{ state: { connected: boolean } }>(r.adminUrl, '/healthz', null)).body;
      for (let i = 0; i < 200 && !health.state.connected; i++) health = (await adminGet<typeof health>(r.adminUrl, '/healthz', null)).body;
      expect(health.state.connected).toBe(true);
      expect(metricSum(await metricsText(r.adminUrl), 'strangler_state_db_up')).toBe(1);
      let stage = '';
      for (let i = 0; i < 200 && stage !== 'rampdown'; i++) stage = (await adminGet<{ stage: string }>(r.adminUrl, '/routes/catalog', TOKEN)).body.stage;
      expect(stage).toBe('rampdown');
    }
    // And a change through an admin API reaches every replica again.
    expect((await putStage(rs[2].adminUrl, 'catalog', { stage: 'live' }, TOKEN)).status).toBe(200);
    for (const r of rs) {
      let stage = '';
      for (let i = 0; i < 200 && stage !== 'live'; i++) stage = (await adminGet<{ stage: string }>(r.adminUrl, '/routes/catalog', TOKEN)).body.stage;
      expect(stage).toBe('live');
    }
  });
});
