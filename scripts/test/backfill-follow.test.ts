// Follow mode: after the copy, monolith writes keep flowing into the service database until
// the signal aborts. Tests wait on the onApplied hook, never on a sleep.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { legacyNow, openMonolithDb } from '../../monolith/src/schema';
import { followBackfill, runBackfill } from '../backfill/engine';
import { createMonolithFixture, dumpTable, fixtureSku, insertFixtureProducts } from '../backfill/fixtures';

let dir: string;
let monolithDb: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'backfill-follow-'));
  monolithDb = join(dir, 'monolith.db');
  createMonolithFixture(monolithDb, 300);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Resolves once `onApplied` has reported at least `entries` change_log entries. */
function appliedAtLeast(entries: number) {
  let seen = 0;
  let reached!: () => void;
  const done = new Promise<void>((resolve) => (reached = resolve));
  const onApplied = (n: number) => {
    seen += n;
    if (seen >= entries) reached();
  };
  return { done, onApplied };
}

type Row = Record<string, unknown>;
const stock = (serviceDb: string) =>
  new Map((dumpTable(serviceDb, 'stock_levels') as Row[]).map((row) => [row.sku as string, row]));

describe('follow mode', () => {
  it('applies an order, an insert and a delete made while following, then stops on abort', async () => {
    const serviceDb = join(dir, 'inventory.db');
    await runBackfill({ capability: 'inventory', monolithDb, serviceDb });
    const controller = new AbortController();
    const waiter = appliedAtLeast(3);
    const following = followBackfill({
      capability: 'inventory', monolithDb, serviceDb, intervalMs: 10, signal: controller.signal, onApplied: waiter.onApplied,
    });

    const shop = openMonolithDb(monolithDb);
    shop.transaction(() => {
      shop.prepare('UPDATE inventory SET on_hand = on_hand - 1, updated_at = ? WHERE sku = ?').run(legacyNow(), fixtureSku(5));
      insertFixtureProducts(shop, 301, 301);
      shop.prepare('DELETE FROM inventory WHERE sku = ?').run(fixtureSku(9));
    })();
    const onHand = shop.prepare('SELECT on_hand FROM inventory WHERE sku = ?').pluck().get(fixtureSku(5));
    shop.close();

    await waiter.done;
    controller.abort();
    const totals = await following;
    expect(totals).toMatchObject({ capability: 'inventory', copied: 0, changesApplied: 3 });
    expect(totals.batches).toBeGreaterThanOrEqual(1);

    const rows = stock(serviceDb);
    expect(rows.get(fixtureSku(5))).toMatchObject({ quantity_on_hand: onHand, version: 2 });
    expect(rows.get(fixtureSku(301))).toMatchObject({ version: 1 });
    expect(rows.has(fixtureSku(9))).toBe(false);
    expect(rows.size).toBe(300);
  });

  it('on a fresh service database it copies everything first, then follows', async () => {
    const serviceDb = join(dir, 'catalog.db');
    const controller = new AbortController();
    const waiter = appliedAtLeast(1);
    let copiedSoFar = 0;
    const following = followBackfill({
      capability: 'catalog', monolithDb, serviceDb, batchSize: 100, intervalMs: 10, signal: controller.signal,
      onProgress: (done) => (copiedSoFar = done), onApplied: waiter.onApplied,
    });
    const shop = openMonolithDb(monolithDb);
    shop.prepare("UPDATE products SET name = 'Renamed', updated_at = ? WHERE id = 42").run(legacyNow());
    shop.close();

    await waiter.done;
    controller.abort();
    expect(await following).toMatchObject({ copied: 300, changesApplied: 1 });
    expect(copiedSoFar).toBe(300);
    const item = (dumpTable(serviceDb, 'catalog_items') as Row[]).find((row) => row.item_id === 42);
    expect(item).toMatchObject({ title: 'Renamed' });
  });

  it('an already aborted signal returns at once with the totals', async () => {
    const serviceDb = join(dir, 'inventory.db');
    await runBackfill({ capability: 'inventory', monolithDb, serviceDb });
    const totals = await followBackfill({ capability: 'inventory', monolithDb, serviceDb, signal: AbortSignal.abort() });
    expect(totals).toMatchObject({ copied: 0, changesApplied: 0, batches: 0 });
  });
});
