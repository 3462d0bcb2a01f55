// Two frameworks' spellings of one answer's headers are not a difference (core/compare/header-forms.ts):
// media types, Cache-Control and Vary lists, a Location on the request's own origin; while a
// different charset, media type, directive value, host or scheme still is.
import { compare } from '../../../src/core/compare/compare';
import { directiveListForm, headerForm, linkForm, locationForm, mediaTypeForm, requestOrigins } from '../../../src/core/compare/header-forms';
import type { Observation } from '../../../src/core/compare/types';
import { anObservation, compiled } from './builders';

const withOrigins = (o: Observation, origins: string[]): Observation => ({ ...o, origins } as Observation);

describe('header forms', () => {
  it('media types: case, parameter order and quoting do not count; JSON\'s UTF-8 charset is implied', () => {
    expect(mediaTypeForm('Application/JSON; Charset="UTF-8"')).toBe('application/json');
    expect(mediaTypeForm('application/json')).toBe('application/json');
    expect(mediaTypeForm('application/vnd.api+json; charset=utf-8')).toBe('application/vnd.api+json');
    expect(mediaTypeForm('multipart/form-data; boundary=abc; charset=UTF-8')).toBe(mediaTypeForm('multipart/form-data;charset=utf-8;boundary=abc'));
    expect(mediaTypeForm('text/html; charset=UTF-8')).toBe('text/html; charset=utf-8');
    expect(mediaTypeForm('text/html; charset=utf-8')).not.toBe(mediaTypeForm('text/html'));
    expect(mediaTypeForm('text/html; charset=utf-8')).not.toBe(mediaTypeForm('text/html; charset=iso-8859-1'));
    expect(mediaTypeForm('application/json; charset=iso-8859-1')).not.toBe(mediaTypeForm('application/json'));
    expect(mediaTypeForm('application/problem+json')).not.toBe(mediaTypeForm('application/json'));
  });

  it('Cache-Control and Vary: directive order and name case do not count, values do', () => {
    expect(directiveListForm('no-cache, no-store')).toBe(directiveListForm('no-store,no-cache'));
    expect(directiveListForm('Max-Age=60, Public')).toBe(directiveListForm('public, max-age="60"'));
    expect(directiveListForm('max-age=60')).not.toBe(directiveListForm('max-age=600'));
    expect(directiveListForm('Accept-Encoding, Origin')).toBe(directiveListForm('origin, accept-encoding'));
    expect(directiveListForm('Accept-Encoding, Origin, Accept-Encoding')).toBe(directiveListForm('Origin, Accept-Encoding')); // said twice, said once
    expect(directiveListForm('Accept-Encoding, Origin, Accept-Encoding')).not.toBe(directiveListForm('Accept-Encoding'));
  });

  it('Expires that is no date means already expired, whichever it is (RFC 9111 §5.3); a date stays a date', () => {
    expect(headerForm('expires', '-1', [])).toBe(headerForm('expires', '0', []));
    expect(headerForm('expires', 'never', [])).toBe(headerForm('expires', '0', []));
    expect(headerForm('expires', 'Thu, 01 Jan 1970 00:00:00 GMT', [])).not.toBe(headerForm('expires', '0', []));
    expect(headerForm('expires', 'Sat, 05 Dec 2026 10:00:00 GMT', [])).toBe(headerForm('expires', 'Saturday, 05-Dec-26 10:00:00 GMT', []));
  });

  it('Accept-CH, Content-Language, Permissions-Policy, Server-Timing and HTTP dates: another spelling of the same value', () => {
    expect(headerForm('accept-ch', 'Sec-CH-UA-Platform, DPR', [])).toBe(headerForm('accept-ch', 'dpr,sec-ch-ua-platform', []));
    expect(headerForm('content-language', 'de-DE, en', [])).toBe(headerForm('content-language', 'EN,de-de', []));
    expect(headerForm('content-language', 'de-DE', [])).not.toBe(headerForm('content-language', 'de-AT', []));
    expect(headerForm('permissions-policy', 'camera=(), geolocation=(self)', [])).toBe(headerForm('permissions-policy', 'geolocation=(self),camera=()', []));
    expect(headerForm('permissions-policy', 'camera=()', [])).not.toBe(headerForm('permissions-policy', 'camera=(self)', []));
    expect(headerForm('server-timing', 'db;dur=53;desc="Database", app;dur=47.2', [])).toBe(headerForm('server-timing', 'app;dur=47.2, db;desc="Database";dur=53', []));
    const imf = 'Sun, 06 Nov 1994 08:49:37 GMT';
    expect(headerForm('expires', 'Sunday, 06-Nov-94 08:49:37 GMT', [])).toBe(imf); // RFC 850
    expect(headerForm('last-modified', 'Sun Nov  6 08:49:37 1994', [])).toBe(imf); // asctime
    expect(headerForm('expires', '0', [])).toBe('already expired'); // not an epoch
    expect(headerForm('expires', 'Sun, 06 Nov 1994 08:49:38 GMT', [])).not.toBe(imf);
  });

  it('Location: an absolute URL on the request\'s own origin is its relative form; another host or scheme is not', () => {
    const origins = requestOrigins({ host: 'shop.example:8080', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'shop.example:8080' });
    expect(origins).toEqual(['http://shop.example:8080']);
    expect(locationForm('http://SHOP.example:8080/cart?x=1#top', origins)).toBe('/cart?x=1#top');
    expect(locationForm('https://shop.example:8080/cart', origins)).toBe('https://shop.example:8080/cart'); // a scheme change is a difference
    expect(locationForm('http://10.0.0.5:4001/cart', origins)).toBe('http://10.0.0.5:4001/cart'); // an internal host leaking out
    expect(locationForm('/cart', origins)).toBe('/cart');
    expect(requestOrigins({ host: 'shop.example', 'x-forwarded-proto': 'https' })).toEqual(['https://shop.example']);
    expect(requestOrigins({ host: 'internal:3000', 'x-forwarded-host': 'shop.example', 'x-forwarded-proto': 'https' })).toEqual(['https://internal:3000', 'https://shop.example']);
    expect(requestOrigins({})).toEqual([]);
  });
});

describe('compared headers', () => {
  const rules = compiled({ headers: ['content-type', 'location', 'cache-control', 'vary'] });

  it('an Express answer and a Go answer of the same JSON, redirect and caching policy match', () => {
    const origins = ['http://shop.example'];
    const express = withOrigins(anObservation({ status: 302, headers: { 'content-type': 'application/json; charset=utf-8', location: 'http://shop.example/login?next=%2Fcart', 'cache-control': 'private, no-cache', vary: 'Accept-Encoding, Origin' }, body: '{}' }), origins);
    const go = withOrigins(anObservation({ status: 302, side: 'service', headers: { 'content-type': 'application/json', location: '/login?next=%2Fcart', 'cache-control': 'no-cache, private', vary: 'Origin, Accept-Encoding' }, body: '{}' }), origins);
    expect(compare(express, go, rules).mismatched).toEqual([]);
  });

  it('the values as each side sent them are kept when they differ in meaning', () => {
    const a = withOrigins(anObservation({ status: 302, headers: { location: 'http://shop.example/login', 'content-type': 'text/html; charset=utf-8' } }), ['http://shop.example']);
    const b = withOrigins(anObservation({ status: 302, side: 'service', headers: { location: 'http://127.0.0.1:4001/login', 'content-type': 'text/html' } }), ['http://shop.example']);
    expect(compare(a, b, rules).mismatched).toEqual([
      { path: 'headers.content-type', kind: 'changed', primary: 'text/html; charset=utf-8', shadow: 'text/html' },
      { path: 'headers.location', kind: 'changed', primary: 'http://shop.example/login', shadow: 'http://127.0.0.1:4001/login' },
    ]);
  });

  it('without the request\'s origins an absolute and a relative Location stay different', () => {
    const a = anObservation({ status: 302, headers: { location: 'http://shop.example/login' } });
    const b = anObservation({ status: 302, side: 'service', headers: { location: '/login' } });
    expect(compare(a, b, rules).mismatched.map((d) => d.path)).toEqual(['headers.location']);
  });

  it('Link: link-values in any order, parameters in any order and quoting, a target on the request\'s own origin written relative; a changed or dropped parameter counts', () => {
    const o = ['http://shop.example'];
    const a = '<http://shop.example/api/orders?page=2>; rel="next", </api/orders?page=9>; rel="last"';
    expect(linkForm(a, o)).toBe(linkForm('</api/orders?page=9>; REL=last,</api/orders?page=2>;rel=next', o));
    expect(linkForm(a, o)).not.toBe(linkForm('</api/orders?page=3>; rel="next", </api/orders?page=9>; rel="last"', o));
    expect(linkForm('</app.css>; rel=preload; as=style; crossorigin', o)).not.toBe(linkForm('</app.css>; rel=preload; as=style', o));
    expect(linkForm('<https://other.example/a>; rel=next', o)).not.toBe(linkForm('</a>; rel=next', o));
  });

  it('a multipart answer\'s boundary is drawn per answer: that there is one is the media type\'s form', () => {
    expect(mediaTypeForm('multipart/mixed; boundary=batchresponse_1f0c')).toBe(mediaTypeForm('Multipart/Mixed; boundary="batchresponse_9a7e"'));
    expect(mediaTypeForm('multipart/mixed; boundary=a')).not.toBe(mediaTypeForm('multipart/related; boundary=a'));
  });
});
