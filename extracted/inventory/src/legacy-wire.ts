// Anti-corruption layer: turns the inventory service's StockLevel into the monolith's public
// wire format (snake_case record, `available`, `warehouse`, "YYYY-MM-DD HH:MM:SS" timestamps,
// JSON 400/409 bodies for refused changes), so clients can't tell which side answered. The
// parts of the wire format no service owns (the HTML 404 page, JSON 400/500 error bodies, the
// timestamp format) come from the kit's legacy-http.ts.
import type { Response } from 'express';
import { sendError, toLegacyTimestamp } from '../../kit/legacy-http';
import { available, type OutOfStockWarehouse, type StockLevel, type StockRefusal } from './domain';

/** The legacy inventory record, field order as the monolith writes it. */
export interface LegacyStock {
  sku: string;
  on_hand: number;
  reserved: number;
  available: number;
  /** Missing for out-of-stock levels when the seeded `omit` behaviour is on. */
  warehouse?: string;
  updated_at: string;
}

export function toLegacyStock(level: StockLevel, outOfStockWarehouse: OutOfStockWarehouse): LegacyStock {
  const dropWarehouse = outOfStockWarehouse === 'omit' && level.quantityOnHand === 0;
  return {
    sku: level.sku,
    on_hand: level.quantityOnHand,
    reserved: level.quantityReserved,
    available: available(level),
    ...(dropWarehouse ? {} : { warehouse: level.locationCode }),
    updated_at: toLegacyTimestamp(level.lastChangedAt),
  };
}

/** A refused change as the monolith answers it (status + JSON body). */
export function sendRefusal(res: Response, sku: string, refusal: StockRefusal): void {
  switch (refusal.error) {
    case 'below_reserved':
      return sendError(res, 400, 'invalid_body', { message: `on_hand: must be >= reserved (${refusal.reserved})` });
    case 'insufficient_stock':
      return sendError(res, 409, 'insufficient_stock', { sku, available: refusal.available });
    case 'over_release':
      return sendError(res, 409, 'over_release');
  }
}
