// An answer each side serves from its own cache: its fill time, expiry and age differ between the
// sides by up to the lifetime both declare, fixed on each side until the next fill (noise17's
// cached report: all three real on every comparison, ranked above the planted regression).
import { evaluate } from '../../../src/core/comparison';
import { anObservation, compiled } from '../compare/builders';

const NOW = Date.parse('2026-12-08T01:00:00Z');
const rules = compiled({ headers: ['content-type'] });
const obs = (side: 'monolith' | 'service', body: unknown) => anObservation({ side, status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const report = (filled: string, lifetimeS: number, age: number, ordersToday = 42) => ({
  generated_at: filled,
  cache: { expires_at: new Date(Date.parse(filled) + lifetimeS * 1000).toISOString(), age_seconds: age },
  summary: { orders_today: ordersToday },
});
const judged = (a: unknown, b: unknown) => evaluate(obs('monolith', a), obs('service', b), rules, false, false, NOW).facts
  .map((f) => `${f.path} ${f.generated?.kind === 'instance' ? 'own' : 'not own'}`); // a time past the route's tolerance is real

it('fill times, expiries and ages within the lifetime both sides declare are each side\'s own; the regression beside them stays', () => {
  expect(judged(report('2026-12-08T00:50:17.000Z', 300, 223), report('2026-12-08T00:53:32.300Z', 300, 28, 41))).toEqual([
    '$.generated_at own', '$.cache.expires_at own', '$.cache.age_seconds own', '$.summary.orders_today not own',
  ]);
});

it('stays a difference where it is data: another lifetime, fills further apart than it, an age past it, no declared expiry', () => {
  // The service caches 60 s where the monolith caches 300: its lifetime is the regression.
  expect(judged(report('2026-12-08T00:50:17Z', 300, 223), report('2026-12-08T00:53:32Z', 60, 28))).toEqual([
    '$.generated_at not own', '$.cache.expires_at not own', '$.cache.age_seconds not own',
  ]);
  // Filled a day apart under a 5-minute lifetime: no cache explains that.
  expect(judged(report('2026-12-07T00:50:17Z', 300, 10), report('2026-12-08T00:53:32Z', 300, 10))).toEqual(['$.generated_at not own', '$.cache.expires_at not own']);
  expect(judged(report('2026-12-08T00:50:17Z', 300, 223), report('2026-12-08T00:53:32Z', 300, 900))).toEqual(['$.generated_at own', '$.cache.expires_at own', '$.cache.age_seconds not own']);
  // A record's own times with no cache lifetime declared are the record's data.
  expect(judged({ generated_at: '2026-12-08T00:50:17Z', total: 1 }, { generated_at: '2026-12-08T00:53:32Z', total: 1 })).toEqual(['$.generated_at not own']);
});
