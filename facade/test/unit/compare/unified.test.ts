// The human-readable diff: a unified diff of canonical pretty-printed JSON (or text), labelled
// primary/shadow, redacted, and capped in size.
import { unifiedBodyDiff } from '../../../src/core/compare/unified';
import { aFailure, aJsonObservation, anObservation, aTextObservation, compiled } from './builders';

describe('unifiedBodyDiff', () => {
  it('shows a changed JSON field as a - line and a + line under primary/shadow labels', () => {
    const diff = unifiedBodyDiff(aJsonObservation({ id: 1, price: 10 }), aJsonObservation({ price: 12, id: 1 }));
    expect(diff).toContain('--- primary');
    expect(diff).toContain('+++ shadow');
    expect(diff.split('\n')).toEqual(expect.arrayContaining(['-  "price": 10', '+  "price": 12', '   "id": 1,']));
  });

  it('prints JSON canonically, so key order alone gives no diff', () => {
    expect(unifiedBodyDiff(aJsonObservation({ a: 1, b: { c: 2, d: 3 } }), aJsonObservation({ b: { d: 3, c: 2 }, a: 1 }))).toBe('');
  });

  it('makes no line diff of JSON that would print to millions of characters of indentation (an array nested 1,200 deep)', () => {
    const nested = (n: number, leaf: number): Buffer => Buffer.from(`${'['.repeat(n)}${leaf}${']'.repeat(n)}`);
    const json = (body: Buffer) => anObservation({ headers: { 'content-type': 'application/json' }, body });
    expect(unifiedBodyDiff(json(nested(1200, 1)), json(nested(1200, 2)))).toBe(''); // as for one nested too deep to print at all
    const wide = Array.from({ length: 100_000 }, (_, i) => i % 10); // 200 KB of small numbers: an ordinary document
    expect(unifiedBodyDiff(aJsonObservation({ a: wide, v: 1 }), aJsonObservation({ a: wide, v: 2 }))).toMatch(/^-\s+"v": 1$/m);
    expect(unifiedBodyDiff(json(nested(200, 1)), json(nested(200, 2)))).toMatch(/^-\s+1$/m); // a shallower one is diffed
  });

  it('diffs text bodies line by line', () => {
    const diff = unifiedBodyDiff(aTextObservation('one\ntwo\n'), aTextObservation('one\n2\n'));
    expect(diff.split('\n')).toEqual(expect.arrayContaining(['-two', '+2', ' one']));
  });

  it('redacts configured paths before printing', () => {
    const rules = compiled({ redact: ['$..password'] });
    const diff = unifiedBodyDiff(aJsonObservation({ user: { password: 'hunter2', n: 1 } }), aJsonObservation({ user: { password: 'hunter3', n: 2 } }), { rules });
    expect(diff).not.toMatch(/hunter/);
    expect(diff).toContain('"password": "[REDACTED]"');
  });

  it('applies the array-order normalizer of the rules', () => {
    const rules = compiled({ normalizers: [{ kind: 'arrayOrder', path: '$.tags' }] });
    expect(unifiedBodyDiff(aJsonObservation({ tags: ['b', 'a'] }), aJsonObservation({ tags: ['a', 'b'] }), { rules })).toBe('');
  });

  it('shows a binary body by size and hash, and a failed side by its error', () => {
    const png = anObservation({ headers: { 'content-type': 'image/png' }, body: Buffer.from([1, 2, 3]) });
    const diff = unifiedBodyDiff(png, aFailure('ECONNRESET'));
    expect(diff).toMatch(/^-<binary body: 3 bytes, sha256 [0-9a-f]{64}>$/m);
    expect(diff).toMatch(/^\+\[ECONNRESET\] connect ECONNRESET/m);
  });

  it('caps a long diff at a line end and says it was truncated', () => {
    const many = (v: number) => aJsonObservation(Array.from({ length: 2000 }, (_, i) => ({ i, v })));
    const diff = unifiedBodyDiff(many(1), many(2), { maxChars: 1000 });
    expect(diff.length).toBeLessThan(1100);
    expect(diff).toMatch(/\\ diff truncated: \d+ of \d+ characters shown\n$/);
  });
});
