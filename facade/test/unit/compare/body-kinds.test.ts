// Bodies real applications send that are neither plain JSON nor a page of tags: text under an
// `application/` type, JSONP, CSV from another platform's line ends, and JSON data inside a page.
import { diffObservations } from '../../../src/core/compare/compare';
import { evaluate } from '../../../src/core/comparison/evaluate';
import { anObservation, compiled, pathsOf } from './builders';

const rules = compiled();
const typed = (type: string, body: string) => anObservation({ headers: { 'content-type': type }, body });

describe('text that is not under text/', () => {
  it('YAML, and any type that declares a charset, is compared by line, not by hash', () => {
    expect(diffObservations(typed('application/yaml', 'name: Mug\nprice: 12.50\n'), typed('application/yaml', 'name: Mug\nprice: 12.05\n'), rules))
      .toEqual([{ path: 'text[2]', kind: 'changed', primary: 'price: 12.50', shadow: 'price: 12.05' }]);
    expect(pathsOf(diffObservations(typed('application/vnd.acme.report; charset=utf-8', 'a\nb\n'), typed('application/vnd.acme.report; charset=utf-8', 'a\nc\n'), rules))).toEqual(['text[2]']);
    expect(pathsOf(diffObservations(typed('application/octet-stream', 'a\nb\n'), typed('application/octet-stream', 'a\nc\n'), rules))).toEqual(['body#sha256']);
  });

  it('a multipart answer of text parts (an OData $batch) is compared part by part, its boundaries set aside; one with a binary part by hash', () => {
    const batch = (boundary: string, status: string) => typed(`multipart/mixed; boundary=${boundary}`,
      `--${boundary}\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 ${status}\r\nContent-Type: application/json\r\n\r\n{"ID":2}\r\n--${boundary}--\r\n`);
    expect(diffObservations(batch('batchresponse_1f0c', '200 OK'), batch('batchresponse_9a7e', '200 OK'), rules)).toEqual([]);
    expect(diffObservations(batch('batchresponse_1f0c', '200 OK'), batch('batchresponse_9a7e', '404 Not Found'), rules))
      .toEqual([{ path: 'text[4]', kind: 'changed', primary: 'HTTP/1.1 200 OK', shadow: 'HTTP/1.1 404 Not Found' }]);
    const withImage = (boundary: string, byte: number) => ({ ...typed(`multipart/related; boundary=${boundary}`, ''),
      body: Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Type: image/png\r\n\r\n`), Buffer.from([0x89, 0x50, 0, byte]), Buffer.from(`\r\n--${boundary}--`)]) });
    expect(pathsOf(diffObservations(withImage('b1', 1), withImage('b2', 1), rules))).toEqual(['body#sha256']);
  });

  it('CRLF against LF line ends is not a difference; a changed line still is', () => {
    const python = typed('text/csv; charset=utf-8', 'sku,qty\r\nA-1,3\r\nB-2,5\r\n');
    expect(diffObservations(python, typed('text/csv; charset=utf-8', 'sku,qty\nA-1,3\nB-2,5\n'), rules)).toEqual([]);
    expect(diffObservations(python, typed('text/csv; charset=utf-8', 'sku,qty\nA-1,3\nB-2,4\n'), rules)).toEqual([{ path: 'text["row B-2"]', kind: 'changed', primary: 'B-2,5', shadow: 'B-2,4' }]);
  });
});

describe('JSONP', () => {
  const jsonp = (body: string) => typed('application/javascript; charset=utf-8', body);

  it('the callback\'s argument is compared as JSON: key order and spacing are not differences, a value is, under the callback\'s name', () => {
    const rails = jsonp('/**/ typeof cb === \'function\' && cb({"id":7,"price":12.5,"tags":["a"]});');
    expect(diffObservations(rails, jsonp('cb({ "tags": ["a"], "price": 12.50, "id": 7 })'), rules)).toEqual([]);
    expect(diffObservations(rails, jsonp('cb({"tags":["a"],"price":13,"id":7})'), rules)).toEqual([{ path: '$.cb.price', kind: 'changed', primary: 12.5, shadow: 13 }]);
    expect(pathsOf(diffObservations(rails, jsonp('other({"id":7,"price":12.5,"tags":["a"]})'), rules))).toEqual(['$.cb', '$.other']);
  });

  it('a script that is not one call of JSON stays text', () => {
    expect(pathsOf(diffObservations(jsonp('var a = 1;\nrun(a);\n'), jsonp('var a = 2;\nrun(a);\n'), rules))).toEqual(['text[1]']);
  });
});

describe('JSON data in a page', () => {
  const next = (data: string, title = 'Mug') => typed('text/html; charset=utf-8',
    `<!DOCTYPE html><html><head><title>${title}</title></head><body><div id="__next">${title}</div>`
    + `<script id="__NEXT_DATA__" type="application/json">${data}</script><script>window.x = 1;</script></body></html>`);
  const data = (over: Record<string, unknown> = {}) => JSON.stringify({ props: { pageProps: { product: { id: 7, price: 12.5, name: 'Mug' }, ...over } }, page: '/p/[id]' });

  it('is compared leaf by leaf: the same data in another key order and spacing matches', () => {
    const reordered = '{ "page": "/p/[id]", "props": { "pageProps": { "product": { "name": "Mug", "price": 12.50, "id": 7 } } } }';
    expect(diffObservations(next(data()), next(reordered), rules)).toEqual([]);
  });

  it('a changed value is the one line of its leaf, named by its path', () => {
    const changed = JSON.stringify({ props: { pageProps: { product: { id: 7, price: 13, name: 'Mug' } } }, page: '/p/[id]' });
    const d = diffObservations(next(data()), next(changed), rules);
    expect(d).toEqual([{ path: 'text["script#__NEXT_DATA__/$.props.pageProps.product.price"]', kind: 'changed', primary: '$.props.pageProps.product.price = 12.5', shadow: '$.props.pageProps.product.price = 13' }]);
  });

  it('a stamp in the data is its own line, judged as a generated timestamp by its value', () => {
    const a = next(data({ renderedAt: '2026-12-06T10:00:00.000Z' }));
    const b = next(data({ renderedAt: '2026-12-06T10:00:02.000Z' }));
    const { facts } = evaluate(a, b, rules, false);
    expect(facts).toHaveLength(1);
    expect(facts[0]!.generated).toEqual({ kind: 'timestamp', deltaMs: 2000 });
  });

  it('a script that assigns a JSON literal is data too: a per-render token in a state object leaves its changed total seen', () => {
    const page = (token: string, total: number) => typed('text/html; charset=utf-8',
      `<html><body><div id="app"></div><script>window.__INITIAL_STATE__ = {"csrf":"${token}","cart":{"lines":2,"total":${total}}};</script>`
      + `<script>var RLCONF={"wgPageName":"Mug"};</script><script>track("view", {"sku": 7});</script></body></html>`);
    const d = diffObservations(page('Qj4Bzk738pBeptBsGy9w', 24.99), page('faXLZUla88q9Uewj7AzY', 25.99), rules);
    expect(d.map((x) => [x.primary, x.shadow])).toEqual([
      ['$.window.__INITIAL_STATE__.cart.total = 24.99', '$.window.__INITIAL_STATE__.cart.total = 25.99'],
      ['$.window.__INITIAL_STATE__.csrf = "Qj4Bzk738pBeptBsGy9w"', '$.window.__INITIAL_STATE__.csrf = "faXLZUla88q9Uewj7AzY"'],
    ]);
    // Code, or an object literal that is not JSON, is compared as the text it is.
    const code = (n: number) => typed('text/html', `<script>window.cfg = {debug: false, n: ${n}};</script>`);
    expect(diffObservations(code(1), code(2), rules)).toEqual([{ path: expect.stringMatching(/^text\["[^"]*script[^"]*\/text\(\)"\]$/), kind: 'changed', primary: 'window.cfg = {debug: false, n: 1};', shadow: 'window.cfg = {debug: false, n: 2};' }]);
  });

  it('a script of several assignments (MediaWiki\'s RLCONF, RLSTATE, RLPAGEMODULES) is read leaf by leaf too', () => {
    const page = (requestId: string, user: string) => typed('text/html; charset=UTF-8',
      `<html><head><script>document.documentElement.className="client-js";RLCONF={"wgRequestId":"${requestId}","wgUserName":"${user}","wgNamespaceNumber":0};`
      + `RLSTATE={"site.styles":"ready","user":"ready"};RLPAGEMODULES=["site","mediawiki.page.ready"];</script></head><body></body></html>`);
    const d = diffObservations(page('a8d0f2c1e4b6', 'Alice'), page('7f3e9b2d1c05', 'Bob'), rules);
    expect(d.map((x) => x.primary)).toEqual(['$.RLCONF.wgRequestId = "a8d0f2c1e4b6"', '$.RLCONF.wgUserName = "Alice"']);
    // Gatsby's, in an XHTML page's CDATA comments: its build's compilation hash is a leaf of its own.
    const gatsby = (hash: string, path: string) => typed('text/html', `<script>/*<![CDATA[*/window.pagePath="${path}";window.___webpackCompilationHash="${hash}";/*]]>*/</script>`);
    expect(diffObservations(gatsby('3c2154d4ee5b8ba66ae7', '/p/1/'), gatsby('4f92a002e4a08fd49a2b', '/p/2/'), rules).map((x) => x.primary))
      .toEqual(['$.window.pagePath = "/p/1/"', '$.window.___webpackCompilationHash = "3c2154d4ee5b8ba66ae7"']);
    // A statement that is code leaves the whole script as text.
    const code = (n: number) => typed('text/html', `<script>RLCONF={"n":${n}};(RLQ=window.RLQ||[]).push(function(){});</script>`);
    expect(diffObservations(code(1), code(2), rules)[0]!.path).toMatch(/^text\["[^"]*script[^"]*\/text\(\)"\]$/); // named by its element (markup-names.ts)
  });

  it('data that does not parse is compared as the text it is', () => {
    expect(diffObservations(next('{"a":1,'), next('{"a":2,'), rules)).toEqual([{ path: expect.stringMatching(/^text\["[^"]*script[^"]*\/text\(\)"\]$/), kind: 'changed', primary: '{"a":1,', shadow: '{"a":2,' }]);
  });
});

describe('a JSON-RPC 2.0 batch', () => {
  const batch = (calls: object[]) => typed('application/json', JSON.stringify(calls.map((c) => ({ jsonrpc: '2.0', ...c }))));
  it('answered in another order is the same answer: the client matches calls by id', () => {
    const a = batch([{ id: 1, result: { sku: 'MUG-1', stock: 4 } }, { id: 2, result: { sku: 'CUP-2', stock: 0 } }, { id: 'x', error: { code: -32601, message: 'Method not found' } }]);
    const b = batch([{ id: 'x', error: { code: -32601, message: 'Method not found' } }, { id: 2, result: { sku: 'CUP-2', stock: 0 } }, { id: 1, result: { sku: 'MUG-1', stock: 4 } }]);
    expect(diffObservations(a, b, rules)).toEqual([]);
  });

  it('a changed result is the one difference, wherever the call stands', () => {
    const a = batch([{ id: 1, result: { stock: 4 } }, { id: 2, result: { stock: 0 } }]);
    const b = batch([{ id: 2, result: { stock: 0 } }, { id: 1, result: { stock: 3 } }]);
    expect(diffObservations(a, b, rules)).toEqual([{ path: '$[0].result.stock', kind: 'changed', primary: 4, shadow: 3 }]);
  });

  it('an array that is not a batch keeps its order', () => {
    const list = (ids: number[]) => typed('application/json', JSON.stringify(ids.map((id) => ({ id }))));
    expect(diffObservations(list([1, 2]), list([2, 1]), rules)).not.toEqual([]);
  });
});
