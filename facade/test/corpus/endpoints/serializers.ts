// What a rewrite in another language changes on the wire without changing the data (key order,
// pretty printing, escapes, a float written as 12.0), next to per-answer values real frameworks add
// that the other corpus files do not (ETag and Last-Modified per answer, a session cookie, a
// countdown, a random score, a timestamp inside a JSON string, an XML clock), and real differences
// that hide among them.
import { money, product, user } from '../data';
import { empty, fixture, idParam, json, raw, type CorpusFixture } from '../fixture';
import type { SideState } from '../side';

const onService = (s: SideState): boolean => s.name === 'service';
const iso = (ms: number): string => new Date(ms).toISOString();

/** JSON as Python's json.dumps writes it by default: ASCII only (\uXXXX escapes), ", " and ": " separators. */
function pythonJson(value: unknown): string {
  const text = JSON.stringify(value, null, 1).replace(/\n\s*/g, ' ').replace(/\[ /g, '[').replace(/ \]/g, ']').replace(/\{ /g, '{').replace(/ \}/g, '}');
  return text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const item = (id: number) => {
  const p = product(id);
  return { id, sku: p.sku, name: `${p.name} – édition ${id}`, price: money(p.priceCents), weightKg: p.weightKg };
};

export const SERIALIZERS: readonly CorpusFixture[] = [
  fixture({
    template: '/corpus/wire/key-order/:id', kind: 'same object, keys in another order', rewritten: true,
    handle: (s, req) => {
      const i = item(idParam(req));
      return json(onService(s) ? { weightKg: i.weightKg, price: i.price, name: i.name, sku: i.sku, id: i.id } : i);
    },
  }),
  fixture({
    template: '/corpus/wire/pretty/:id', kind: 'pretty-printed vs compact JSON', rewritten: true,
    handle: (s, req) => raw(onService(s) ? `${JSON.stringify(item(idParam(req)), null, 2)}\n` : JSON.stringify(item(idParam(req))), 'application/json'),
  }),
  fixture({
    template: '/corpus/wire/escapes/:id', kind: 'ASCII-only escapes and separators (Python) vs raw UTF-8', rewritten: true,
    handle: (s, req) => raw(onService(s) ? pythonJson({ ...item(idParam(req)), path: '/a/b' }) : JSON.stringify({ ...item(idParam(req)), path: '/a/b' }).replace(/\//g, '\\/'),
      'application/json; charset=utf-8'),
  }),
  fixture({
    template: '/corpus/wire/float-format/:id', kind: 'whole numbers written as 12.0 (Jackson double) vs 12', rewritten: true,
    handle: (s, req) => {
      const id = idParam(req);
      const body = JSON.stringify({ id, weightKg: 12, rating: 4, stock: id % 7 });
      return raw(onService(s) ? body.replace(/"(weightKg|rating)":(\d+)/g, '"$1":$2.0') : body, 'application/json');
    },
  }),
  fixture({
    template: '/corpus/noise/etag/:id', kind: 'ETag and Last-Modified per answer (compared headers)', noise: ['headers.etag', 'headers.last-modified'],
    handle: (s, req) => {
      const now = s.tick('etag');
      return json(item(idParam(req)), { headers: { etag: `W/"${s.fresh('etag', () => s.hex(8))}"`, 'last-modified': new Date(now).toUTCString() } });
    },
  }),
  fixture({
    template: '/corpus/noise/session/:id', kind: 'session cookie issued per answer', noise: ['cookies.sid'],
    handle: (s, req) => json({ id: idParam(req), name: user(idParam(req)).displayName },
      { headers: { 'set-cookie': [`sid=${s.fresh('sid', () => s.hex(16))}; Path=/; HttpOnly; SameSite=Lax`] } }),
  }),
  fixture({
    template: '/corpus/noise/routed-session/:id', kind: 'session cookie issued per answer, with the node that issued it (Tomcat jvmRoute)', noise: ['cookies.JSESSIONID'],
    note: 'the route word never changes on the primary, so word by word it looked repeated',
    handle: (s, req) => json({ id: idParam(req), name: user(idParam(req)).displayName },
      { headers: { 'set-cookie': [`JSESSIONID=${s.fresh('jsession', () => s.hex(16)).toUpperCase()}.${onService(s) ? 'svc-7f9c' : 'tomcat-node1'}; Path=/; HttpOnly`] } }),
  }),
  fixture({
    template: '/corpus/noise/countdown/:id', kind: 'seconds left until an expiry (countdown)', noise: ['$.expiresIn'],
    handle: (s, req) => {
      const now = s.tick('countdown');
      return json({ id: idParam(req), plan: 'pro', expiresIn: 86_400 - Math.floor(now / 1000) % 86_400 });
    },
  }),
  fixture({
    template: '/corpus/noise/score/:id', kind: 'random relevance score per answer (floats)', noise: ['$.hits[*].score'],
    handle: (s, req) => {
      const id = idParam(req);
      return json({ q: `q${id}`, hits: [1, 2, 3].map((k) => ({ id: id * 10 + k, score: s.fresh(`score:${k}`, () => s.int(1, 99_999) / 100_000) })) });
    },
  }),
  fixture({
    template: '/corpus/noise/envelope/:id', kind: 'timestamp inside a JSON string field', noise: ['$.payload'],
    handle: (s, req) => json({ id: idParam(req), type: 'snapshot', payload: JSON.stringify({ sku: product(idParam(req)).sku, capturedAt: iso(s.tick('envelope')) }) }),
  }),
  fixture({
    template: '/corpus/noise/feed/:id', kind: 'XML feed with a build date', noise: ['text[*]'],
    handle: (s, req) => {
      const p = product(idParam(req));
      return raw(['<?xml version="1.0" encoding="UTF-8"?>', '<rss version="2.0"><channel>', `<title>${p.name}</title>`,
        `<lastBuildDate>${new Date(s.tick('feed')).toUTCString()}</lastBuildDate>`, `<item><guid>${p.sku}</guid><price>${money(p.priceCents)}</price></item>`,
        '</channel></rss>', ''].join('\n'), 'application/rss+xml; charset=utf-8');
    },
  }),
  fixture({
    template: '/corpus/real/duplicated/:id', kind: 'an item listed twice (join without distinct)', real: ['$.items[*]', '$.items[*].id', '$.items[*].sku'],
    note: 'the service repeats the second item, so every later index shifts; findings may name the list or its items',
    handle: (s, req) => {
      const id = idParam(req);
      const items = [1, 2, 3].map((k) => ({ id: id * 10 + k, sku: product(id * 10 + k).sku }));
      return json({ orderId: id, items: onService(s) ? [items[0], items[1], items[1], items[2]] : items });
    },
  }),
  fixture({
    template: '/corpus/real/empty-string/:id', kind: 'empty string vs null', real: ['$.middleName'],
    handle: (s, req) => json({ id: idParam(req), firstName: user(idParam(req)).displayName, middleName: onService(s) ? '' : null }),
  }),
  fixture({
    template: '/corpus/mixed/etag-stock/:id', kind: 'stock off by one behind a rotating ETag and a key order change',
    real: ['$.stock'], noise: ['headers.etag'],
    handle: (s, req) => {
      const id = idParam(req);
      const etag = `"${s.fresh('etag-stock', () => s.hex(6))}"`;
      return json(onService(s) ? { stock: (id % 9) + 1, sku: product(id).sku, id } : { id, sku: product(id).sku, stock: id % 9 }, { headers: { etag } });
    },
  }),
  fixture({
    template: '/corpus/wire/json-charset/:id', kind: 'JSON with charset=utf-8 (Express) vs without (Go, FastAPI)',
    handle: (s, req) => raw(JSON.stringify(item(idParam(req))), onService(s) ? 'application/json' : 'application/json; charset=utf-8'),
  }),
  fixture({
    template: '/corpus/wire/cache-directives/:id', kind: 'Cache-Control directives in another order and case',
    handle: (s, req) => json(item(idParam(req)), { headers: { 'cache-control': onService(s) ? 'Max-Age=300, Public, Must-Revalidate' : 'public, max-age=300, must-revalidate' } }),
  }),
  fixture({
    template: '/corpus/real/location-leak/:id', kind: "redirect to the service's own address instead of a path", real: ['headers.location'],
    handle: (s, req) => empty(302, { location: `${onService(s) ? 'http://10.20.0.7:4001' : ''}/corpus/same/products/${idParam(req)}`, 'content-length': '0' }),
  }),
  fixture({
    template: '/corpus/real/float-total/:id', kind: 'a float total that lost a cent, with 12.0-style whole numbers', real: ['$.total'],
    handle: (s, req) => {
      const id = idParam(req);
      const body = JSON.stringify({ id, lines: 3, total: 59.97, discount: 0 });
      return raw(onService(s) ? body.replace('59.97', '59.96').replace(/"(lines|discount)":(\d+)/g, '"$1":$2.0') : body, 'application/json');
    },
  }),
];
