// Status, listed headers, Set-Cookie by cookie name, text bodies by line, other bodies by hash,
// and failed sides: every part of an observation that diffObservations compares.
import { createHash } from 'node:crypto';
import { compare, diffObservations } from '../../../src/core/compare/compare';
import { aFailure, aJsonObservation, anObservation, aTextObservation, compiled, pathsOf } from './builders';

const sha = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');

describe('status and headers', () => {
  const rules = compiled({ headers: ['Content-Type', 'location', 'cache-control', 'date'] });

  it.each([
    ['a different status is a `status` difference', { status: 200 }, { status: 404 }, [{ path: 'status', kind: 'changed', primary: 200, shadow: 404 }]],
    [
      'a listed header with another value is changed (names compared case-insensitively)',
      { headers: { 'Cache-Control': 'no-store' } },
      { headers: { 'cache-control': 'max-age=60' } },
      [{ path: 'headers.cache-control', kind: 'changed', primary: 'no-store', shadow: 'max-age=60' }],
    ],
    ['a listed header only the shadow sends is added', {}, { headers: { location: '/x' } }, [{ path: 'headers.location', kind: 'added', primary: undefined, shadow: '/x' }]],
    ['a listed header only the primary sends is removed', { headers: { location: '/x' } }, {}, [{ path: 'headers.location', kind: 'removed', primary: '/x', shadow: undefined }]],
    ['a header that is not listed is not compared', { headers: { 'x-powered-by': 'Express' } }, { headers: { 'x-powered-by': 'Fastify' } }, []],
    ['the date header is never compared, even when listed', { headers: { date: 'Mon, 01 Jan 2024 00:00:00 GMT' } }, { headers: { date: 'Tue, 02 Jan 2024 00:00:00 GMT' } }, []],
  ])('%s', (_name, a, b, expected) => {
    expect(diffObservations(anObservation(a), anObservation(b), rules)).toEqual(expected);
  });
});

describe('set-cookie by cookie name', () => {
  const rules = compiled({ headers: ['set-cookie'], cookies: ['sid', 'theme'] });
  const withCookies = (...cookies: string[]) => anObservation({ headers: { 'set-cookie': cookies } });

  it.each([
    ['the same cookies with attributes in another order match', ['sid=1; Path=/; HttpOnly'], ['sid=1; httponly; path=/'], []],
    ['a cookie not listed is not compared', ['sid=1', 'tracking=a'], ['sid=1', 'tracking=b'], []],
    ['SameSite and Domain in another case, a Domain\'s leading dot, an Expires in PHP\'s spelling match', ['sid=1; SameSite=Lax; Domain=.Shop.example; Expires=Tue, 08 Dec 2026 10:00:00 GMT'], ['sid=1; samesite=lax; domain=shop.example; expires=Tue, 08-Dec-2026 10:00:00 GMT'], []],
    ['but another SameSite, Domain or Expires is a change', ['sid=1; SameSite=Lax; Domain=shop.example'], ['sid=1; SameSite=None; Domain=shop.example'], [{ path: 'cookies.sid', kind: 'changed', primary: 'sid=1; domain=shop.example; samesite=lax', shadow: 'sid=1; domain=shop.example; samesite=none' }]],
    ['a different value is a `cookies.<name>` change', ['sid=1; Path=/'], ['sid=2; Path=/'], [{ path: 'cookies.sid', kind: 'changed', primary: 'sid=1; path=/', shadow: 'sid=2; path=/' }]],
    ['a different attribute is a change', ['theme=dark; Path=/'], ['theme=dark; Path=/; Secure'], [{ path: 'cookies.theme', kind: 'changed', primary: 'theme=dark; path=/', shadow: 'theme=dark; path=/; secure' }]],
    ['a cookie only the primary sets is removed', ['sid=1', 'theme=dark'], ['sid=1'], [{ path: 'cookies.theme', kind: 'removed', primary: 'theme=dark', shadow: undefined }]],
  ])('%s', (_name, a, b, expected) => {
    expect(diffObservations(withCookies(...a), withCookies(...b), rules)).toEqual(expected);
  });

  it('`*` compares every cookie either side sets', () => {
    const all = compiled({ cookies: ['*'] });
    expect(diffObservations(withCookies('a=1', 'b=2'), withCookies('a=1', 'c=3'), all).map((d) => [d.path, d.kind])).toEqual([
      ['cookies.b', 'removed'],
      ['cookies.c', 'added'],
    ]);
  });
});

describe('bodies that are not JSON', () => {
  const rules = compiled({ headers: [] });

  it.each([
    ['a changed line of text is reported by line number', 'a\nb\nc\n', 'a\nB\nc\n', [{ path: 'text[2]', kind: 'changed', primary: 'b', shadow: 'B' }]],
    ['a line only the shadow has is added at its line', 'a\nc\n', 'a\nb\nc\n', [{ path: 'text[2]', kind: 'added', primary: undefined, shadow: 'b' }]],
    ['a line only the primary has is removed at its line', 'a\nb\nc\n', 'a\nc\n', [{ path: 'text[2]', kind: 'removed', primary: 'b', shadow: undefined }]],
    ['a missing newline at the end is not a difference', 'a\nb\n', 'a\nb', []],
  ])('%s', (_name, a, b, expected) => {
    expect(diffObservations(aTextObservation(a), aTextObservation(b), rules)).toEqual(expected);
  });

  const page = (body: string, type = 'text/html; charset=utf-8') => anObservation({ headers: { 'content-type': type }, body });

  it('HTML is compared by its tags and text, one line each: a changed text is the line that holds it', () => {
    const a = page('<ul>\n<li>Tea</li>\n</ul>\n');
    const b = page('<ul>\n<li>Coffee</li>\n</ul>\n');
    expect(diffObservations(a, b, rules)).toEqual([{ path: 'text["ul/li/text()"]', kind: 'changed', primary: 'Tea', shadow: 'Coffee' }]);
  });

  it('the same page rendered by another template engine matches: indentation, attribute order and quotes, entities, <br/>, implied end tags, comments', () => {
    const erb = page([
      '<!DOCTYPE html>', '<html>', '  <head><title>Order &amp; invoice</title></head>', '  <body>', '    <!-- rendered by orders/show.html.erb -->',
      '    <form action="/cart" method="post"><input type="checkbox" name="gift" checked="checked"><br/>',
      '    <p class="total">Total:   12.50 &euro;', '    <p>Caf&eacute;', '  </body>', '</html>', ''].join('\n'));
    const jinja = page("<!doctype html><html><head><title>Order &#38; invoice</title></head><body><form method='post' action='/cart'>"
      + "<input name=gift type=checkbox checked><br><p class=total>Total: 12.50 €</p><p>Café</p></form></body></html>");
    expect(diffObservations(erb, jinja, rules)).toEqual([]);
  });

  it('XML from another serializer matches (declaration, namespace prefixes, indentation, attribute order, CDATA, <a/>); a changed value is the line that holds it', () => {
    const xml = (body: string) => anObservation({ headers: { 'content-type': 'application/soap+xml; charset=utf-8' }, body });
    const dotnet = xml('<?xml version="1.0" encoding="utf-8"?>\n<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope">\n  <soap:Body>\n'
      + '    <Price currency="EUR" sku="A-1"><![CDATA[12.50 & VAT]]></Price>\n    <Discount/>\n    <Note>two  spaces</Note>\n  </soap:Body>\n</soap:Envelope>\n');
    const java = (price: string, ns = 'http://www.w3.org/2003/05/soap-envelope') => xml(`<S:Envelope xmlns:S='${ns}'><S:Body>`
      + `<Price sku='A-1' currency='EUR'>${price} &amp; VAT</Price><Discount></Discount><Note>two  spaces</Note></S:Body></S:Envelope>`);
    expect(diffObservations(dotnet, java('12.50'), rules)).toEqual([]);
    expect(diffObservations(dotnet, java('12.05'), rules)).toEqual([{ path: 'text["Envelope/Body/Price/text()"]', kind: 'changed', primary: '12.50 & VAT', shadow: '12.05 & VAT', element: 'Price' }]);
    expect(pathsOf(diffObservations(dotnet, xml(String(dotnet.ok && dotnet.body).replace('two  spaces', 'two spaces')), rules))).toEqual(['text["Envelope/Body/Note/text()"]']); // whitespace inside a value is data
    expect(pathsOf(diffObservations(dotnet, java('12.50', 'http://schemas.xmlsoap.org/soap/envelope/'), rules))).toEqual(['text["Envelope"]', 'text["Envelope/Body"]', 'text["Envelope/Body/end()"]', 'text["Envelope/end()"]']); // SOAP 1.1 is not SOAP 1.2
  });

  it('whitespace inside <pre> is content; a changed attribute value is a difference', () => {
    expect(pathsOf(diffObservations(page('<pre>a  b\nc</pre>'), page('<pre>a b\nc</pre>'), rules))).toEqual(['text["pre/text()"]']);
    expect(diffObservations(page('<a href="/orders/1">x</a>'), page('<a href="/orders/2">x</a>'), rules))
      .toEqual([{ path: 'text["a"]', kind: 'changed', primary: '<a href="/orders/1">', shadow: '<a href="/orders/2">' }]);
  });

  it('a binary body is compared by its sha256 hash', () => {
    const png = (bytes: number[]) => anObservation({ headers: { 'content-type': 'image/png' }, body: Buffer.from(bytes) });
    expect(diffObservations(png([1, 2, 3]), png([1, 2, 3]), rules)).toEqual([]);
    expect(diffObservations(png([1, 2, 3]), png([1, 2, 4]), rules)).toEqual([
      { path: 'body#sha256', kind: 'changed', primary: sha(Buffer.from([1, 2, 3])), shadow: sha(Buffer.from([1, 2, 4])) },
    ]);
  });

  it('a body without a content type is compared by hash', () => {
    expect(diffObservations(anObservation({ body: 'x' }), anObservation({ body: 'y' }), rules)).toEqual([
      { path: 'body#sha256', kind: 'changed', primary: sha('x'), shadow: sha('y') },
    ]);
  });
});

describe('failed sides', () => {
  const rules = compiled();

  it.each([
    ['only the shadow failed: its error code is added', aJsonObservation({}), aFailure('ECONNRESET'), [{ path: 'error', kind: 'added', primary: undefined, shadow: 'ECONNRESET' }]],
    ['only the primary failed: its error code is removed', aFailure('ETIMEDOUT', 'monolith'), aJsonObservation({}), [{ path: 'error', kind: 'removed', primary: 'ETIMEDOUT', shadow: undefined }]],
    ['both failed differently: the codes changed', aFailure('ETIMEDOUT'), aFailure('ECONNREFUSED'), [{ path: 'error', kind: 'changed', primary: 'ETIMEDOUT', shadow: 'ECONNREFUSED' }]],
    ['both failed the same way: no difference', aFailure('ECONNREFUSED'), aFailure('ECONNREFUSED'), []],
  ])('%s', (_name, a, b, expected) => {
    expect(diffObservations(a, b, rules)).toEqual(expected);
  });

  it('identical answers are a match with nothing ignored', () => {
    const body = { id: 7, items: [1, 2, 3] };
    expect(compare(aJsonObservation(body), aJsonObservation(body), rules)).toEqual({ outcome: 'match', mismatched: [], ignored: [] });
  });
});

describe('observations that crossed a worker thread', () => {
  it('a body that arrives as a plain Uint8Array (structured clone) compares like a Buffer', () => {
    const rules = compiled();
    const cloned = structuredClone(aJsonObservation({ id: 1, price: 10 }));
    expect(diffObservations(cloned, aJsonObservation({ id: 1, price: 11 }), rules)).toEqual([{ path: '$.price', kind: 'changed', primary: 10, shadow: 11 }]);
  });
});
