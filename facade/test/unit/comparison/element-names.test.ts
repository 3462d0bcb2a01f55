// An XML element's text is named by its element, as a JSON leaf by its key: a CalDAV collection's
// sync-token and getctag, which each store mints from its own history (so two servers with the same
// calendars still differ there), are each side's own; a changed display name is not.
import { evaluate } from '../../../src/core/comparison';
import { anObservation, compiled as compiledRules } from '../compare/builders';

const rules = compiledRules({ headers: ['content-type'] });
const multistatus = (token: string, ctag: string, name: string) => anObservation({ status: 207, headers: { 'content-type': 'application/xml; charset=utf-8' }, body:
  `<?xml version="1.0"?><multistatus xmlns="DAV:" xmlns:CS="http://calendarserver.org/ns/"><response><href>/user/cal/</href><propstat><prop>`
  + `<displayname>${name}</displayname><sync-token>${token}</sync-token><CS:getctag>${ctag}</CS:getctag>`
  + '</prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>' });
const generated = (a: ReturnType<typeof multistatus>, b: ReturnType<typeof multistatus>): Array<[unknown, string | null]> =>
  evaluate(a, b, rules, false).facts.map((f) => [f.primary, f.generated?.kind ?? null]);

describe('an XML element\'s text', () => {
  it('is a change token each store mints when its element is a sync-token or a getctag', () => {
    expect(generated(
      multistatus('http://radicale.org/ns/sync/3f2a1b9c0d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a', '"9c0d8e7f6a5b4c3d"', 'Work'),
      multistatus('http://radicale.org/ns/sync/b7e4c1d2a3f5e6d7c8b9a0f1e2d3c4b5a6978877', '"1e2f3a4b5c6d7e8f"', 'Work'),
    )).toEqual([['http://radicale.org/ns/sync/3f2a1b9c0d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a', 'token'], ['"9c0d8e7f6a5b4c3d"', 'token']]);
    expect(generated(multistatus('http://sabre.io/ns/sync/37', '"a"', 'Work'), multistatus('http://sabre.io/ns/sync/4', '"a"', 'Work')))
      .toEqual([['http://sabre.io/ns/sync/37', 'token']]);
  });

  it('is compared when its element names anything else, or the token is of another server\'s shape', () => {
    expect(generated(multistatus('http://sabre.io/ns/sync/37', '"a"', 'Work'), multistatus('http://sabre.io/ns/sync/37', '"a"', 'Private'))).toEqual([['Work', null]]);
    expect(generated(multistatus('http://sabre.io/ns/sync/37', '"a"', 'Work'), multistatus('urn:other:37', '"a"', 'Work'))).toEqual([['http://sabre.io/ns/sync/37', null]]);
  });
});
