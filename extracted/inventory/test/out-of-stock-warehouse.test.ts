// The seeded inventory difference: under `omit` (the default) a level with on_hand 0 comes
// back without its `warehouse` field; under `keep` the record matches the monolith's.
import { parseOutOfStockWarehouse } from '../src/server';
import type { LegacyStock } from '../src/legacy-wire';
import { aLevel, jsonOf, NOW_LEGACY, startTestInventory } from './helpers';

const levels = [
  aLevel({ sku: 'SKU-000001', quantityOnHand: 0, quantityReserved: 0, locationCode: 'DUB-1' }),
  aLevel({ sku: 'SKU-000002', quantityOnHand: 5, quantityReserved: 0, locationCode: 'FRA-2' }),
];

it('by default (omit) an out-of-stock record has no warehouse field', async () => {
  const shop = await startTestInventory(levels);
  try {
    const res = await shop.get('/api/inventory/SKU-000001');
    expect(await res.text()).toBe(
      JSON.stringify({ sku: 'SKU-000001', on_hand: 0, reserved: 0, available: 0, updated_at: '2024-01-01 00:00:00' }),
    );
    const inStock = await jsonOf<LegacyStock>(shop.get('/api/inventory/SKU-000002'));
    expect(inStock.warehouse).toBe('FRA-2');
    // Selling out through a write drops the field too; restocking brings it back.
    const soldOut = await jsonOf<LegacyStock>(shop.send('PUT', '/api/inventory/SKU-000002', { on_hand: 0 }));
    expect(soldOut).toEqual({ sku: 'SKU-000002', on_hand: 0, reserved: 0, available: 0, updated_at: NOW_LEGACY });
    const restocked = await jsonOf<LegacyStock>(shop.send('PUT', '/api/inventory/SKU-000002', { on_hand: 1 }));
    expect(restocked.warehouse).toBe('FRA-2');
    expect((await jsonOf<{ out_of_stock_warehouse: string }>(shop.get('/healthz'))).out_of_stock_warehouse).toBe('omit');
  } finally {
    await shop.close();
  }
});

it('with keep an out-of-stock record carries its warehouse, as the monolith does', async () => {
  const shop = await startTestInventory(levels, { outOfStockWarehouse: 'keep' });
  try {
    const res = await shop.get('/api/inventory/SKU-000001');
    expect(await res.text()).toBe(
      JSON.stringify({ sku: 'SKU-000001', on_hand: 0, reserved: 0, available: 0, warehouse: 'DUB-1', updated_at: '2024-01-01 00:00:00' }),
    );
  } finally {
    await shop.close();
  }
});

it('an out-of-stock level with a failed reservation still answers 409 insufficient_stock', async () => {
  const shop = await startTestInventory(levels);
  try {
    const res = await shop.send('POST', '/api/inventory/SKU-000001/reserve', { quantity: 1 });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({ error: 'insufficient_stock', sku: 'SKU-000001', available: 0 });
  } finally {
    await shop.close();
  }
});

it('reads INVENTORY_OUT_OF_STOCK_WAREHOUSE, defaulting to omit and refusing unknown modes', () => {
  expect(parseOutOfStockWarehouse(undefined)).toBe('omit');
  expect(parseOutOfStockWarehouse('keep')).toBe('keep');
  expect(parseOutOfStockWarehouse('OMIT')).toBe('omit');
  expect(() => parseOutOfStockWarehouse('drop')).toThrow(/INVENTORY_OUT_OF_STOCK_WAREHOUSE must be one of omit, keep/);
});
