// Kinds met in real APIs that the first corpus did not hold: clocks written by other runtimes
// (Python's time.time(), Go's UnixNano, SQL DATETIME, JavaScript's Date#toString), ids other
// runtimes mint (snowflakes, nanoids, prefixed ids), noise that only *sometimes* changes (a cache
// HIT/MISS, one of three hosts, a pick of recommendations), server-rendered pages with a CSP nonce
// and a form token; and the real differences that hide among such values: a stored time off by an
// hour, epoch seconds where milliseconds were, a date written day-first, a list order that matters.
import { money, order, product, user } from '../data';
import { fixture, html, idParam, json, raw, type CorpusFixture } from '../fixture';
import type { SideState } from '../side';

const onService = (s: SideState): boolean => s.name === 'service';
const HOUR = 3_600_000;
const basics = (id: number) => {
  const p = product(id);
  return { id, sku: p.sku, name: p.name };
};
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const sqlTime = (ms: number): string => {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
};
/** Python's datetime.isoformat() of an aware UTC time: microseconds and `+00:00`. */
const pythonIso = (ms: number, micros: number): string => `${new Date(ms).toISOString().slice(0, 19)}.${pad(micros, 6)}+00:00`;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const clock = (d: Date): string => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
/** `Sun, 06 Dec 2026 13:47:48 +0000`: RFC 2822 with a numeric zone. */
const rfc2822 = (ms: number): string => {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${clock(d)} +0000`;
};
/** `Sun Dec 06 2026 13:47:48 GMT+0000 (Coordinated Universal Time)`: Date#toString on a UTC host. */
const jsDateString = (ms: number): string => {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${d.getUTCFullYear()} ${clock(d)} GMT+0000 (Coordinated Universal Time)`;
};
const ALPHABET = '_-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const nanoid = (s: SideState): string => Array.from(s.bytes(21), (b) => ALPHABET[b & 63]).join('');
const base62 = (s: SideState, n: number): string => Array.from(s.bytes(n), (b) => ALPHABET[2 + (b % 62)]).join('');

/** A product page as an ERB template writes it (the monolith), and as a Jinja-style engine does (the service), `cents` off. */
function erbPage(id: number, cents: number): string {
  const p = product(id);
  return ['<!DOCTYPE html>', '<html>', '  <head>', `    <title>${p.name} &amp; more</title>`, '  </head>', '  <body>', '    <!-- products/show.html.erb -->',
    `    <form action="/cart" method="post" class="buy">`, `      <input type="hidden" name="sku" value="${p.sku}"/>`, '      <input type="checkbox" name="gift" checked="checked"><br/>',
    `      <p class="price">Price:   ${money(p.priceCents + cents)} &euro;`, '      <p>Caf&eacute; blend', '    </form>', '  </body>', '</html>', ''].join('\n');
}
function enginePage(id: number, cents: number): string {
  const p = product(id);
  return `<!doctype html><html><head><title>${p.name} &#38; more</title></head><body><form class=buy method='post' action='/cart'>`
    + `<input value='${p.sku}' name=sku type=hidden><input name=gift type=checkbox checked><br><p class=price>Price: ${money(p.priceCents + cents)} €</p>`
    + '<p>Café blend</p></form></body></html>\n';
}

const SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
/** A stock lookup answered by an ASMX service (the monolith) and by a JAX-WS one (the service), `off` units apart. */
function dotnetSoap(id: number): string {
  const p = product(id);
  return `<?xml version="1.0" encoding="utf-8"?>\n<soap:Envelope xmlns:soap="${SOAP}">\n  <soap:Body>\n    <GetStockResponse xmlns="urn:shop">\n`
    + `      <Item sku="${p.sku}" warehouse="AMS-1">\n        <Name><![CDATA[${p.name} & co]]></Name>\n        <OnHand>${(id * 7) % 23}</OnHand>\n        <Backorder/>\n      </Item>\n`
    + '    </GetStockResponse>\n  </soap:Body>\n</soap:Envelope>\n';
}
function javaSoap(id: number, off: number): string {
  const p = product(id);
  return `<S:Envelope xmlns:S='${SOAP}'><S:Body><ns2:GetStockResponse xmlns:ns2='urn:shop'><ns2:Item warehouse='AMS-1' sku='${p.sku}'>`
    + `<ns2:Name>${p.name.replace(/&/g, '&amp;')} &amp; co</ns2:Name><ns2:OnHand>${(id * 7) % 23 + off}</ns2:OnHand><ns2:Backorder></ns2:Backorder></ns2:Item>`
    + '</ns2:GetStockResponse></S:Body></S:Envelope>';
}

export const WILD: readonly CorpusFixture[] = [
  // Noise written by other runtimes' clocks and id generators.
  fixture({
    template: '/corpus/noise/py-clock/:id', kind: "Python time.time() float seconds", noise: ['$.fetched'],
    handle: (s, req) => json({ ...basics(idParam(req)), fetched: s.tick('py-clock') / 1000 + s.int(1, 999) / 1e6 }),
  }),
  fixture({
    template: '/corpus/noise/go-nanos/:id', kind: 'Go UnixNano (19 digits, beyond 2^53)', noise: ['$.observedAt'],
    handle: (s, req) => raw(`{"id":${idParam(req)},"observedAt":${s.tick('go-nanos')}${pad(s.int(0, 999_999), 6)},"ok":true}`, 'application/json'),
  }),
  fixture({
    template: '/corpus/noise/sql-clock/:id', kind: 'SQL DATETIME now ("2026-12-06 13:47:48")', noise: ['$.refreshedAt'],
    handle: (s, req) => json({ ...basics(idParam(req)), stock: (idParam(req) * 7) % 23, refreshedAt: sqlTime(s.tick('sql-clock')) }),
  }),
  fixture({
    template: '/corpus/noise/py-iso/:id', kind: 'Python isoformat() now (microseconds, +00:00)', noise: ['$.meta.generated_at'],
    handle: (s, req) => json({ data: basics(idParam(req)), meta: { generated_at: pythonIso(s.tick('py-iso'), s.int(0, 999_999)), api_version: '2' } }),
  }),
  fixture({
    template: '/corpus/noise/js-date/:id', kind: 'JavaScript Date#toString() now', noise: ['$.renderedAt'],
    handle: (s, req) => json({ ...basics(idParam(req)), renderedAt: jsDateString(s.tick('js-date')) }),
  }),
  fixture({
    template: '/corpus/noise/snowflake/:id', kind: 'snowflake request id (time-ordered 64-bit, as a string)', noise: ['$.traceId'],
    handle: (s, req) => json({ ...basics(idParam(req)), traceId: String((BigInt(s.tick('snowflake') - 1_288_834_974_657) << 22n) | BigInt(s.int(0, 4_194_303))) }),
  }),
  fixture({
    template: '/corpus/noise/nanoid/:id', kind: 'nanoid per answer', noise: ['$.correlationId'],
    handle: (s, req) => json({ ...basics(idParam(req)), correlationId: nanoid(s) }),
  }),
  fixture({
    template: '/corpus/noise/prefixed-id/:id', kind: 'Stripe-style prefixed request id (req_…)', noise: ['$.request.id'],
    handle: (s, req) => json({ object: 'product', ...basics(idParam(req)), request: { id: `req_${base62(s, 14)}`, idempotency_key: null } }),
  }),
  // Noise that only sometimes changes: the same value twice in a row is common.
  fixture({
    template: '/corpus/noise/cache-status/:id', repeats: true, kind: 'cache HIT / MISS, random per answer (repeats often)', noise: ['$.cache'],
    handle: (s, req) => json({ ...basics(idParam(req)), cache: s.random() < 0.5 ? 'HIT' : 'MISS' }),
  }),
  // Skewed: the common value repeats most of the time, so the primary asked again rarely disagrees.
  fixture({
    template: '/corpus/noise/cache-mostly-hit/:id', repeats: true, kind: 'cache HIT 90 % / MISS 10 % per answer', noise: ['$.cache'],
    handle: (s, req) => json({ ...basics(idParam(req)), cache: s.random() < 0.9 ? 'HIT' : 'MISS' }),
  }),
  fixture({
    template: '/corpus/noise/stale-read/:id', repeats: true, kind: 'served stale from a lagging replica 15 % of the time (a flag and an older stock)',
    noise: ['$.stale', '$.stock'],
    handle: (s, req) => {
      const id = idParam(req);
      const stale = s.random() < 0.15;
      return json({ ...basics(id), stock: 40 + (id % 7) + (stale ? 1 : 0), stale });
    },
  }),
  fixture({
    template: '/corpus/noise/experiment/:id', repeats: true, kind: 'A/B bucket drawn per answer, control 80 % / treatment 20 %', noise: ['$.experiment.bucket'],
    handle: (s, req) => json({ ...basics(idParam(req)), experiment: { name: 'checkout-v2', bucket: s.random() < 0.8 ? 'control' : 'treatment' } }),
  }),
  fixture({
    template: '/corpus/noise/region/:id', repeats: true, kind: 'one of three regions served it, repeats allowed', noise: ['$.servedFrom'],
    handle: (s, req) => json({ ...basics(idParam(req)), servedFrom: ['eu-west-1', 'eu-central-1', 'us-east-1'][s.int(0, 2)] }),
  }),
  fixture({
    template: '/corpus/noise/pod/:id', repeats: true, kind: 'the instance that served it: one of the side\'s own (3 vs 2), repeats allowed', noise: ['$.instance'],
    handle: (s, req) => json({ ...basics(idParam(req)), instance: s.profile.hosts[s.int(0, s.profile.hosts.length - 1)] }),
  }),
  fixture({
    template: '/corpus/noise/picks/:id', kind: 'three recommendations drawn at random per answer', noise: ['$.recommended[*]'],
    handle: (s, req) => {
      const id = idParam(req);
      const pool = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => id * 10 + k);
      const picks = s.fresh(`picks:${id}`, () => [...pool].sort(() => s.random() - 0.5).slice(0, 3));
      return json({ ...basics(id), recommended: picks });
    },
  }),
  fixture({
    template: '/corpus/noise/rails-page/:id', kind: 'server-rendered page: CSP nonce and authenticity token per answer', noise: ['text[*]'],
    handle: (s, req) => {
      const p = product(idParam(req));
      const nonce = s.bytes(16).toString('base64');
      const token = s.bytes(32).toString('base64');
      return html(['<!DOCTYPE html>', '<html>', '<head>', `  <title>${p.name}</title>`, `  <meta name="csrf-token" content="${token}" />`,
        `  <script nonce="${nonce}">window.product = ${JSON.stringify({ sku: p.sku })};</script>`, '</head>', '<body>', `  <h1>${p.name}</h1>`,
        `  <form action="/cart" method="post"><input type="hidden" name="authenticity_token" value="${token}" autocomplete="off" />`,
        `  <input type="hidden" name="sku" value="${p.sku}" /><button>Add for ${money(p.priceCents)}</button></form>`, '</body>', '</html>', ''].join('\n'),
      { headers: { 'content-security-policy': `script-src 'nonce-${nonce}'` } });
    },
  }),
  fixture({
    template: '/corpus/noise/rate-limit/:id', kind: 'rate-limit budget counting down in the body', noise: ['$.rateLimit.remaining', '$.rateLimit.reset'],
    handle: (s, req) => json({ ...basics(idParam(req)), rateLimit: { limit: 5000, remaining: 5000 - s.next('rate-limit') % 5000, reset: Math.floor(s.tick('rate-limit') / 1000) + 3600 } }),
  }),
  fixture({
    template: '/corpus/noise/csv/:id', kind: 'CSV export with an "exported at" comment line', noise: ['text[*]'],
    handle: (s, req) => {
      const o = order(idParam(req));
      return raw([`# exported ${new Date(s.tick('csv')).toISOString()}`, 'sku,qty,unit_price', ...o.lines.map((l) => `${l.sku},${l.qty},${l.unitPrice}`), ''].join('\n'), 'text/csv; charset=utf-8');
    },
  }),
  fixture({
    template: '/corpus/wire/instants/:id', kind: 'the same instants spelled by another runtime (.000Z vs Z, +00:00, microseconds)', rewritten: true,
    handle: (s, req) => {
      const at = Date.UTC(2026, 10, 1 + (idParam(req) % 20), 9, 30, 15, 250);
      const whole = Date.UTC(2026, 10, 1 + (idParam(req) % 20), 8);
      return json(onService(s)
        ? { orderId: idParam(req), placedAt: pythonIso(at, 250_000), shippedAt: new Date(whole).toISOString().replace('.000Z', 'Z') }
        : { orderId: idParam(req), placedAt: new Date(at).toISOString(), shippedAt: new Date(whole).toISOString() });
    },
  }),
  // Server-rendered pages from another template engine: the same page to a browser.
  fixture({
    template: '/corpus/wire/html-engine/:id', kind: 'the same page from another template engine (indentation, attribute order and quotes, entities, <br/>, implied end tags, comments)', rewritten: true,
    handle: (s, req) => html(onService(s) ? enginePage(idParam(req), 0) : erbPage(idParam(req), 0)),
  }),
  fixture({
    template: '/corpus/real/html-engine-price/:id', kind: 'a price changed on a page another template engine renders', real: ['text[*]'],
    handle: (s, req) => html(onService(s) ? enginePage(idParam(req), 1) : erbPage(idParam(req), 0)),
  }),
  fixture({
    template: '/corpus/wire/soap/:id', kind: 'a SOAP answer from another XML serializer (declaration, namespace prefixes, quotes, attribute order, CDATA, <a/>)', rewritten: true,
    handle: (s, req) => raw(onService(s) ? javaSoap(idParam(req), 0) : dotnetSoap(idParam(req)), 'text/xml; charset=utf-8'),
  }),
  fixture({
    template: '/corpus/real/soap-stock/:id', kind: 'a stock level off by one in a SOAP answer from another serializer', real: ['text[*]'],
    handle: (s, req) => raw(onService(s) ? javaSoap(idParam(req), -1) : dotnetSoap(idParam(req)), 'text/xml; charset=utf-8'),
  }),
  // Generated per side in other formats.
  fixture({
    template: '/corpus/generated/sql-stamps/:id', kind: 'SQL DATETIME created_at stamped by each side', generated: ['$.created_at'],
    handle: (s, req) => {
      const id = idParam(req);
      return json({ id, email: user(id).email, created_at: sqlTime(s.createdAt(`sql-stamp:${id}`, id * HOUR)) });
    },
  }),
  fixture({
    template: '/corpus/generated/mail-stamps/:id', kind: 'RFC 2822 received_at (Python email.utils, Ruby rfc2822) stamped by each side', generated: ['$.received_at'],
    handle: (s, req) => {
      const id = idParam(req);
      return json({ id, subject: `Order ${id} shipped`, received_at: rfc2822(s.createdAt(`mail:${id}`, id * HOUR)) });
    },
  }),
  fixture({
    template: '/corpus/generated/js-stamps/:id', kind: 'JavaScript Date#toString() createdAt stamped by each side', generated: ['$.createdAt'],
    handle: (s, req) => {
      const id = idParam(req);
      return json({ id, note: `restock ${product(id).sku}`, createdAt: jsDateString(s.createdAt(`js-stamp:${id}`, id * HOUR)) });
    },
  }),
  // Real differences that hide among such values.
  fixture({
    template: '/corpus/real/shipped-at/:id', kind: 'a stored time an hour off (local time written as UTC)', real: ['$.shippedAt'],
    note: 'the same record on both sides; the service converts Europe/Amsterdam wall time as if it were UTC',
    handle: (s, req) => {
      const id = idParam(req);
      const at = Date.UTC(2026, 10, 1 + (id % 20), 9, 30) + (onService(s) ? HOUR : 0);
      return json({ orderId: id, status: 'shipped', shippedAt: new Date(at).toISOString() });
    },
  }),
  fixture({
    template: '/corpus/real/epoch-unit/:id', kind: 'epoch seconds where the monolith sends milliseconds', real: ['$.paidAt'],
    handle: (s, req) => {
      const at = Date.UTC(2026, 9, 1 + (idParam(req) % 25), 12, 0, 7);
      return json({ invoiceId: idParam(req), paidAt: onService(s) ? at / 1000 : at });
    },
  }),
  fixture({
    template: '/corpus/real/date-format/:id', kind: 'a date written day-first ("06/12/2026" vs "2026-12-06")', real: ['$.deliveryDate'],
    handle: (s, req) => {
      const d = new Date(Date.UTC(2026, 11, 1 + (idParam(req) % 28)));
      const ymd = d.toISOString().slice(0, 10);
      return json({ orderId: idParam(req), deliveryDate: onService(s) ? `${ymd.slice(8, 10)}/${ymd.slice(5, 7)}/${ymd.slice(0, 4)}` : ymd });
    },
  }),
  fixture({
    template: '/corpus/real/history/:id', kind: 'events newest-first on the monolith, oldest-first on the service', real: ['$.events[*].at', '$.events[*].type'],
    handle: (s, req) => {
      const id = idParam(req);
      const events = ['created', 'paid', 'packed', 'shipped'].map((type, k) => ({ type, at: new Date(Date.UTC(2026, 10, 1 + (id % 20), 8 + k)).toISOString() }));
      return json({ orderId: id, events: onService(s) ? events : [...events].reverse() });
    },
  }),
  fixture({
    template: '/corpus/real/rounding/:id', partial: true, kind: 'half-up vs banker\'s rounding of a tax amount', real: ['$.tax'],
    note: 'tax = 21 % of a price ending in 5 tenths of a cent: 2.625 -> "2.63" (monolith) vs "2.62" (service)',
    handle: (s, req) => {
      const id = idParam(req);
      const cents = 1250 + 100 * (id % 7); // 21 % of x.50 ends in .5 of a cent
      const exact = cents * 21; // in hundredths of a cent
      const down = Math.floor(exact / 100);
      const tax = onService(s) && down % 2 === 0 ? down : down + 1;
      return json({ id, net: money(cents), taxRate: '0.21', tax: money(tax) });
    },
  }),
  fixture({
    template: '/corpus/mixed/shipments/:id', partial: true, kind: 'wrong carrier + Python isoformat now + nanoid', real: ['$.carrier'], noise: ['$.checkedAt', '$.traceId'],
    handle: (s, req) => {
      const id = idParam(req);
      return json({ shipmentId: id, carrier: onService(s) && id % 2 === 0 ? 'UPS' : 'DHL', checkedAt: pythonIso(s.tick('mixed-shipments'), s.int(0, 999_999)), traceId: nanoid(s) });
    },
  }),
  fixture({
    template: '/corpus/mixed/listing/:id', repeats: true, kind: 'a missing item beside a random cache status and recommendations', real: ['$.items[*]'], noise: ['$.cache', '$.recommended[*]'],
    handle: (s, req) => {
      const id = idParam(req);
      const items = [1, 2, 3, 4, 5].map((k) => id * 100 + k);
      const picks = s.fresh(`listing-picks:${id}`, () => [1, 2, 3, 4, 5, 6].map((k) => id * 1000 + k).sort(() => s.random() - 0.5).slice(0, 2));
      return json({ listingId: id, items: onService(s) ? items.slice(0, 4) : items, cache: s.random() < 0.5 ? 'HIT' : 'MISS', recommended: picks });
    },
  }),
];
