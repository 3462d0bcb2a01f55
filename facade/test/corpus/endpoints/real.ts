// Real differences: the service answers differently from the monolith, the same way every time
// (stable on each side), in the ways extracted services really regress: missing vs null, types,
// number formats, fields, order, status, headers, content types, enums, truncation, dates, bytes.
import { money, order, png, product, thumbnailColour, user } from '../data';
import { empty, fixture, idParam, json, raw, text, type CorpusFixture } from '../fixture';
import type { SideState } from '../side';

const onService = (s: SideState): boolean => s.name === 'service';
const DAY_MS = 86_400_000;

export const REAL: readonly CorpusFixture[] = [
  fixture({
    template: '/corpus/real/profiles/:id', kind: 'missing vs null', real: ['$.bio', '$.image'],
    note: 'the monolith sends "bio": null and "image": null, the service leaves both keys out',
    handle: (s, req) => {
      const u = user(idParam(req));
      const base = { username: u.username, displayName: u.displayName, following: false };
      return json(onService(s) ? base : { ...base, bio: u.bio, image: u.image });
    },
  }),
  fixture({
    template: '/corpus/real/order-refs/:id', kind: 'type change (number vs string id)', real: ['$.customerId'],
    handle: (s, req) => {
      const o = order(idParam(req));
      return json({ orderId: o.id, customerId: onService(s) ? String(o.customer.id) : o.customer.id, number: o.number });
    },
  }),
  fixture({
    template: '/corpus/real/prices/:id', kind: 'number formatting ("12.50" vs "12.5")', real: ['$.amount'],
    handle: (s, req) => {
      const p = product(idParam(req));
      return json({ sku: p.sku, amount: onService(s) ? String(p.priceCents / 100) : money(p.priceCents), currency: p.currency });
    },
  }),
  fixture({
    template: '/corpus/real/products/:id', kind: 'extra field', real: ['$.internalCost'],
    handle: (s, req) => {
      const p = product(idParam(req));
      const base = { id: p.id, sku: p.sku, name: p.name, price: money(p.priceCents) };
      return json(onService(s) ? { ...base, internalCost: money(Math.round(p.priceCents * 0.6)) } : base);
    },
  }),
  fixture({
    template: '/corpus/real/skus/:id', kind: 'missing field', real: ['$.barcode'],
    handle: (s, req) => {
      const p = product(idParam(req));
      const base = { sku: p.sku, name: p.name, weightKg: p.weightKg };
      return json(onService(s) ? base : { ...base, barcode: p.barcode });
    },
  }),
  fixture({
    template: '/corpus/real/leaderboard', kind: 'array order where order matters', query: (i) => `season=2024-Q${(i % 4) + 1}`,
    real: ['$.entries[*].userId', '$.entries[*].score'],
    note: 'a ranking: the service sorts ascending instead of descending; rank is by position on both sides',
    handle: (s, req) => {
      const season = Number((req.query.get('season') ?? '2024-Q1').slice(-1));
      const scores = Array.from({ length: 10 }, (_, k) => ({ userId: season * 100 + k, score: 1000 - k * 37 - season }));
      const ordered = onService(s) ? [...scores].reverse() : scores;
      return json({ season, entries: ordered.map((e, k) => ({ rank: k + 1, ...e })) });
    },
  }),
  fixture({
    template: '/corpus/real/coupons/:id', kind: 'status (404 vs 200, same body)', real: ['status'],
    handle: (s, req) => json({ error: 'not_found', message: `no coupon ${idParam(req)}` }, { status: onService(s) ? 200 : 404 }),
  }),
  fixture({
    template: '/corpus/real/moved/:id', kind: 'Location header differs', real: ['headers.location'],
    handle: (s, req) => empty(302, { location: `/corpus/same/products/${idParam(req)}${onService(s) ? '/' : ''}`, 'content-length': '0' }),
  }),
  fixture({
    template: '/corpus/real/cache-policy/:id', kind: 'cache-control differs (stable)', real: ['headers.cache-control'],
    handle: (s, req) => json({ id: idParam(req), name: product(idParam(req)).name }, { headers: { 'cache-control': onService(s) ? 'public, max-age=300' : 'private, max-age=60' } }),
  }),
  fixture({
    template: '/corpus/real/content-type/:id', kind: 'content-type (application/json vs text/plain, same bytes)', real: ['headers.content-type'],
    note: 'the bytes are identical: only the header differs',
    handle: (s, req) => raw(JSON.stringify({ id: idParam(req), sku: product(idParam(req)).sku }), onService(s) ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8'),
  }),
  fixture({
    template: '/corpus/real/charset/:id', kind: 'charset differs (same ASCII bytes)', real: ['headers.content-type'],
    handle: (s, req) => raw(`<!doctype html>\n<html><body><h1>${product(idParam(req)).name}</h1></body></html>\n`, `text/html; charset=${onService(s) ? 'iso-8859-1' : 'utf-8'}`),
  }),
  fixture({
    template: '/corpus/real/account-status/:id', kind: 'enum value ("ACTIVE" vs "active")', real: ['$.status'],
    handle: (s, req) => json({ accountId: idParam(req), status: onService(s) ? 'active' : 'ACTIVE', plan: 'PRO' }),
  }),
  fixture({
    template: '/corpus/real/descriptions/:id', kind: 'truncated string (varchar 255)', real: ['$.description'],
    handle: (s, req) => {
      const p = product(idParam(req));
      return json({ sku: p.sku, description: onService(s) ? p.description.slice(0, 255) : p.description });
    },
  }),
  fixture({
    template: '/corpus/real/tags/:id', kind: 'wrong element in a list', real: ['$.tagIds[*]'],
    handle: (s, req) => {
      const p = product(idParam(req));
      const tags = onService(s) ? [p.tagIds[0]!, p.tagIds[1]!, p.tagIds[2]! + 1] : [...p.tagIds];
      return json({ sku: p.sku, tagIds: tags });
    },
  }),
  fixture({
    template: '/corpus/real/order-stats/:id', kind: 'off-by-one count', real: ['$.orderCount'],
    handle: (s, req) => {
      const id = idParam(req);
      return json({ customerId: id, orderCount: id % 9 + 3 - (onService(s) ? 1 : 0), lastOrderId: id * 7 });
    },
  }),
  fixture({
    template: '/corpus/real/notifications/:id', kind: 'boolean flipped (nested)', real: ['$.settings.email'],
    handle: (s, req) => json({ userId: idParam(req), settings: { email: !onService(s), sms: false, push: true } }),
  }),
  fixture({
    template: '/corpus/real/ledger/:id', kind: 'big integer beyond 2^53 (exact number text)', real: ['$.accountNumber'], exactNumbers: true,
    note: 'the service parsed the number into a double: 9007199254741195 becomes 9007199254741196; JSON.parse rounds both to the same double',
    handle: (s, req) => {
      const exact = (9007199254740993n + 2n * BigInt(idParam(req))).toString();
      const number = onService(s) ? String(Number(exact)) : exact;
      return raw(`{"owner":"${user(idParam(req)).username}","accountNumber":${number},"currency":"EUR"}`, 'application/json; charset=utf-8');
    },
  }),
  fixture({
    template: '/corpus/real/birthdays/:id', kind: 'date shifted by a day', real: ['$.birthDate'],
    note: 'a time-zone bug: midnight local time stored as the previous day in UTC; a day is far outside any generated-value tolerance',
    handle: (s, req) => {
      const u = user(idParam(req));
      const date = onService(s) ? new Date(Date.parse(`${u.birthDate}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10) : u.birthDate;
      return json({ userId: u.id, birthDate: date });
    },
  }),
  fixture({
    template: '/corpus/real/shipments/:id', kind: 'nested field changed deep in arrays of objects', real: ['$.packages[*].items[*].weightKg'],
    handle: (s, req) => {
      const id = idParam(req);
      const packages = [1, 2].map((k) => ({
        packageId: `PK-${id}-${k}`,
        items: [0, 1].map((j) => {
          const quarterKg = (2 * (id + k + j) + 1) / 4; // odd quarters: 1.25, 1.75, ...
          return { sku: product(id + k * 10 + j).sku, qty: j + 1, weightKg: onService(s) ? Math.round(quarterKg * 10) / 10 : quarterKg };
        }),
      }));
      return json({ shipmentId: id, carrier: 'PostNL', packages });
    },
  }),
  fixture({
    template: '/corpus/real/errors/:id', kind: 'JSON error vs plain-text error', real: ['headers.content-type', 'body'],
    handle: (s, req) => (onService(s)
      ? text(`validation_failed: email is not valid (form ${idParam(req)})`, { status: 422 })
      : json({ error: 'validation_failed', field: 'email', message: `email is not valid (form ${idParam(req)})` }, { status: 422 })),
  }),
  fixture({
    template: '/corpus/real/thumbnails/:id', kind: 'binary body differs', real: ['body#sha256'],
    handle: (s, req) => {
      const [r, g, b] = thumbnailColour(idParam(req));
      return raw(png(16, onService(s) ? [r, g, (b + 1) % 256] : [r, g, b]), 'image/png');
    },
  }),
  fixture({
    template: '/corpus/real/exports/:id', kind: 'text line differs (CSV export)', real: ['text[*]'],
    handle: (s, req) => {
      const o = order(idParam(req));
      const rows = o.lines.map((l, k) => `${l.sku},${l.qty},${k === 0 && onService(s) ? String(Number(l.unitPrice)) : l.unitPrice}`);
      return raw(['sku,qty,unit_price', ...rows, ''].join('\n'), 'text/csv; charset=utf-8');
    },
  }),
  fixture({
    template: '/corpus/real/settings/:id', kind: 'odd key changed (e-mail lower-cased)', real: ['$["billing-email"]'],
    handle: (s, req) => {
      const u = user(idParam(req));
      const email = `${u.displayName.replace(/[^A-Za-z]+/g, '.')}@Example.org`;
      return json({ userId: u.id, 'billing-email': onService(s) ? email.toLowerCase() : email, 'invoice language': 'nl' });
    },
  }),
  fixture({
    template: '/corpus/real/preferences/:id', kind: 'cookie attribute missing (Secure)', real: ['cookies.prefs'],
    note: 'seen only when the route compares Set-Cookie (compare.cookies, see CORPUS_COMPARE)',
    handle: (s, req) => json({ userId: idParam(req), layout: 'compact' }, {
      headers: { 'set-cookie': [`prefs=layout%3Dcompact; Path=/; Max-Age=31536000; SameSite=Lax${onService(s) ? '' : '; Secure'}`] },
    }),
  }),
  fixture({
    template: '/corpus/real/wishlists/:id', kind: 'empty list vs null', real: ['$.items'],
    handle: (s, req) => json({ userId: idParam(req), items: onService(s) ? null : [] }),
  }),
  fixture({
    template: '/corpus/real/ratings/:id', kind: 'number rounded differently', real: ['$.average'],
    handle: (s, req) => {
      const id = idParam(req);
      const average = (60 + 2 * (id % 20) + 1) / 20; // 3.05 ... 4.95, always two decimals ending in 5
      return json({ productId: id, reviews: id * 3, average: onService(s) ? Math.floor(average * 10) / 10 : average });
    },
  }),
];
