// Each side's own location for what a write created is kept in the state database, not only in the
// memory of the process that saw the write: the follow-up copies reach the record the other side
// made when they are sent after a restart, or by another process serving the same state (a worker
// of `--workers`, a replica). Before, such a copy went under the answering side's id: a 404 on the
// service, and a divergence that replay could not repair either.
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import Database from 'better-sqlite3';
import { parseConfig } from '../../src/config';
import { SqliteSql } from '../../src/io/db/sqlite-sql';
import { OwnLocationStore } from '../../src/io/own-location-store';
import { startFacade, type RunningFacade } from '../../src/server';
import { setStage } from '../helpers/admin-client';
import { tempDir } from '../helpers/facade';
import { describeWithPostgres, startPostgres, type TestPostgres } from '../helpers/postgres';
import { startUpstream, type Handler, type TestUpstream } from '../helpers/upstream';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of closers.splice(0).reverse()) await c(); });

function shop(first: number): { handler: Handler; notes: Map<string, string> } {
  let next = first;
  const notes = new Map<string, string>();
  const handler: Handler = (req, res, body) => {
    if (req.method === 'POST' && req.url === '/api/orders') {
      const id = String(next++);
      notes.set(id, '');
      res.writeHead(201, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ id: Number(id), item: 'kettle' }));
    }
    const m = /^\/api\/orders\/(\d+)(\/note)?$/.exec(req.url!);
    if (!m || !notes.has(m[1]!)) { res.writeHead(404, { 'content-type': 'application/json' }); return res.end('{"error":"no such order"}'); }
    if (req.method === 'PUT') notes.set(m[1]!, body);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: Number(m[1]), item: 'kettle', note: notes.get(m[1]!) }));
  };
  return { handler, notes };
}

interface Setup { mono: TestUpstream; svc: TestUpstream; notes: Map<string, string>; state: string }

async function setup(): Promise<Setup> {
  const a = shop(17);
  const b = shop(9001);
  const mono = await startUpstream('monolith', a.handler);
  const svc = await startUpstream('svc', b.handler);
  const dir = tempDir();
  closers.push(async () => { await mono.close(); await svc.close(); fs.rmSync(dir, { recursive: true, force: true }); });
  return { mono, svc, notes: b.notes, state: path.join(dir, 'state.db') };
}

async function facadeOn(s: Setup, done: { n: number } = { n: 0 }, localDir?: string): Promise<RunningFacade> {
  const config = parseConfig({
    monolith: { url: s.mono.url }, services: { svc: { url: s.svc.url } }, routes: [{ name: 'app', match: { path: '/**' }, service: 'svc' }],
    diffStore: { writerThread: false }, state: { db: s.state, ...(localDir ? { localDir } : {}) },
  }, 'test config');
  const f = await startFacade(config, { logger: pino({ level: 'silent' }), port: 0, adminPort: 0, adminToken: 'test-token', onRequestDone: () => { done.n++; } });
  closers.push(() => f.close());
  return f;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

it('after a restart, the follow-up write of a record created before it reaches the service\'s own record', async () => {
  const s = await setup();
  const done = { n: 0 };
  const first = await facadeOn(s, done);
  await setStage(first.adminUrl!, 'app', 'dualwrite');
  const created = await fetch(`${first.url}/api/orders`, { method: 'POST', body: '{"item":"kettle"}' });
  expect(await created.json()).toEqual({ id: 17, item: 'kettle' });
  await until(() => done.n === 1 && s.svc.received.length === 1);
  await first.close();

  const second = await facadeOn(s);
  expect((await fetch(`${second.url}/api/orders/17/note`, { method: 'PUT', body: 'gift' })).status).toBe(200);
  await until(() => s.svc.received.length === 2);
  expect(s.svc.received.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /api/orders', 'PUT /api/orders/9001/note']);
  expect(s.notes.get('9001')).toBe('gift');
  expect(await second.divergences.list('app')).toEqual([]);
});

async function twoFacades(s: Setup, localDirs: [string?, string?] = []): Promise<void> {
  const doneA = { n: 0 };
  const a = await facadeOn(s, doneA, localDirs[0]);
  const b = await facadeOn(s, { n: 0 }, localDirs[1]);
  // At shadow: writes go to both sides, and reads are copied to the service and compared.
  await setStage(a.adminUrl!, 'app', 'shadow');
  await setStage(b.adminUrl!, 'app', 'shadow'); // the stage B serves, whenever it reads A's change
  await fetch(`${a.url}/api/orders`, { method: 'POST', body: '{"item":"kettle"}' });
  await until(() => doneA.n === 1 && s.svc.received.length === 1);
  expect((await fetch(`${b.url}/api/orders/17/note`, { method: 'PUT', body: 'gift' })).status).toBe(200);
  expect((await fetch(`${b.url}/api/orders/17`)).status).toBe(200);
  await until(() => s.svc.received.length === 3);
  expect(s.svc.received.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /api/orders', 'PUT /api/orders/9001/note', 'GET /api/orders/9001']);
  expect(await b.divergences.list('app')).toEqual([]);
}

it('two facades on one state file (a facade\'s --workers): what one paired, the other\'s copies use (a write and a shadowed read)', async () => {
  await twoFacades(await setup());
});

describeWithPostgres('replicas on PostgreSQL', () => {
  let pg: TestPostgres;
  beforeAll(async () => { pg = await startPostgres(); });
  afterAll(async () => { await pg.stop(); });

  it('what one replica paired, the other\'s copies use (a write and a shadowed read)', async () => {
    const s = await setup();
    s.state = await pg.createDatabase();
    const dir = tempDir();
    closers.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
    await twoFacades(s, [path.join(dir, 'a'), path.join(dir, 'b')]);
  });
});

it('a pair that meets another process\'s SQLite lock waits in memory, never on the event loop, and is stored once the lock is gone', async () => {
  const dir = tempDir();
  closers.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'state.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  const store = new OwnLocationStore(new SqliteSql(db), pino({ level: 'silent' }));
  const other = new Database(file);
  other.pragma('busy_timeout = 20');
  other.exec('BEGIN IMMEDIATE'); // a `sqlite3` shell, a backup: holds the write lock
  store.save('svc', { answered: '/orders/17', other: '/orders/9001', params: [] });
  store.save('svc', { answered: '/orders/18', other: '/orders/9002', params: [] });
  await until(() => store.waiting === 2);
  other.exec('COMMIT');
  await until(() => store.waiting === 0);
  expect(await store.find('svc', '/orders/18/note')).toEqual({ answered: '/orders/18', other: '/orders/9002', params: [] });
  expect(await store.find('svc', '/orders/17')).toEqual({ answered: '/orders/17', other: '/orders/9001', params: [] });
  other.close();
  db.close();
});
