// The seeded catalog difference: under `bankers` (the default) some odd-cent prices lose one
// cent (float drift truncated to a half-cent tie, then banker's rounding to the even cent);
// under `legacy` every price is formatted exactly as the monolith does.
import { formatMoney, money, roundHalfEven, roundingDiffers } from '../src/domain';
import { parsePriceRounding } from '../src/server';
import type { LegacyProduct, LegacyProductPage } from '../src/legacy-wire';
import { anItem, jsonOf, startTestCatalog } from './helpers';

/** The monolith's formatting, restated independently: integer cents -> "D.CC". */
const exact = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

describe('Money formatting', () => {
  it('rounds half to even', () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6, 7].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3, 7]);
  });

  it.each([
    [1899, '18.98'],
    [115, '1.14'],
    [113, '1.12'],
    [207, '2.06'],
    [485, '4.84'],
    [13145, '131.44'],
    [14898, '148.98'], // drifts too, but the tie rounds back up to the even cent
    [1999, '19.98'],
    [2099, '20.99'],
    [1235, '12.35'],
    [1250, '12.50'],
    [0, '0.00'],
    [49999, '499.99'],
  ])('bankers formats %i minor units as %s', (minor, text) => {
    expect(formatMoney(money(minor), 'bankers')).toBe(text);
  });

  it('legacy formats every amount from 0.00 to 999.99 exactly like the monolith', () => {
    for (let minor = 0; minor < 100_000; minor++) {
      if (formatMoney(money(minor), 'legacy') !== exact(minor)) throw new Error(`legacy differs at ${minor}`);
    }
  });

  it('bankers is exact except where float drift meets an odd cent: then one cent lower, 2,294 amounts in 0.00..999.99', () => {
    let differing = 0;
    for (let minor = 0; minor < 100_000; minor++) {
      const shown = formatMoney(money(minor), 'bankers');
      const drifts = Math.trunc((minor / 100) * 200) < 2 * minor;
      const expected = drifts && minor % 2 === 1 ? exact(minor - 1) : exact(minor);
      if (shown !== expected) throw new Error(`bankers wrong at ${minor}: ${shown}, expected ${expected}`);
      if (roundingDiffers(money(minor)) !== (shown !== exact(minor))) throw new Error(`roundingDiffers wrong at ${minor}`);
      if (shown !== exact(minor)) differing++;
    }
    expect(differing).toBe(2294);
  });

  it('reads CATALOG_PRICE_ROUNDING, defaulting to bankers and refusing unknown modes', () => {
    expect(parsePriceRounding(undefined)).toBe('bankers');
    expect(parsePriceRounding('')).toBe('bankers');
    expect(parsePriceRounding('legacy')).toBe('legacy');
    expect(parsePriceRounding('BANKERS')).toBe('bankers');
    expect(() => parsePriceRounding('float')).toThrow(/CATALOG_PRICE_ROUNDING must be one of bankers, legacy/);
  });
});

describe('prices on the wire', () => {
  const items = [
    anItem({ itemId: 1, unitPrice: money(1899) }),
    anItem({ itemId: 2, unitPrice: money(115) }),
    anItem({ itemId: 3, unitPrice: money(1235) }),
    anItem({ itemId: 4, unitPrice: money(14898) }),
    anItem({ itemId: 5, unitPrice: money(13145) }),
  ];

  it('by default (bankers) the service shows some odd-cent prices one cent lower', async () => {
    const shop = await startTestCatalog(items);
    try {
      const list = await jsonOf<LegacyProductPage>(shop.get('/api/products'));
      expect(list.products.map((p) => p.price)).toEqual(['18.98', '1.14', '12.35', '148.98', '131.44']);
      expect((await jsonOf<LegacyProduct>(shop.get('/api/products/2'))).price).toBe('1.14');
      expect((await jsonOf<{ price_rounding: string }>(shop.get('/healthz'))).price_rounding).toBe('bankers');
    } finally {
      await shop.close();
    }
  });

  it('with legacy rounding the service writes the monolith prices', async () => {
    const shop = await startTestCatalog(items, { priceRounding: 'legacy' });
    try {
      const list = await jsonOf<LegacyProductPage>(shop.get('/api/products'));
      expect(list.products.map((p) => p.price)).toEqual(['18.99', '1.15', '12.35', '148.98', '131.45']);
      expect((await jsonOf<LegacyProduct>(shop.get('/api/products/1'))).price).toBe('18.99');
    } finally {
      await shop.close();
    }
  });

  it('sorting by price uses the stored amount, whatever the display rounding', async () => {
    const shop = await startTestCatalog(items);
    try {
      const list = await jsonOf<LegacyProductPage>(shop.get('/api/products?sort=price'));
      expect(list.products.map((p) => p.id)).toEqual([2, 3, 1, 5, 4]);
    } finally {
      await shop.close();
    }
  });
});
