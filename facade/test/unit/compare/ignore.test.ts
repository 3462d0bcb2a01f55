// Path patterns and ignore rules: each pattern shape, ignored differences kept with their reason,
// bad rules rejected at compile time with the field named, and a throwing rule never escaping.
import { classify, compileIgnoreRules, type CompiledIgnoreRule } from '../../../src/core/compare/classify';
import { compare } from '../../../src/core/compare/compare';
import { compilePathPattern, compilePattern, PathPatternError } from '../../../src/core/compare/path-pattern';
import { CompareRulesError, compileRules } from '../../../src/core/compare/rules';
import type { Difference } from '../../../src/core/compare/types';
import { aJsonObservation, anObservation, someRules } from './builders';

describe('compilePathPattern', () => {
  it.each([
    ['$.updatedAt', '$.updatedAt', true],
    ['$.updatedAt', '$.user.updatedAt', false],
    ['$.items[*].etag', '$.items[3].etag', true],
    ['$.items[*].etag', '$.items[3].meta.etag', false],
    ['$.items.*.etag', '$.items[0].etag', true],
    ['$.items[3].price', '$.items[3].price', true],
    ['$.items.3.price', '$.items[3].price', true],
    ['$.items[3].price', '$.items[4].price', false],
    ['$.**.updated_at', '$.updated_at', true],
    ['$.**.updated_at', '$.orders[2].lines[0].updated_at', true],
    ['$..updated_at', '$.a.b.updated_at', true],
    ['$..updated_at', '$.a.b.updated', false],
    ['$.*', '$.anything', true],
    ['$.*', '$.a.b', false],
    ['$["odd key"]', '$["odd key"]', true],
    ['$["a.b"].c', '$["a.b"].c', true],
    ['headers.x-request-id', 'headers.x-request-id', true],
    ['headers.X-Request-Id', 'headers.x-request-id', true],
    ['headers.*', 'headers.etag', true],
    ['cookies.sid', 'cookies.sid', true],
    ['status', 'status', true],
    ['status', 'headers.status', false],
    ['text[*]', 'text[12]', true],
    ['body#sha256', 'body#sha256', true],
    ['$..a.*.b', '$.x.a.y.b', true],
    ['$..a.*.b', '$.x.a.y.c', false],
    ['$..a..b', '$.a.x.y.b', true],
    ['$.**', '$.a.b', true],
    ['$..password', '$.password.x', false],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(compilePathPattern(pattern)(path)).toBe(expected);
  });

  it('a deep pattern is matched against a path thousands of steps deep at its tail, not at every depth (a document nested that deep is O(depth²) otherwise)', () => {
    const matches = compilePattern('$..password').matches;
    const steps: Array<string | number> = ['$', ...Array.from({ length: 10_000 }, (_, i) => (i % 2 ? 'a' : i))];
    let reads = 0;
    const counted = (path: Array<string | number>): Array<string | number> => new Proxy(path, {
      get: (target, key) => { if (typeof key === 'string' && /^\d+$/.test(key)) reads++; return Reflect.get(target, key) as unknown; },
    });
    expect(matches(counted(steps))).toBe(false);
    expect(matches(counted([...steps, 'password']))).toBe(true);
    expect(reads).toBeLessThan(20); // 10,000 and more when every depth was tried
  });

  it.each(['', '$.', '$.items[', '$.items[x]', '$["unterminated', '$..', '$[*', '$a'])('%j is rejected at compile time', (pattern) => {
    expect(() => compilePathPattern(pattern)).toThrow(PathPatternError);
  });
});

describe('classify', () => {
  const diffs: Difference[] = [
    { path: '$.updatedAt', kind: 'changed', primary: '1', shadow: '2' },
    { path: '$.items[0].etag', kind: 'changed', primary: 'a', shadow: 'b' },
    { path: '$.meta.trace.id', kind: 'added', primary: undefined, shadow: 'x' },
    { path: 'headers.x-request-id', kind: 'changed', primary: 'r1', shadow: 'r2' },
    { path: '$.price', kind: 'changed', primary: 1, shadow: 2 },
  ];
  const rules = compileIgnoreRules([
    { path: '$.updatedAt', reason: 'set at write time' },
    { path: '$.items[*].etag', reason: 'etags are per implementation' },
    { path: '$.meta', reason: 'diagnostics only' },
    { path: 'headers.x-request-id', reason: 'unique per request' },
  ]);

  it('ignored differences are kept apart with the reason of the rule that matched', () => {
    const { mismatched, ignored } = classify(diffs, rules);
    expect(mismatched).toEqual([{ path: '$.price', kind: 'changed', primary: 1, shadow: 2 }]);
    expect(ignored.map((d) => [d.path, d.reason])).toEqual([
      ['$.updatedAt', 'set at write time'],
      ['$.items[0].etag', 'etags are per implementation'],
      ['$.meta.trace.id', 'diagnostics only'],
      ['headers.x-request-id', 'unique per request'],
    ]);
    expect(ignored[0]).toMatchObject({ kind: 'changed', primary: '1', shadow: '2' });
  });

  it('a rule whose matcher throws matches nothing instead of throwing out of classify', () => {
    const broken: CompiledIgnoreRule = {
      path: '$.x',
      reason: 'broken',
      pattern: { source: '$.x', matches: () => { throw new Error('boom'); }, covers: () => { throw new Error('boom'); } },
    };
    expect(classify(diffs, [broken]).mismatched).toHaveLength(diffs.length);
  });

  it('a comparison whose only differences are ignored is a match', () => {
    const compiledRules = compileRules(someRules({ ignore: [{ path: '$..updated_at', reason: 'clock' }] }));
    const result = compare(aJsonObservation({ a: { updated_at: 1 } }), aJsonObservation({ a: { updated_at: 2 } }), compiledRules);
    expect(result.outcome).toBe('match');
    expect(result.ignored).toEqual([{ path: '$.a.updated_at', kind: 'changed', primary: 1, shadow: 2, reason: 'clock' }]);
  });

  it('a status ignore rule hides a status difference', () => {
    const compiledRules = compileRules(someRules({ ignore: [{ path: 'status', reason: 'service answers 201' }] }));
    expect(compare(anObservation({ status: 200 }), anObservation({ status: 201 }), compiledRules).outcome).toBe('match');
  });
});

describe('compileRules', () => {
  it('reports every invalid rule at once, naming the field', () => {
    let error: unknown;
    try {
      compileRules(
        someRules({
          ignore: [{ path: '$.items[', reason: 'x' }, { path: '$.ok', reason: '' }],
          normalizers: [{ kind: 'numericTolerance', path: '$.price', tolerance: -1 }],
          redact: ['$.'],
        }),
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CompareRulesError);
    expect((error as CompareRulesError).code).toBe('INVALID_COMPARE_RULES');
    expect((error as CompareRulesError).problems.map((p) => p.split(':')[0])).toEqual(['ignore[0].path', 'ignore[1].reason', 'normalizers[0]', 'redact[0]']);
  });

  it('lower-cases header names and drops date and set-cookie from the header list', () => {
    expect(compileRules(someRules({ headers: ['Content-Type', 'DATE', 'Set-Cookie', 'ETag'] })).headers).toEqual(['content-type', 'etag']);
  });
});
