// Builds every domain store over the one shared database, once per app, so each route module
// gets ready-prepared statements instead of preparing per request.
import type Database from 'better-sqlite3';
import { legacyNow } from '../schema';
import { createInventoryStore, type InventoryStore } from './inventory';
import { createOrderStore, type OrderHooks, type OrderStore } from './orders';
import { createProductStore, type ProductStore } from './products';
import { createUserStore, type UserStore } from './users';

export interface Stores {
  products: ProductStore;
  inventory: InventoryStore;
  orders: OrderStore;
  users: UserStore;
}

/** `clock` is injectable so tests can pin the legacy timestamps; defaults to the wall clock. */
export function createStores(
  db: Database.Database,
  clock: () => Date = () => new Date(),
  orderHooks: OrderHooks = {},
): Stores {
  const now = (): string => legacyNow(clock());
  return {
    products: createProductStore(db),
    inventory: createInventoryStore(db, now),
    orders: createOrderStore(db, now, orderHooks),
    users: createUserStore(db, now),
  };
}
