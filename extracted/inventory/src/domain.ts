// The inventory service's own domain model: a stock level per SKU (quantities on hand and
// reserved, a location code, an optimistic version, an ISO timestamp) and the pure rules for
// changing it. Persistence is repository.ts; the legacy wire format is legacy-wire.ts.

export interface StockLevel {
  readonly sku: string;
  readonly quantityOnHand: number;
  readonly quantityReserved: number;
  readonly locationCode: string;
  /** Optimistic-concurrency version: every successful change bumps it by one. */
  readonly version: number;
  /** ISO 8601, e.g. "2024-01-01T00:00:00.000Z". */
  readonly lastChangedAt: string;
}

/** What is left to reserve: on hand minus reserved. */
export function available(level: StockLevel): number {
  return level.quantityOnHand - level.quantityReserved;
}

/** A requested change: set the on-hand count, or move quantity into / out of reserved. */
export type StockChange =
  | { readonly kind: 'set_on_hand'; readonly onHand: number }
  | { readonly kind: 'reserve'; readonly quantity: number }
  | { readonly kind: 'release'; readonly quantity: number };

/** Why a change was refused; each maps to one legacy 409 body. */
export type StockRefusal =
  | { readonly error: 'below_reserved'; readonly reserved: number }
  | { readonly error: 'insufficient_stock'; readonly available: number }
  | { readonly error: 'over_release'; readonly reserved: number };

export type ChangeOutcome =
  | { readonly ok: true; readonly level: StockLevel }
  | ({ readonly ok: false } & StockRefusal);

/**
 * Applies `change` to `level` at time `nowIso`: the next level (version + 1, new timestamp)
 * or the refusal. Pure; the repository persists the result only if the version is unchanged.
 */
export function applyChange(level: StockLevel, change: StockChange, nowIso: string): ChangeOutcome {
  const next = (onHand: number, reserved: number): ChangeOutcome => ({
    ok: true,
    level: Object.freeze({
      ...level,
      quantityOnHand: onHand,
      quantityReserved: reserved,
      version: level.version + 1,
      lastChangedAt: nowIso,
    }),
  });
  switch (change.kind) {
    case 'set_on_hand':
      if (change.onHand < level.quantityReserved) {
        return { ok: false, error: 'below_reserved', reserved: level.quantityReserved };
      }
      return next(change.onHand, level.quantityReserved);
    case 'reserve': {
      const free = available(level);
      if (free < change.quantity) return { ok: false, error: 'insufficient_stock', available: free };
      return next(level.quantityOnHand, level.quantityReserved + change.quantity);
    }
    case 'release':
      if (change.quantity > level.quantityReserved) {
        return { ok: false, error: 'over_release', reserved: level.quantityReserved };
      }
      return next(level.quantityOnHand, level.quantityReserved - change.quantity);
  }
}

/**
 * Seeded difference: whether an out-of-stock level (`quantityOnHand` 0) carries its warehouse
 * on the wire. `omit` (default) drops the field, `keep` matches the monolith.
 */
export const OUT_OF_STOCK_WAREHOUSE_MODES = ['omit', 'keep'] as const;
export type OutOfStockWarehouse = (typeof OUT_OF_STOCK_WAREHOUSE_MODES)[number];
export const DEFAULT_OUT_OF_STOCK_WAREHOUSE: OutOfStockWarehouse = 'omit';

/** A new stock level at version 1 (tests and tooling). */
export function stockLevel(fields: Omit<StockLevel, 'version'> & { version?: number }): StockLevel {
  const { quantityOnHand, quantityReserved } = fields;
  if (!Number.isSafeInteger(quantityOnHand) || quantityOnHand < 0) throw new RangeError('quantityOnHand must be >= 0');
  if (!Number.isSafeInteger(quantityReserved) || quantityReserved < 0) {
    throw new RangeError('quantityReserved must be >= 0');
  }
  return Object.freeze({ ...fields, version: fields.version ?? 1 });
}
