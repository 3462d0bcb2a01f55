// Two answers apart at tens of thousands of paths: one comparison lists at most MAX_DIFFERENCES of
// them, and no line diff is made, so a service that answers a big document otherwise costs the
// facade little memory and CPU per request (before: 40,000 facts per comparison, seconds per diff).
import { compileRules, MAX_DIFFERENCES } from '../../../src/core/compare';
import { evaluate } from '../../../src/core/comparison';
import type { Observation } from '../../../src/core/compare/types';

const rules = compileRules({ headers: ['content-type'], cookies: [], ignore: [], normalizers: [], redact: [] });
const answer = (value: unknown, type = 'application/json'): Observation =>
  ({ ok: true, side: 'monolith', status: 200, headers: { 'content-type': type }, body: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), ms: 1 });

describe('answers apart at very many paths', () => {
  it('a JSON object with 80,000 keys, half of them other values: the first 200 in document order, no line diff', () => {
    const a: Record<string, number> = {};
    const b: Record<string, number> = {};
    for (let i = 0; i < 80_000; i++) { a[`k${i}`] = i; b[`k${i}`] = i % 2 ? i + 1 : i; }
    const r = evaluate(answer(a), answer(b), rules, true);
    expect(r.facts).toHaveLength(MAX_DIFFERENCES);
    expect(r.facts[0]!.path).toBe('$.k1');
    expect(r.facts.at(-1)!.path).toBe(`$.k${2 * MAX_DIFFERENCES - 1}`);
    expect(r.diff).toMatch(/differ at 200 or more paths; no line diff/);
  });

  it('a page whose every line differs is capped the same way; a few differences keep their line diff', () => {
    const page = (v: string) => Array.from({ length: 3000 }, (_, i) => `<li>item ${i} ${v}</li>`).join('\n');
    const pages = evaluate(answer(page('a'), 'text/html'), answer(page('b'), 'text/html'), rules, true);
    expect(pages.facts.length).toBeLessThanOrEqual(MAX_DIFFERENCES);
    expect(pages.diff).toMatch(/no line diff|compared by hash/); // not seconds of Myers over 6,000 lines
    const few = evaluate(answer({ a: 1, b: 2 }), answer({ a: 1, b: 3 }), rules, true);
    expect(few.facts.map((f) => f.path)).toEqual(['$.b']);
    expect(few.diff).toContain('-  "b": 2');
  });
});
