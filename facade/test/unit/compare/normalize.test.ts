// Normalizers, each with a case where they make two answers equal and one where a real
// difference survives (showing the original values, not normalized ones).
import { diffObservations } from '../../../src/core/compare/compare';
import { compileNormalizers, normalize } from '../../../src/core/compare/normalize';
import { parseInstant, sameInstant } from '../../../src/core/compare/timestamp';
import type { Normalizer } from '../../../src/core/compare/types';
import { aJsonObservation, anObservation, compiled, pathsOf } from './builders';

function diffWith(normalizers: Normalizer[], primary: unknown, shadow: unknown) {
  return diffObservations(aJsonObservation(primary), aJsonObservation(shadow), compiled({ normalizers }));
}

describe('normalizers', () => {
  it.each<[string, Normalizer[], unknown, unknown, string[]]>([
    ['arrayOrder: the same items in another order are equal', [{ kind: 'arrayOrder', path: '$.tags' }], { tags: ['b', 'a', 'c'] }, { tags: ['c', 'b', 'a'] }, []],
    ['arrayOrder: a different item is still found', [{ kind: 'arrayOrder', path: '$.tags' }], { tags: ['b', 'a'] }, { tags: ['a', 'x'] }, ['$.tags[1]']],
    ['arrayOrder: only the array at the path is sorted', [{ kind: 'arrayOrder', path: '$.tags' }], { other: [1, 2] }, { other: [2, 1] }, ['$.other[0]', '$.other[1]']],
    [
      'arrayOrder by key: objects sorted by their id field are equal',
      [{ kind: 'arrayOrder', path: '$.items', key: 'id' }],
      { items: [{ id: 2, n: 'b' }, { id: 1, n: 'a' }] },
      { items: [{ id: 1, n: 'a' }, { id: 2, n: 'b' }] },
      [],
    ],
    [
      'arrayOrder by key: a changed field is reported at its sorted position',
      [{ kind: 'arrayOrder', path: '$.items', key: 'id' }],
      { items: [{ id: 2, n: 'b' }, { id: 1, n: 'a' }] },
      { items: [{ id: 1, n: 'a' }, { id: 2, n: 'B' }] },
      ['$.items[1].n'],
    ],
    [
      'arrayOrder with a wildcard path sorts nested arrays',
      [{ kind: 'arrayOrder', path: '$.orders[*].lines', key: 'sku' }],
      { orders: [{ lines: [{ sku: 'B' }, { sku: 'A' }] }] },
      { orders: [{ lines: [{ sku: 'A' }, { sku: 'B' }] }] },
      [],
    ],
    ['numericTolerance: numbers within the tolerance are equal', [{ kind: 'numericTolerance', path: '$.total', tolerance: 0.01 }], { total: 10.0 }, { total: 10.01 }, []],
    ['numericTolerance: numbers beyond the tolerance differ', [{ kind: 'numericTolerance', path: '$.total', tolerance: 0.01 }], { total: 10.0 }, { total: 10.02 }, ['$.total']],
    ['numericTolerance: other paths are exact', [{ kind: 'numericTolerance', path: '$.total', tolerance: 1 }], { tax: 1 }, { tax: 1.5 }, ['$.tax']],
    ['numericString: 12.5 and "12.50" are equal', [{ kind: 'numericString', path: '$..price' }], { item: { price: 12.5 } }, { item: { price: '12.50' } }, []],
    ['numericString: 12.5 and "12.51" differ', [{ kind: 'numericString', path: '$..price' }], { item: { price: 12.5 } }, { item: { price: '12.51' } }, ['$.item.price']],
    ['numericString: a non-numeric string still differs', [{ kind: 'numericString', path: '$.price' }], { price: 12.5 }, { price: 'twelve' }, ['$.price']],
    ['timestamp: ISO with ms and Z equals ISO with an offset', [{ kind: 'timestamp', path: '$.at' }], { at: '2024-03-01T12:00:00.000Z' }, { at: '2024-03-01T13:00:00+01:00' }, []],
    ['timestamp: "YYYY-MM-DD HH:MM:SS" is read as UTC', [{ kind: 'timestamp', path: '$.at' }], { at: '2024-03-01 12:00:00' }, { at: '2024-03-01T12:00:00Z' }, []],
    ['timestamp: epoch seconds equal the same instant in ISO', [{ kind: 'timestamp', path: '$.at' }], { at: 1709294400 }, { at: '2024-03-01T12:00:00Z' }, []],
    ['timestamp: epoch milliseconds equal epoch seconds', [{ kind: 'timestamp', path: '$..at' }], { x: { at: 1709294400000 } }, { x: { at: 1709294400 } }, []],
    ['timestamp: different instants differ', [{ kind: 'timestamp', path: '$.at' }], { at: '2024-03-01T12:00:00Z' }, { at: '2024-03-01T12:00:01Z' }, ['$.at']],
    ['timestamp: a value that is not a timestamp differs', [{ kind: 'timestamp', path: '$.at' }], { at: 'soon' }, { at: '2024-03-01T12:00:00Z' }, ['$.at']],
    ['timestamp: the year 0099 is not 1999', [{ kind: 'timestamp', path: '$.at' }], { at: '0099-01-01' }, { at: '1999-01-01' }, ['$.at']],
  ])('%s', (_name, normalizers, primary, shadow, expected) => {
    expect(pathsOf(diffWith(normalizers, primary, shadow))).toEqual(expected);
  });

  it('a surviving difference shows the original values, not normalized ones', () => {
    expect(diffWith([{ kind: 'numericString', path: '$.price' }], { price: 12.5 }, { price: '12.51' })).toEqual([
      { path: '$.price', kind: 'changed', primary: 12.5, shadow: '12.51' },
    ]);
  });

  it('a timestamp normalizer applies to a listed header (HTTP date vs ISO)', () => {
    const rules = compiled({ headers: ['last-modified'], normalizers: [{ kind: 'timestamp', path: 'headers.last-modified' }] });
    const a = anObservation({ headers: { 'last-modified': 'Fri, 01 Mar 2024 12:00:00 GMT' } });
    const b = anObservation({ headers: { 'last-modified': '2024-03-01T12:00:00Z' } });
    expect(diffObservations(a, b, rules)).toEqual([]);
  });

  it('normalize returns a new value and leaves its input alone', () => {
    const input = { tags: ['b', 'a'] };
    expect(normalize(input, compileNormalizers([{ kind: 'arrayOrder', path: '$.tags' }]))).toEqual({ tags: ['a', 'b'] });
    expect(input.tags).toEqual(['b', 'a']);
  });
});

describe('timestamps', () => {
  it.each([
    ['2024-03-01T12:00:00Z', Date.UTC(2024, 2, 1, 12)],
    ['2024-03-01T12:00:00.250Z', Date.UTC(2024, 2, 1, 12, 0, 0, 250)],
    ['2024-03-01T12:00:00-0230', Date.UTC(2024, 2, 1, 14, 30)],
    ['2024-03-01 12:00:00', Date.UTC(2024, 2, 1, 12)],
    ['Fri, 01 Mar 2024 12:00:00 GMT', Date.UTC(2024, 2, 1, 12)],
    ['1709294400', Date.UTC(2024, 2, 1, 12)],
    ['Fri, 01 Mar 2024 13:00:00 +0100', Date.UTC(2024, 2, 1, 12)], // RFC 2822 (Python email.utils, Ruby)
    ['1 Mar 2024 07:00 -0500', Date.UTC(2024, 2, 1, 12)],
    ['Fri Mar 01 2024 13:00:00 GMT+0100 (Central European Standard Time)', Date.UTC(2024, 2, 1, 12)], // JavaScript Date#toString
    ['Fri Mar  1 12:00:00 2024', Date.UTC(2024, 2, 1, 12)], // asctime, Python time.ctime
  ])('%s is read as the right instant', (text, ms) => {
    expect(parseInstant(text)?.ms).toBe(ms);
  });

  it.each([
    // Years 0-99 as written (Date.UTC would read them as 1900-1999); Date.parse of a full ISO string takes them literally.
    ['0099-01-01', Date.parse('0099-01-01T00:00:00.000Z')],
    ['0000-03-01T10:30:00Z', Date.parse('0000-03-01T10:30:00.000Z')],
    ['0042-06-15 08:00:00', Date.parse('0042-06-15T08:00:00.000Z')],
    ['0096-02-29', Date.parse('0096-02-29T00:00:00.000Z')],
    ['Sat, 01 Jan 0099 00:00:00 GMT', Date.parse('0099-01-01T00:00:00.000Z')],
  ])('%s is read in the year it names', (text, ms) => {
    expect(parseInstant(text)?.ms).toBe(ms);
  });

  it.each(['Fri, 01 Mrz 2024 12:00:00 +0100', 'Fri Mar 01 2024 12:00:00', '01 Mar 2024 25:00 +0000', 'Fri, 30 Feb 2024 12:00:00 +0000'])('%s is no instant', (text) => {
    expect(parseInstant(text)).toBeNull();
  });

  it('0099-01-01 and 1999-01-01 are different instants', () => {
    expect(parseInstant('0099-01-01')?.ms).not.toBe(parseInstant('1999-01-01')?.ms);
    expect(sameInstant('0099-01-01', '1999-01-01')).toBe(false);
  });

  it.each(['2024-02-30T00:00:00Z', '2024-13-01', 'yesterday', '12:00', '0100-02-29'])('%s is not a timestamp', (text) => {
    expect(parseInstant(text)).toBeNull();
  });

  it('a value with ms equals one without when the coarser one is whole seconds', () => {
    expect(sameInstant('2024-03-01T12:00:00.250Z', '2024-03-01T12:00:00Z')).toBe(true);
    expect(sameInstant('2024-03-01T12:00:00.250Z', '2024-03-01T12:00:00.251Z')).toBe(false);
  });
});
