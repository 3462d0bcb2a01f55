// Comparisons across facade replicas sharing one PostgreSQL (three main.ts processes, one
// monolith/service pair): traffic spread over the three gives one report, gate and route list whose
// counts equal the requests sent, each replica's share named; a replica killed (SIGKILL) mid-load
// loses at most one batch of comparisons (the recorder's documented maxBatch), the others none.
import fs from 'node:fs';
import { adminGet, putStage } from '../helpers/admin-client';
import { tempDir } from '../helpers/facade';
import { describeWithPostgres, startPostgres, type TestPostgres } from '../helpers/postgres';
import { killAll } from '../helpers/processes';
import { rawRequest } from '../helpers/raw-http';
import { startReplicaProcesses, type ReplicaProcess } from '../helpers/replica-processes';
import { jsonHandler, startUpstream, type TestUpstream } from '../helpers/upstream';
import { RECORDER_DEFAULTS } from '../../src/io/comparison-recorder';
import { parseConfig } from '../../src/config';
import type { Report } from '../../src/core/report-types';
import type { GateInput } from '../../src/core/gate';
import { LocalBackend } from '../../../scripts/cli/local-backend';

jest.setTimeout(180_000);

const TOKEN = 'replica-comparisons-token';
const ENV = { STRANGLER_ADMIN_TOKEN: TOKEN, STRANGLER_DIVERGENCE_KEY: Buffer.alloc(32, 9).toString('base64'), STRANGLER_REDACTION_KEY: 'one-key-for-every-replica-abcdefghij' };

describeWithPostgres('comparisons recorded by several replicas', () => {
  let pg: TestPostgres;
  let monolith: TestUpstream;
  let service: TestUpstream;
  let dir: string;

  beforeAll(async () => { pg = await startPostgres(); }, 60_000);
  afterAll(async () => { await pg?.stop(); });
  beforeEach(async () => {
    dir = tempDir('strangler-replica-comparisons-');
    // Both sides answer alike: every comparison is a match, so counts are all that is tested.
    monolith = await startUpstream('monolith', jsonHandler('shop'));
    service = await startUpstream('service', jsonHandler('shop'));
  });
  afterEach(async () => {
    killAll();
    await Promise.all([monolith.close(), service.close()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const config = (): Record<string, unknown> => ({
    monolith: { url: monolith.url },
    services: { catalog: { url: service.url } },
    routes: [{ name: 'catalog', match: { path: '/api/products/**' }, service: 'catalog', compare: { reask: { enabled: false } } }],
    flags: { provider: 'sqlite', pollMs: 200 },
  });

  async function start(database: string): Promise<ReplicaProcess[]> {
    const rs = await startReplicaProcesses(['r1', 'r2', 'r3'], { database, dir, config: config(), env: ENV });
    const moved = await putStage(rs[0].adminUrl, 'catalog', { stage: 'shadow', force: true, reason: 'replica comparisons test' }, TOKEN);
    expect(moved.status).toBe(200);
    for (const r of rs) {
      let stage = '';
      for (let i = 0; i < 300 && stage !== 'shadow'; i++) stage = (await adminGet<{ stage: string }>(r.adminUrl, '/routes/catalog', TOKEN)).body.stage;
      expect(stage).toBe('shadow');
    }
    return rs;
  }

  const report = async (r: ReplicaProcess): Promise<Report['routes'][number]> =>
    (await adminGet<Report>(r.adminUrl, '/report?route=catalog', TOKEN)).body.routes[0];

  /** Asks `r` for the report until `done` holds for it (each answer is a fresh read of the database). */
  async function reportUntil(r: ReplicaProcess, done: (route: Report['routes'][number]) => boolean, what: string): Promise<Report['routes'][number]> {
    let last = await report(r);
    for (let i = 0; i < 400 && !done(last); i++) last = await report(r);
    if (!done(last)) throw new Error(`${what}: the report still says ${JSON.stringify({ total: last.total, replicas: last.replicas })}`);
    return last;
  }

  /** The first snapshot event of the console's stream on `r`. */
  async function firstSnapshot(r: ReplicaProcess): Promise<{ routes: Array<{ report: Report['routes'][number]; gate: { from: string; to: string } }> }> {
    const ctrl = new AbortController();
    const res = await fetch(`${r.adminUrl}/console/events`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: ctrl.signal });
    expect(res.status).toBe(200);
    let buffer = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        const frame = /event: (snapshot|problem)\ndata: (.*)\n\n/.exec(buffer);
        if (frame?.[1] === 'problem') throw new Error(`console: ${frame[2]}`);
        if (frame) return JSON.parse(frame[2]!);
      }
    } finally {
      ctrl.abort();
    }
    throw new Error('the console stream ended without a snapshot');
  }

  it('traffic spread over three replicas gives one report, gate and route list counting every request, each replica\'s share named', async () => {
    const database = await pg.createDatabase();
    const rs = await start(database);
    const perReplica = 40;
    await Promise.all(rs.map(async (r) => {
      for (let i = 0; i < perReplica; i++) expect((await rawRequest(r.url, `/api/products/${r.id}-${i}`)).status).toBe(200);
    }));
    const sent = perReplica * rs.length;
    // Any replica answers for all of them: the second one is asked.
    const route = await reportUntil(rs[1], (x) => x.total >= sent, `${sent} comparisons`);
    expect(route.total).toBe(sent);
    expect(route.outcomes.match.count).toBe(sent);
    expect(route.replicas).toEqual([{ replica: 'r1', comparisons: perReplica }, { replica: 'r2', comparisons: perReplica }, { replica: 'r3', comparisons: perReplica }]);
    const gate = (await adminGet<{ input: GateInput }>(rs[2].adminUrl, '/routes/catalog/gate', TOKEN)).body.input;
    expect(gate).toMatchObject({ stage: 'shadow', comparisons: sent, mismatches: 0 });
    expect(gate.service.requests).toBe(sent);
    // The console's snapshot, built in its worker thread on a pool of its own, shows the same.
    const snapshot = await firstSnapshot(rs[0]);
    expect(snapshot.routes[0].report).toMatchObject({ total: sent, replicas: route.replicas });
    expect(snapshot.routes[0].gate).toMatchObject({ from: 'shadow', to: 'live' });
    // `strangler route list` on the same database (the CLI's local backend) counts them all too.
    const cli = new LocalBackend({ config: parseConfig(config(), 'test'), configFile: 'test.json', db: database, now: () => new Date(), actor: 'test' });
    try {
      expect(await cli.listRoutes()).toEqual([expect.objectContaining({ route: 'catalog', stage: 'shadow', comparisons: sent, mismatchRate: 0 })]);
    } finally {
      await cli.close();
    }
  });

  it('a replica killed mid-load loses at most one batch of comparisons; the other replicas lose none', async () => {
    const rs = await start(await pg.createDatabase());
    const answered = new Map(rs.map((r) => [r.id, 0]));
    let stop = false;
    let killed: string | null = null;
    // Four clients per replica until told to stop; a request the killed replica never answered is not counted.
    const load = Promise.all(rs.flatMap((r) => Array.from({ length: 4 }, async (_, c) => {
      for (let i = 0; !stop; i++) {
        try {
          const res = await rawRequest(r.url, `/api/products/${r.id}-${c}-${i}`);
          if (res.status === 200) answered.set(r.id, answered.get(r.id)! + 1);
        } catch {
          if (killed === r.id) return; // the killed one
          throw new Error(`${r.id} failed a request while alive`);
        }
      }
    })));
    const victim = rs[0];
    // Kill it once it has answered more than a batch and committed some of it: a recorder that kept
    // everything in memory until shutdown would lose more than a batch here and fail the test.
    const enough = RECORDER_DEFAULTS.maxBatch + 100;
    for (let i = 0; i < 2000 && answered.get(victim.id)! < enough; i++) await report(rs[1]);
    expect(answered.get(victim.id)!).toBeGreaterThanOrEqual(enough);
    await reportUntil(rs[1], (x) => (x.replicas.find((p) => p.replica === victim.id)?.comparisons ?? 0) > 0, 'a first batch from the victim');
    killed = victim.id;
    victim.child.kill('SIGKILL');
    await new Promise((resolve) => victim.child.once('exit', resolve));
    const answeredByVictim = answered.get(victim.id)!;
    // The others keep serving for a while after the kill, then the load stops.
    const after = answered.get('r2')! + 200;
    for (let i = 0; i < 2000 && answered.get('r2')! < after; i++) await report(rs[1]);
    stop = true;
    await load;
    const survivors = rs.slice(1);
    const route = await reportUntil(rs[1], (x) => survivors.every((r) => x.replicas.find((p) => p.replica === r.id)?.comparisons === answered.get(r.id)),
      'every comparison of the surviving replicas');
    const recordedByVictim = route.replicas.find((p) => p.replica === victim.id)!.comparisons;
    const lost = answeredByVictim - recordedByVictim;
    expect(lost).toBeGreaterThanOrEqual(0);
    expect(lost).toBeLessThanOrEqual(RECORDER_DEFAULTS.maxBatch);
    expect(route.total).toBe(answeredByVictim - lost + survivors.reduce((n, r) => n + answered.get(r.id)!, 0));
  });
});
