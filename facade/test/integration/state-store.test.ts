// One state store suite, two engines: the same behaviour (stage changes with their audit entries,
// refused skips, conditional changes, ignore rules) from the SQLite file and from PostgreSQL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type OpenedDatabase } from '../../src/io/db/open';
import { openStateStore } from '../../src/io/state-open';
import { StageChangeError, type AuditEntry, type ChangeInput, type RouteStateStore } from '../../src/io/state-api';
import { describeWithPostgres, startPostgres, type TestPostgres } from '../helpers/postgres';
import { STATE_MIGRATIONS } from '../../src/io/pg-state-store';

interface Engine { location(): Promise<string>; done(): Promise<void> }

function sqliteEngine(): Engine {
  const dirs: string[] = [];
  return {
    async location() { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'strangler-state-')); dirs.push(d); return path.join(d, 'state.db'); },
    async done() { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); },
  };
}

function postgresEngine(): Engine {
  let pg: TestPostgres | null = null;
  return {
    async location() { pg ??= await startPostgres(); return pg.createDatabase(); },
    async done() { await pg?.stop(); },
  };
}

function stateStoreSuite(engine: () => Engine): void {
  let e: Engine;
  let db: OpenedDatabase;
  let store: RouteStateStore;
  let clock = Date.parse('2030-01-01T00:00:00Z');
  const now = (): Date => new Date(clock += 1000);
  beforeAll(() => { e = engine(); });
  afterAll(async () => { await e.done(); });
  beforeEach(async () => {
    db = await openDatabase(await e.location());
    store = await openStateStore(db, now);
  });
  afterEach(async () => { await store.close(); await db.close(); });
  // SQLite refuses by throwing at once, PostgreSQL by rejecting: callers await either way.
  const attempt = async (input: ChangeInput): Promise<AuditEntry> => store.change(input);

  it('a route without stored state has none, and a change stores it with one audit entry', async () => {
    expect(await store.state('catalog')).toBeNull();
    const entry = await store.change({ route: 'catalog', stage: 'dualwrite', actor: 'ana', reason: 'service deployed', defaultStage: 'off', details: { ticket: 7 } });
    expect(entry).toMatchObject({ route: 'catalog', from: 'off', to: 'dualwrite', actor: 'ana', reason: 'service deployed', forced: false, percent: null, details: { ticket: 7 } });
    expect(await store.state('catalog')).toMatchObject({ stage: 'dualwrite', rollout: null, updatedAt: entry.at });
    expect(await store.history('catalog')).toEqual([entry]);
  });

  it('a skip is refused without force and written with it', async () => {
    await expect(attempt({ route: 'r', stage: 'live', actor: 'a', defaultStage: 'off' })).rejects.toMatchObject({ code: 'STAGE_SKIP' });
    expect(await store.history()).toEqual([]);
    const forced = await store.change({ route: 'r', stage: 'live', actor: 'a', defaultStage: 'off', force: true });
    expect(forced).toMatchObject({ from: 'off', to: 'live', forced: true });
  });

  it('a partial percent holds that share at the next stage; history is newest first and per route', async () => {
    await store.change({ route: 'r', stage: 'dualwrite', actor: 'a', defaultStage: 'off' });
    await store.change({ route: 'r', stage: 'shadow', actor: 'a', defaultStage: 'off' });
    await store.change({ route: 'other', stage: 'dualwrite', actor: 'a', defaultStage: 'off' });
    const held = await store.change({ route: 'r', stage: 'live', percent: 10, actor: 'a', defaultStage: 'off' });
    expect(held).toMatchObject({ from: 'shadow', to: 'live', percent: 10 });
    expect((await store.states()).get('r')).toMatchObject({ stage: 'shadow', rollout: { stage: 'live', percent: 10 } });
    expect((await store.history('r')).map((h) => h.to)).toEqual(['live', 'shadow', 'dualwrite']);
    expect((await store.history(undefined, 2)).map((h) => h.route)).toEqual(['r', 'other']);
    expect([...(await store.states()).keys()]).toEqual(['other', 'r']);
  });

  it('a change expecting a state that has moved on is refused and writes nothing', async () => {
    const first = await store.change({ route: 'r', stage: 'dualwrite', actor: 'a', defaultStage: 'off', expected: null });
    const seen = (await store.state('r'))!;
    await store.change({ route: 'r', stage: 'shadow', actor: 'b', defaultStage: 'off', expected: seen });
    await expect(attempt({ route: 'r', stage: 'off', actor: 'c', defaultStage: 'off', expected: seen }))
      .rejects.toEqual(expect.objectContaining({ code: 'STAGE_CHANGED' }));
    await expect(attempt({ route: 'r', stage: 'off', actor: 'c', defaultStage: 'off', expected: null })).rejects.toBeInstanceOf(StageChangeError);
    expect((await store.history('r')).map((h) => h.actor)).toEqual(['b', first.actor]);
  });

  it('two racing changes expecting the same state write one audit entry', async () => {
    await store.change({ route: 'r', stage: 'live', actor: 'a', defaultStage: 'off', force: true });
    const seen = (await store.state('r'))!;
    const race = await Promise.allSettled([1, 2, 3].map((n) =>
      attempt({ route: 'r', stage: 'shadow', actor: `replica-${n}`, defaultStage: 'off', expected: seen })));
    expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await store.history('r')).filter((h) => h.to === 'shadow')).toHaveLength(1);
  });

  it('ignore rules: added once per route and path (a second add updates the reason), listed, removed', async () => {
    const a = await store.addIgnoreRule({ route: 'r', path: '$.updatedAt', reason: 'clock', actor: 'ana' });
    const again = await store.addIgnoreRule({ route: 'r', path: '$.updatedAt', reason: 'clock skew', actor: 'bo' });
    expect(again.id).toBe(a.id);
    const b = await store.addIgnoreRule({ route: 's', path: '$.etag', reason: 'hash', actor: 'ana' });
    expect(await store.ignoreRules('r')).toEqual([{ id: a.id, route: 'r', path: '$.updatedAt', reason: 'clock skew', actor: 'bo', createdAt: again.createdAt }]);
    expect((await store.ignoreRules()).map((r) => r.id)).toEqual([a.id, b.id]);
    expect(await store.removeIgnoreRule({ route: 'r', path: '$.updatedAt' })).toBe(true);
    expect(await store.removeIgnoreRule({ id: b.id })).toBe(true);
    expect(await store.removeIgnoreRule({ id: b.id })).toBe(false);
    expect(await store.ignoreRules()).toEqual([]);
  });
}

describe('state store on SQLite', () => stateStoreSuite(sqliteEngine));

describeWithPostgres('state store on PostgreSQL', () => {
  stateStoreSuite(postgresEngine);

  it('replicas starting at once migrate the schema once and share one state', async () => {
    const pg = await startPostgres();
    try {
      const url = await pg.createDatabase();
      const dbs = await Promise.all([1, 2, 3].map(() => openDatabase(url)));
      const stores = await Promise.all(dbs.map((d) => openStateStore(d)));
      await stores[0].change({ route: 'r', stage: 'dualwrite', actor: 'a', defaultStage: 'off' });
      expect((await stores[2].state('r'))?.stage).toBe('dualwrite');
      expect(await dbs[1].sql.get('SELECT version FROM strangler_schema WHERE component = ?', ['state'])).toEqual({ version: STATE_MIGRATIONS.length });
      await Promise.all(dbs.map((d) => d.close()));
    } finally {
      await pg.stop();
    }
  });
});
