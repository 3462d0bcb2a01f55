// A state database that fails (here a real SQLite file locked by another connection's BEGIN
// EXCLUSIVE, as a `sqlite3` shell holds it: each try waits the busy timeout, on the facade's one
// thread) must cost one try per retry round, not one per divergence waiting, and lose none once the
// lock is gone (hostile14: one POST took 80.7 s behind the retries of the others).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { Registry } from 'prom-client';
import { SqliteSql } from '../../../src/io/db/sqlite-sql';
import { DivergenceRecorder, divergenceMetrics } from '../../../src/io/divergence-recorder';
import { DivergenceStore, type NewDivergence } from '../../../src/io/divergence-store';

const KEY = Buffer.alloc(32, 7);
let dir: string;
const opened: Database.Database[] = [];

beforeEach(() => { dir = mkdtempSync(path.join(tmpdir(), 'strangler-recorder-')); });
afterEach(() => {
  jest.useRealTimers();
  for (const db of opened.splice(0)) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The facade's store on a file, with a short busy timeout, and another connection that can lock it. */
function lockedStore(): { store: DivergenceStore; lock: Database.Database; tries: () => number; lost: string[]; logger: pino.Logger } {
  const file = path.join(dir, 'state.db');
  const db = new Database(file);
  db.pragma('busy_timeout = 20');
  const store = new DivergenceStore(new SqliteSql(db), () => KEY);
  const lock = new Database(file);
  opened.push(db, lock);
  lock.exec('BEGIN EXCLUSIVE');
  let failed = 0;
  const lost: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => {
    const entry = JSON.parse(line) as { err?: string; level: number; requestId?: string };
    if (entry.err !== undefined) failed++; // a try that failed logs the store's error
    if (entry.level === 60 && entry.requestId) lost.push(entry.requestId);
  } });
  return { store, lock, tries: () => failed, lost, logger };
}

const divergence = (requestId: string): NewDivergence => ({
  at: `2026-12-07T00:00:0${requestId.charCodeAt(0) - 97}.000Z`, route: 'w', stage: 'dualwrite', requestId, side: 'service', upstream: 'svc',
  reason: 'second_write_status_500', path: '/w', request: { method: 'POST', target: '/w', headers: {}, body: Buffer.from(requestId) },
  bodyBytes: 1, primaryStatus: 200, secondStatus: 500, secondError: null,
});

it('tries a locked store once per round, backing off, and stores every divergence in order once the lock is gone', async () => {
  const { store, lock, tries, logger } = lockedStore();
  jest.useFakeTimers();
  const registry = new Registry();
  const rec = new DivergenceRecorder(store, divergenceMetrics(registry, store, ['w']), logger, 1000, 8000);
  const unstored = async (): Promise<number | undefined> => (await registry.getSingleMetric('strangler_divergences_unstored')!.get()).values[0]?.value;
  const ids: Array<number | null> = [];
  for (const id of ['a', 'b', 'c', 'd']) ids.push(await rec.record(divergence(id), 1e9));
  expect(ids).toEqual([null, null, null, null]);
  expect(tries()).toBe(1); // b, c and d waited behind a without a try of their own
  expect(await unstored()).toBe(4); // what `divergences list` cannot show yet

  await jest.advanceTimersByTimeAsync(1000); // the first round: one try, it fails, the round ends
  expect(tries()).toBe(2);
  await jest.advanceTimersByTimeAsync(1999); // backed off: 2000 ms after the failed round
  expect(tries()).toBe(2);
  await jest.advanceTimersByTimeAsync(1);
  expect(tries()).toBe(3);

  lock.exec('COMMIT');
  await jest.advanceTimersByTimeAsync(4000);
  expect((await store.list('w')).map((d) => d.requestId)).toEqual(['a', 'b', 'c', 'd']);
  expect(await unstored()).toBe(0);
  expect(await rec.record(divergence('e'), 1e9)).toBe(5); // healed: stored at once again
  await rec.close();
});

it('once told the database is back, stores what waits at once and starts the back-off over', async () => {
  const { store, lock, tries, logger } = lockedStore();
  jest.useFakeTimers();
  const rec = new DivergenceRecorder(store, divergenceMetrics(new Registry(), store, ['w']), logger, 1000, 30_000);
  for (const id of ['a', 'b']) await rec.record(divergence(id), 1e9);
  for (const ms of [1000, 2000, 4000, 8000]) await jest.advanceTimersByTimeAsync(ms); // four failed rounds: the next is 16 s away
  expect(tries()).toBe(5);
  lock.exec('COMMIT');
  rec.retryNow();
  rec.retryNow(); // a second call beside the round in progress stores nothing twice
  await jest.advanceTimersByTimeAsync(0);
  expect((await store.list('w')).map((d) => d.requestId)).toEqual(['a', 'b']);

  lock.exec('BEGIN EXCLUSIVE'); // fails again: the back-off starts from its first step
  await rec.record(divergence('c'), 1e9);
  const before = tries();
  await jest.advanceTimersByTimeAsync(1000);
  expect(tries()).toBe(before + 1);
  lock.exec('COMMIT');
  await rec.close();
  expect((await store.list('w')).map((d) => d.requestId)).toEqual(['a', 'b', 'c']);
});

it('while serving, a try waits a moment for the lock, not the connection\'s own busy timeout, which stays as it was', async () => {
  const { store, lock, logger } = lockedStore();
  const own = (store.sql as SqliteSql).db;
  own.pragma('busy_timeout = 30000'); // a try that waited it would outlast this test's 5 s
  const rec = new DivergenceRecorder(store, divergenceMetrics(new Registry(), store, ['w']), logger, 60_000);
  const started = Date.now();
  expect(await rec.record(divergence('a'), 1e9)).toBeNull(); // failed: waits in memory
  // SQLite gives up on a lock after exactly the busy timeout in effect: the connection's 30 s were not it.
  expect(Date.now() - started).toBeLessThan(30_000);
  expect(own.pragma('busy_timeout', { simple: true })).toBe(30000);
  lock.exec('COMMIT');
  own.pragma('busy_timeout = 20');
  await rec.close(); // at shutdown the connection's own timeout: stored
  expect((await store.list('w')).map((d) => d.requestId)).toEqual(['a']);
});

it('at shutdown under the lock, after the first failure it logs the rest as lost without trying each', async () => {
  const { store, lock, tries, lost, logger } = lockedStore();
  const rec = new DivergenceRecorder(store, divergenceMetrics(new Registry(), store, ['w']), logger, 60_000);
  for (const id of ['a', 'b', 'c']) await rec.record(divergence(id), 1e9);
  const before = tries();
  await rec.close();
  expect(tries() - before).toBe(1);
  expect(lost).toEqual(['a', 'b', 'c']);
  lock.close();
});

describe('metrics while the state database cannot be read', () => {
  it('a scrape still answers, without the open-divergence gauges, and shows the divergences waiting in memory', async () => {
    const registry = new Registry();
    let down = true;
    const store = {
      openStats: async () => { if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:5432'); return { count: 2, bytes: 40 }; },
      add: async () => { throw new Error('connect ECONNREFUSED 127.0.0.1:5432'); },
    } as unknown as DivergenceStore;
    const recorder = new DivergenceRecorder(store, divergenceMetrics(registry, store, ['orders']), pino({ level: 'silent' }), 60_000, 60_000);
    expect(await recorder.record(divergence('r-1'), Number.MAX_SAFE_INTEGER)).toBeNull();
    const text = await registry.metrics();
    expect(text).toMatch(/^strangler_divergences_unstored 1$/m);
    expect(text).not.toMatch(/^strangler_divergences_open\{/m);
    down = false;
    expect(await registry.metrics()).toMatch(/^strangler_divergences_open\{route="orders"\} 2$/m);
  });
});

describe('a shutdown while the shared state database is away', () => {
  const sqliteStore = (name: string): DivergenceStore => {
    const db = new Database(path.join(dir, name));
    opened.push(db);
    return new DivergenceStore(new SqliteSql(db), () => KEY);
  };
  it('keeps what the database could not take in the local file, sealed, and the next start moves it over in order, once', async () => {
    // The shared database away: a real store on a file another connection holds locked.
    const { store: down, lost: fatal, logger } = lockedStore();
    const spill = { store: sqliteStore('replica.db'), where: path.join(dir, 'replica.db') };
    const before = new DivergenceRecorder(down, divergenceMetrics(new Registry(), down, ['w']), logger, 60_000, 60_000, spill);
    for (const id of ['a', 'b', 'c']) expect(await before.record(divergence(id), 1e9)).toBeNull();
    await before.close();
    expect(fatal).toEqual([]); // nothing lost
    expect((await spill.store.list('w', { status: 'open' })).map((d) => d.requestId)).toEqual(['a', 'b', 'c']);

    const shared = sqliteStore('shared.db');
    // A stop between storing one and removing it from the local file: it is not stored twice.
    await shared.add(divergence('a'));
    const after = new DivergenceRecorder(shared, divergenceMetrics(new Registry(), shared, ['w']), logger, 60_000, 60_000, spill);
    expect(await after.recoverSpilled(['w'])).toBe(3);
    const stored = await shared.list('w', { status: 'open' });
    expect(stored.map((d) => d.requestId)).toEqual(['a', 'b', 'c']);
    expect((await shared.request('w', stored[2]!.id))!.body).toEqual(Buffer.from('c'));
    expect(await spill.store.list('w')).toEqual([]);
    expect(await after.recoverSpilled(['w'])).toBe(0);
  });
});
