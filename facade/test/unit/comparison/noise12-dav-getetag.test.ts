// The twelfth noise corpus: a WebDAV PROPFIND multistatus lists each member's `getetag`, the ETag
// header that member answers with: each store's own validator, judged as the header is. A changed
// display name beside it, or a tag that lost its quotes or turned weak, stays a difference.
import { evaluate } from '../../../src/core/comparison';
import { anObservation, compiled as compiledRules } from '../compare/builders';

const rules = compiledRules({ headers: ['content-type'] });
const propfind = (etag: string, name: string, side: 'monolith' | 'service') => anObservation({ side, status: 207, headers: { 'content-type': 'application/xml; charset=utf-8' }, body:
  '<?xml version="1.0"?>\n<d:multistatus xmlns:d="DAV:"><d:response><d:href>/remote.php/dav/calendars/jane/home/</d:href><d:propstat><d:prop>'
  + `<d:displayname>${name}</d:displayname><d:getetag>${etag}</d:getetag><d:quota-used-bytes>19002560</d:quota-used-bytes>`
  + '</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>' });
const kinds = (a: string, an: string, b: string, bn: string): Array<[unknown, string | null]> =>
  evaluate(propfind(a, an, 'monolith'), propfind(b, bn, 'service'), rules, false).facts.map((f) => [f.primary, f.generated?.kind ?? null]);

describe('a multistatus\' getetag', () => {
  it('is each store\'s validator: two well-formed tags', () => {
    expect(kinds('"36351d355cf7e1297482505d7cda8ed9"', 'Household', '"53f17300a1f649edea1f302a6147de54"', 'Household'))
      .toEqual([['"36351d355cf7e1297482505d7cda8ed9"', 'token']]);
    expect(kinds('W/"1a2b-3c"', 'Household', '"6571f0c1-14"', 'Household')).toEqual([['W/"1a2b-3c"', 'token']]);
  });

  it('stays a difference when it lost its quotes or turned weak, and the name beside it is compared', () => {
    expect(kinds('"36351d355cf7e1297482505d7cda8ed9"', 'Household', '53f17300a1f649edea1f302a6147de54', 'Household'))
      .toEqual([['"36351d355cf7e1297482505d7cda8ed9"', null]]);
    expect(kinds('"36351d35"', 'Household', 'W/"53f17300"', 'Household')).toEqual([['"36351d35"', null]]);
    expect(kinds('"36351d35"', 'Household', '"36351d35"', 'Haushalt')).toEqual([['Household', null]]);
  });
});
