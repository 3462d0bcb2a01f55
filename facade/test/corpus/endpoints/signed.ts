// Kinds from the third round: values a side signs, stamps or counts for itself (a signed link, a
// CSRF token, a cursor, a metrics page, a health check's uptime, the build it runs), and the real
// differences that hide in or beside them: a field the service never sends (its value random on the
// primary), a link to the wrong file under a fresh signature, a page size changed next to a cursor,
// a page without its CSRF meta element among lines that each carry a nonce, a renamed metric label.
import { product } from '../data';
import { fixture, html, idParam, json, raw, sampleId, type CorpusFixture } from '../fixture';
import type { SideState } from '../side';

const onService = (s: SideState): boolean => s.name === 'service';
const METRICS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const b64 = (s: SideState, n: number): string => s.bytes(n).toString('base64');
const b64u = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const pad = (n: number): string => String(n).padStart(2, '0');
/** `20261206-232529`: a file name's stamp. */
const stamp = (ms: number): string => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
};

/** An Azure-style SAS link: start and expiry times and a signature, new on every answer. */
function signedLink(s: SideState, key: string, file: string): string {
  const now = s.tick(key);
  const q = `sv=2022-11-02&st=${encodeURIComponent(new Date(now - 300_000).toISOString().slice(0, 19))}Z&se=${encodeURIComponent(new Date(now + 3_600_000).toISOString().slice(0, 19))}Z&sr=b&sp=r`;
  return `https://files.shop.example/invoices/${file}?${q}&sig=${encodeURIComponent(b64(s, 32))}`;
}

/** A page whose head carries a CSP nonce on each script and style, and a CSRF meta element (unless `csrf` is false). */
function noncePage(s: SideState, id: number, csrf: boolean): string {
  const nonce = b64(s, 16);
  const p = product(id);
  return ['<!doctype html>', '<html>', '<head>', `<title>${p.name}</title>`,
    `<link rel="stylesheet" nonce="${nonce}" href="/assets/app.css">`,
    ...(csrf ? [`<meta name="csrf-token" content="${b64(s, 32)}">`] : []),
    `<script nonce="${nonce}" src="/assets/app.js"></script>`,
    `<script nonce="${nonce}">window.shop = { sku: "${p.sku}" };</script>`,
    '</head>', '<body>', `<h1>${p.name}</h1>`, '</body>', '</html>', ''].join('\n');
}

/** A Prometheus metrics page: the process's own start time and counters; `label` names the status label. */
function metricsPage(s: SideState, label: string): string {
  const served = s.next('prom');
  return ['# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.', '# TYPE process_start_time_seconds gauge',
    `process_start_time_seconds ${((s.startedAt - (onService(s) ? 0 : 86_400_000)) / 1000).toFixed(2)}`, // the monolith has run a day longer
    '# HELP http_requests_total Requests served.', '# TYPE http_requests_total counter',
    `http_requests_total{${label}="200",method="get"} ${served}`, `http_requests_total{${label}="404",method="get"} ${Math.floor(served / 7)}`,
    '# HELP nodejs_heap_size_used_bytes Heap used.', '# TYPE nodejs_heap_size_used_bytes gauge', `nodejs_heap_size_used_bytes ${20_000_000 + s.int(0, 999_999)}`, ''].join('\n');
}

const b64url = (s: SideState, n: number): string => s.bytes(n).toString('base64url');
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const base62id = (s: SideState, n: number): string => Array.from(s.bytes(n), (x) => BASE62[x % 62]).join('');

/** The refresh token a client holds for sample `i`: the same on both sides (issued before the migration). */
const heldRefresh = (i: number): string => Buffer.from(`refresh-held-by-client-${sampleId(i)}-0000`).toString('base64url');

export const SIGNED: readonly CorpusFixture[] = [
  fixture({
    method: 'POST', template: '/corpus/writes/oauth/token', kind: 'an OAuth token grant: each side mints its own access and refresh token',
    generated: ['$.access_token', '$.refresh_token'],
    body: (i) => ({ grant_type: 'password', username: `user${sampleId(i)}`, password: 'x', client_id: 'shop-web' }),
    handle: (s) => json({ access_token: b64url(s, 24), token_type: 'Bearer', expires_in: 3600, refresh_token: b64url(s, 24), scope: 'orders:read' }),
  }),
  fixture({
    method: 'POST', template: '/corpus/writes/charges', kind: 'a Stripe-style create: the charge and balance transaction ids each side mints, and a receipt link naming them',
    generated: ['$.id', '$.balance_transaction', '$.receipt_url'],
    body: (i) => ({ amount: 1250 + sampleId(i), currency: 'eur', customer: 'cus_N8aQwErTyUiOp' }),
    handle: (s, req) => {
      const b = req.body as Record<string, unknown> | null;
      const id = `ch_3${base62id(s, 23)}`;
      return json({ id, object: 'charge', amount: b?.amount ?? 0, currency: b?.currency ?? 'eur', customer: b?.customer ?? null,
        balance_transaction: `txn_3${base62id(s, 23)}`, receipt_url: `https://pay.shop.example/receipts/acct_1Mq2aBcDeFgHiJkL/${id}/rcpt_${base62id(s, 32)}` }, { status: 200 });
    },
  }),
  fixture({
    method: 'POST', template: '/corpus/writes/customers/upsert', kind: 'an upsert answering the customer it found: the service finds another one (ids alike in shape, stable per side)',
    real: ['$.id'],
    note: 'an id in a write\'s answer that the primary gives the same every time is a record\'s, not one minted per answer',
    body: () => ({ email: 'jane@example.com', name: 'Jane' }),
    handle: (s) => json({ id: onService(s) ? 'cus_NffrFeUfNV2Hxc' : 'cus_NffrFeUfNV2Hib', object: 'customer', email: 'jane@example.com' }),
  }),
  fixture({
    method: 'POST', template: '/corpus/writes/oauth/refresh', kind: 'a refresh grant: the monolith keeps the refresh token the client sent, the service rotates it',
    real: ['$.refresh_token'], generated: ['$.access_token'],
    note: 'a token in a write\'s answer is each side\'s own, unless the primary answered the one the client sent',
    body: (i) => ({ grant_type: 'refresh_token', refresh_token: heldRefresh(i), client_id: 'shop-web' }),
    handle: (s, req) => {
      const sent = String((req.body as Record<string, unknown> | null)?.refresh_token ?? '');
      return json({ access_token: b64url(s, 24), token_type: 'Bearer', expires_in: 3600, refresh_token: onService(s) ? b64url(s, 30) : sent });
    },
  }),
  fixture({
    template: '/corpus/noise/prometheus/:id', kind: 'a Prometheus metrics page: the process\'s start time, counters and heap', noise: ['text[*]'],
    handle: (s) => raw(metricsPage(s, 'code'), METRICS_TYPE),
  }),
  fixture({
    template: '/corpus/noise/health-checks/:id', kind: 'health+json checks: the uptime check\'s observed value', noise: ['$.checks.uptime[*].observedValue'],
    handle: (s) => json({ status: 'pass', checks: { uptime: [{ componentType: 'system', observedValue: Number(((s.tick('health-checks') - s.startedAt) / 1000 + (onService(s) ? 7 : 259_200)).toFixed(3)), observedUnit: 's', status: 'pass' }] } }),
  }),
  fixture({
    template: '/corpus/noise/expvar/:id', kind: 'Go expvar memstats: each process\'s own collector counts', noise: ['$.memstats.NumGC', '$.memstats.PauseTotalNs'],
    handle: (s) => {
      const gcs = s.next('expvar') + (onService(s) ? 0 : 40);
      return json({ cmdline: ['/srv/shop'], memstats: { NumGC: gcs, PauseTotalNs: gcs * 120_000, Alloc: 4_194_304 } });
    },
  }),
  fixture({
    template: '/corpus/generated/build-info/:id', kind: 'the build each side runs (its own commit)', generated: ['$.build'],
    handle: (s) => json({ version: '3.2.0', build: onService(s) ? '9f8e7d6' : 'a1b2c3d' }),
  }),
  fixture({
    template: '/corpus/noise/export-name/:id', kind: 'a CSV export named with the time it was made (`orders-20261206-232529.csv`)', noise: ['headers.content-disposition'],
    handle: (s, req) => raw(`id,total\n${idParam(req)},12.50\n`, 'text/csv; charset=utf-8', { headers: { 'content-disposition': `attachment; filename="orders-${stamp(s.tick('export-name'))}.csv"` } }),
  }),
  fixture({
    template: '/corpus/real/csrf-missing/:id', kind: 'a field the service never sends, whose value is random on the primary (a CSRF token)', real: ['$.csrfToken'], changes: true,
    handle: (s, req) => json({ formId: idParam(req), ...(onService(s) ? {} : { csrfToken: s.fresh('csrf-missing', () => s.hex(20)) }) }),
  }),
  fixture({
    template: '/corpus/real/signed-link/:id', kind: 'a signed link to another file: the signature and times new on every answer', real: ['$.download'], changes: true,
    handle: (s, req) => {
      const id = idParam(req);
      return json({ invoice: id, download: signedLink(s, 'signed-link', `inv-${onService(s) ? id + 1 : id}.pdf`) });
    },
  }),
  fixture({
    template: '/corpus/real/page-size/:id', kind: 'a next link with a page size changed, beside a cursor stamped with its snapshot time', real: ['$.links.next'], changes: true,
    handle: (s, req) => {
      const cursor = b64u({ after: idParam(req) * 10, snapshot: s.tick('page-size') });
      return json({ data: [idParam(req)], links: { next: `/articles?page[cursor]=${cursor}&page[size]=${onService(s) ? 20 : 10}` } });
    },
  }),
  fixture({
    template: '/corpus/mixed/csrf-meta/:id', kind: 'a page without its CSRF meta element, among lines that each carry a CSP nonce',
    // the page's lines as the facade reads and names them (markup-lines.ts, markup-names.ts): the CSRF meta element (only the primary has it); the link and two scripts carry the nonce
    real: ['text["head/meta"]'], noise: ['text["head/link"]', 'text["head/script"]', 'text["head/script[2]"]'], changes: true,
    handle: (s, req) => html(noncePage(s, idParam(req), !onService(s))),
  }),
  fixture({
    template: '/corpus/mixed/metric-label/:id', kind: 'a metrics page with a label renamed (`code` → `status`): dashboards that select `code` go dark',
    // 3 the process's start (its own, stable), 6 and 7 the renamed label's samples (counts move), 10 the heap
    real: ['text[6]', 'text[7]'], generated: ['text[3]'], noise: ['text[10]'], changes: true,
    handle: (s) => raw(metricsPage(s, onService(s) ? 'status' : 'code'), METRICS_TYPE),
  }),
  fixture({
    template: '/corpus/real/signed-order-link/:id', kind: 'a signed link to another order, named by a 13-digit id and a uuid, under a fresh signature', real: ['$.invoice.url', '$.avatarUrl'], changes: true,
    note: 'ids inside a string were set aside as times whatever their value: the primary\'s new signature hid the other order',
    handle: (s, req) => {
      const order = 5_123_456_789_000 + idParam(req);
      const owner = ['3f2504e0-4f89-41d3-9a0c-0305e82c3301', '7c9e6679-7425-40de-944b-e07fc1f90ae7'][onService(s) ? 1 : 0];
      const expires = Math.floor(s.tick('signed-order') / 1000) + 300;
      return json({
        order: { id: order },
        invoice: { url: `https://cdn.shop.example/invoices/${onService(s) ? order + 1 : order}.pdf?Expires=${expires}&Signature=${b64(s, 96).replace(/\+/g, '-').replace(/\//g, '~')}&Key-Pair-Id=APKAEIBAERJR2EXAMPLE` },
        avatarUrl: `https://media.shop.example/users/${owner}/avatar.png?X-Amz-Expires=300&X-Amz-Signature=${s.hex(32)}`,
      });
    },
  }),
];
