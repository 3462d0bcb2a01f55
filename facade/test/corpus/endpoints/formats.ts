// Answers in formats other than a JSON document or a page of tags, as legacy monoliths and their
// replacements send them: CSV written by Python's csv module (CRLF) against one written with LF,
// JSONP from two frameworks, a YAML document, and a server-rendered page that carries its data as
// JSON in a script element (Next.js's __NEXT_DATA__) beside a nonce that changes per answer; and
// ids and times each side generated, inside links, storage keys and messages.
import { createHash } from 'node:crypto';
import { money, order, product, user } from '../data';
import { fixture, html, idParam, json, raw, type CorpusFixture } from '../fixture';
import type { SideState } from '../side';

const onService = (s: SideState): boolean => s.name === 'service';

/** A product page rendered by Next.js: the markup, and its props as JSON (keys in the order `props` lists them). */
function nextPage(id: number, props: Record<string, unknown>, nonce: string): string {
  const p = product(id);
  const data = { props: { pageProps: props }, page: '/products/[id]', query: { id: String(id) }, buildId: 'b-2026-12', nonce };
  return ['<!DOCTYPE html><html><head><meta charSet="utf-8"/>', `<title>${p.name}</title></head><body>`,
    `<div id="__next"><h1>${p.name}</h1></div>`,
    `<script id="__NEXT_DATA__" type="application/json" nonce="${nonce}">${JSON.stringify(data)}</script>`, '</body></html>'].join('');
}

export const FORMATS: readonly CorpusFixture[] = [
  fixture({
    template: '/corpus/wire/csv-line-ends/:id', kind: 'CSV with CRLF line ends (Python csv) vs LF', rewritten: true,
    handle: (s, req) => {
      const o = order(idParam(req));
      const rows = ['sku,qty,unit_price', ...o.lines.map((l) => `${l.sku},${l.qty},${l.unitPrice}`)];
      return raw(onService(s) ? `${rows.join('\n')}\n` : `${rows.join('\r\n')}\r\n`, 'text/csv; charset=utf-8');
    },
  }),
  fixture({
    template: '/corpus/wire/jsonp/:id', kind: 'JSONP from another framework (guarded call, key order, spacing)', rewritten: true,
    query: () => 'callback=renderStock',
    handle: (s, req) => {
      const p = product(idParam(req));
      const cb = req.query.get('callback') ?? 'callback';
      return raw(onService(s)
        ? `${cb}(${JSON.stringify({ warehouse: p.warehouse, price: money(p.priceCents), sku: p.sku }, null, 1)});`
        : `/**/ typeof ${cb} === 'function' && ${cb}(${JSON.stringify({ sku: p.sku, price: money(p.priceCents), warehouse: p.warehouse })});`, 'application/javascript; charset=utf-8');
    },
  }),
  fixture({
    template: '/corpus/real/yaml/:id', kind: 'a YAML answer (application/yaml) with a quantity off by one', real: ['text[*]'],
    handle: (s, req) => {
      const o = order(idParam(req));
      const lines = ['order:', `  id: ${o.id}`, `  status: ${o.status}`, '  lines:', ...o.lines.flatMap((l, k) => [`    - sku: ${l.sku}`, `      qty: ${l.qty + (onService(s) && k === 0 ? 1 : 0)}`])];
      return raw(`${lines.join('\n')}\n`, 'application/yaml');
    },
  }),
  fixture({
    template: '/corpus/noise/next-data/:id', kind: 'a Next.js page: its JSON data in another key order, a nonce per answer', noise: ['text[*]'],
    handle: (s, req) => {
      const id = idParam(req);
      const p = product(id);
      const props = onService(s) ? { weightKg: p.weightKg, price: money(p.priceCents), name: p.name, sku: p.sku } : { sku: p.sku, name: p.name, price: money(p.priceCents), weightKg: p.weightKg };
      return html(nextPage(id, props, s.bytes(12).toString('base64')));
    },
  }),
  fixture({
    template: '/corpus/mixed/next-data-price/:id', kind: 'a price changed inside a Next.js page\'s JSON data, beside a nonce per answer',
    // the page's lines as the facade reads and names them (markup-lines.ts, markup-names.ts): the script's open tag, `$.nonce`, `$.props.pageProps.price`
    real: ['text["script#__NEXT_DATA__/$.props.pageProps.price"]'], noise: ['text["script#__NEXT_DATA__"]', 'text["script#__NEXT_DATA__/$.nonce"]'],
    note: 'the nonce makes the whole script element differ on every answer: the price must be found inside it',
    handle: (s, req) => {
      const id = idParam(req);
      const p = product(id);
      return html(nextPage(id, { sku: p.sku, name: p.name, price: money(p.priceCents + (onService(s) ? 1 : 0)), weightKg: p.weightKg }, s.bytes(12).toString('base64')));
    },
  }),
  fixture({
    template: '/corpus/generated/hal-links/:id', kind: 'HAL links, a storage key and a message around the uuid and time each side stored',
    generated: ['$.id', '$._links.self.href', '$._links.invoice.href', '$.avatarKey', '$.message'],
    handle: (s, req) => {
      const n = idParam(req);
      const id = s.stored(`hal:${n}`, () => s.uuid());
      const at = new Date(s.createdAt(`hal:${n}`, n * 3_600_000)).toISOString();
      return json({
        id, name: user(n).displayName, avatarKey: `avatars/${id}.png`, message: `Account ${id} opened at ${at}`,
        _links: { self: { href: `/customers/${id}` }, invoice: { href: `/customers/${id}/invoices?page=1` } },
      }, { headers: { 'content-type': 'application/hal+json' } });
    },
  }),
  fixture({
    template: '/corpus/generated/scoped-styles/:id', kind: 'a page whose styles each side\'s build scopes (Angular _ngcontent-ng-c…, CSS Modules, styled-components)',
    generated: ['text[*]'],
    handle: (s, req) => {
      const p = product(idParam(req));
      const ng = onService(s) ? '1850331273' : '2970624912';
      const mod = onService(s) ? 'pOqUc' : 'x3Yor';
      const sc = onService(s) ? 'sc-ivYIdB WuTHx0' : 'sc-I6cDeo pSGdiS';
      return html(`<!doctype html><html><head><style>.price[_ngcontent-ng-c${ng}]{font-weight:700}</style></head><body>`
        + `<app-product _nghost-ng-c${ng}><h1 _ngcontent-ng-c${ng} class="ProductCard_title__${mod}">${p.name}</h1>`
        + `<p _ngcontent-ng-c${ng} class="price ${sc}">${money(p.priceCents)}</p></app-product></body></html>`);
    },
  }),
  fixture({
    template: '/corpus/generated/asset-versions/:id', kind: 'a page naming its build\'s assets by digest: AEM clientlibs, Laravel Mix ?id=, Drupal aggregates',
    generated: ['text[*]'],
    handle: (s, req) => {
      const p = product(idParam(req));
      const md5 = (what: string): string => createHash('md5').update(`${s.name}:${what}`).digest('hex');
      const b64 = createHash('sha256').update(`${s.name}:drupal`).digest('base64url').slice(0, 43);
      return html(`<!doctype html><html><head><link href="/etc.clientlibs/shop/clientlibs/clientlib-site.lc-${md5('aem')}-lc.min.css" rel="stylesheet">`
        + `<script defer src="/js/app.js?id=${md5('mix')}"></script><link href="/sites/default/files/css/css_${b64}.css" rel="stylesheet"></head>`
        + `<body><h1>${p.name}</h1><p class="price">${money(p.priceCents)}</p></body></html>`);
    },
  }),
];
