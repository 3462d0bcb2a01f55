// noise14: a pagination cursor of plain text in base64 (`<snapshot ms>:<last id>`, not JSON), stamped
// with each answer's time. Decoded, a cursor that differs only by its time is `encoded`, as base64
// JSON always was; one whose id is off by one is a difference the primary repeats under a fresh time.
import { compileRules } from '../../../src/core/compare';
import type { Observation } from '../../../src/core/compare/types';
import { evaluate, generatedFact, selfDifferingFields, type ClassifyRules } from '../../../src/core/comparison';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const b64 = (t: string): string => Buffer.from(t).toString('base64');
const b64u = (t: string): string => Buffer.from(t).toString('base64url');

describe('a cursor of base64 text', () => {
  it('the same text but for its time is encoded', () => {
    expect(generatedFact(b64(`${NOW}:1019`), b64(`${NOW + 1300}:1019`), NOW)).toEqual({ kind: 'encoded', deltaMs: 1300 });
    expect(generatedFact(b64u(`ts=${NOW}&after=ord_20`), b64u(`ts=${NOW + 900}&after=ord_20`), NOW)).toEqual({ kind: 'encoded', deltaMs: 900 });
  });

  it('stays a difference off by one inside, with other words, or when it is no text', () => {
    expect(generatedFact(b64(`${NOW}:1019`), b64(`${NOW + 1300}:1020`), NOW)).toBeNull();
    expect(generatedFact(b64(`${NOW}:1019`), b64(`${NOW}:1020`), NOW)).toBeNull();
    expect(generatedFact(b64('user:alice'), b64('user:bob1'), NOW)).toBeNull(); // a Basic credential
    expect(generatedFact(b64(`${NOW}:1019`), b64(`${NOW + 7_200_000}:1019`), NOW)?.deltaMs).toBe(7_200_000); // two hours apart: beyond the policy's tolerance
    const random = (n: number): string => Buffer.from(Array.from({ length: n }, (_, i) => (i * 97 + n * 31) % 256)).toString('base64');
    expect(generatedFact(random(24), random(27), NOW)).toBeNull(); // random bytes: no text
  });

  it('the primary asked again with a fresh time repeats the shadow\'s other id', () => {
    const rules: ClassifyRules = { ignore: [], generated: { toleranceMs: 60_000, kinds: new Set(['timestamp', 'encoded']), exactFields: [] } };
    const compiled = compileRules({ headers: [], cookies: [], ignore: [], normalizers: [], redact: [] });
    const page = (cursor: string): Observation => ({ ok: true, side: 'monolith', status: 200, ms: 1, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ data: [1, 2], next_cursor: cursor })) });
    const first = page(b64(`${Date.now()}:1019`));
    const against = evaluate(first, page(b64(`${Date.now() + 1300}:1020`)), compiled, false).facts;
    const self = evaluate(first, page(b64(`${Date.now() + 40}:1019`)), compiled, false).facts;
    expect(selfDifferingFields(self, against, rules, new Set(against.map((f) => f.field)))).toEqual([]);
    // the noise case: the shadow differs by its time only, and so does the primary
    const noise = evaluate(first, page(b64(`${Date.now() + 1300}:1019`)), compiled, false).facts;
    expect(noise.every((f) => f.generated?.kind === 'encoded')).toBe(true);
  });
});
