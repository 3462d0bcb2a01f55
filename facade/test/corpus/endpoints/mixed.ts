// Mixed answers: a real difference next to noise or generated fields in the same answer, where a
// differ must find the one and not report the others (e.g. `updatedAt` now next to a wrong total).
import { money, order, product, user } from '../data';
import { fixture, html, idParam, json, raw, type CorpusFixture } from '../fixture';
import type { SideState } from '../side';

const onService = (s: SideState): boolean => s.name === 'service';
const iso = (ms: number): string => new Date(ms).toISOString();

export const MIXED: readonly CorpusFixture[] = [
  fixture({
    template: '/corpus/mixed/carts/:id', kind: 'wrong total + updatedAt now', real: ['$.total'], noise: ['$.updatedAt'],
    note: 'the service leaves shipping out of the total',
    handle: (s, req) => {
      const o = order(idParam(req));
      const items = Math.round(Number(o.totals.items) * 100);
      const shipping = 495; // express shipping, whatever the amount
      return json({ cartId: o.id, items: o.lines, shipping: money(shipping), total: money(onService(s) ? items : items + shipping), updatedAt: iso(s.tick('mixed-carts')) });
    },
  }),
  fixture({
    template: '/corpus/mixed/orders/:id', kind: 'country code format + request id and latency', real: ['$.order.shipping.country'],
    noise: ['$.meta.requestId', '$.meta.durationMs'],
    handle: (s, req) => {
      const o = order(idParam(req));
      const shipping = { ...o.shipping, country: onService(s) ? 'NLD' : 'NL' };
      return json({ order: { id: o.id, number: o.number, status: o.status, shipping }, meta: { requestId: s.uuid(), durationMs: s.fresh('mixed-latency', () => s.int(10, 999) / 10) } });
    },
  }),
  fixture({
    template: '/corpus/mixed/profiles/:id', kind: 'missing vs null + createdAt per side', real: ['$.user.bio', '$.user.image'], generated: ['$.user.createdAt'],
    note: 'the blogging-backend case from issue 10: bio and image missing on the service, null on the monolith',
    handle: (s, req) => {
      const u = user(idParam(req));
      const base = { username: u.username, email: u.email, createdAt: iso(s.createdAt(`profile:${u.id}`, u.id * 86_400_000)) };
      return json({ user: onService(s) ? base : { ...base, bio: u.bio, image: u.image } });
    },
  }),
  fixture({
    template: '/corpus/mixed/search', kind: 'off-by-one total + facets in random order', query: (i) => `q=${['lamp', 'tent', 'mug', 'kite', 'atlas'][i % 5]}`,
    real: ['$.totalHits'], noise: ['$.facets[*]'],
    handle: (s, req) => {
      const q = req.query.get('q') ?? '';
      const hits = [1, 2, 3].map((k) => ({ id: q.length * 10 + k, name: product(q.length * 10 + k).name }));
      const facets = s.shuffled(`facets:${q}`, ['kitchen', 'garden', 'office', 'outdoor', 'toys', 'books']);
      return json({ query: q, hits, totalHits: 40 + q.length + (onService(s) ? 1 : 0), facets });
    },
  }),
  fixture({
    template: '/corpus/mixed/inventory/:id', kind: 'stale onHand deep in an array + fetchedAt per item', real: ['$.items[*].onHand'], noise: ['$.items[*].fetchedAt'],
    handle: (s, req) => {
      const id = idParam(req);
      const now = s.tick('mixed-inventory');
      const items = ['AMS-1', 'FRA-2'].map((warehouse, k) => ({ warehouse, onHand: (id * (k + 5)) % 23 + 2 - (onService(s) && k === 0 ? 1 : 0), fetchedAt: iso(now + 7 * k) }));
      return json({ sku: product(id).sku, items });
    },
  }),
  fixture({
    template: '/corpus/mixed/sessions/:id', kind: 'wrong role in a list + session JWT per side', real: ['$.roles[*]'], generated: ['$.token'],
    handle: (s, req) => {
      const id = idParam(req);
      const iat = Math.floor(s.createdAt(`mixed-session:${id}`, 30 * 60_000) / 1000);
      const token = s.stored(`mixed-session-token:${id}`, () => s.jwt({ sub: `user-${id}`, iat, exp: iat + 3600, jti: s.uuid() }));
      return json({ userId: id, roles: ['customer', onService(s) ? 'viewer' : 'reviewer'], token });
    },
  }),
  fixture({
    template: '/corpus/mixed/prices/:id', kind: 'number vs numeric string + jittered max-age', real: ['$.amount'], noise: ['headers.cache-control'],
    handle: (s, req) => {
      const p = product(idParam(req));
      const amount = onService(s) ? money(p.priceCents) : p.priceCents / 100;
      return json({ sku: p.sku, amount, currency: p.currency }, { headers: { 'cache-control': `public, max-age=${s.fresh('mixed-max-age', () => s.int(60, 179))}` } });
    },
  }),
  fixture({
    template: '/corpus/mixed/accounts/:id', kind: 'boolean flipped + view counter', real: ['$.emailVerified'], noise: ['$.stats.views'],
    handle: (s, req) => {
      const u = user(idParam(req));
      return json({ id: u.id, username: u.username, emailVerified: !onService(s), stats: { views: s.next(`account-views:${u.id}`), posts: u.id % 17 } });
    },
  }),
  fixture({
    template: '/corpus/mixed/downloads/:id', kind: 'cache-control differs + signed URL and expiry per request', real: ['headers.cache-control'],
    noise: ['$.url', '$.expires'],
    handle: (s, req) => {
      const id = idParam(req);
      const expires = Math.floor(s.tick('mixed-downloads') / 1000) + 300;
      return json({ fileId: id, url: `/files/invoice-${id}.pdf?expires=${expires}&sig=${s.hex(16)}`, expires }, { headers: { 'cache-control': onService(s) ? 'private, max-age=60' : 'no-store' } });
    },
  }),
  fixture({
    template: '/corpus/mixed/exports/:id', kind: 'CSV export, rows in any order (no ORDER BY) + one row\'s total wrong', real: ['text[*]'], noise: ['text#order'],
    note: 'by line every row differed and the primary disagreed with itself at every line: the wrong total passed as noise',
    handle: (s, req) => {
      const id = idParam(req);
      const rows = [0, 1, 2, 3, 4].map((k) => ({ id: id * 10 + k, day: `2026-12-0${k + 1}`, cents: 1250 + 375 * k }));
      const lines = s.shuffled(`mixed-export:${id}`, rows).map((r) => `${r.id},${r.day},${money(onService(s) && r.id === id * 10 + 2 ? r.cents - 90 : r.cents)}`);
      return raw(['order_id,placed_on,total', ...lines, ''].join('\n'), 'text/csv; charset=utf-8');
    },
  }),
  fixture({
    template: '/corpus/mixed/initial-state/:id', kind: 'a page\'s inline state (`window.__INITIAL_STATE__ = {…}`) with a per-render CSRF token + a basket total wrong',
    // the page's lines as the facade reads and names them (markup-lines.ts, markup-names.ts): the total and the token, each a leaf of the state
    real: ['text["body/script/$.window.__INITIAL_STATE__.cart.total"]'], noise: ['text["body/script/$.window.__INITIAL_STATE__.csrf"]'],
    note: 'the assignment was one line: the token made it noise at every answer and the total beside it passed',
    handle: (s, req) => {
      const id = idParam(req);
      const state = { cart: { lines: 2, total: money(onService(s) ? 2409 + id : 2499 + id) }, csrf: s.hex(16) };
      return html(`<html><body><div id="app">Basket</div><script>window.__INITIAL_STATE__ = ${JSON.stringify(state)};</script></body></html>`);
    },
  }),
];
