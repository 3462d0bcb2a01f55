// Identical answers: both sides return the same status, compared headers and bytes, for every
// kind of body a real API serves (JSON object, list, nested, HTML, text, PNG, 204, 301, 304, HEAD).
import { corpusUuid, money, order, png, product, thumbnailColour, user } from '../data';
import { empty, fixture, html, idParam, json, raw, sampleId, text, type CorpusFixture } from '../fixture';

const etagOf = (id: number): string => `"p${id}-v3"`;

export const IDENTICAL: readonly CorpusFixture[] = [
  fixture({
    template: '/corpus/same/products/:id', kind: 'JSON object',
    handle: (_s, req) => {
      const p = product(idParam(req));
      return json({ id: p.id, sku: p.sku, name: p.name, price: money(p.priceCents), currency: p.currency }, { headers: { 'cache-control': 'public, max-age=60' } });
    },
  }),
  fixture({
    template: '/corpus/same/products', kind: 'JSON array (query string)', query: (i) => `page=${i % 10 + 1}&size=5`,
    handle: (_s, req) => {
      const page = Number(req.query.get('page') ?? '1');
      const ids = [1, 2, 3, 4, 5].map((k) => (page - 1) * 5 + k);
      return json(ids.map((id) => ({ id, sku: product(id).sku, name: product(id).name })));
    },
  }),
  fixture({
    template: '/corpus/same/orders/:id', kind: 'nested JSON',
    handle: (_s, req) => json(order(idParam(req))),
  }),
  fixture({
    template: '/corpus/same/users/:id', ids: 'uuid', kind: 'JSON with odd keys (uuid id)',
    handle: (_s, req) => {
      const u = user(Number.parseInt(req.params[0]!.slice(0, 6), 16) % 50 + 1);
      return json({ id: req.params[0], 'display name': u.displayName, 'e-mail': u.email, 'ünïcode ✓': 'naïve café', empty: {}, list: [] });
    },
  }),
  fixture({
    template: '/corpus/same/pages/about', kind: 'HTML page',
    handle: () => html(['<!doctype html>', '<html lang="en">', '<head><title>About the shop</title></head>', '<body>',
      '<h1>About us</h1>', '<p>Family-run since 1998, shipping from Amsterdam.</p>', '</body>', '</html>', ''].join('\n')),
  }),
  fixture({
    template: '/corpus/same/robots.txt', kind: 'plain text',
    handle: () => text('User-agent: *\nDisallow: /checkout\nDisallow: /account\nSitemap: /sitemap.xml\n'),
  }),
  fixture({
    template: '/corpus/same/images/:id', kind: 'binary image/png',
    handle: (_s, req) => raw(png(16, thumbnailColour(idParam(req))), 'image/png', { headers: { 'cache-control': 'public, max-age=86400, immutable' } }),
  }),
  fixture({
    template: '/corpus/same/ping', kind: '204 no content',
    handle: () => empty(204, { 'cache-control': 'no-store' }),
  }),
  fixture({
    template: '/corpus/same/legacy/products/:id', kind: '301 redirect with Location',
    handle: (_s, req) => empty(301, { location: `/corpus/same/products/${idParam(req)}`, 'content-length': '0' }),
  }),
  fixture({
    template: '/corpus/same/catalog/:id', kind: '304 not modified (If-None-Match)',
    requestHeaders: (i) => ({ 'if-none-match': etagOf(sampleId(i)) }),
    handle: (_s, req) => {
      const id = idParam(req);
      if (req.headers['if-none-match'] === etagOf(id)) return empty(304, { etag: etagOf(id), 'cache-control': 'private, max-age=0, must-revalidate' });
      return json(product(id), { headers: { etag: etagOf(id), 'cache-control': 'private, max-age=0, must-revalidate' } });
    },
  }),
  fixture({
    method: 'HEAD', template: '/corpus/same/products/:id', kind: 'HEAD (headers only)',
    handle: (_s, req) => ({ ...json(product(idParam(req))), body: Buffer.alloc(0) }),
  }),
  fixture({
    template: '/corpus/same/search', kind: 'JSON search results (no id segment)', query: (i) => `q=${['lamp', 'tent', 'mug', 'kite', 'atlas'][i % 5]}&page=${(i % 2) + 1}`,
    handle: (_s, req) => {
      const q = req.query.get('q') ?? '';
      const page = Number(req.query.get('page') ?? '1');
      const hits = [0, 1, 2].map((k) => product(q.length * 10 + page * 3 + k));
      return json({ query: q, page, hits: hits.map((p) => ({ id: p.id, name: p.name, ref: corpusUuid(p.id) })), total: 3 });
    },
  }),
];
