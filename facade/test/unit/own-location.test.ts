// Each side's own location for what a write created (core/own-location.ts): learned from the two
// answers to one write, and the other side's copies of later requests under it sent to its own.
import { learnOwnLocation, locationTarget, ownLocations, withOwnLocation, type LocationPair } from '../../src/core/own-location';
import { createdName, createdTargets } from '../../src/core/created-name';
import { idMemberKind, kindOf, learnOwnIds, learnOwnIdsByKind, ownIdsAt, withOwnIdsInForm, withOwnIdsInJson } from '../../src/core/own-ids';

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

describe('a create named in its body (no Location)', () => {
  it('reads a self link before an id, on the answer, on JSON:API data, or on the one record a wrapper holds', () => {
    expect(createdName({ id: 17, _links: { self: { href: '/orders/17' } } })).toEqual({ where: '_links.self.href', link: '/orders/17' });
    expect(createdName({ data: { type: 'orders', id: 'a1b2', links: { self: 'http://shop/orders/a1b2' } } })).toEqual({ where: 'data.links.self', link: 'http://shop/orders/a1b2' });
    expect(createdName({ data: { type: 'orders', id: 'a1b2' } })).toEqual({ where: 'data.id', id: 'a1b2' });
    expect(createdName({ order: { id: 17, total: 3 } })).toEqual({ where: 'order.id', id: '17' });
    expect(createdName({ _id: '65a1f0c2e4b0a1b2c3d4e5f6' })).toEqual({ where: '_id', id: '65a1f0c2e4b0a1b2c3d4e5f6' });
    // Nothing that names a record: a list, a bare value, a message, a fractional number.
    expect(createdName([{ id: 1 }])).toBeNull();
    expect(createdName({ ok: true, message: 'queued' })).toBeNull();
    expect(createdName({ id: 1.5 })).toBeNull();
    expect(createdName({ url: 'not a link' })).toBeNull();
  });

  it('pairs ids under the collection each side was posted to, only when both look minted, differ and sit at the same member', () => {
    const at = (collection: string, where: string, id: string) => ({ collection, name: { where, id } });
    expect(createdTargets(at('/api/orders/', 'id', '17'), at('/api/orders', 'id', '9001'))).toEqual([{ path: '/api/orders/17', params: [] }, { path: '/api/orders/9001', params: [] }]);
    expect(createdTargets(at('/a', 'id', '17'), at('/a', 'id', '17'))).toBeNull();
    expect(createdTargets(at('/a', 'id', '17'), at('/a', 'id', 'pending'))).toBeNull();
    expect(createdTargets(at('/a', 'id', '17'), at('/a', 'data.id', '9001'))).toBeNull();
  });

  it('an id the posted path already names (the parent answered whole) pairs no created record', () => {
    const at = (collection: string, where: string, id: string) => ({ collection, name: { where, id } });
    // POST /api/carts/5/items answered with the cart: 5 on the monolith, 77 on the service (its own cart).
    expect(createdTargets(at('/api/carts/5/items', 'id', '5'), at('/api/carts/77/items', 'id', '77'))).toBeNull();
    expect(createdTargets(at('/api/carts/5/items', 'id', '31'), at('/api/carts/77/items', 'id', '40'))).not.toBeNull();
  });

  it('each side\'s own id is no difference only under an id-named member or in a link, never in a count that happens to equal one', () => {
    const ids = new Map<string, string>();
    learnOwnIds(ids, '/orders/1', '/orders/2');
    learnOwnIds(ids, '/orders/1/lines/7', '/orders/2/lines/31');
    expect([...ids]).toEqual([['1', '2'], ['7', '31']]);
    expect(ownIdsAt('id', 1, 2, ids)).toBe(true);
    expect(ownIdsAt('order_id', '1', '2', ids)).toBe(true);
    expect(ownIdsAt('orderId', 1, 2, ids)).toBe(true);
    expect(ownIdsAt('href', '/orders/1/lines/7', '/orders/2/lines/31', ids)).toBe(true);
    expect(ownIdsAt('quantity', 1, 2, ids)).toBe(false);
    expect(ownIdsAt('paid', 1, 2, ids)).toBe(false);
    expect(ownIdsAt('id', 1, 3, ids)).toBe(false); // not the pair: a real difference
    expect(ownIdsAt('href', '/orders/1/lines/8', '/orders/2/lines/31', ids)).toBe(false);
    expect(ownIdsAt('href', '/orders/1', '/orders/1', ids)).toBe(false);
    expect(ownIdsAt('href', 'https://shop.example/orders/1', 'https://shop.example/orders/2', ids)).toBe(true);
  });

  it('a value with slashes that is no link (a date, a ratio) differing at a number equal to a paired id stays a difference', () => {
    const ids = new Map<string, string>();
    learnOwnIds(ids, '/orders/3', '/orders/4');
    expect(ownIdsAt('due', '12/3/2026', '12/4/2026', ids)).toBe(false);
    expect(ownIdsAt('size', '3/8', '4/8', ids)).toBe(false);
    expect(ownIdsAt('self', '/orders/3', '/orders/4', ids)).toBe(true);
  });

  it('an id member of another kind than the pair (customer_id with orders paired) stays a difference', () => {
    const ids = new Map<string, string>();
    const byKind = new Map() as Parameters<typeof learnOwnIdsByKind>[0];
    learnOwnIds(ids, '/api/orders/3', '/api/orders/4');
    learnOwnIdsByKind(byKind, '/api/orders/3', '/api/orders/4');
    expect(ownIdsAt('customer_id', 3, 4, ids, byKind)).toBe(false);
    expect(ownIdsAt('customerId', '3', '4', ids, byKind)).toBe(false);
    expect(ownIdsAt('order_id', 3, 4, ids, byKind)).toBe(true);
    expect(ownIdsAt('last_order_id', 3, 4, ids, byKind)).toBe(true);
    expect(ownIdsAt('id', 3, 4, ids, byKind)).toBe(true);
  });
});

describe('ids a client sends in a body', () => {
  const byKind = new Map([['order', new Map([['17', '9001'], ['a1', 'b2']])]]);
  const pairs = new Map<string, LocationPair>();
  learnOwnLocation(pairs, { status: 201, location: locationTarget('/api/orders/17', MONO) }, { status: 201, location: locationTarget('/api/orders/9001', SVC) });

  it('learns the kind of a paired id from the collection before it', () => {
    const learned = new Map() as Parameters<typeof learnOwnIdsByKind>[0];
    learnOwnIdsByKind(learned, '/api/categories/3/products/17', '/api/categories/3/products/9001');
    learnOwnIdsByKind(learned, '/api/addresses/5', '/api/addresses/6');
    expect([...learned].map(([k, v]) => [k, [...v]])).toEqual([['product', [['17', '9001']]], ['address', [['5', '6']]]]);
    expect(['orders', 'categories', 'addresses', 'boxes', 'order', 'Orders'].map(kindOf)).toEqual(['order', 'category', 'address', 'box', 'order', 'order']);
    expect(['order_id', 'orderId', 'order-uuid', 'orderID', 'id', 'paid', 'orders_id'].map(idMemberKind)).toEqual(['order', 'order', 'order', 'order', null, null, 'order']);
  });

  it('replaces only ids of a paired kind, keeping every other byte, and links under a paired location', () => {
    expect(withOwnIdsInJson('{"order_id":17,"customer_id":17,"qty":17}', byKind, pairs)).toBe('{"order_id":9001,"customer_id":17,"qty":17}');
    expect(withOwnIdsInJson('{\n  "lines": [ {"orderId": "a1"}, {"orderId": "zz9"} ],\n  "order": "/api/orders/17/lines"\n}', byKind, pairs))
      .toBe('{\n  "lines": [ {"orderId": "b2"}, {"orderId": "zz9"} ],\n  "order": "/api/orders/9001/lines"\n}');
    expect(withOwnIdsInJson('{"order_id":17,"n":123456789012345678901234}', byKind, pairs)).toBe('{"order_id":9001,"n":123456789012345678901234}');
    // Nothing paired in it, or not JSON: sent as it is.
    expect(withOwnIdsInJson('{"customer_id":17}', byKind, pairs)).toBeNull();
    expect(withOwnIdsInJson('{"order_id":17', byKind, pairs)).toBeNull();
    // Text that only looks like a member inside a string is never touched.
    expect(withOwnIdsInJson('{"note":"\\"order_id\\": 17","order_id":17}', byKind, pairs)).toBe('{"note":"\\"order_id\\": 17","order_id":9001}');
    expect(withOwnIdsInForm('order_id=17&customer_id=17&order_ids%5B%5D=a1', byKind)).toBe('order_id=9001&customer_id=17&order_ids%5B%5D=a1');
    expect(withOwnIdsInForm('customer_id=17', byKind)).toBeNull();
  });
});

it('a body nested deeper than any record is sent as it is, never walked', () => {
  const byKind = new Map([['order', new Map([['17', '9001']])]]);
  const deep = `${'{"a":'.repeat(100_000)}{"order_id":17}${'}'.repeat(100_000)}`;
  expect(withOwnIdsInJson(deep, byKind, new Map())).toBeNull();
  expect(withOwnIdsInJson(`${'['.repeat(60)}{"order_id":17}${']'.repeat(60)}`, byKind, new Map())).toBe(`${'['.repeat(60)}{"order_id":9001}${']'.repeat(60)}`);
});
