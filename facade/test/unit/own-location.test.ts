// Each side's own location for what a write created (core/own-location.ts): learned from the two
// answers to one write, and the other side's copies of later requests under it sent to its own.
import { learnOwnLocation, locationTarget, ownLocations, withOwnLocation, type LocationPair } from '../../src/core/own-location';

const MONO = ['http://127.0.0.1:3000', 'http://facade.test'];
const SVC = ['http://127.0.0.1:4000', 'http://facade.test'];

function learn(pairs: Map<string, LocationPair>, status: number, a: string, c: string, copyStatus = status): void {
  learnOwnLocation(pairs, { status, location: locationTarget(a, MONO) }, { status: copyStatus, location: locationTarget(c, SVC) });
}

it('a registry upload: path and the _state the side signed; the client\'s own parameters kept byte for byte', () => {
  const pairs = new Map<string, LocationPair>();
  learn(pairs, 202, 'http://facade.test/v2/r/blobs/uploads/aaaa-1111?_state=S0', 'http://facade.test/v2/r/blobs/uploads/bbbb-2222?_state=T0');
  expect(withOwnLocation('/v2/r/blobs/uploads/aaaa-1111?_state=S0', pairs)).toBe('/v2/r/blobs/uploads/bbbb-2222?_state=T0');
  learn(pairs, 202, '/v2/r/blobs/uploads/aaaa-1111?_state=S1', '/v2/r/blobs/uploads/bbbb-2222?_state=T1');
  expect(withOwnLocation('/v2/r/blobs/uploads/aaaa-1111?_state=S1&digest=sha256%3Aab', pairs)).toBe('/v2/r/blobs/uploads/bbbb-2222?_state=T1&digest=sha256%3Aab');
  expect(withOwnLocation('/v2/r/blobs/uploads/aaaa-1111?_state=S0', pairs)).toBe('/v2/r/blobs/uploads/bbbb-2222?_state=T0'); // an earlier chunk sent again
  expect(withOwnLocation('/v2/r/blobs/uploads/', pairs)).toBe('/v2/r/blobs/uploads/'); // not under it
  expect(withOwnLocation('/v2/r/blobs/uploads/aaaa-11112', pairs)).toBe('/v2/r/blobs/uploads/aaaa-11112');
});

it('a REST create: the record and what is under it', () => {
  const pairs = new Map<string, LocationPair>();
  learn(pairs, 201, '/orders/17', 'http://127.0.0.1:4000/orders/9001');
  expect(withOwnLocation('/orders/17', pairs)).toBe('/orders/9001');
  expect(withOwnLocation('/orders/17/items/2?x=1', pairs)).toBe('/orders/9001/items/2?x=1');
  expect(withOwnLocation('/orders/170', pairs)).toBe('/orders/170');
});

it('no pair: the same location, another status, a sign-in page, another origin, a word for an id', () => {
  const pairs = new Map<string, LocationPair>();
  learn(pairs, 201, '/orders/17', '/orders/17');
  learn(pairs, 201, '/orders/18', '/orders/9002', 200);
  learn(pairs, 303, '/orders/19', '/login');
  learn(pairs, 303, '/orders/20', '/errors/500x'); // two segments, but "orders" → "errors" is no id
  learn(pairs, 201, 'https://elsewhere.example/orders/21', '/orders/9003');
  learn(pairs, 201, '/things/blue', '/things/red');
  learn(pairs, 200, '/orders/22', '/orders/9004');
  expect(pairs.size).toBe(0);
});

describe('two Locations naming each side\'s own copy of one thing (judged generated)', () => {
  it('an upload session: its uuid and signed _state', () => {
    expect(ownLocations('http://f.test/v2/r/blobs/uploads/39a0cc40-79d8-4159-b3ec-681a1863d207?_state=gD0juCs7gYLvZvWe1MVBzLE9EIyYFKp8U1pu',
      'http://f.test/v2/r/blobs/uploads/8dd94a45-17b0-442a-8678-4cab5697038d?_state=U58ThcPzj_efMvyuMzp4F-QVwNJkB4ptFQw_')).toBe(true);
    expect(ownLocations('/files/a1b2c3', '/files/d4e5f6')).toBe(true);
  });
  it('stays a difference: another path, a word, a short or readable query value, another origin, another parameter', () => {
    expect(ownLocations('/orders/17/items', '/orders/17/parts')).toBe(false);
    expect(ownLocations('/orders/17', '/login')).toBe(false);
    expect(ownLocations('/search?q=kettle&page=2', '/search?q=kettle&page=3')).toBe(false);
    expect(ownLocations('/search?q=red-kettle-with-a-lid', '/search?q=blue-kettle-with-a-lid')).toBe(false);
    expect(ownLocations('http://a.test/files/1', 'http://b.test/files/2')).toBe(false);
    expect(ownLocations('/files/1?_state=gD0juCs7gYLvZvWe1MVB', '/files/2?state=U58ThcPzj_efMvyuMzp4')).toBe(false);
    expect(ownLocations('/files/1', '/files/1')).toBe(false);
  });
});
