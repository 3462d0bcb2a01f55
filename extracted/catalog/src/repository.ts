// Catalog items over the service's own SQLite database (schema.ts). Every statement is
// prepared once when the repository is created; ORDER BY can't be a bound parameter, so
// there is one list statement per (sort, with/without category) pair.
import type Database from 'better-sqlite3';
import { ITEM_SORTS, money, type CatalogItem, type ItemPage, type ItemQuery, type ItemSort } from './domain';

/** One `catalog_items` row as stored (the backfill writes these too). */
export interface ItemRow {
  item_id: number;
  sku: string;
  title: string;
  summary: string;
  category_slug: string;
  unit_price_minor: number;
  currency: string;
  created_at: string;
  updated_at: string;
}

// Ties broken by id so that paging is stable (and matches the legacy order).
const ORDER_BY: Record<ItemSort, string> = {
  id: 'item_id ASC',
  '-id': 'item_id DESC',
  name: 'title ASC, item_id ASC',
  '-name': 'title DESC, item_id DESC',
  price: 'unit_price_minor ASC, item_id ASC',
  '-price': 'unit_price_minor DESC, item_id DESC',
};

const COLUMNS =
  'item_id, sku, title, summary, category_slug, unit_price_minor, currency, created_at, updated_at';

export interface CatalogRepository {
  list(query: ItemQuery): ItemPage;
  get(itemId: number): CatalogItem | undefined;
  /** Inserts or replaces one item (used by tests and tooling; the public API is read-only). */
  save(item: CatalogItem): void;
  /** Saves many items in one transaction. */
  saveAll(items: readonly CatalogItem[]): void;
  count(): number;
}

function toItem(row: ItemRow): CatalogItem {
  return Object.freeze({
    itemId: row.item_id,
    sku: row.sku,
    title: row.title,
    summary: row.summary,
    categorySlug: row.category_slug,
    unitPrice: money(row.unit_price_minor, row.currency),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

export function createCatalogRepository(db: Database.Database): CatalogRepository {
  const listAll = new Map<ItemSort, Database.Statement<[number, number], ItemRow>>();
  const listInCategory = new Map<ItemSort, Database.Statement<[string, number, number], ItemRow>>();
  for (const sort of ITEM_SORTS) {
    const order = ORDER_BY[sort];
    listAll.set(sort, db.prepare(`SELECT ${COLUMNS} FROM catalog_items ORDER BY ${order} LIMIT ? OFFSET ?`));
    listInCategory.set(
      sort,
      db.prepare(`SELECT ${COLUMNS} FROM catalog_items WHERE category_slug = ? ORDER BY ${order} LIMIT ? OFFSET ?`),
    );
  }
  const countAll = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM catalog_items');
  const countInCategory = db.prepare<[string], { n: number }>(
    'SELECT COUNT(*) AS n FROM catalog_items WHERE category_slug = ?',
  );
  const byId = db.prepare<[number], ItemRow>(`SELECT ${COLUMNS} FROM catalog_items WHERE item_id = ?`);
  const upsert = db.prepare<[ItemRow]>(
    `INSERT OR REPLACE INTO catalog_items (${COLUMNS})
     VALUES (@item_id, @sku, @title, @summary, @category_slug, @unit_price_minor, @currency, @created_at, @updated_at)`,
  );

  // Rows and total read in one snapshot so they agree with each other.
  const listTx = db.transaction((query: ItemQuery): ItemPage => {
    const offset = (query.page - 1) * query.perPage;
    if (query.categorySlug === undefined) {
      const rows = listAll.get(query.sort)!.all(query.perPage, offset);
      return { items: rows.map(toItem), total: countAll.get()!.n };
    }
    const rows = listInCategory.get(query.sort)!.all(query.categorySlug, query.perPage, offset);
    return { items: rows.map(toItem), total: countInCategory.get(query.categorySlug)!.n };
  });

  const save = (item: CatalogItem): void => {
    upsert.run({
      item_id: item.itemId,
      sku: item.sku,
      title: item.title,
      summary: item.summary,
      category_slug: item.categorySlug,
      unit_price_minor: item.unitPrice.minor,
      currency: item.unitPrice.currency,
      created_at: item.createdAt,
      updated_at: item.updatedAt,
    });
  };
  const saveAllTx = db.transaction((items: readonly CatalogItem[]) => items.forEach(save));

  return {
    list: (query) => listTx(query),
    get: (itemId) => {
      const row = byId.get(itemId);
      return row ? toItem(row) : undefined;
    },
    save,
    saveAll: (items) => saveAllTx(items),
    count: () => countAll.get()!.n,
  };
}
