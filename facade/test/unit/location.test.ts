// The Location a client gets for one an upstream wrote on its own address (nginx's proxy_redirect default).
import { clientLocation, clientOrigin, clientRefresh } from '../../src/core/location';
import { locationForClient } from '../../src/io/headers';

const monolith = { origins: ['http://127.0.0.1:3000'], basePath: '' };
const service = { origins: ['http://10.0.0.7:8080', 'https://orders.internal'], basePath: '/v2' };

describe('clientLocation', () => {
  it('puts the client\'s origin in place of the upstream\'s, keeping path, query and fragment byte for byte', () => {
    expect(clientLocation('http://127.0.0.1:3000/login?next=%2Fa%2Fb#top', monolith, 'https://shop.example')).toBe('https://shop.example/login?next=%2Fa%2Fb#top');
    expect(clientLocation('HTTP://127.0.0.1:3000', monolith, 'http://shop.example')).toBe('http://shop.example/');
    expect(clientLocation('http://127.0.0.1:3000?q=1', monolith, 'http://shop.example')).toBe('http://shop.example/?q=1');
    expect(clientLocation('http://127.0.0.1:3000/a/../b/%7e', monolith, 'http://shop.example')).toBe('http://shop.example/a/../b/%7e');
  });

  it('drops the upstream URL\'s base path, and knows its origins however they are spelled (default port, case)', () => {
    expect(clientLocation('https://Orders.Internal:443/v2/orders/42', service, 'https://shop.example')).toBe('https://shop.example/orders/42');
    expect(clientLocation('http://10.0.0.7:8080/v2?x', service, 'https://shop.example')).toBe('https://shop.example/?x');
  });

  it('leaves alone a relative Location, another origin, another scheme, a path outside the base path, and userinfo', () => {
    for (const value of ['/login', '//127.0.0.1:3001/x', 'https://127.0.0.1:3000/x', 'http://127.0.0.1:3001/x', 'http://id.example/authorize', 'http://u:p@127.0.0.1:3000/x', 'mailto:a@b.c']) {
      expect(clientLocation(value, monolith, 'http://shop.example')).toBeNull();
    }
    expect(clientLocation('http://10.0.0.7:8080/v20/orders', service, 'http://shop.example')).toBeNull();
    expect(clientLocation('http://10.0.0.7:8080/orders', service, 'http://shop.example')).toBeNull();
  });

  it('keeps a scheme-relative Location on the upstream\'s address scheme-relative, on the client\'s host', () => {
    expect(clientLocation('//127.0.0.1:3000/login?x=1', monolith, 'https://shop.example')).toBe('//shop.example/login?x=1');
    expect(clientLocation('//orders.internal/v2/orders/42', service, 'http://shop.example:8080')).toBe('//shop.example:8080/orders/42');
  });
});

describe('clientRefresh', () => {
  it('rewrites the URL of a Refresh header however it is spelled, keeping its delay and quotes', () => {
    expect(clientRefresh('0; url=http://127.0.0.1:3000/done', monolith, 'http://shop.example')).toBe('0; url=http://shop.example/done');
    expect(clientRefresh("5;URL='http://127.0.0.1:3000/a?b=1'", monolith, 'http://shop.example')).toBe("5;URL='http://shop.example/a?b=1'");
    expect(clientRefresh('3, http://127.0.0.1:3000/x', monolith, 'http://shop.example')).toBe('3, http://shop.example/x');
  });

  it('leaves alone a Refresh without a URL, one elsewhere, and one relative', () => {
    for (const value of ['30', '5; url=http://other.example/x', '0; url=/next', 'soon']) expect(clientRefresh(value, monolith, 'http://shop.example')).toBeNull();
  });
});

describe('clientOrigin', () => {
  it('is the Host the client addressed under the first forwarded scheme; X-Forwarded-Host only without a Host; none with another scheme', () => {
    expect(clientOrigin({ host: 'shop.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'HTTPS, http' })).toBe('https://shop.example');
    expect(clientOrigin({ 'x-forwarded-host': 'shop.example, lb.internal' })).toBe('http://shop.example');
    expect(clientOrigin({ host: 'shop.example:80' })).toBe('http://shop.example');
    expect(clientOrigin({})).toBeNull();
    expect(clientOrigin({ host: 'shop.example', 'x-forwarded-proto': 'ws' })).toBeNull();
  });
});

describe('locationForClient', () => {
  it('rewrites every Location of a flat header list in place, whatever its case, and nothing else', () => {
    const out = ['Location', 'http://127.0.0.1:3000/a', 'Content-Location', 'http://127.0.0.1:3000/b', 'location', 'http://other.example/c', 'Refresh', '1; url=http://127.0.0.1:3000/d'];
    locationForClient(out, { location: 'x', refresh: 'x' }, monolith, { host: 'shop.example' });
    expect(out).toEqual(['Location', 'http://shop.example/a', 'Content-Location', 'http://127.0.0.1:3000/b', 'location', 'http://other.example/c', 'Refresh', '1; url=http://shop.example/d']);
  });
});
