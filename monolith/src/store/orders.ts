// Orders: the monolith's one cross-domain write. Placing an order checks and decrements the
// stock of every item inside ONE `BEGIN IMMEDIATE` transaction, so two processes sharing the
// WAL database serialize on the write lock and can't both sell the last unit.
import type Database from 'better-sqlite3';
import { centsToString } from '../money';

export interface OrderItemInput {
  sku: string;
  quantity: number;
}

interface OrderRow {
  id: number;
  user_id: number | null;
  status: 'placed' | 'cancelled';
  total_cents: number;
  created_at: string;
  updated_at: string;
}

interface OrderItemRow {
  sku: string;
  quantity: number;
  unit_price_cents: number;
}

export interface Order extends OrderRow {
  items: OrderItemRow[];
}

export type PlaceResult =
  | { ok: true; order: Order }
  | { ok: false; error: 'insufficient_stock' | 'unknown_sku'; sku: string };

export type CancelResult = { ok: true; order: Order } | { ok: false; error: 'not_found' | 'already_cancelled' };

/** Wire shape of an order: money as two-decimal strings, items in the order they were placed. */
export function toOrderJson(order: Order) {
  return {
    id: order.id,
    status: order.status,
    user_id: order.user_id,
    items: order.items.map((item) => ({
      sku: item.sku,
      quantity: item.quantity,
      unit_price: centsToString(item.unit_price_cents),
    })),
    total: centsToString(order.total_cents),
    created_at: order.created_at,
    updated_at: order.updated_at,
  };
}

/** Test seams; production passes none. */
export interface OrderHooks {
  /**
   * Runs inside the order transaction, after every item's stock was checked and before any
   * write: the window a missing write lock would let a second process into. Tests stall here.
   */
  afterStockChecked?: (items: readonly OrderItemInput[]) => void;
}

export interface OrderStore {
  place(items: readonly OrderItemInput[], userId: number | null): PlaceResult;
  get(id: number): Order | undefined;
  /** Marks the order cancelled and puts its items back on hand. */
  cancel(id: number): CancelResult;
}

export function createOrderStore(db: Database.Database, now: () => string, hooks: OrderHooks = {}): OrderStore {
  const stockOf = db.prepare<[string], { price_cents: number; on_hand: number | null; reserved: number | null }>(
    `SELECT p.price_cents, i.on_hand, i.reserved
       FROM products p LEFT JOIN inventory i ON i.sku = p.sku WHERE p.sku = ?`,
  );
  const takeStock = db.prepare<[number, string, string, number]>(
    'UPDATE inventory SET on_hand = on_hand - ?, updated_at = ? WHERE sku = ? AND on_hand - reserved >= ?',
  );
  const returnStock = db.prepare<[number, string, string]>(
    'UPDATE inventory SET on_hand = on_hand + ?, updated_at = ? WHERE sku = ?',
  );
  const insertOrder = db.prepare<[number | null, number, string, string]>(
    "INSERT INTO orders (user_id, status, total_cents, created_at, updated_at) VALUES (?, 'placed', ?, ?, ?)",
  );
  const insertItem = db.prepare<[number, string, number, number]>(
    'INSERT INTO order_items (order_id, sku, quantity, unit_price_cents) VALUES (?, ?, ?, ?)',
  );
  const orderById = db.prepare<[number], OrderRow>(
    'SELECT id, user_id, status, total_cents, created_at, updated_at FROM orders WHERE id = ?',
  );
  // rowid order = insertion order = the order the client listed the items in.
  const itemsOf = db.prepare<[number], OrderItemRow>(
    'SELECT sku, quantity, unit_price_cents FROM order_items WHERE order_id = ? ORDER BY rowid',
  );
  const markCancelled = db.prepare<[string, number]>(
    "UPDATE orders SET status = 'cancelled', updated_at = ? WHERE id = ?",
  );

  const get = (id: number): Order | undefined => {
    const row = orderById.get(id);
    return row ? { ...row, items: itemsOf.all(id) } : undefined;
  };

  const placeTx = db.transaction((items: readonly OrderItemInput[], userId: number | null): PlaceResult => {
    // Check every item before writing anything, so a refusal leaves the database untouched.
    const prices: number[] = [];
    for (const item of items) {
      const stock = stockOf.get(item.sku);
      if (!stock) return { ok: false, error: 'unknown_sku', sku: item.sku };
      const available = (stock.on_hand ?? 0) - (stock.reserved ?? 0);
      if (available < item.quantity) return { ok: false, error: 'insufficient_stock', sku: item.sku };
      prices.push(stock.price_cents);
    }
    hooks.afterStockChecked?.(items);
    const stamp = now();
    const total = items.reduce((sum, item, i) => sum + item.quantity * prices[i]!, 0);
    const orderId = Number(insertOrder.run(userId, total, stamp, stamp).lastInsertRowid);
    items.forEach((item, i) => {
      insertItem.run(orderId, item.sku, item.quantity, prices[i]!);
      // Guarded decrement: a failed guard here would be a bug in the checks above, so roll back.
      if (takeStock.run(item.quantity, stamp, item.sku, item.quantity).changes !== 1) {
        throw new Error(`stock for ${item.sku} changed inside the order transaction`);
      }
    });
    return { ok: true, order: get(orderId)! };
  });

  const cancelTx = db.transaction((id: number): CancelResult => {
    const order = get(id);
    if (!order) return { ok: false, error: 'not_found' };
    if (order.status === 'cancelled') return { ok: false, error: 'already_cancelled' };
    const stamp = now();
    for (const item of order.items) returnStock.run(item.quantity, stamp, item.sku);
    markCancelled.run(stamp, id);
    return { ok: true, order: get(id)! };
  });

  return {
    place: (items, userId) => placeTx.immediate(items, userId),
    get,
    cancel: (id) => cancelTx.immediate(id),
  };
}
