// Catalog reads over the `products` table, and the legacy PRODUCT JSON shape. Statements
// are prepared once per app: one per (sort, with/without category) pair, since ORDER BY
// can't be a bound parameter.
import type Database from 'better-sqlite3';
import { centsToString } from '../money';

export const SORTS = ['id', 'name', 'price', '-id', '-name', '-price'] as const;
export type Sort = (typeof SORTS)[number];

export interface ProductRow {
  id: number;
  sku: string;
  name: string;
  description: string;
  category: string;
  price_cents: number;
  created_at: string;
  updated_at: string;
}

/** The wire PRODUCT: snake_case, price as a two-decimal string, currency always USD. */
export interface ProductJson {
  id: number;
  sku: string;
  name: string;
  description: string;
  category: string;
  price: string;
  currency: 'USD';
  created_at: string;
  updated_at: string;
}

export function toProductJson(row: ProductRow): ProductJson {
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    category: row.category,
    price: centsToString(row.price_cents),
    currency: 'USD',
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

// Ties broken by id so that paging is stable.
const ORDER_BY: Record<Sort, string> = {
  id: 'id ASC',
  '-id': 'id DESC',
  name: 'name ASC, id ASC',
  '-name': 'name DESC, id DESC',
  price: 'price_cents ASC, id ASC',
  '-price': 'price_cents DESC, id DESC',
};

export interface ProductQuery {
  page: number;
  perPage: number;
  category?: string;
  sort: Sort;
}

export interface ProductStore {
  list(query: ProductQuery): { rows: ProductRow[]; total: number };
  get(id: number): ProductRow | undefined;
  getBySku(sku: string): ProductRow | undefined;
}

export function createProductStore(db: Database.Database): ProductStore {
  const columns = 'id, sku, name, description, category, price_cents, created_at, updated_at';
  const listAll = new Map<Sort, Database.Statement<[number, number], ProductRow>>();
  const listInCategory = new Map<Sort, Database.Statement<[string, number, number], ProductRow>>();
  for (const sort of SORTS) {
    listAll.set(sort, db.prepare(`SELECT ${columns} FROM products ORDER BY ${ORDER_BY[sort]} LIMIT ? OFFSET ?`));
    listInCategory.set(
      sort,
      db.prepare(`SELECT ${columns} FROM products WHERE category = ? ORDER BY ${ORDER_BY[sort]} LIMIT ? OFFSET ?`),
    );
  }
  const countAll = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM products');
  const countInCategory = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM products WHERE category = ?');
  const byId = db.prepare<[number], ProductRow>(`SELECT ${columns} FROM products WHERE id = ?`);
  const bySku = db.prepare<[string], ProductRow>(`SELECT ${columns} FROM products WHERE sku = ?`);

  // Rows and total read in one snapshot so they agree with each other.
  const listTx = db.transaction(({ page, perPage, category, sort }: ProductQuery) => {
    const offset = (page - 1) * perPage;
    if (category === undefined) {
      return { rows: listAll.get(sort)!.all(perPage, offset), total: countAll.get()!.n };
    }
    return {
      rows: listInCategory.get(sort)!.all(category, perPage, offset),
      total: countInCategory.get(category)!.n,
    };
  });

  return {
    list: (query) => listTx(query),
    get: (id) => byId.get(id),
    getBySku: (sku) => bySku.get(sku),
  };
}
