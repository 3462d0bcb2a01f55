// JSON bodies are compared structurally: exact paths, added/removed members, type changes,
// arrays by index. Expectations are spelled out, never read back from the implementation.
import { compare, diffObservations } from '../../../src/core/compare/compare';
import { diffJson } from '../../../src/core/compare/json-diff';
import { unifiedBodyDiff } from '../../../src/core/compare/unified';
import { aJsonObservation, anObservation, compiled, pathsOf } from './builders';

describe('diffJson', () => {
  it.each([
    [
      'a nested change is reported at its exact path',
      { items: [{ price: 1 }, { price: 2 }, { price: 3 }, { price: 4 }] },
      { items: [{ price: 1 }, { price: 2 }, { price: 3 }, { price: 5 }] },
      [{ path: '$.items[3].price', kind: 'changed', primary: 4, shadow: 5 }],
    ],
    [
      'a deep object change names every key on the way',
      { user: { name: 'Ada', address: { city: 'London' } } },
      { user: { name: 'Ada', address: { city: 'Paris' } } },
      [{ path: '$.user.address.city', kind: 'changed', primary: 'London', shadow: 'Paris' }],
    ],
    [
      'a field only the shadow has is added, one only the primary has is removed',
      { id: 1, legacy: true },
      { id: 1, created: '2024-01-01' },
      [
        { path: '$.legacy', kind: 'removed', primary: true, shadow: undefined },
        { path: '$.created', kind: 'added', primary: undefined, shadow: '2024-01-01' },
      ],
    ],
    [
      'a number that became a string is a type change',
      { price: 12.5 },
      { price: '12.5' },
      [{ path: '$.price', kind: 'type', primary: 12.5, shadow: '12.5' }],
    ],
    [
      'an object that became null is a type change',
      { owner: { id: 1 } },
      { owner: null },
      [{ path: '$.owner', kind: 'type', primary: { id: 1 }, shadow: null }],
    ],
    [
      'a longer shadow array adds its extra items by index',
      { tags: ['a', 'b'] },
      { tags: ['a', 'b', 'c', 'd'] },
      [
        { path: '$.tags[2]', kind: 'added', primary: undefined, shadow: 'c' },
        { path: '$.tags[3]', kind: 'added', primary: undefined, shadow: 'd' },
      ],
    ],
    [
      'a shorter shadow array removes the missing items',
      { tags: ['a', 'b', 'c'] },
      { tags: ['a'] },
      [
        { path: '$.tags[1]', kind: 'removed', primary: 'b', shadow: undefined },
        { path: '$.tags[2]', kind: 'removed', primary: 'c', shadow: undefined },
      ],
    ],
    [
      'a key that is not an identifier is quoted in brackets',
      { 'odd key': 1, 'a.b': 2 },
      { 'odd key': 2, 'a.b': 2 },
      [{ path: '$["odd key"]', kind: 'changed', primary: 1, shadow: 2 }],
    ],
    ['a different top-level array element', [1, 2], [1, 3], [{ path: '$[1]', kind: 'changed', primary: 2, shadow: 3 }]],
    ['equal documents with keys in another order have no difference', { a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }, []],
  ])('%s', (_name, primary, shadow, expected) => {
    expect(diffJson(primary, shadow)).toEqual(expected);
  });
});

describe('one ISO 8601 instant in two spellings', () => {
  it.each([
    ['2026-12-06T10:00:00Z', '2026-12-06T10:00:00.000Z'],
    ['2026-12-06T10:00:00.000Z', '2026-12-06T10:00:00+00:00'],
    ['2026-12-06T10:00:00.123456+00:00', '2026-12-06T10:00:00.123Z'],
    ['2026-12-06T11:00:00+01:00', '2026-12-06T10:00:00Z'],
    ['2026-12-06T10:00', '2026-12-06T10:00:00.000'],
  ])('%s and %s are no difference', (a, b) => {
    expect(diffJson({ at: a }, { at: b })).toEqual([]);
  });

  it.each([
    ['a dropped millisecond', '2026-12-06T10:00:00.123Z', '2026-12-06T10:00:00Z'],
    ['another instant', '2026-12-06T10:00:00Z', '2026-12-06T11:00:00Z'],
    ['a space for the T', '2026-12-06T10:00:00Z', '2026-12-06 10:00:00Z'],
    ['a zone on one side only', '2026-12-06T10:00:00', '2026-12-06T10:00:00Z'],
    ['a date alone', '2026-12-06', '2026-12-06T00:00:00Z'],
  ])('%s is a difference', (_what, a, b) => {
    expect(diffJson({ at: a }, { at: b })).toEqual([{ path: '$.at', kind: 'changed', primary: a, shadow: b }]);
  });
});

describe('JSON bodies in observations', () => {
  const rules = compiled();

  it('a JSON body is compared by structure, not by bytes (whitespace and key order do not count)', () => {
    const a = anObservation({ headers: { 'content-type': 'application/json' }, body: '{"a":1,"b":2}' });
    const b = anObservation({ headers: { 'content-type': 'application/json' }, body: '{\n  "b": 2,\n  "a": 1\n}' });
    expect(diffObservations(a, b, rules)).toEqual([]);
  });

  it('a +json media type is compared as JSON', () => {
    const a = anObservation({ headers: { 'content-type': 'application/problem+json' }, body: '{"title":"a"}' });
    const b = anObservation({ headers: { 'content-type': 'application/problem+json' }, body: '{"title":"b"}' });
    expect(diffObservations(a, b, rules)).toEqual([{ path: '$.title', kind: 'changed', primary: 'a', shadow: 'b' }]);
  });

  it('invalid JSON on one side against parsed JSON is a `body` type difference', () => {
    const a = aJsonObservation({ ok: true });
    const b = anObservation({ headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"ok": tru' });
    expect(diffObservations(a, b, rules)).toEqual([{ path: 'body', kind: 'type', primary: 'json', shadow: 'invalid-json' }]);
  });

  it('invalid JSON on both sides is compared as text', () => {
    const a = anObservation({ headers: { 'content-type': 'application/json' }, body: '{oops\nline two' });
    const b = anObservation({ headers: { 'content-type': 'application/json' }, body: '{oops\nline 2' });
    expect(diffObservations(a, b, rules)).toEqual([{ path: 'text[2]', kind: 'changed', primary: 'line two', shadow: 'line 2' }]);
  });

  it('a JSON body against an HTML body is a `body` type difference', () => {
    const a = aJsonObservation({ ok: true });
    const b = anObservation({ headers: { 'content-type': 'text/html' }, body: '<h1>Error</h1>' });
    expect(compare(a, b, compiled({ headers: [] })).mismatched).toEqual([{ path: 'body', kind: 'type', primary: 'json', shadow: 'text' }]);
  });

  it('the result and its differences are frozen', () => {
    const result = compare(aJsonObservation({ a: 1 }), aJsonObservation({ a: 2 }), rules);
    expect(result.outcome).toBe('mismatch');
    expect(Object.isFrozen(result)).toBe(true);
    expect(Object.isFrozen(result.mismatched)).toBe(true);
    expect(Object.isFrozen(result.mismatched[0])).toBe(true);
  });
});

describe('bodies nested deeper than any document', () => {
  it('are compared as bytes instead of failing the comparison (20,000 levels of arrays, 5,000 of objects)', () => {
    const arrays = (n: number, leaf: string) => '['.repeat(n) + leaf + ']'.repeat(n);
    const objects = (n: number, leaf: string) => '{"a":'.repeat(n) + leaf + '}'.repeat(n);
    for (const nest of [(leaf: string) => arrays(20_000, leaf), (leaf: string) => objects(5000, leaf)]) {
      const a = anObservation({ headers: { 'content-type': 'application/json' }, body: nest('1') });
      const b = anObservation({ headers: { 'content-type': 'application/json' }, body: nest('2') });
      const c = anObservation({ headers: { 'content-type': 'application/json' }, body: nest('1') });
      expect(pathsOf(diffObservations(a, b, compiled()))).toEqual(['body#sha256']);
      expect(diffObservations(a, c, compiled())).toEqual([]);
      expect(unifiedBodyDiff(a, b, {})).toBe('');
    }
  });
});
