// The inventory domain rules and the repository's optimistic version check, without HTTP
// (except the one case that shows how a lost version race is answered).
import { applyChange, available, type StockChange } from '../src/domain';
import { aLevel, startTestInventory } from './helpers';

const level = aLevel({ sku: 'SKU-1', quantityOnHand: 10, quantityReserved: 4, version: 7 });
const AT = '2024-06-01T00:00:00.000Z';

describe('applyChange', () => {
  it.each<[StockChange, { onHand: number; reserved: number }]>([
    [{ kind: 'set_on_hand', onHand: 4 }, { onHand: 4, reserved: 4 }],
    [{ kind: 'reserve', quantity: 6 }, { onHand: 10, reserved: 10 }],
    [{ kind: 'release', quantity: 4 }, { onHand: 10, reserved: 0 }],
  ])('%j is accepted, bumps the version and stamps the time', (change, expected) => {
    const outcome = applyChange(level, change, AT);
    expect(outcome).toEqual({
      ok: true,
      level: { ...level, quantityOnHand: expected.onHand, quantityReserved: expected.reserved, version: 8, lastChangedAt: AT },
    });
  });

  it.each<[StockChange, object]>([
    [{ kind: 'set_on_hand', onHand: 3 }, { error: 'below_reserved', reserved: 4 }],
    [{ kind: 'reserve', quantity: 7 }, { error: 'insufficient_stock', available: 6 }],
    [{ kind: 'release', quantity: 5 }, { error: 'over_release', reserved: 4 }],
  ])('%j is refused', (change, refusal) => {
    expect(applyChange(level, change, AT)).toEqual({ ok: false, ...refusal });
  });

  it('never changes the level it was given', () => {
    applyChange(level, { kind: 'reserve', quantity: 1 }, AT);
    expect(level).toMatchObject({ quantityReserved: 4, version: 7 });
    expect(available(level)).toBe(6);
  });
});

describe('repository version check', () => {
  it('a write that finds the version changed under it is 409 version_conflict, not a silent overwrite', async () => {
    const shop = await startTestInventory([aLevel({ sku: 'SKU-1' })]);
    try {
      // Simulate a concurrent writer: the conditional UPDATE matches no row.
      shop.service.db.exec(
        'CREATE TRIGGER lose_race BEFORE UPDATE ON stock_levels BEGIN SELECT RAISE(IGNORE); END',
      );
      expect(shop.repo.change('SKU-1', { kind: 'reserve', quantity: 1 }, AT)).toEqual({
        ok: false,
        error: 'version_conflict',
        version: 1,
      });
      const res = await shop.send('POST', '/api/inventory/SKU-1/reserve', { quantity: 1 });
      expect(res.status).toBe(409);
      expect(await res.json()).toEqual({ error: 'version_conflict', sku: 'SKU-1' });
    } finally {
      await shop.close();
    }
  });
});
