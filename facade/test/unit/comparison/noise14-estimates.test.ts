// noise14: a list answering PostgreSQL's planner estimate instead of count(*) (pg_class.reltuples):
// each database's own statistics of the same rows, a percent or so apart, steady on each side. At a
// field named for an estimate of a count it is each store's own figure; a count not named so, an
// estimated price or date, or estimates far apart stay data.
import { estimateFact } from '../../../src/core/comparison/generated';
import { compileRules } from '../../../src/core/compare';
import type { Observation } from '../../../src/core/compare/types';
import { evaluate } from '../../../src/core/comparison';

describe('an estimated count', () => {
  it('two estimates a few percent apart at a field named so are each store\'s own', () => {
    expect(estimateFact('$.total_estimate', 48_316, 47_891)).toEqual({ kind: 'estimate', deltaMs: null });
    expect(estimateFact('$.meta.estimatedCount', 1_204, 1_188)).toEqual({ kind: 'estimate', deltaMs: null });
    expect(estimateFact('$.approximate_row_count', 9_900, 10_400)).toEqual({ kind: 'estimate', deltaMs: null });
    expect(estimateFact('$.tables[2].reltuples', 48_316, 47_891)).toEqual({ kind: 'estimate', deltaMs: null });
  });

  it('stays data further apart, not named an estimate of a count, or not a count', () => {
    expect(estimateFact('$.total_estimate', 48_316, 24_158)).toBeNull(); // half: a filter lost, not statistics
    expect(estimateFact('$.total_estimate', 48_316, 0)).toBeNull();
    expect(estimateFact('$.total', 48_316, 47_891)).toBeNull(); // an exact count
    expect(estimateFact('$.estimated_price', 129.9, 127.5)).toBeNull(); // a quote
    expect(estimateFact('$.estimate', 1200, 1190)).toBeNull(); // a bare estimate: a quote's amount as often
    expect(estimateFact('$.estimated_delivery_days', 3, 3.2)).toBeNull();
    expect(estimateFact('$.total_estimate', '48316', '47891')).toBeNull();
    expect(estimateFact('$.total_estimate', -1, 2)).toBeNull();
  });

  it('is judged in a comparison as generated beside a price that stays a difference', () => {
    const rules = compileRules({ headers: [], cookies: [], ignore: [], normalizers: [], redact: [] });
    const page = (price: number, est: number): Observation => ({ ok: true, side: 'monolith', status: 200, ms: 1, headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ items: [{ sku: 'A', price }], total_estimate: est, total_is_estimate: true })) });
    const facts = evaluate(page(19.99, 48_316), page(19.9, 47_891), rules, false).facts;
    expect(facts.map((f) => [f.path, f.generated?.kind ?? null])).toEqual([['$.items[0].price', null], ['$.total_estimate', 'estimate']]);
  });
});
