// A divergence the shared PostgreSQL state could not take (the database restarting) waits in memory;
// when the flag provider sees the database again it is stored at once, not at the recorder's next
// backed-off round (up to 30 s later: `divergences list` showed nothing meanwhile, hostile15). And a
// store whose table migration met the database away retries it: it failed every later divergence.
import pino from 'pino';
import { Registry } from 'prom-client';
import { describeWithPostgres, startPostgres, type TestPostgres } from '../helpers/postgres';
import { openDatabase, type OpenedDatabase } from '../../src/io/db/open';
import { PgStateStore } from '../../src/io/pg-state-store';
import { PostgresFlagProvider } from '../../src/flags/postgres';
import { DivergenceRecorder, divergenceMetrics } from '../../src/io/divergence-recorder';
import { DivergenceStore, type NewDivergence } from '../../src/io/divergence-store';

jest.setTimeout(60_000);

const divergence: NewDivergence = {
  at: '2026-12-07T00:00:00.000Z', route: 'orders', stage: 'dualwrite', requestId: 'r-1', side: 'service', upstream: 'svc',
  reason: 'second_write_status_500', path: '/orders', request: { method: 'POST', target: '/orders', headers: {}, body: Buffer.from('{}') },
  bodyBytes: 2, primaryStatus: 201, secondStatus: 500, secondError: null,
};

const until = async (what: string, ok: () => boolean | Promise<boolean>): Promise<void> => {
  for (let i = 0; i < 400; i++) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never: ${what}`);
};

describeWithPostgres('the state database returning', () => {
  let pg: TestPostgres;
  let db: OpenedDatabase;
  beforeAll(async () => { pg = await startPostgres(); });
  afterAll(async () => { await db?.close().catch(() => undefined); await pg.stop(); });

  it('stores the divergences waiting in memory as soon as the flag provider reconnects', async () => {
    db = await openDatabase(await pg.createDatabase());
    const flags = new PostgresFlagProvider({ store: await PgStateStore.open(db.pg!), pg: db.pg!, pollMs: 100 });
    await flags.ready();
    const store = new DivergenceStore(db.sql, () => Buffer.alloc(32, 7));
    // The recorder's own rounds are a minute apart here: only the provider's word can store it in time.
    const rec = new DivergenceRecorder(store, divergenceMetrics(new Registry(), store, ['orders']), pino({ level: 'silent' }), 60_000, 60_000);
    let returns = 0;
    flags.onReachableAgain(() => { returns++; rec.retryNow(); });
    try {
      expect(await store.list('orders')).toEqual([]); // its table made while the database is up
      await pg.halt();
      await until('the provider sees the database gone', () => !flags.health().connected);
      expect(await rec.record(divergence, Number.MAX_SAFE_INTEGER)).toBeNull();

      await pg.resume();
      await until('the provider sees the database back', () => flags.health().connected);
      expect(returns).toBe(1);
      await until('the divergence is listed', async () => (await store.list('orders').catch(() => [])).length === 1);
      expect((await store.list('orders'))[0]).toMatchObject({ requestId: 'r-1', reason: 'second_write_status_500' });
    } finally {
      await rec.close();
      await flags.close();
    }
  });

  it('a store first used while the database is away works once it is back', async () => {
    const opened = await openDatabase(await pg.createDatabase());
    try {
      await pg.halt();
      const store = new DivergenceStore(opened.sql, () => Buffer.alloc(32, 7)); // its migration fails now
      await expect(store.add(divergence)).rejects.toThrow(/ECONNREFUSED|terminat|connect/);
      await pg.resume();
      expect(await store.add(divergence)).toBe(1);
      expect((await store.list('orders')).map((d) => d.requestId)).toEqual(['r-1']);
    } finally {
      await opened.close();
    }
  });
});
