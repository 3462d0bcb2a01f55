// Noise-only answers: everything is the same data on both sides except fields that change on every
// answer of the same side (its clock, random ids, counters, latencies, set-like arrays in random
// order, the instance that served it, a per-request token or cursor, a jittered max-age).
import { money, order, product } from '../data';
import { fixture, html, idParam, json, raw, text, type CorpusFixture } from '../fixture';
import type { SideState } from '../side';

const iso = (ms: number): string => new Date(ms).toISOString();
const basics = (id: number) => {
  const p = product(id);
  return { id, sku: p.sku, name: p.name };
};

export const NOISE: readonly CorpusFixture[] = [
  fixture({
    template: '/corpus/noise/clock/:id', kind: 'ISO timestamp now', noise: ['$.serverTime'],
    handle: (s, req) => json({ ...basics(idParam(req)), serverTime: iso(s.tick('clock')) }),
  }),
  fixture({
    template: '/corpus/noise/epoch-ms/:id', kind: 'epoch ms now', noise: ['$.ts'],
    handle: (s, req) => json({ ...basics(idParam(req)), inStock: true, ts: s.tick('epoch-ms') }),
  }),
  fixture({
    template: '/corpus/noise/epoch-s/:id', kind: 'epoch s now', noise: ['$.generatedAt'],
    handle: (s, req) => json({ ...basics(idParam(req)), generatedAt: Math.floor(s.tick('epoch-s') / 1000) }),
  }),
  fixture({
    template: '/corpus/noise/http-date/:id', kind: 'RFC 1123 date in body', noise: ['$.asOf'],
    handle: (s, req) => json({ ...basics(idParam(req)), price: money(product(idParam(req)).priceCents), asOf: new Date(s.tick('http-date')).toUTCString() }),
  }),
  fixture({
    template: '/corpus/noise/request-id/:id', ids: 'uuid', kind: 'request id (uuid) per response', noise: ['$.requestId'],
    handle: (s, req) => json({ id: req.params[0], status: 'ok', requestId: s.uuid() }),
  }),
  fixture({
    template: '/corpus/noise/nonce/:id', kind: 'random hex nonce', noise: ['$.nonce'],
    handle: (s, req) => json({ ...basics(idParam(req)), nonce: s.fresh('nonce', () => s.hex(16)) }),
  }),
  fixture({
    template: '/corpus/noise/views/:id', kind: 'incrementing counter (views)', noise: ['$.views'],
    handle: (s, req) => json({ ...basics(idParam(req)), views: s.next(`views:${idParam(req)}`) }),
  }),
  fixture({
    template: '/corpus/noise/latency/:id', kind: 'latency / duration ms (nested)', noise: ['$.meta.durationMs', '$.meta.db.queryMs'],
    handle: (s, req) => json({
      data: basics(idParam(req)),
      meta: { durationMs: s.fresh('latency', () => s.int(5, 900) / 10), db: { queries: 3, queryMs: s.fresh('query', () => s.int(1, 400) / 10) } },
    }),
  }),
  fixture({
    template: '/corpus/noise/related/:id', kind: 'set-like array of ids in random order', noise: ['$.relatedIds[*]'],
    handle: (s, req) => {
      const id = idParam(req);
      return json({ id, relatedIds: s.shuffled(`related:${id}`, [1, 2, 3, 4, 5, 6, 7, 8].map((k) => id * 10 + k)) });
    },
  }),
  fixture({
    template: '/corpus/noise/teams/:id', kind: 'set-like array of objects in random order', noise: ['$.members[*].id', '$.members[*].name'],
    handle: (s, req) => {
      const id = idParam(req);
      const members = [1, 2, 3, 4, 5].map((k) => ({ id: id * 100 + k, name: `${['Ada', 'Bram', 'Chloe', 'Dmitri', 'Elif'][k - 1]} (team ${id})` }));
      return json({ teamId: id, members: s.shuffled(`team:${id}`, members) });
    },
  }),
  fixture({
    template: '/corpus/noise/exports/:id', kind: 'CSV export whose rows come in any order (a query without ORDER BY)', noise: ['text#order'],
    handle: (s, req) => {
      const id = idParam(req);
      const rows = [1, 2, 3, 4, 5].map((k) => `${id * 10 + k},${['Ada', 'Bram', 'Chloe', 'Dmitri', 'Elif'][k - 1]},${money(990 * k)}`);
      return raw(['id,name,balance', ...s.shuffled(`export-rows:${id}`, rows), ''].join('\n'), 'text/csv; charset=utf-8');
    },
  }),
  fixture({
    template: '/corpus/noise/served-by/:id', kind: 'serving host and pid', noise: ['$.servedBy.host', '$.servedBy.pid'],
    handle: (s, req) => json({ ...basics(idParam(req)), servedBy: s.host('served-by') }),
  }),
  fixture({
    template: '/corpus/noise/cached/:id', kind: 'jittered cache-control max-age header', noise: ['headers.cache-control'],
    handle: (s, req) => json(basics(idParam(req)), { headers: { 'cache-control': `public, max-age=${s.fresh('max-age', () => s.int(240, 359))}` } }),
  }),
  fixture({
    template: '/corpus/noise/token/:id', kind: 'JWT issued per request', noise: ['$.token'],
    handle: (s, req) => {
      const iat = Math.floor(s.tick('token') / 1000);
      return json({ userId: idParam(req), token: s.jwt({ sub: `user-${idParam(req)}`, scope: 'catalog:read', iat, exp: iat + 900, jti: s.uuid() }) });
    },
  }),
  fixture({
    template: '/corpus/noise/feed', kind: 'random pagination cursor', noise: ['$.page.nextCursor'], query: (i) => `limit=${3 + (i % 3)}`,
    handle: (s, req) => {
      const limit = Number(req.query.get('limit') ?? '3');
      const items = Array.from({ length: limit }, (_, k) => basics(k + 1));
      return json({ items, page: { limit, nextCursor: s.fresh('cursor', () => s.bytes(12).toString('base64url')) } });
    },
  }),
  fixture({
    template: '/corpus/noise/stock/:id', kind: 'noisy field in an array of objects', noise: ['$.items[*].fetchedAt'],
    handle: (s, req) => {
      const id = idParam(req);
      const now = s.tick('stock');
      const items = ['AMS-1', 'FRA-2', 'DUB-1'].map((warehouse, k) => ({ warehouse, onHand: (id * (k + 3)) % 17, fetchedAt: iso(now + 4 * k) }));
      return json({ sku: product(id).sku, items });
    },
  }),
  fixture({
    template: '/corpus/noise/reports/:id', kind: 'HTML with a "generated at" line', noise: ['text[*]'],
    handle: (s, req) => {
      const o = order(idParam(req));
      return html(['<!doctype html>', '<html>', `<head><title>Order ${o.number}</title></head>`, '<body>', `<h1>Order ${o.number}</h1>`,
        ...o.lines.map((l) => `<p>${l.qty} x ${l.name} at ${l.unitPrice}</p>`), `<p class="meta">Generated at ${iso(s.tick('reports'))}</p>`, '</body>', '</html>', ''].join('\n'));
    },
  }),
  fixture({
    template: '/corpus/noise/metrics', kind: 'plain text with uptime and request counter', noise: ['text[*]'],
    handle: (s) => text(['# TYPE process_uptime_seconds gauge', `process_uptime_seconds ${((s.tick('metrics') - s.startedAt) / 1000).toFixed(3)}`,
      '# TYPE http_requests_total counter', `http_requests_total ${s.next('metrics')}`, ''].join('\n')),
  }),
  fixture({
    template: '/corpus/noise/forms/:id', kind: 'CSRF token rotated per response (cookie and body)', noise: ['cookies.csrf', '$.csrfToken'],
    handle: (s, req) => {
      const token = s.fresh('csrf', () => s.hex(20));
      return json({ formId: idParam(req), csrfToken: token }, { headers: { 'set-cookie': [`csrf=${token}; Path=/; SameSite=Strict`] } });
    },
  }),
  fixture({
    template: '/corpus/noise/health', kind: 'health check: time, uptime, instance',
    noise: ['$.checkedAt', '$.uptimeSeconds', '$.instance'],
    handle: (s: SideState) => {
      const now = s.tick('health');
      return json({ status: 'UP', version: '4.2.0', checkedAt: iso(now), uptimeSeconds: (now - s.startedAt) / 1000, instance: s.host('health').host });
    },
  }),
];
