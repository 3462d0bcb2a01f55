// The field a difference counts under (core/compare/noise.ts fieldOf): array indices and generated
// object keys are one field each, names and business keys stay themselves.
import { fieldOf } from '../../../src/core/compare';
import { isGeneratedId, isIdSegment } from '../../../src/core/identifiers';

describe('fieldOf', () => {
  it('generalises array indices and generated keys (uuid, hash, ULID, token) but not names, years or business keys', () => {
    expect(fieldOf('$.items[3].price')).toBe('$.items[*].price');
    expect(fieldOf('$.sessions["3f2a9c1e-8b7d-4e0f-9a6b-2c1d0e9f8a7b"].active')).toBe('$.sessions.*.active');
    expect(fieldOf('$.cache.9f86d081884c7d65.hits')).toBe('$.cache.*.hits');
    expect(fieldOf('$.jobs["01ARZ3NDEKTSV4RRFFQ69G5FAV"]')).toBe('$.jobs.*');
    expect(fieldOf('$.byYear["2024"]')).toBe('$.byYear["2024"]');
    expect(fieldOf('$.stock["SKU-000011"].qty')).toBe('$.stock["SKU-000011"].qty');
    expect(fieldOf('$.price')).toBe('$.price');
    expect(fieldOf('$.deadbeef')).toBe('$.deadbeef'); // hex letters only: a word
    expect(fieldOf('headers.etag')).toBe('headers.etag');
  });

  it('an endpoint\'s :id takes numbers and business keys too; a generated key is the narrower rule', () => {
    for (const id of ['42', 'SKU-000011']) expect([isIdSegment(id), isGeneratedId(id)]).toEqual([true, false]);
    for (const id of ['3f2a9c1e-8b7d-4e0f-9a6b-2c1d0e9f8a7b', 'a1b2c3d4e5']) expect([isIdSegment(id), isGeneratedId(id)]).toEqual([true, true]);
    expect(isIdSegment('products')).toBe(false);
  });
});
