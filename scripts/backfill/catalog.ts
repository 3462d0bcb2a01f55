// Catalog mapping: monolith `products` → catalog service `catalog_items`.
// name→title, description→summary, category→category_slug, price_cents→unit_price_minor (USD),
// legacy UTC timestamps → ISO 8601. Bulk order is the product id; change-log key is the SKU.
import { openCatalogDb } from '../../extracted/catalog/src/schema';
import type { ProductRow } from '../../monolith/src/store/products';
import type { ItemRow as CatalogItemWrite } from '../../extracted/catalog/src/repository';
import { diffFields, legacyToIso, type Mapping } from './mapping';

// Row shapes are the two schemas' own (read by the monolith's store, written like the service's repository).
export type { ProductRow } from '../../monolith/src/store/products';
export type { ItemRow as CatalogItemWrite } from '../../extracted/catalog/src/repository';

const PRODUCT_COLUMNS = 'id, sku, name, description, category, price_cents, created_at, updated_at';
const ITEM_FIELDS = [
  'sku',
  'title',
  'summary',
  'category_slug',
  'unit_price_minor',
  'currency',
  'created_at',
  'updated_at',
] as const;

const MIN_ID = '-9223372036854775808';

export const catalogMapping: Mapping<ProductRow, CatalogItemWrite> = {
  name: 'catalog',
  entity: 'product',
  requiredSource: {
    products: PRODUCT_COLUMNS.split(', '),
    change_log: ['seq', 'entity', 'entity_key', 'op'],
  },
  openTarget: openCatalogDb,
  sql: {
    sourceCount: 'SELECT COUNT(*) FROM products',
    sourceBatchAfter: `SELECT ${PRODUCT_COLUMNS} FROM products
      WHERE id > CAST(COALESCE(@cursor, '${MIN_ID}') AS INTEGER) ORDER BY id LIMIT @limit`,
    sourceCountUpTo: 'SELECT COUNT(*) FROM products WHERE id <= CAST(@cursor AS INTEGER)',
    sourceByKeys: `SELECT ${PRODUCT_COLUMNS} FROM products WHERE sku IN (SELECT value FROM json_each(@keys))`,
    sourceSampleKeys: `SELECT sku FROM (SELECT sku, ROW_NUMBER() OVER (ORDER BY id) AS rn FROM products)
      WHERE rn % @stride = 0 LIMIT @limit`,
    targetCount: 'SELECT COUNT(*) FROM catalog_items',
    // A SKU moved to another product id leaves a stale row holding the unique SKU: drop it first.
    targetEvict: 'DELETE FROM catalog_items WHERE sku = @sku AND item_id <> @item_id',
    targetUpsert: `INSERT INTO catalog_items (item_id, ${ITEM_FIELDS.join(', ')})
      VALUES (@item_id, ${ITEM_FIELDS.map((f) => '@' + f).join(', ')})
      ON CONFLICT (item_id) DO UPDATE SET ${ITEM_FIELDS.map((f) => `${f} = excluded.${f}`).join(', ')}
      WHERE (${ITEM_FIELDS.join(', ')}) IS NOT (${ITEM_FIELDS.map((f) => 'excluded.' + f).join(', ')})`,
    targetDelete: 'DELETE FROM catalog_items WHERE sku = @key',
    targetByKeys: 'SELECT * FROM catalog_items WHERE sku IN (SELECT value FROM json_each(@keys))',
  },
  keyOf: (row) => row.sku,
  cursorOf: (row) => String(row.id),
  targetKeyOf: (row) => String(row.sku),
  toTarget(row) {
    const where = { table: 'products', key: row.sku };
    return {
      item_id: row.id,
      sku: row.sku,
      title: row.name,
      summary: row.description,
      category_slug: row.category,
      unit_price_minor: row.price_cents,
      currency: 'USD', // the monolith only ever sold in USD; the service makes it explicit
      created_at: legacyToIso(row.created_at, { ...where, field: 'created_at' }),
      updated_at: legacyToIso(row.updated_at, { ...where, field: 'updated_at' }),
    };
  },
  compare(source, target) {
    return diffFields(source.sku, catalogMapping.toTarget(source), target);
  },
};
