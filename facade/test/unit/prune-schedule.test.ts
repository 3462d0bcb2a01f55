// When a diff store writer trims a route: on its first batch, then once it gained 5 % of its limit.
import { PruneSchedule, pruneSlack } from '../../src/core/prune-schedule';

it('trims a route on its first batch, then each time it gained a twentieth of its limit', () => {
  const s = new PruneSchedule(20_000);
  expect(pruneSlack(20_000)).toBe(1000);
  expect(s.written('catalog', 1)).toBe(true);
  const due = Array.from({ length: 30 }, () => s.written('catalog', 100));
  expect(due.map((d, i) => (d ? i : -1)).filter((i) => i >= 0)).toEqual([9, 19, 29]);
  expect(s.written('inventory', 1)).toBe(true); // each route counts its own rows
  expect(s.written('inventory', 999)).toBe(false);
  expect(s.written('inventory', 1)).toBe(true);
});

it('a small limit trims on every batch', () => {
  const s = new PruneSchedule(5);
  expect([s.written('r', 1), s.written('r', 1), s.written('r', 3)]).toEqual([true, true, true]);
});
