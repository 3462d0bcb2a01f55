// The catalog service's own domain model: catalog items priced in Money (integer minor units
// plus currency), with ISO timestamps. Nothing here knows the legacy wire format; that mapping
// lives in legacy-wire.ts. Also home of the seeded price-rounding difference (see PriceRounding).

/** An amount in the currency's minor unit (cents for USD), never a float. */
export interface Money {
  readonly minor: number;
  readonly currency: string;
}

export interface CatalogItem {
  readonly itemId: number;
  readonly sku: string;
  readonly title: string;
  readonly summary: string;
  readonly categorySlug: string;
  readonly unitPrice: Money;
  /** ISO 8601, e.g. "2024-01-01T00:00:00.000Z". */
  readonly createdAt: string;
  readonly updatedAt: string;
}

export const ITEM_SORTS = ['id', 'name', 'price', '-id', '-name', '-price'] as const;
export type ItemSort = (typeof ITEM_SORTS)[number];

export interface ItemQuery {
  readonly page: number;
  readonly perPage: number;
  readonly categorySlug?: string;
  readonly sort: ItemSort;
}

export interface ItemPage {
  readonly items: readonly CatalogItem[];
  readonly total: number;
}

/**
 * How Money becomes a two-decimal string.
 * - `legacy`: exact integer arithmetic, identical to the monolith (1899 -> "18.99").
 * - `bankers`: the new Money formatter, and the seeded difference. It converts to a float of
 *   dollars, keeps half-cent precision by truncating (`Math.trunc(dollars * 200)` half-cents),
 *   then rounds to whole cents half-to-even. Where float drift puts `dollars * 200` just below
 *   the whole number (18.99 * 200 = 3797.9999999999995), truncation leaves a half-cent tie
 *   (1898.5) and banker's rounding sends it to the even cent: "18.98" instead of "18.99".
 *   Only odd-cent amounts can lose the cent (an even one's tie rounds back up), always by
 *   exactly one cent downward: 2,294 of the 100,000 amounts 0.00..999.99.
 */
export const PRICE_ROUNDINGS = ['bankers', 'legacy'] as const;
export type PriceRounding = (typeof PRICE_ROUNDINGS)[number];
export const DEFAULT_PRICE_ROUNDING: PriceRounding = 'bankers';

export function money(minor: number, currency = 'USD'): Money {
  if (!Number.isSafeInteger(minor) || minor < 0) {
    throw new RangeError(`money needs a non-negative integer of minor units, got ${minor}`);
  }
  return Object.freeze({ minor, currency });
}

/** Round half to even: 2.5 -> 2, 3.5 -> 4, 2.4 -> 2. Ties within 1e-9 count as ties (float input). */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (Math.abs(fraction - 0.5) < 1e-9) return floor % 2 === 0 ? floor : floor + 1;
  return fraction < 0.5 ? floor : floor + 1;
}

/** Formats Money as the two-decimal major-unit string under the given rounding mode. */
export function formatMoney(amount: Money, rounding: PriceRounding): string {
  return rounding === 'legacy' ? formatExact(amount.minor) : formatBankers(amount.minor);
}

function formatExact(minor: number): string {
  return `${Math.floor(minor / 100)}.${(minor % 100).toString().padStart(2, '0')}`;
}

function formatBankers(minor: number): string {
  const dollars = minor / 100; // the float the new code passes around
  const halfCents = Math.trunc(dollars * 200); // "half-cent precision"; drift can land one below
  const cents = roundHalfEven(halfCents / 2);
  return (cents / 100).toFixed(2);
}

/** True when the two rounding modes disagree for this amount (the seeded difference). */
export function roundingDiffers(amount: Money): boolean {
  return formatMoney(amount, 'bankers') !== formatMoney(amount, 'legacy');
}
