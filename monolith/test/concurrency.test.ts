// The oversell guard, end to end: TWO monolith processes share one WAL database file and
// race orders for the last units. Each process stalls 50 ms inside its order transaction
// (test fixture), so the two transactions surely overlap; BEGIN IMMEDIATE must serialize
// them: exactly as many orders win as there are units, and nothing fails with SQLITE_BUSY.
import Database from 'better-sqlite3';
import { spawnMonolith, type MonolithProcess } from './helpers/child';
import { removeTempDirs, seededDbPath } from './helpers/fixtures';

let left: MonolithProcess | undefined;
let right: MonolithProcess | undefined;
let db: Database.Database; // the test's own connection to the shared file

beforeAll(async () => {
  const dbPath = seededDbPath(20);
  const fixture = { script: 'monolith/test/helpers/stalling-monolith.ts', env: { ORDER_STALL_MS: '50' } };
  [left, right] = await Promise.all([spawnMonolith(dbPath, fixture), spawnMonolith(dbPath, fixture)]);
  db = new Database(dbPath);
  db.pragma('busy_timeout = 5000');
  // Open a keep-alive connection to each process so both racing requests start equally warm.
  await Promise.all([fetch(`${left.url}/api/products/1`), fetch(`${right.url}/api/products/1`)]);
}, 40_000);

afterAll(async () => {
  db?.close();
  await Promise.all([left?.stop(), right?.stop()]);
  removeTempDirs();
});

const setStock = (sku: string, onHand: number): void => {
  db.prepare('UPDATE inventory SET on_hand = ?, reserved = 0 WHERE sku = ?').run(onHand, sku);
};
const onHand = (sku: string): unknown => db.prepare('SELECT on_hand FROM inventory WHERE sku = ?').pluck().get(sku);
const ordersFor = (sku: string): unknown =>
  db
    .prepare(
      "SELECT COUNT(*) FROM order_items oi JOIN orders o ON o.id = oi.order_id WHERE oi.sku = ? AND o.status = 'placed'",
    )
    .pluck()
    .get(sku);

async function order(base: string, items: Array<{ sku: string; quantity: number }>) {
  const res = await fetch(`${base}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ items }),
  });
  return { status: res.status, body: (await res.json()) as { error?: string; sku?: string } };
}

it('the two processes really are separate and share one database', () => {
  expect(left!.pid).not.toBe(right!.pid);
  expect(left!.url).not.toBe(right!.url);
});

it.each(Array.from({ length: 8 }, (_, i) => `SKU-${String(i + 1).padStart(6, '0')}`))(
  'two processes ordering the last unit of %s at once: exactly one wins',
  async (sku) => {
    setStock(sku, 1);
    const results = await Promise.all([order(left!.url, [{ sku, quantity: 1 }]), order(right!.url, [{ sku, quantity: 1 }])]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)!.body).toEqual({ error: 'insufficient_stock', sku });
    expect(onHand(sku)).toBe(0);
    expect(ordersFor(sku)).toBe(1);
  },
);

it('twelve orders spread over both processes for three units: exactly three win', async () => {
  const sku = 'SKU-000010';
  setStock(sku, 3);
  const results = await Promise.all(
    Array.from({ length: 12 }, (_, i) => order((i % 2 ? left : right)!.url, [{ sku, quantity: 1 }])),
  );
  expect(results.filter((r) => r.status === 201)).toHaveLength(3);
  expect(results.filter((r) => r.status === 409)).toHaveLength(9);
  expect(onHand(sku)).toBe(0);
  expect(ordersFor(sku)).toBe(3);
});

it('two multi-item orders crossing over the same two last units: one wins whole, the other changes nothing', async () => {
  const [x, y] = ['SKU-000011', 'SKU-000012'];
  for (let round = 0; round < 5; round++) {
    setStock(x, 1);
    setStock(y, 1);
    const before = [ordersFor(x), ordersFor(y)] as number[];
    const results = await Promise.all([
      order(left!.url, [{ sku: x, quantity: 1 }, { sku: y, quantity: 1 }]),
      order(right!.url, [{ sku: y, quantity: 1 }, { sku: x, quantity: 1 }]),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect([onHand(x), onHand(y)]).toEqual([0, 0]);
    expect([ordersFor(x), ordersFor(y)]).toEqual([before[0]! + 1, before[1]! + 1]);
  }
});
