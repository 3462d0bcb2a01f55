// Backfill failure modes: each bad situation gives a BackfillError with a stable code and a
// message naming the culprit, and none of them leaves half a batch in the service database.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openMonolithDb } from '../../monolith/src/schema';
import { runBackfill } from '../backfill/engine';
import { BackfillError } from '../backfill/errors';
import { createMonolithFixture, dumpTable, fixtureSku } from '../backfill/fixtures';
import { legacyToIso } from '../backfill/mapping';

let dir: string;
let monolithDb: string;
let serviceDb: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'backfill-err-'));
  monolithDb = join(dir, 'monolith.db');
  serviceDb = join(dir, 'service.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (capability: 'catalog' | 'inventory', extra: { serviceDb?: string; busyTimeoutMs?: number } = {}) =>
  runBackfill({ capability, monolithDb, serviceDb, batchSize: 100, busyTimeoutMs: 200, ...extra });

describe('backfill errors', () => {
  it('a missing monolith database gives MONOLITH_DB_MISSING and creates no service database', async () => {
    await expect(run('catalog')).rejects.toMatchObject({ code: 'MONOLITH_DB_MISSING', message: expect.stringContaining(monolithDb) });
    expect(existsSync(serviceDb)).toBe(false);
  });

  it('a monolith without the inventory table gives WRONG_SCHEMA naming the table', async () => {
    const db = new Database(monolithDb);
    db.exec('CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT); CREATE TABLE change_log (seq INTEGER PRIMARY KEY)');
    db.close();
    const err = await run('inventory').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackfillError);
    expect(err).toMatchObject({ code: 'WRONG_SCHEMA', message: expect.stringContaining('no table "inventory"') });
    expect(existsSync(serviceDb)).toBe(false);
  });

  it('a products table without price_cents gives WRONG_SCHEMA naming the column', async () => {
    const db = new Database(monolithDb);
    db.exec(`CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT, name TEXT, description TEXT, category TEXT,
      created_at TEXT, updated_at TEXT); CREATE TABLE change_log (seq INTEGER PRIMARY KEY, entity, entity_key, op)`);
    db.close();
    await expect(run('catalog')).rejects.toMatchObject({ code: 'WRONG_SCHEMA', message: expect.stringContaining('"price_cents"') });
  });

  it('a file that is not SQLite gives WRONG_SCHEMA', async () => {
    writeFileSync(monolithDb, 'id,sku\n1,SKU-000001\n'.repeat(200));
    await expect(run('catalog')).rejects.toMatchObject({ code: 'WRONG_SCHEMA' });
  });

  it('a monolith locked by another connection (BEGIN EXCLUSIVE) gives DB_LOCKED', async () => {
    createMonolithFixture(monolithDb, 50);
    const locker = new Database(monolithDb);
    locker.pragma('journal_mode = DELETE'); // in WAL mode readers are never blocked
    locker.exec('BEGIN EXCLUSIVE');
    try {
      await expect(run('inventory')).rejects.toMatchObject({ code: 'DB_LOCKED', message: expect.stringContaining('monolith') });
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
    expect(existsSync(serviceDb)).toBe(false);
  });

  it('a service database locked by the running service gives DB_LOCKED and writes nothing', async () => {
    createMonolithFixture(monolithDb, 50);
    await run('inventory');
    const locker = new Database(serviceDb);
    locker.exec('BEGIN EXCLUSIVE');
    const monolith = openMonolithDb(monolithDb);
    monolith.prepare('UPDATE inventory SET on_hand = 1 WHERE sku = ?').run(fixtureSku(3));
    monolith.close();
    try {
      await expect(run('inventory')).rejects.toMatchObject({ code: 'DB_LOCKED', message: expect.stringContaining('service') });
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
    expect(await run('inventory')).toMatchObject({ changesApplied: 1, sampleMismatches: [] });
  });

  it.each([
    ['its directory is a file', (d: string) => (writeFileSync(join(d, 'file'), 'x'), join(d, 'file', 'service.db'))],
    ['it is a directory', (d: string) => (mkdirSync(join(d, 'svc')), join(d, 'svc'))],
  ])('a service database that cannot be created because %s gives SERVICE_DB_UNWRITABLE', async (_why, place) => {
    createMonolithFixture(monolithDb, 10);
    await expect(run('catalog', { serviceDb: place(dir) })).rejects.toMatchObject({ code: 'SERVICE_DB_UNWRITABLE' });
  });

  it('an unmappable monolith row stops the run with BAD_SOURCE_ROW and only whole batches stay', async () => {
    createMonolithFixture(monolithDb, 300);
    const db = openMonolithDb(monolithDb);
    db.prepare("UPDATE products SET updated_at = 'last tuesday' WHERE id = 250").run();
    db.close();
    await expect(run('catalog')).rejects.toMatchObject({
      code: 'BAD_SOURCE_ROW',
      message: expect.stringContaining(`products row ${fixtureSku(250)}: updated_at "last tuesday"`),
    });
    expect(dumpTable(serviceDb, 'catalog_items')).toHaveLength(200);
    expect(dumpTable(serviceDb, 'backfill_state')).toMatchObject([{ bulk_cursor: '200', bulk_done: 0 }]);
  });

  it('a checkpoint ahead of the monolith change_log (replaced monolith) gives CHECKPOINT_AHEAD', async () => {
    createMonolithFixture(monolithDb, 20);
    await run('catalog');
    rmSync(monolithDb);
    createMonolithFixture(monolithDb, 5);
    await expect(run('catalog')).rejects.toMatchObject({ code: 'CHECKPOINT_AHEAD' });
    const restarted = await runBackfill({ capability: 'catalog', monolithDb, serviceDb, restart: true });
    expect(restarted).toMatchObject({ copied: 5, sourceCount: 5 });
  });
});

describe('legacy timestamps', () => {
  const where = { table: 't', key: 'k', field: 'f' };
  it.each([
    ['2024-01-01 00:00:00', '2024-01-01T00:00:00.000Z'],
    ['2024-02-29 23:59:59', '2024-02-29T23:59:59.000Z'],
    ['2024-05-01 12:00:00.5', '2024-05-01T12:00:00.500Z'],
  ])('%s (UTC) becomes %s', (legacy, iso) => expect(legacyToIso(legacy, where)).toBe(iso));

  it.each(['2023-02-29 00:00:00', '2024-01-01T00:00:00Z', '', null])('%p is rejected', (bad) => {
    expect(() => legacyToIso(bad, where)).toThrow(expect.objectContaining({ code: 'BAD_SOURCE_ROW' }));
  });
});
