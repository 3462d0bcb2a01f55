// Writes (POST/PUT): compared as second writes (the authoritative answer vs the second side's),
// never re-asked. A create answers with what each side made for itself (its id, its own time,
// a Location naming its id); some writes also differ for real (status, truncated street, total).
import { money, order } from '../data';
import { fixture, idParam, json, sampleId, type CorpusFixture, type CorpusRequest, type Reply } from '../fixture';
import type { SideState } from '../side';

const onService = (s: SideState): boolean => s.name === 'service';
const iso = (ms: number): string => new Date(ms).toISOString();

/** The request body's string fields, or a 400 answer naming the missing one. */
function strings(req: CorpusRequest, names: readonly string[]): Record<string, string> | Reply {
  const body = req.body;
  if (typeof body !== 'object' || body === null) return json({ error: 'bad_request', message: 'expected a JSON object body' }, { status: 400 });
  const out: Record<string, string> = {};
  for (const name of names) {
    const v = (body as Record<string, unknown>)[name];
    if (typeof v !== 'string') return json({ error: 'bad_request', message: `body field "${name}" must be a string` }, { status: 400 });
    out[name] = v;
  }
  return out;
}
const isReply = (v: Record<string, string> | Reply): v is Reply => Buffer.isBuffer((v as Reply).body) && typeof (v as Reply).status === 'number';

export const WRITES: readonly CorpusFixture[] = [
  fixture({
    method: 'POST', template: '/corpus/writes/notes', kind: 'create: own id, createdAt and Location per side',
    generated: ['headers.location', '$.id', '$.createdAt'],
    body: (i) => ({ title: `Note ${i}`, text: `Remember to restock item ${sampleId(i)}.` }),
    handle: (s, req) => {
      const b = strings(req, ['title', 'text']);
      if (isReply(b)) return b;
      const id = s.uuid();
      return json({ id, title: b.title, text: b.text, createdAt: iso(s.wall()) }, { status: 201, headers: { location: `/corpus/writes/notes/${id}` } });
    },
  }),
  fixture({
    method: 'POST', template: '/corpus/writes/orders', kind: 'create: 201 vs 200 + own order id and time', real: ['status'],
    generated: ['$.orderId', '$.placedAt'],
    body: (i) => ({ cartId: String(sampleId(i)) }),
    handle: (s, req) => {
      const b = strings(req, ['cartId']);
      if (isReply(b)) return b;
      const now = s.wall();
      const o = order(Number(b.cartId));
      return json({ orderId: s.ulid(now), status: 'PLACED', total: o.totals.grandTotal, placedAt: iso(now) }, { status: onService(s) ? 200 : 201 });
    },
  }),
  fixture({
    method: 'PUT', template: '/corpus/writes/profiles/:id', kind: 'update echoing the stored profile',
    body: (i) => ({ displayName: `Reader ${sampleId(i)}`, bio: 'Likes long walks and short stack traces.' }),
    handle: (_s, req) => {
      const b = strings(req, ['displayName', 'bio']);
      if (isReply(b)) return b;
      return json({ id: idParam(req), displayName: b.displayName, bio: b.bio });
    },
  }),
  fixture({
    method: 'PUT', template: '/corpus/writes/addresses/:id', kind: 'update: street truncated to 30 characters', real: ['$.street'],
    body: (i) => ({ street: `${sampleId(i)} Burgemeester van Nispen van Sevenaerstraat`, city: 'Utrecht', zip: '3512 AB' }),
    handle: (s, req) => {
      const b = strings(req, ['street', 'city', 'zip']);
      if (isReply(b)) return b;
      return json({ id: idParam(req), street: onService(s) ? b.street!.slice(0, 30) : b.street, city: b.city, zip: b.zip });
    },
  }),
  fixture({
    method: 'POST', template: '/corpus/writes/login', kind: 'login: JWT with the same claims, own iat/exp/jti', generated: ['$.token', '$.expiresAt'],
    body: (i) => ({ username: `reader${sampleId(i)}`, password: 'correct horse battery staple' }),
    handle: (s, req) => {
      const b = strings(req, ['username', 'password']);
      if (isReply(b)) return b;
      const now = s.wall();
      const iat = Math.floor(now / 1000);
      return json({ token: s.jwt({ sub: b.username, roles: ['customer'], iat, exp: iat + 3600, jti: s.uuid() }), expiresAt: iso(now + 3_600_000) });
    },
  }),
  fixture({
    method: 'POST', template: '/corpus/writes/events', kind: 'accepted event with a request id per response', noise: ['$.requestId'],
    body: (i) => ({ type: 'page.viewed', page: `/products/${sampleId(i)}` }),
    handle: (s, req) => {
      const b = strings(req, ['type', 'page']);
      if (isReply(b)) return b;
      return json({ accepted: true, type: b.type, requestId: s.uuid() }, { status: 202 });
    },
  }),
  fixture({
    method: 'PUT', template: '/corpus/writes/carts/:id', kind: 'update: wrong total + updatedAt per side', real: ['$.total'], generated: ['$.updatedAt'],
    body: (i) => ({ coupon: `SPRING${sampleId(i)}` }),
    handle: (s, req) => {
      const b = strings(req, ['coupon']);
      if (isReply(b)) return b;
      const o = order(idParam(req));
      const cents = Math.round(Number(o.totals.grandTotal) * 90);
      // the service applies the 10 % coupon before rounding each line, ending a cent lower
      return json({ cartId: o.id, coupon: b.coupon, total: money(onService(s) ? cents - 1 : cents), updatedAt: iso(s.wall()) });
    },
  }),
];
