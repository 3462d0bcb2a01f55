// Which methods a JSON-RPC body calls, and whether the route lists them as reads.
import { jsonRpcMethods, listedMethod, methodsLabel } from '../../src/core/json-rpc';
import { parseConfig } from '../../src/config';

const body = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

describe('a JSON-RPC body', () => {
  it('names the methods of one call or a batch, with or without `jsonrpc` (Transmission\'s RPC has none)', () => {
    expect(jsonRpcMethods(body({ jsonrpc: '2.0', id: 1, method: 'eth_getBalance', params: [] }))).toEqual(['eth_getBalance']);
    expect(jsonRpcMethods(body([{ jsonrpc: '2.0', id: 1, method: 'a' }, { jsonrpc: '2.0', id: 2, method: 'b' }]))).toEqual(['a', 'b']);
    expect(jsonRpcMethods(body({ method: 'torrent-get', arguments: { fields: ['id'] }, tag: 4 }))).toEqual(['torrent-get']);
  });

  it('is none when it is not one: no method, an empty batch, a member that is no call, not JSON', () => {
    expect(jsonRpcMethods(body({ query: '{ a }' }))).toBeNull();
    expect(jsonRpcMethods(body([]))).toBeNull();
    expect(jsonRpcMethods(body([{ method: 'a' }, 7]))).toBeNull();
    expect(jsonRpcMethods(Buffer.from('method=a'))).toBeNull();
  });

  it('calls a listed method by name or by a prefix ending in *, and is labelled by its distinct methods', () => {
    expect(listedMethod('eth_getBalance', ['eth_get*'])).toBe(true);
    expect(listedMethod('eth_sendRawTransaction', ['eth_get*', 'eth_call'])).toBe(false);
    expect(listedMethod('eth_call', ['eth_call'])).toBe(true);
    expect(methodsLabel(['a', 'b', 'a'])).toBe('a,b');
  });

  it('a listed method that is no method name is a configuration error that names it', () => {
    const route = (methods: string[]) => ({ monolith: { url: 'http://127.0.0.1:1' }, services: { s: { url: 'http://127.0.0.1:2' } },
      routes: [{ name: 'rpc', match: { path: '/rpc' }, service: 's', reads: { jsonRpcMethods: methods } }] });
    expect(() => parseConfig(route(['eth_*get']), 'test')).toThrow(/jsonRpcMethods.*JSON-RPC method name/s);
    expect(parseConfig(route(['eth_get*']), 'test').routes[0]!.reads.jsonRpcMethods).toEqual(['eth_get*']);
  });
});
