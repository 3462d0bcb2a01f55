// Anti-corruption layer: turns the catalog's domain model into the monolith's public wire
// format (snake_case PRODUCT, "12.50" prices, "YYYY-MM-DD HH:MM:SS" timestamps), so clients
// can't tell which side answered. The parts of the wire format no service owns (the HTML 404
// page, JSON 400/500 error bodies, the timestamp format) come from the kit's legacy-http.ts.
import { toLegacyTimestamp } from '../../kit/legacy-http';
import { formatMoney, type CatalogItem, type PriceRounding } from './domain';

/** The legacy PRODUCT, field order as the monolith writes it. */
export interface LegacyProduct {
  id: number;
  sku: string;
  name: string;
  description: string;
  category: string;
  price: string;
  currency: string;
  created_at: string;
  updated_at: string;
}

export interface LegacyProductPage {
  products: LegacyProduct[];
  page: number;
  per_page: number;
  total: number;
}

export function toLegacyProduct(item: CatalogItem, rounding: PriceRounding): LegacyProduct {
  return {
    id: item.itemId,
    sku: item.sku,
    name: item.title,
    description: item.summary,
    category: item.categorySlug,
    price: formatMoney(item.unitPrice, rounding),
    currency: item.unitPrice.currency,
    created_at: toLegacyTimestamp(item.createdAt),
    updated_at: toLegacyTimestamp(item.updatedAt),
  };
}

export function toLegacyProductPage(
  items: readonly CatalogItem[],
  paging: { page: number; perPage: number; total: number },
  rounding: PriceRounding,
): LegacyProductPage {
  return {
    products: items.map((item) => toLegacyProduct(item, rounding)),
    page: paging.page,
    per_page: paging.perPage,
    total: paging.total,
  };
}
