// The seventeenth noise corpus: a feature-flag service (Unleash's /api/client/features) repeats its
// answer's ETag header in the body (`meta.etag`). Where the body value is, on each side, that answer's
// own ETag header, it is the header itself and judged as the header is (each side's own validator).
// An etag in a body that is not its own answer's header (an S3 listing's object md5, a child's tag),
// one that lost its quotes or turned weak, and the data beside it stay differences.
import { evaluate } from '../../../src/core/comparison';
import { anObservation, compiled as compiledRules } from '../compare/builders';

const rules = compiledRules({ headers: ['content-type'] });
const features = (side: 'monolith' | 'service', bodyTag: string, headerTag: string | undefined, enabled = true) => anObservation({ side, status: 200,
  headers: { 'content-type': 'application/json; charset=utf-8', ...(headerTag === undefined ? {} : { etag: headerTag }) },
  body: JSON.stringify({ version: 2, features: [{ name: 'new-checkout', enabled }], meta: { etag: bodyTag } }) });
const kinds = (a: ReturnType<typeof features>, b: ReturnType<typeof features>): Array<[string, string | null]> =>
  evaluate(a, b, rules, false).facts.map((f) => [f.field, f.generated?.kind ?? null]);

describe('a body value that is its own answer\'s ETag header', () => {
  it('is judged as the header: each side\'s own validator', () => {
    expect(kinds(features('monolith', '"ec5301ba:2841"', '"ec5301ba:2841"'), features('service', '"8c6a24c5:117"', '"8c6a24c5:117"')))
      .toEqual([['$.meta.etag', 'token']]);
    expect(kinds(features('monolith', 'W/"1a2b-3c"', 'W/"1a2b-3c"'), features('service', 'W/"9f-77"', 'W/"9f-77"'))).toEqual([['$.meta.etag', 'token']]);
  });

  it('stays data where it is not, on both sides, that answer\'s own header', () => {
    // no ETag header: an etag in a body is data (an S3 listing's md5)
    expect(kinds(features('monolith', '"ec5301ba"', undefined), features('service', '"8c6a24c5"', undefined))).toEqual([['$.meta.etag', null]]);
    // the shadow's body names another tag than its own header: a stale or wrong value
    expect(kinds(features('monolith', '"ec5301ba:2841"', '"ec5301ba:2841"'), features('service', '"8c6a24c5:116"', '"8c6a24c5:117"'))).toEqual([['$.meta.etag', null]]);
    // both headers alike, the body tag differs: a child's tag, data
    expect(kinds(features('monolith', '"aa"', '"ec5301ba"'), features('service', '"bb"', '"ec5301ba"'))).toEqual([['$.meta.etag', null]]);
  });

  it('stays a difference when it lost its quotes or turned weak, and the data beside it is compared', () => {
    expect(kinds(features('monolith', '"ec5301ba"', '"ec5301ba"'), features('service', '8c6a24c5', '8c6a24c5'))).toEqual([['$.meta.etag', null]]);
    expect(kinds(features('monolith', '"ec5301ba"', '"ec5301ba"'), features('service', 'W/"8c6a24c5"', 'W/"8c6a24c5"'))).toEqual([['$.meta.etag', null]]);
    expect(kinds(features('monolith', '"ec5301ba:2841"', '"ec5301ba:2841"'), features('service', '"8c6a24c5:117"', '"8c6a24c5:117"', false)))
      .toEqual([['$.features[*].enabled', null], ['$.meta.etag', 'token']]);
  });
});
